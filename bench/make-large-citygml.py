#!/usr/bin/env python3
"""Builds a large CityGML file by repeating the city objects of a real one.

    python3 bench/make-large-citygml.py ../shared/data/citygml/v1/denhaag_01.gml OUT.gml 22

Copy k (k >= 1) of every cityObjectMember gets its gml:ids and the references to them
(xlink:href="#..." and appearance targets "#...") suffixed with "_k", and is shifted by
k * 1000 m in x, so ids stay unique, links stay inside each copy and the copies do not
overlap. The result is written streaming; the input is read once per copy.
"""
import re
import sys

src, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, encoding="utf-8").read()
first = text.find("<cityObjectMember")
last = text.rfind("</cityObjectMember>") + len("</cityObjectMember>")
head, body, tail = text[:first], text[first:last], text[last:]
ID = re.compile(r'(gml:id="|href="#|<app:target>#)([^"<]+)')
POS = re.compile(r"(<gml:pos(?:List)?[^>]*>)([^<]+)(<)")


def shift(match, dx):
    values = match.group(2).split()
    dim = 3
    out = [
        repr(float(v) + dx) if i % dim == 0 else v for i, v in enumerate(values)
    ]
    return match.group(1) + " ".join(out) + match.group(3)


with open(out, "w", encoding="utf-8") as f:
    f.write(head)
    for k in range(copies):
        if k == 0:
            f.write(body)
            continue
        copy = ID.sub(lambda m: m.group(1) + m.group(2) + "_" + str(k), body)
        copy = POS.sub(lambda m: shift(m, 1000.0 * k), copy)
        f.write(copy)
    f.write(tail)

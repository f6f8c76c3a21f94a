//! The first pass: finds the root element and the byte span of each top-level member
//! (`cityObjectMember`, `appearanceMember`, `gml:boundedBy`...), without building anything.
//!
//! It looks only at markup: text (most of a CityGML file is coordinates) is skipped with
//! `memchr`, so the pass runs at several hundred MB/s and keeps one chunk in memory (or one
//! member, when a member is larger than a chunk).

use crate::dom::Namespaces;
use crate::error::{Error, Location, Result};
use memchr::memmem;
use std::io::Read;
use std::path::Path;

const CHUNK: usize = 4 << 20;

/// What a top-level member holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// `cityObjectMember`, `featureMember(s)`, `member`: city objects.
    CityObjects,
    /// `appearanceMember`: appearances that apply across the file.
    Appearance,
    /// The model's `gml:boundedBy` (its envelope and CRS).
    BoundedBy,
    /// `gml:name`, `gml:description` and anything else.
    Other,
}

/// One top-level member: its bytes are `start..end` of the file.
#[derive(Debug, Clone)]
pub struct Member {
    /// Offset of `<`.
    pub start: u64,
    /// Offset just past the closing `>`.
    pub end: u64,
    /// Line of `start` (1-based).
    pub line: u64,
    /// What it holds.
    pub kind: MemberKind,
    /// True when the text `ImplicitGeometry` occurs in it.
    pub has_implicit: bool,
}

/// The root element and the members.
#[derive(Debug, Default, Clone)]
pub struct Layout {
    /// Local name of the root element.
    pub root: String,
    /// Line of the root element.
    pub root_line: u64,
    /// Namespaces declared on the root element.
    pub namespaces: Namespaces,
    /// Namespace URI of the root element.
    pub root_uri: String,
}

struct Scanner<'r> {
    source: &'r mut dyn Read,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    base: u64,
    /// Newlines before `buf[counted]`.
    lines: u64,
    counted: usize,
    eof: bool,
}

impl Scanner<'_> {
    /// Drops `buf[..keep]` and appends the next chunk; false at the end of the input.
    fn refill(&mut self, keep: usize) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let keep = keep.min(self.buf.len());
        self.lines += count_lines(&self.buf[self.counted.min(keep)..keep]);
        self.counted = 0;
        self.buf.drain(..keep);
        self.base += keep as u64;
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let mut filled = old;
        while filled < self.buf.len() {
            let n = self.source.read(&mut self.buf[filled..])?;
            if n == 0 {
                self.eof = true;
                break;
            }
            filled += n;
        }
        self.buf.truncate(filled);
        Ok(filled > old)
    }

    fn line_at(&mut self, pos: usize) -> u64 {
        if pos > self.counted {
            self.lines += count_lines(&self.buf[self.counted..pos]);
            self.counted = pos;
        }
        self.lines + 1
    }
}

/// Newlines in `bytes`.
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The end (one past `>`) of the markup starting at `buf[p] == '<'`, or None if the buffer
/// ends first.
fn markup_end(buf: &[u8], p: usize) -> Option<usize> {
    let rest = &buf[p..];
    if rest.starts_with(b"<!--") {
        return memmem::find(&rest[4..], b"-->").map(|i| p + 4 + i + 3);
    }
    if rest.starts_with(b"<![CDATA[") {
        return memmem::find(&rest[9..], b"]]>").map(|i| p + 9 + i + 3);
    }
    if rest.starts_with(b"<?") {
        return memmem::find(&rest[2..], b"?>").map(|i| p + 2 + i + 2);
    }
    if rest.len() < 9 {
        return None;
    }
    let mut i = 1;
    loop {
        let j = memchr::memchr3(b'>', b'"', b'\'', &rest[i..])? + i;
        if rest[j] == b'>' {
            return Some(p + j + 1);
        }
        let close = memchr::memchr(rest[j], &rest[j + 1..])? + j + 1;
        i = close + 1;
    }
}

fn local_name(tag: &[u8]) -> &[u8] {
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
        .unwrap_or(tag.len());
    let name = &tag[..end];
    match memchr::memchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn member_kind(local: &[u8]) -> MemberKind {
    match local {
        b"cityObjectMember" | b"featureMember" | b"featureMembers" | b"member" => {
            MemberKind::CityObjects
        }
        b"appearanceMember" => MemberKind::Appearance,
        b"boundedBy" => MemberKind::BoundedBy,
        _ => MemberKind::Other,
    }
}

/// Reads the root start tag: its name, namespace declarations and own namespace.
fn read_root(tag: &[u8], layout: &mut Layout) -> std::result::Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(tag);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let qname = e.name().as_ref().to_string();
                let (prefix, local) = qname.split_once(':').unwrap_or(("", &qname));
                layout.root = local.to_string();
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| e.to_string())?;
                    let key = attr.key.as_ref().to_string();
                    let value = attr.value.to_string();
                    if key == "xmlns" {
                        layout.namespaces.bind("", &value);
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        layout.namespaces.bind(p, &value);
                    }
                }
                layout.root_uri = layout
                    .namespaces
                    .bindings
                    .iter()
                    .rev()
                    .find(|(p, _)| p == prefix)
                    .map(|(_, i)| layout.namespaces.uris[*i as usize].clone())
                    .unwrap_or_default();
                return Ok(());
            }
            quick_xml::events::Event::Eof => return Err("no root element".into()),
            _ => {}
        }
    }
}

/// Scans `source`, giving the root (name and namespaces, no members) to `on_root` as soon as it
/// is read and each member to `on_member` as soon as it ends.
pub fn scan_with(
    source: &mut dyn Read,
    path: &Path,
    on_root: &mut dyn FnMut(&Layout),
    on_member: &mut dyn FnMut(Member),
) -> Result<Layout> {
    let mut s = Scanner {
        source,
        buf: Vec::with_capacity(CHUNK * 2),
        base: 0,
        lines: 0,
        counted: 0,
        eof: false,
    };
    let io = |e| Error::io(path, e);
    let xml_error = |line: u64, message: &str| Error::Xml {
        path: path.to_path_buf(),
        location: Location {
            line: Some(line),
            ..Location::default()
        },
        message: message.to_string(),
    };
    let finder = memmem::Finder::new(b"ImplicitGeometry");
    let mut layout = Layout::default();
    let mut depth: u32 = 0;
    let mut seen_root = false;
    let mut root_closed = false;
    // The member being read: (start in buf, line).
    let mut member: Option<(usize, u64, MemberKind)> = None;
    let mut pos = 0usize;
    s.refill(0).map_err(io)?;
    loop {
        let Some(rel) = memchr::memchr(b'<', &s.buf[pos..]) else {
            if !seen_root || !root_closed {
                let text = &s.buf[pos..];
                if !seen_root && text.iter().any(|b| !b.is_ascii_whitespace()) {
                    let line = s.line_at(pos);
                    return Err(xml_error(line, "text before the root element"));
                }
            }
            let old_len = s.buf.len();
            let keep = member.map_or(old_len, |(m, _, _)| m);
            if !s.refill(keep).map_err(io)? {
                break;
            }
            if let Some((m, line, kind)) = member {
                member = Some((m - keep, line, kind));
            }
            pos = old_len - keep;
            continue;
        };
        let p = pos + rel;
        let Some(end) = markup_end(&s.buf, p) else {
            let keep = member.map_or(p, |(m, _, _)| m.min(p));
            let shift = keep;
            if !s.refill(keep).map_err(io)? {
                let line = s.line_at(p.min(s.buf.len()));
                return Err(xml_error(line, "unexpected end of input inside markup"));
            }
            if let Some((m, line, kind)) = member {
                member = Some((m - shift, line, kind));
            }
            pos = p - shift;
            continue;
        };
        pos = end;
        match s.buf.get(p + 1) {
            Some(b'!') | Some(b'?') => continue,
            Some(b'/') => {
                if depth == 0 {
                    let line = s.line_at(p);
                    return Err(xml_error(line, "closing tag without an open element"));
                }
                depth -= 1;
                if depth == 1 {
                    if let Some((m, line, kind)) = member.take() {
                        let has_implicit = finder.find(&s.buf[m..end]).is_some();
                        on_member(Member {
                            start: s.base + m as u64,
                            end: s.base + end as u64,
                            line,
                            kind,
                            has_implicit,
                        });
                    }
                } else if depth == 0 {
                    root_closed = true;
                }
            }
            _ => {
                let self_closing = end - p >= 2 && s.buf[end - 2] == b'/';
                match depth {
                    0 => {
                        if seen_root {
                            let line = s.line_at(p);
                            return Err(xml_error(line, "more than one root element"));
                        }
                        seen_root = true;
                        layout.root_line = s.line_at(p);
                        let tag = s.buf[p..end].to_vec();
                        read_root(&tag, &mut layout)
                            .map_err(|m| xml_error(layout.root_line, &m))?;
                        on_root(&layout);
                        if self_closing {
                            root_closed = true;
                            continue;
                        }
                    }
                    1 => {
                        let kind = member_kind(local_name(&s.buf[p + 1..end]));
                        let line = s.line_at(p);
                        if self_closing {
                            on_member(Member {
                                start: s.base + p as u64,
                                end: s.base + end as u64,
                                line,
                                kind,
                                has_implicit: false,
                            });
                            continue;
                        }
                        member = Some((p, line, kind));
                    }
                    _ => {}
                }
                if !self_closing {
                    depth += 1;
                }
            }
        }
    }
    if !seen_root {
        return Err(xml_error(1, "no root element (empty file?)"));
    }
    if depth != 0 || !root_closed {
        let line = s.lines + 1;
        return Err(xml_error(line, "the root element is not closed"));
    }
    Ok(layout)
}

//! A small read-only element tree of one top-level member, borrowing from its bytes.
//!
//! CityGML cannot be mapped element by element: a Solid's faces are often links to polygons
//! that follow it, and semantics come from the surrounding boundary surface. Each top-level
//! member (one city object with its parts) is therefore parsed into this tree first; names,
//! attribute values and text borrow from the member's bytes wherever no unescaping is needed.

use std::borrow::Cow;
use std::sync::Arc;

/// "No node" in the tree's links.
pub const NONE: u32 = u32::MAX;

/// Namespace URIs and the prefixes bound to them on the root element.
#[derive(Debug, Default, Clone)]
pub struct Namespaces {
    /// Namespace URIs, indexed by the nodes' `ns`.
    pub uris: Vec<String>,
    /// Prefix (empty for the default namespace) to URI index.
    pub bindings: Vec<(String, u16)>,
}

impl Namespaces {
    /// Binds `prefix` to `uri` (a later binding of the same prefix wins).
    pub fn bind(&mut self, prefix: &str, uri: &str) {
        let index = match self.uris.iter().position(|u| u == uri) {
            Some(i) => i as u16,
            None => {
                self.uris.push(uri.to_string());
                (self.uris.len() - 1) as u16
            }
        };
        self.bindings.retain(|(p, _)| p != prefix);
        self.bindings.push((prefix.to_string(), index));
    }

    fn lookup(&self, prefix: &str) -> Option<u16> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, i)| *i)
    }
}

/// One element.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The local name (`Polygon` for `gml:Polygon`).
    pub local: &'a str,
    /// The prefix as written (empty when none).
    pub prefix: &'a str,
    /// Index of the namespace URI ([`Dom::uri`]); `u16::MAX` when unbound.
    pub ns: u16,
    /// First of this element's attributes in [`Dom::attributes`].
    pub attr_start: u32,
    /// Number of attributes.
    pub attr_count: u32,
    /// Text content (concatenated, untrimmed).
    pub text: Cow<'a, str>,
    /// First child element.
    pub first_child: u32,
    /// Next sibling element.
    pub next_sibling: u32,
    /// One past the last node of this element's subtree (nodes are in document order).
    pub end: u32,
    /// Parent element (NONE for the member's root).
    pub parent: u32,
    /// Byte offset of the element in the member.
    pub offset: u32,
}

/// The element tree of one member.
#[derive(Debug)]
pub struct Dom<'a> {
    /// The member's bytes.
    pub input: &'a [u8],
    /// Elements in document order; node 0 is the member's own element.
    pub nodes: Vec<Node<'a>>,
    /// Attributes of all elements (local name, prefix, value), element by element.
    pub attributes: Vec<(&'a str, &'a str, Cow<'a, str>)>,
    /// The root's namespaces plus any declared inside the member.
    pub namespaces: Arc<Namespaces>,
    local_uris: Vec<String>,
}

/// A syntax error inside a member: byte offset within it and message.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// Byte offset in the member.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// `part` as a slice of `input` with `input`'s lifetime, when it points into it.
/// How deep elements may nest inside one member. Real city objects stay far below (a Building
/// with parts, rooms, openings and their geometry is some 30 levels); the recursive conversions
/// (geometry, attributes, JSON values) stay well inside their stack at this depth.
pub const MAX_DEPTH: usize = 256;

fn rebase_str<'a>(input: &'a [u8], part: &[u8]) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    std::str::from_utf8(input.get(start..end)?).ok()
}

fn split_name(name: &str) -> (&str, &str) {
    match name.split_once(':') {
        Some((prefix, local)) => (prefix, local),
        None => ("", name),
    }
}

/// Resolves the predefined entities and character references of an attribute value.
fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    match quick_xml::escape::unescape(raw) {
        Ok(s) => Cow::Owned(s.into_owned()),
        Err(_) => Cow::Borrowed(raw),
    }
}

impl<'a> Dom<'a> {
    /// Parses `input` (one element and its content); elements nested deeper than
    /// [`MAX_DEPTH`] are an error.
    pub fn parse(input: &'a [u8], namespaces: &Arc<Namespaces>) -> Result<Dom<'a>, SyntaxError> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_reader(input);
        reader.config_mut().check_end_names = true;
        let mut dom = Dom {
            input,
            nodes: Vec::with_capacity(input.len() / 64 + 4),
            attributes: Vec::with_capacity(input.len() / 256 + 4),
            namespaces: Arc::clone(namespaces),
            local_uris: Vec::new(),
        };
        // Local namespace declarations: (prefix, ns, depth at which declared).
        let mut scopes: Vec<(&'a str, u16, usize)> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        // Prefixes already resolved against the root's bindings (a member uses a handful).
        let mut resolved: Vec<(&'a str, u16)> = Vec::new();
        let mut last_child: Vec<u32> = Vec::new();
        let error = |offset: u64, message: String| SyntaxError {
            offset: offset as usize,
            message,
        };
        loop {
            let before = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| error(reader.error_position(), format!("not well-formed: {e}")))?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(error(
                            before,
                            format!("elements are nested more than {MAX_DEPTH} levels deep inside one city object; urbis stops here rather than exhaust its stack (no CityGML content needs that depth)"),
                        ));
                    }
                    let is_empty = matches!(event, Event::Empty(_));
                    let qname = rebase_str(input, e.name().as_ref().as_bytes())
                        .ok_or_else(|| error(before, "element name is not UTF-8".into()))?;
                    let (prefix, local) = split_name(qname);
                    let attr_start = dom.attributes.len() as u32;
                    for attr in e.attributes() {
                        let attr = attr.map_err(|err| error(before, err.to_string()))?;
                        let key = rebase_str(input, attr.key.as_ref().as_bytes())
                            .ok_or_else(|| error(before, "attribute name is not UTF-8".into()))?;
                        let raw = rebase_str(input, attr.value.as_bytes())
                            .ok_or_else(|| error(before, "attribute value is not UTF-8".into()))?;
                        let (aprefix, alocal) = split_name(key);
                        if key == "xmlns" || aprefix == "xmlns" {
                            let bound = if key == "xmlns" { "" } else { alocal };
                            let ns = dom.declare(raw);
                            scopes.push((bound, ns, stack.len()));
                            continue;
                        }
                        dom.attributes.push((alocal, aprefix, unescape(raw)));
                    }
                    let local_scope = scopes
                        .iter()
                        .rev()
                        .find(|(p, _, _)| *p == prefix)
                        .map(|(_, ns, _)| *ns);
                    let ns = match local_scope {
                        Some(ns) => ns,
                        None => match resolved.iter().find(|(p, _)| *p == prefix) {
                            Some(&(_, ns)) => ns,
                            None => {
                                let ns = dom.namespaces.lookup(prefix).unwrap_or(u16::MAX);
                                resolved.push((prefix, ns));
                                ns
                            }
                        },
                    };
                    let index = dom.nodes.len() as u32;
                    let parent = stack.last().copied().unwrap_or(NONE);
                    dom.nodes.push(Node {
                        local,
                        prefix,
                        ns,
                        attr_start,
                        attr_count: dom.attributes.len() as u32 - attr_start,
                        text: Cow::Borrowed(""),
                        end: index + 1,
                        first_child: NONE,
                        next_sibling: NONE,
                        parent,
                        offset: before as u32,
                    });
                    if parent != NONE {
                        let depth = stack.len();
                        match last_child.get(depth - 1).copied() {
                            Some(prev) if prev != NONE => {
                                dom.nodes[prev as usize].next_sibling = index
                            }
                            _ => dom.nodes[parent as usize].first_child = index,
                        }
                        last_child[depth - 1] = index;
                    } else if index != 0 {
                        return Err(error(before, "more than one element in a member".into()));
                    }
                    if !is_empty {
                        stack.push(index);
                        last_child.push(NONE);
                    } else {
                        let depth = stack.len();
                        scopes.retain(|(_, _, d)| *d < depth);
                        if stack.is_empty() {
                            break;
                        }
                    }
                }
                Event::End(_) => {
                    if let Some(closed) = stack.pop() {
                        dom.nodes[closed as usize].end = dom.nodes.len() as u32;
                    }
                    last_child.pop();
                    let depth = stack.len();
                    scopes.retain(|(_, _, d)| *d < depth);
                    if stack.is_empty() {
                        break;
                    }
                }
                Event::Text(t) => {
                    if let Some(&top) = stack.last() {
                        let node = &mut dom.nodes[top as usize];
                        let piece = t.into_inner();
                        // Indentation between elements is not content.
                        if !(node.text.is_empty() && piece.bytes().all(|b| b.is_ascii_whitespace()))
                        {
                            append(&mut node.text, piece);
                        }
                    }
                }
                Event::CData(c) => {
                    if let Some(&top) = stack.last() {
                        let s = c.into_inner().into_owned();
                        append(&mut dom.nodes[top as usize].text, Cow::Owned(s));
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(&top) = stack.last() {
                        let text = match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => {
                                let name = r.to_string();
                                match name.as_str() {
                                    "amp" => "&".into(),
                                    "lt" => "<".into(),
                                    "gt" => ">".into(),
                                    "quot" => "\"".into(),
                                    "apos" => "'".into(),
                                    _ => {
                                        return Err(error(
                                            before,
                                            format!("unknown entity &{name};"),
                                        ))
                                    }
                                }
                            }
                        };
                        append(&mut dom.nodes[top as usize].text, Cow::Owned(text));
                    }
                }
                Event::Eof => {
                    if !stack.is_empty() || dom.nodes.is_empty() {
                        return Err(error(before, "unexpected end of input".into()));
                    }
                    break;
                }
                _ => {}
            }
        }
        Ok(dom)
    }

    fn declare(&mut self, uri: &str) -> u16 {
        if let Some(i) = self.namespaces.uris.iter().position(|u| u == uri) {
            return i as u16;
        }
        let base = self.namespaces.uris.len();
        if let Some(i) = self.local_uris.iter().position(|u| u == uri) {
            return (base + i) as u16;
        }
        self.local_uris.push(uri.to_string());
        (base + self.local_uris.len() - 1) as u16
    }

    /// The namespace URI of a node ("" when unbound).
    pub fn uri(&self, node: u32) -> &str {
        let ns = self.nodes[node as usize].ns as usize;
        let base = self.namespaces.uris.len();
        if ns < base {
            &self.namespaces.uris[ns]
        } else {
            self.local_uris.get(ns - base).map_or("", String::as_str)
        }
    }

    /// The node.
    pub fn node(&self, i: u32) -> &Node<'a> {
        &self.nodes[i as usize]
    }

    /// The children of a node.
    pub fn children(&self, i: u32) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: self.nodes[i as usize].first_child,
        }
    }

    /// The first child with a local name.
    pub fn child(&self, i: u32, local: &str) -> Option<u32> {
        self.children(i)
            .find(|&c| self.nodes[c as usize].local == local)
    }

    /// The first element child, whatever its name.
    pub fn first_child(&self, i: u32) -> Option<u32> {
        let c = self.nodes[i as usize].first_child;
        (c != NONE).then_some(c)
    }

    /// An attribute by local name.
    pub fn attr(&self, i: u32, local: &str) -> Option<&str> {
        self.attrs_of(i)
            .iter()
            .find(|(l, _, _)| *l == local)
            .map(|(_, _, v)| v.as_ref())
    }

    /// The attributes of a node: (local name, prefix, value).
    pub fn attrs_of(&self, i: u32) -> &[(&'a str, &'a str, Cow<'a, str>)] {
        let n = &self.nodes[i as usize];
        &self.attributes[n.attr_start as usize..(n.attr_start + n.attr_count) as usize]
    }

    /// The gml:id of a node.
    pub fn id(&self, i: u32) -> Option<&str> {
        self.attr(i, "id")
    }

    /// The local target of an `xlink:href="#id"` on a node.
    pub fn href(&self, i: u32) -> Option<&str> {
        let href = self.attr(i, "href")?.trim();
        Some(href.strip_prefix('#').unwrap_or(href))
    }

    /// Trimmed text of a node.
    pub fn text(&self, i: u32) -> &str {
        self.nodes[i as usize].text.trim()
    }

    /// All descendants of a node in document order (not the node itself).
    pub fn descendants(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        i + 1..self.nodes[i as usize].end
    }
}

fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

/// Iterator over element children.
pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let current = self.next;
        self.next = self.dom.nodes[current as usize].next_sibling;
        Some(current)
    }
}

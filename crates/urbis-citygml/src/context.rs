//! What the conversion of one member needs around it: warnings with their location, the
//! resolution of `xlink:href` (inside the member first, then anywhere in the file through a
//! lazily built index), and the namespaces.

use crate::dom::{Dom, Namespaces};
use crate::error::{Location, Warning};
use crate::gml::Target;
use crate::index::FileIndex;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// An element of another member, fetched because something links to it.
#[derive(Debug)]
pub struct RemoteElement {
    /// Its bytes (from its start tag to the end of its member).
    pub bytes: Vec<u8>,
    /// Line of its start tag.
    pub line: u64,
}

/// State while one member is converted.
pub struct Ctx {
    /// The root's namespaces.
    pub namespaces: Arc<Namespaces>,
    /// The file's link index (built on the first link that leaves its member).
    pub index: Option<Arc<FileIndex>>,
    /// Line of the current tree's first byte.
    line_base: u64,
    /// Id of the city object being converted.
    pub object: Option<String>,
    /// Warnings so far.
    pub warnings: Vec<Warning>,
    /// Keys of warnings to give once per file (e.g. one per ADE namespace).
    pub once: Vec<String>,
    /// Links followed in the current chain.
    pub link_depth: u32,
    /// Hash of a gml:id to its node, for the member's own tree (built on the first link;
    /// a hit is confirmed against the tree, a collision falls back to a search).
    ids: Option<HashMap<u64, u32>>,
    /// True while converting an element of another member.
    remote: bool,
    /// Links into other documents met so far (not followed).
    pub external_links: u64,
}

/// What [`Ctx::enter_remote`] saved.
pub struct Saved {
    line_base: u64,
    remote: bool,
}

impl Ctx {
    /// A context for a member starting at `line`.
    pub fn new(namespaces: Arc<Namespaces>, index: Option<Arc<FileIndex>>, line: u64) -> Ctx {
        Ctx {
            namespaces,
            index,
            line_base: line,
            object: None,
            warnings: Vec::new(),
            once: Vec::new(),
            link_depth: 0,
            ids: None,
            remote: false,
            external_links: 0,
        }
    }

    /// The line of a node.
    pub fn line_of(&self, dom: &Dom<'_>, node: u32) -> u64 {
        let offset = (dom.node(node).offset as usize).min(dom.input.len());
        self.line_base + crate::split::count_lines(&dom.input[..offset])
    }

    /// The gml:id of a node or of its nearest ancestor that has one.
    fn nearest_id(dom: &Dom<'_>, mut node: u32) -> Option<String> {
        while node != crate::dom::NONE {
            if let Some(id) = dom.id(node) {
                return Some(id.to_string());
            }
            node = dom.node(node).parent;
        }
        None
    }

    /// Records a warning about `node`.
    pub fn warn(&mut self, dom: &Dom<'_>, node: u32, message: &str) {
        self.push_warning(dom, node, message, false);
    }

    /// Records a warning about `node` whose geometry is not kept.
    pub fn warn_lost(&mut self, dom: &Dom<'_>, node: u32, message: &str) {
        self.push_warning(dom, node, message, true);
    }

    fn push_warning(&mut self, dom: &Dom<'_>, node: u32, message: &str, lost: bool) {
        let location = Location {
            line: Some(self.line_of(dom, node)),
            object: self.object.clone(),
            gml_id: Self::nearest_id(dom, node),
        };
        self.warnings.push(Warning {
            location,
            message: message.to_string(),
            lost,
        });
    }

    /// Records a warning at a line.
    pub fn warn_at_line(&mut self, line: u64, message: &str) {
        self.warnings.push(Warning {
            location: Location {
                line: Some(line),
                object: self.object.clone(),
                gml_id: None,
            },
            message: message.to_string(),
            lost: false,
        });
    }

    /// Records a warning that the reader gives only once per file, under `key`.
    pub fn warn_once(&mut self, key: &str, dom: &Dom<'_>, node: u32, message: &str) {
        if self.once.iter().any(|k| k == key) {
            return;
        }
        self.once.push(key.to_string());
        self.warn(dom, node, message);
        if let Some(w) = self.warnings.last_mut() {
            w.message = format!("[{key}] {}", w.message);
        }
    }

    /// Switches to a tree from another member.
    pub fn enter_remote(&mut self, line: u64) -> Saved {
        let saved = Saved {
            line_base: self.line_base,
            remote: self.remote,
        };
        self.line_base = line;
        self.remote = true;
        saved
    }

    /// Back from [`Ctx::enter_remote`].
    pub fn leave_remote(&mut self, saved: Saved) {
        self.line_base = saved.line_base;
        self.remote = saved.remote;
    }

    /// Finds the node with a gml:id in `dom`.
    fn find_local(&mut self, dom: &Dom<'_>, id: &str) -> Option<u32> {
        if self.remote {
            return (0..dom.nodes.len() as u32).find(|&n| dom.id(n) == Some(id));
        }
        let hash = |id: &str| {
            use std::hash::BuildHasher;
            rustc_hash::FxBuildHasher.hash_one(id)
        };
        let ids = self.ids.get_or_insert_with(|| {
            let mut map = HashMap::default();
            for n in 0..dom.nodes.len() as u32 {
                if let Some(id) = dom.id(n) {
                    map.entry(hash(id)).or_insert(n);
                }
            }
            map
        });
        match ids.get(&hash(id)) {
            Some(&n) if dom.id(n) == Some(id) => Some(n),
            Some(_) => (0..dom.nodes.len() as u32).find(|&n| dom.id(n) == Some(id)),
            None => None,
        }
    }

    /// Where the `xlink:href` of `node` leads; `None` when it has none.
    ///
    /// `#id` and a bare `id` (as the Bavarian LoD2 tiles write them) name a gml:id in this
    /// file. A link into another document (`other.gml#id`, a URL) is not followed: the first
    /// one per file is reported with its location and the rest are counted (the reader gives
    /// the total at the end), since each loses the geometry it names.
    pub fn follow(&mut self, dom: &Dom<'_>, node: u32) -> Option<Target> {
        let href = dom.attr(node, "href")?.trim();
        let id = match href.strip_prefix('#') {
            Some(id) => id,
            None if is_bare_id(href) => href,
            None => {
                self.warn_external(dom, node, href);
                return Some(Target::Missing);
            }
        };
        if let Some(n) = self.find_local(dom, id) {
            return Some(Target::Local(n));
        }
        if let Some(index) = self.index.clone() {
            match index.fetch(id) {
                Ok(Some(element)) => return Some(Target::Remote(element)),
                Ok(None) => {}
                Err(e) => {
                    self.warn_lost(dom, node, &format!("xlink:href {href}: {e}"));
                    return Some(Target::Missing);
                }
            }
        }
        self.warn_lost(
            dom,
            node,
            &format!("unresolved xlink:href {href}: no element has this gml:id; what it names is not kept"),
        );
        Some(Target::Missing)
    }

    /// Records an external link: a located warning the first time in the file, a count after.
    fn warn_external(&mut self, dom: &Dom<'_>, node: u32, href: &str) {
        self.external_links += 1;
        let key = EXTERNAL_LINK_KEY;
        if self.once.iter().any(|k| k == key) {
            return;
        }
        self.once.push(key.to_string());
        self.warn_lost(
            dom,
            node,
            &format!("[{key}] external xlink:href {href} points outside this file and is not followed: what it names is not kept (further external links are counted, not listed)"),
        );
    }
}

/// The once-per-file key of the external-link warning.
pub const EXTERNAL_LINK_KEY: &str = "external-xlink";

/// True for an `xlink:href` without `#` that can only be a gml:id (an NCName: no `/`, `:`
/// or `.`-suffixed file name), as some producers write links inside the file.
fn is_bare_id(href: &str) -> bool {
    let mut chars = href.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && !href.contains(['/', ':', '#', ' '])
        && !href.to_ascii_lowercase().ends_with(".gml")
        && !href.to_ascii_lowercase().ends_with(".xml")
}

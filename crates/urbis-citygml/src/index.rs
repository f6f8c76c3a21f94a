//! The file's link index: where the elements that `xlink:href` points to are, for links that
//! leave their own member (forward and backward). Built on the first such link with two fast
//! scans (the link targets, then the elements carrying those ids), it holds one offset per
//! linked-to id, not one per element.

use crate::context::RemoteElement;
use crate::split::count_lines;
use memchr::memmem;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::ops::ControlFlow;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex, OnceLock};

const CHUNK: usize = 8 << 20;
/// Longest id the scans are sure to see whole across a chunk border.
const OVERLAP: usize = 4096;

/// (offset, line) of each linked-to element, by gml:id, or why the index could not be built.
type Offsets = Result<HashMap<String, (u64, u64)>, String>;

/// Offsets of linked-to elements, built on first use.
pub struct FileIndex {
    file: Arc<File>,
    /// (offset, line) of each linked-to element, by gml:id.
    offsets: OnceLock<Offsets>,
    cache: Mutex<HashMap<String, Arc<RemoteElement>>>,
}

/// Calls `f(absolute offset, window, index in window)` for every occurrence of each pattern,
/// reading the file in chunks; true when `f` stopped the scan.
pub(crate) fn scan(
    file: &File,
    patterns: &[&[u8]],
    mut f: impl FnMut(u64, &[u8], usize) -> ControlFlow<()>,
) -> std::io::Result<bool> {
    let finders: Vec<memmem::Finder<'_>> = patterns.iter().map(memmem::Finder::new).collect();
    let mut buf = vec![0u8; CHUNK + OVERLAP];
    let mut base = 0u64;
    let mut carried = 0usize;
    loop {
        let mut filled = carried;
        let mut eof = false;
        while filled < buf.len() {
            let n = file.read_at(&mut buf[filled..], base + filled as u64)?;
            if n == 0 {
                eof = true;
                break;
            }
            filled += n;
        }
        let window = &buf[..filled];
        // Matches starting in the overlap are taken with the next window (unless at the end).
        let limit = if eof {
            filled
        } else {
            filled.saturating_sub(OVERLAP)
        };
        for finder in &finders {
            for i in finder.find_iter(window) {
                if i < limit && f(base + i as u64, window, i).is_break() {
                    return Ok(true);
                }
            }
        }
        if eof {
            return Ok(false);
        }
        buf.copy_within(limit..filled, 0);
        carried = filled - limit;
        base += limit as u64;
    }
}

/// The quoted value starting at `window[at]` (`at` is just past the opening quote).
pub(crate) fn quoted(window: &[u8], at: usize, quote: u8) -> Option<&str> {
    let end = memchr::memchr(quote, window.get(at..)?)? + at;
    std::str::from_utf8(&window[at..end]).ok()
}

impl FileIndex {
    /// An index over `file` (nothing is scanned yet).
    pub fn new(file: Arc<File>) -> FileIndex {
        FileIndex {
            file,
            offsets: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn build(&self) -> Offsets {
        let mut targets: HashSet<String> = HashSet::new();
        scan(&self.file, &[b"href=\"#", b"href='#"], |_, window, i| {
            let quote = window[i + 5];
            if let Some(id) = quoted(window, i + 7, quote) {
                targets.insert(id.to_string());
            }
            ControlFlow::Continue(())
        })
        .map_err(|e| e.to_string())?;
        let mut offsets: HashMap<String, u64> = HashMap::new();
        if targets.is_empty() {
            return Ok(HashMap::new());
        }
        scan(&self.file, &[b"id=\"", b"id='"], |offset, window, i| {
            if i == 0 || window[i - 1] != b':' {
                return ControlFlow::Continue(());
            }
            let quote = window[i + 3];
            let Some(id) = quoted(window, i + 4, quote) else {
                return ControlFlow::Continue(());
            };
            if !targets.contains(id) || offsets.contains_key(id) {
                return ControlFlow::Continue(());
            }
            if let Some(lt) = memchr::memrchr(b'<', &window[..i]) {
                offsets.insert(id.to_string(), offset - (i - lt) as u64);
            }
            ControlFlow::Continue(())
        })
        .map_err(|e| e.to_string())?;
        // Lines of the found elements: one more pass counting newlines up to each.
        let mut found: Vec<(u64, String)> = offsets.into_iter().map(|(id, o)| (o, id)).collect();
        found.sort_unstable();
        let mut lines = HashMap::new();
        let mut buf = vec![0u8; CHUNK];
        let (mut pos, mut line) = (0u64, 1u64);
        for (offset, id) in found {
            while pos < offset {
                let want = ((offset - pos) as usize).min(CHUNK);
                let n = self
                    .file
                    .read_at(&mut buf[..want], pos)
                    .map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                line += count_lines(&buf[..n]);
                pos += n as u64;
            }
            lines.insert(id, (offset, line));
        }
        Ok(lines)
    }

    /// The element with gml:id `id` anywhere in the file, if there is one.
    pub fn fetch(&self, id: &str) -> Result<Option<Arc<RemoteElement>>, String> {
        if let Ok(cache) = self.cache.lock() {
            if let Some(e) = cache.get(id) {
                return Ok(Some(Arc::clone(e)));
            }
        }
        let offsets = self.offsets.get_or_init(|| self.build());
        let offsets = offsets.as_ref().map_err(Clone::clone)?;
        let Some(&(offset, line)) = offsets.get(id) else {
            return Ok(None);
        };
        // The element ends where its tree closes: read a growing window until it does.
        let mut size = 256usize << 10;
        let bytes = loop {
            let mut bytes = vec![0u8; size];
            let n = self
                .file
                .read_at(&mut bytes, offset)
                .map_err(|e| e.to_string())?;
            bytes.truncate(n);
            // Complete, or broken well before the window's end (not for lack of bytes).
            let done = match crate::dom::Dom::parse(&bytes, &Default::default()) {
                Ok(_) => true,
                Err(e) => e.offset + 4096 < n,
            };
            if done || n < size || size >= 1 << 30 {
                break bytes;
            }
            size *= 4;
        };
        let element = Arc::new(RemoteElement { bytes, line });
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() > 4096 {
                cache.clear();
            }
            cache.insert(id.to_string(), Arc::clone(&element));
        }
        Ok(Some(element))
    }
}

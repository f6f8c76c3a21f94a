//! The file's link index: where the elements that `xlink:href` points to are, for links that
//! leave their own member (forward and backward). Built on the first such link with two fast
//! scans (the link targets, then the elements carrying those ids), it holds one offset per
//! linked-to id, not one per element.

use crate::context::RemoteElement;
use crate::split::Member;
use memchr::memmem;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex, OnceLock};

const CHUNK: usize = 8 << 20;
/// Longest id the scans are sure to see whole across a chunk border.
const OVERLAP: usize = 4096;

/// Offsets of linked-to elements, built on first use.
pub struct FileIndex {
    file: Arc<File>,
    /// (start, end, line) of every member, in file order.
    spans: Vec<(u64, u64, u64)>,
    offsets: OnceLock<Result<HashMap<String, u64>, String>>,
    cache: Mutex<HashMap<String, Arc<RemoteElement>>>,
}

/// Calls `f(absolute offset, window, index in window)` for every occurrence of each pattern.
fn scan(
    file: &File,
    patterns: &[&[u8]],
    mut f: impl FnMut(u64, &[u8], usize),
) -> std::io::Result<()> {
    let finders: Vec<memmem::Finder<'_>> =
        patterns.iter().map(memmem::Finder::new).collect();
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
                if i < limit {
                    f(base + i as u64, window, i);
                }
            }
        }
        if eof {
            return Ok(());
        }
        buf.copy_within(limit..filled, 0);
        carried = filled - limit;
        base += limit as u64;
    }
}

/// The quoted value starting at `window[at]` (`at` is just past the opening quote).
fn quoted(window: &[u8], at: usize, quote: u8) -> Option<&str> {
    let end = memchr::memchr(quote, window.get(at..)?)? + at;
    std::str::from_utf8(&window[at..end]).ok()
}

impl FileIndex {
    /// An index over `file` with its members (nothing is scanned yet).
    pub fn new(file: Arc<File>, members: &[Member]) -> FileIndex {
        FileIndex {
            file,
            spans: members.iter().map(|m| (m.start, m.end, m.line)).collect(),
            offsets: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn build(&self) -> Result<HashMap<String, u64>, String> {
        let mut targets: HashSet<String> = HashSet::new();
        scan(&self.file, &[b"href=\"#", b"href='#"], |_, window, i| {
            let quote = window[i + 5];
            if let Some(id) = quoted(window, i + 7, quote) {
                targets.insert(id.to_string());
            }
        })
        .map_err(|e| e.to_string())?;
        let mut offsets = HashMap::new();
        if targets.is_empty() {
            return Ok(offsets);
        }
        scan(&self.file, &[b"id=\"", b"id='"], |offset, window, i| {
            if i == 0 || window[i - 1] != b':' {
                return;
            }
            let quote = window[i + 3];
            let Some(id) = quoted(window, i + 4, quote) else {
                return;
            };
            if !targets.contains(id) || offsets.contains_key(id) {
                return;
            }
            if let Some(lt) = memchr::memrchr(b'<', &window[..i]) {
                offsets.insert(id.to_string(), offset - (i - lt) as u64);
            }
        })
        .map_err(|e| e.to_string())?;
        Ok(offsets)
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
        let Some(&offset) = offsets.get(id) else {
            return Ok(None);
        };
        let k = self.spans.partition_point(|s| s.0 <= offset);
        let Some(&(start, end, line)) = k.checked_sub(1).and_then(|k| self.spans.get(k)) else {
            return Ok(None);
        };
        if offset >= end {
            return Ok(None);
        }
        let mut bytes = vec![0u8; (end - start) as usize];
        self.file
            .read_exact_at(&mut bytes, start)
            .map_err(|e| e.to_string())?;
        let at = (offset - start) as usize;
        let line = line + memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64;
        bytes.drain(..at);
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

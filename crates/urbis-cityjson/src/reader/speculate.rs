//! Two threads for the first pass over a large whole file.
//!
//! The main thread scans CityObjects from the start. A helper thread guesses where a CityObject
//! begins halfway through the rest of the file (a key after `},` whose object has a CityObject
//! `"type"`) and scans from there to the end of the file. When the main thread reaches exactly
//! that offset between two CityObjects, the guess was right and the helper's result is what the
//! main thread would have found itself: it takes it over. If the main thread passes the offset
//! any other way (the guess was inside an object), the helper is stopped and its work dropped.
//! The outcome never depends on the guess; only the speed does.

use super::first_pass::FirstPass;
use crate::scan::{Lexer, ScanResult};
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use urbis_model::CityObjectType;

/// The lexer of the first pass.
pub(super) type BoxLexer = Lexer<Box<dyn Read + Send>>;

/// The input as a file, so that a helper can read its second half.
pub(super) struct Split<'a> {
    /// The file.
    pub file: &'a File,
    /// The least number of bytes from the start of CityObjects to the end of the file for
    /// which a helper is started.
    pub min_bytes: u64,
    /// Wait for the helper's guess instead of racing past it (for tests on small files, which
    /// the main thread would otherwise finish before the helper has looked).
    pub patient: bool,
}

/// Files with less than this from the start of CityObjects to their end are scanned by one
/// thread.
pub(super) const SPLIT_MIN_BYTES: u64 = 32 << 20;

/// The helper has not found its starting point yet.
const SEARCHING: u64 = u64::MAX;
/// The helper found no starting point.
const GAVE_UP: u64 = u64::MAX - 1;
/// How far past the halfway point the helper looks for a CityObject.
const SEARCH_BYTES: u64 = 8 << 20;
/// How many candidate keys the helper tries before giving up (each is parsed a little).
const MAX_PROBES: usize = 4096;

/// What the helper found: its scan from its starting point on, and its lexer (past the end of
/// the value).
type Found = ScanResult<(FirstPass, BoxLexer)>;

/// A helper thread scanning the second part of the file.
pub(super) struct Speculation {
    patient: bool,
    start: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Option<Found>>,
}

/// Where the main thread is, compared with the helper's starting point.
pub(super) enum Guess {
    /// Before it, or the helper is still looking.
    Ahead,
    /// Exactly at it, between two CityObjects: the helper's scan can be taken.
    Here,
    /// Past it (or the helper gave up): the helper's work is of no use.
    Missed,
}

impl Speculation {
    /// Starts a helper when the file is large enough past `objects_start` (the offset of the
    /// first CityObject key).
    pub fn start(split: &Split<'_>, objects_start: u64) -> Option<Speculation> {
        let meta = split.file.metadata().ok()?;
        let rest = meta.len().checked_sub(objects_start)?;
        if !meta.is_file() || rest < split.min_bytes.max(1) {
            return None;
        }
        let file = split.file.try_clone().ok()?;
        let from = objects_start + rest / 2;
        let start = Arc::new(AtomicU64::new(SEARCHING));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, t) = (start.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("urbis-first-pass".into())
            .spawn(move || help(file, from, meta.len(), &s, t))
            .ok()?;
        Some(Speculation {
            patient: split.patient,
            start,
            stop,
            thread,
        })
    }

    /// Compares the main thread's offset (at the next CityObject key) with the guess.
    pub fn at(&self, offset: u64) -> Guess {
        while self.patient && self.start.load(Ordering::Acquire) == SEARCHING {
            std::thread::yield_now();
        }
        match self.start.load(Ordering::Acquire) {
            SEARCHING => Guess::Ahead,
            GAVE_UP => Guess::Missed,
            p if offset == p => Guess::Here,
            p if offset > p => Guess::Missed,
            _ => Guess::Ahead,
        }
    }

    /// Waits for the helper; `None` if it found nothing (or failed unexpectedly).
    pub fn join(self) -> Option<Found> {
        let found = self.thread.join().ok().flatten();
        #[cfg(test)]
        if found.is_some() {
            tests::TAKEN_OVER.with(|n| n.set(n.get() + 1));
        }
        found
    }

    /// Tells the helper to stop at its next read and leaves it to end on its own.
    pub fn cancel(self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The helper: finds a CityObject key at or after `from` in the file of `len` bytes, publishes
/// its offset, and scans from there to the end of the value.
fn help(
    file: File,
    from: u64,
    len: u64,
    start: &AtomicU64,
    stop: Arc<AtomicBool>,
) -> Option<Found> {
    let Some(p) = find_object_key(&file, from, &stop) else {
        start.store(GAVE_UP, Ordering::Release);
        return None;
    };
    start.store(p, Ordering::Release);
    // Positioned reads: the file's own offset is shared with the main thread's reads.
    let reader: Box<dyn Read + Send> = Box::new(ReadAt { file, offset: p });
    let mut lx = Lexer::starting_at(reader, p, Some(stop));
    Some(FirstPass::rest_from_object_key(&mut lx, Some(len)).map(|fp| (fp, lx)))
}

/// The offset of the first plausible CityObject key at or after `from`: a string after `}` and
/// `,`, followed by `:` and an object with a `"type"` naming a CityObject type, followed by `,`
/// or `}`.
fn find_object_key(file: &File, from: u64, stop: &AtomicBool) -> Option<u64> {
    let mut window = vec![0u8; 1 << 20];
    let mut base = from;
    let mut probes = 0;
    while base < from + SEARCH_BYTES && !stop.load(Ordering::Relaxed) {
        let n = read_at_most(file, &mut window, base)?;
        if n == 0 {
            return None;
        }
        let bytes = &window[..n];
        for q in memchr::memchr_iter(b'"', bytes) {
            if !follows_object_end(&bytes[..q]) {
                continue;
            }
            if is_object_member(&bytes[q..]) {
                return Some(base + q as u64);
            }
            probes += 1;
            if probes == MAX_PROBES {
                return None;
            }
        }
        // Next window, overlapping so that an object cut at the end is seen whole.
        base += (n as u64).saturating_sub(64 << 10).max(1);
    }
    None
}

/// Reads a file from an offset with positioned reads, leaving the file's offset alone.
struct ReadAt {
    file: File,
    offset: u64,
}

impl Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read_at(buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }
}

fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> Option<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(filled)
}

/// True when `before` ends with `}` and `,` (whitespace allowed around the comma).
fn follows_object_end(before: &[u8]) -> bool {
    let mut it = before.iter().rev().filter(|c| !c.is_ascii_whitespace());
    it.next() == Some(&b',') && it.next() == Some(&b'}')
}

/// True when `bytes` starts with `"id": {... "type": "<a CityObject type>" ...}` followed by
/// `,` or `}`.
fn is_object_member(bytes: &[u8]) -> bool {
    let probe = || -> ScanResult<bool> {
        let mut lx = Lexer::small(bytes);
        lx.string()?;
        lx.expect(b':')?;
        lx.expect(b'{')?;
        let mut typed = false;
        if !lx.empty(b'}')? {
            loop {
                if lx.string_is(b"type")? {
                    lx.expect(b':')?;
                    let name = lx.string()?;
                    typed = CityObjectType::parse(&name)
                        .or_else(|| CityObjectType::parse_legacy(&name))
                        .is_some();
                } else {
                    lx.expect(b':')?;
                    lx.skip_value(None)?;
                }
                if !lx.more(b'}')? {
                    break;
                }
            }
        }
        Ok(typed && matches!(lx.peek()?, Some(b',' | b'}')))
    };
    probe().unwrap_or(false)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::io::Write;

    thread_local! {
        /// How many helper scans this thread took over.
        pub(super) static TAKEN_OVER: Cell<usize> = const { Cell::new(0) };
    }

    fn taken_over() -> usize {
        TAKEN_OVER.with(Cell::get)
    }

    /// A whole CityJSON with `n` Buildings, each with a BuildingPart, vertices after the
    /// objects and a member after the vertices. With `decoy`, every Building's attributes hold
    /// an inner `},"x":{"type":"Building"}` that looks like the start of a CityObject.
    fn city(n: usize, pretty: bool, decoy: bool) -> String {
        let decoy = if decoy {
            ",\"x\":{\"type\":\"Building\"}"
        } else {
            ""
        };
        let nl = if pretty { "\n  " } else { "" };
        let mut s = format!("{{\"type\":\"CityJSON\",{nl}\"version\":\"2.0\",{nl}\"transform\":{{\"scale\":[0.001,0.001,0.001],\"translate\":[0,0,0]}},{nl}\"CityObjects\":{{");
        for i in 0..n {
            if i > 0 {
                s.push(',');
            }
            let v = 4 * i;
            s += &format!(
                "{nl}\"b{i}\":{{\"type\":\"Building\",\"attributes\":{{\"note\":\"a \\\"quoted\\\" }}, text\",\"inner\":{{\"a\":1}}{decoy}}},\"children\":[\"p{i}\"]}},{nl}\"p{i}\":{{\"type\":\"BuildingPart\",\"parents\":[\"b{i}\"],\"geometry\":[{{\"type\":\"MultiSurface\",\"lod\":\"1\",\"boundaries\":[[[{},{},{}]]]}}]}}",
                v,
                v + 1,
                v + 2
            );
        }
        s += &format!("}},{nl}\"vertices\":[");
        for v in 0..4 * n {
            if v > 0 {
                s.push(',');
            }
            s += &format!("[{v},{},-{v}]", v * 2);
        }
        s += &format!("],{nl}\"metadata\":{{\"title\":\"t\"}}}}");
        s
    }

    fn first_pass(path: &std::path::Path, split: bool) -> ScanResult<FirstPass> {
        let file = File::open(path).unwrap();
        let source = file.try_clone().unwrap();
        let reader: Box<dyn Read + Send> = Box::new(file);
        let mut lx = Lexer::new(reader);
        let split = split.then_some(Split {
            file: &source,
            min_bytes: 0,
            patient: true,
        });
        FirstPass::run(&mut lx, split.as_ref())
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn two_threads_find_exactly_what_one_finds() {
        for (n, pretty) in [
            (1, false),
            (2, true),
            (50, false),
            (333, true),
            (1000, false),
        ] {
            for decoy in [false, true] {
                let f = write(&city(n, pretty, decoy));
                let one = first_pass(f.path(), false).unwrap();
                let before = taken_over();
                let two = first_pass(f.path(), true).unwrap();
                assert!(
                    one == two,
                    "{n} objects, pretty {pretty}: the results differ"
                );
                assert_eq!(one.spans.len(), 2 * n);
                if n >= 50 && !decoy {
                    assert_eq!(
                        taken_over(),
                        before + 1,
                        "{n}: the helper's scan was not used"
                    );
                }
            }
        }
    }

    #[test]
    fn a_decoy_inside_an_object_is_found_and_dropped() {
        let text = city(400, false, true);
        let objects = text.find("\"CityObjects\":{").unwrap() as u64 + 15;
        let from = objects + (text.len() as u64 - objects) / 2;
        let decoy = text[from as usize..].find("\"x\":{\"type\"").unwrap() as u64 + from;
        // Trailing whitespace moves the helper's starting point to just before the decoy.
        let pad = 2 * (decoy - 20 - from) as usize;
        let text = format!("{text}{}", " ".repeat(pad));
        assert_eq!(objects + (text.len() as u64 - objects) / 2, decoy - 20);
        let f = write(&text);
        let stop = AtomicBool::new(false);
        let file = File::open(f.path()).unwrap();
        let object = text[decoy as usize..].find("},\"p").unwrap() as u64 + decoy + 2;
        assert_eq!(find_object_key(&file, decoy - 20, &stop), Some(decoy));
        assert_eq!(find_object_key(&file, decoy + 1, &stop), Some(object));
        // The helper starts from the decoy; its work is dropped, the result is the serial one.
        let one = first_pass(f.path(), false).unwrap();
        let before = taken_over();
        let two = first_pass(f.path(), true).unwrap();
        assert!(one == two, "the results differ");
        assert_eq!(taken_over(), before, "a wrong guess was taken");
    }

    #[test]
    fn errors_past_the_split_are_the_serial_errors() {
        let text = city(300, false, false);
        for cut in [0.55, 0.6, 0.75] {
            let at = (text.len() as f64 * cut) as usize;
            // Break the JSON between two objects: a stray closing bracket.
            let at = text[at..].find(",\"p").unwrap() + at;
            let broken = format!("{}]{}", &text[..at], &text[at..]);
            let f = write(&broken);
            let (Err(one), Err(two)) = (first_pass(f.path(), false), first_pass(f.path(), true))
            else {
                panic!("cut {cut}: no error");
            };
            assert_eq!(
                (one.offset, &one.message),
                (two.offset, &two.message),
                "cut {cut}"
            );
        }
    }
}

//! A buffered reader for `serde_json::from_reader`, which asks for one byte at a time: the
//! common case (the byte is in the buffer) is a load and an increment.
//!
//! It also hands whole values to the caller without serde_json ([`ByteReader::capture`]): a
//! CityObject's bytes are then parsed from a slice, several times faster than serde_json's
//! byte-at-a-time reader with its line and column bookkeeping. The reader keeps the true line
//! and column itself, so that positions stay exact whatever serde_json did not see.

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

/// Bytes already read (the first line), then the rest of a reader, through a large buffer.
pub(super) struct ByteReader<R> {
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    inner: R,
    /// Line (from 1) and column (bytes since the line began) of what was handed out so far,
    /// counted the way serde_json counts.
    line: u64,
    col: u64,
}

/// A value's bytes taken with [`ByteReader::capture`], and where they began.
pub(super) trait Capture {
    /// Takes the next JSON value's bytes (leading whitespace skipped) into `out`, by finding
    /// where it ends (strings and nesting followed; it is not validated: parse `out` for
    /// that). Returns the line and column just before its first byte.
    fn capture(&mut self, out: &mut Vec<u8>) -> io::Result<(u64, u64)>;
    /// Line and column after everything handed out so far.
    fn position(&self) -> (u64, u64);
    /// Skips whitespace and takes the next byte (`None` at the end of the input).
    fn next_byte(&mut self) -> io::Result<Option<u8>>;
}

impl<R: Read> ByteReader<R> {
    /// `first` is served before the rest of `inner`.
    pub fn new(first: Vec<u8>, inner: R) -> ByteReader<R> {
        let end = first.len();
        let mut buf = first;
        buf.resize(end.max(1 << 20), 0);
        ByteReader {
            buf,
            pos: 0,
            end,
            inner,
            line: 1,
            col: 0,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.pos = 0;
        self.end = 0;
        self.end = loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        Ok(())
    }

    /// Counts lines and columns over `buf[from..to]`.
    fn count(&mut self, from: usize, to: usize) {
        let bytes = &self.buf[from..to];
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                self.col = (bytes.len() - last - 1) as u64;
            }
            None => self.col += bytes.len() as u64,
        }
    }

    /// True when a byte is available (refilling if needed), false at the end of the input.
    fn more(&mut self) -> io::Result<bool> {
        if self.pos == self.end {
            self.refill()?;
        }
        Ok(self.pos < self.end)
    }
}

impl<R: Read> Capture for ByteReader<R> {
    fn capture(&mut self, out: &mut Vec<u8>) -> io::Result<(u64, u64)> {
        out.clear();
        while self.more()? && matches!(self.buf[self.pos], b' ' | b'\t' | b'\r' | b'\n') {
            self.count(self.pos, self.pos + 1);
            self.pos += 1;
        }
        let start = (self.line, self.col);
        if !self.more()? {
            return Ok(start);
        }
        let scalar = !matches!(self.buf[self.pos], b'{' | b'[' | b'"');
        let (mut depth, mut in_string, mut escaped) = (0u32, false, false);
        loop {
            if !self.more()? {
                return Ok(start);
            }
            let from = self.pos;
            let (i, done) = if scalar {
                match self.buf[from..self.end]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                {
                    Some(k) => (from + k, true),
                    None => (self.end, false),
                }
            } else {
                scan_nested(
                    &self.buf[..self.end],
                    from,
                    &mut depth,
                    &mut in_string,
                    &mut escaped,
                )
            };
            out.extend_from_slice(&self.buf[from..i]);
            self.count(from, i);
            self.pos = i;
            if done {
                return Ok(start);
            }
        }
    }

    fn position(&self) -> (u64, u64) {
        (self.line, self.col)
    }

    fn next_byte(&mut self) -> io::Result<Option<u8>> {
        while self.more()? {
            let b = self.buf[self.pos];
            self.count(self.pos, self.pos + 1);
            self.pos += 1;
            if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(Some(b));
            }
        }
        Ok(None)
    }
}

/// The message for a syntax error `e` found in a captured value that began at `at` (line,
/// column): "line L column C: what", the slice's position moved to the file's.
pub(super) fn placed_error(at: (u64, u64), e: &serde_json::Error) -> String {
    let (l, c) = (e.line() as u64, e.column() as u64);
    let (line, column) = if l <= 1 {
        (at.0, at.1 + c)
    } else {
        (at.0 + l - 1, c)
    };
    format!("line {line} column {column}: {}", without_position(e))
}

/// serde_json's message without its own " at line L column C" (which does not count what
/// was captured past it).
pub(super) fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    text.split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Byte classes outside strings: 1 a quote, 2 an opening and 3 a closing bracket, 0 the rest.
const STRUCTURAL: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = 1;
    t[b'{' as usize] = 2;
    t[b'[' as usize] = 2;
    t[b'}' as usize] = 3;
    t[b']' as usize] = 3;
    t
};

/// Follows an object, array or string through `buf` from `i`, carrying the nesting state across
/// calls; returns where it stopped and whether the value ended there (just past its bracket).
fn scan_nested(
    buf: &[u8],
    mut i: usize,
    depth: &mut u32,
    in_string: &mut bool,
    escaped: &mut bool,
) -> (usize, bool) {
    while i < buf.len() {
        if *in_string {
            if *escaped {
                *escaped = false;
                i += 1;
                continue;
            }
            match buf[i..].iter().position(|&b| b == b'"' || b == b'\\') {
                Some(k) => {
                    i += k;
                    if buf[i] == b'\\' {
                        *escaped = true;
                    } else {
                        *in_string = false;
                        if *depth == 0 {
                            // A string on its own.
                            return (i + 1, true);
                        }
                    }
                    i += 1;
                }
                None => return (buf.len(), false),
            }
            continue;
        }
        while i < buf.len() && STRUCTURAL[buf[i] as usize] == 0 {
            i += 1;
        }
        if i == buf.len() {
            break;
        }
        match STRUCTURAL[buf[i] as usize] {
            1 => *in_string = true,
            2 => *depth += 1,
            _ => {
                *depth = depth.saturating_sub(1);
                if *depth == 0 {
                    return (i + 1, true);
                }
            }
        }
        i += 1;
    }
    (buf.len(), false)
}

impl<R: Read> Read for ByteReader<R> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.end {
            self.refill()?;
        }
        let n = out.len().min(self.end - self.pos);
        if n == 1 {
            let b = self.buf[self.pos];
            out[0] = b;
            if b == b'\n' {
                self.line += 1;
                self.col = 0;
            } else {
                self.col += 1;
            }
        } else {
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.count(self.pos, self.pos + n);
        }
        self.pos += n;
        Ok(n)
    }
}

/// A [`ByteReader`] shared between serde_json (which reads through this handle) and the
/// checks that capture values from it.
pub(super) struct Shared<R>(pub Rc<RefCell<ByteReader<R>>>);

impl<R: Read> Read for Shared<R> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.0.borrow_mut().read(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_first_bytes_then_the_rest() {
        let rest: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut r = ByteReader::new(b"head\n".to_vec(), rest.as_slice());
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(&all[..5], b"head\n");
        assert_eq!(&all[5..], rest.as_slice());
        let mut one = ByteReader::new(Vec::new(), &b"ab"[..]);
        let mut b = [0u8; 1];
        assert_eq!((one.read(&mut b).unwrap(), b[0]), (1, b'a'));
        assert_eq!((one.read(&mut b).unwrap(), b[0]), (1, b'b'));
        assert_eq!(one.read(&mut b).unwrap(), 0);
    }

    #[test]
    fn captures_values_of_every_kind_and_keeps_the_position() {
        let text =
            b" {\"a\": \"}\\\"{\", \"b\": [1, {\"c\": []}]},\n  [1,2] , -3.5e2}\"x\\\\\" tru";
        let mut r = ByteReader::new(Vec::new(), &text[..]);
        let mut out = Vec::new();
        assert_eq!(r.capture(&mut out).unwrap(), (1, 1));
        assert_eq!(out, b"{\"a\": \"}\\\"{\", \"b\": [1, {\"c\": []}]}");
        let mut comma = [0u8; 1];
        r.read_exact(&mut comma).unwrap();
        assert_eq!(r.capture(&mut out).unwrap(), (2, 2));
        assert_eq!(out, b"[1,2]");
        r.read_exact(&mut [0u8; 2]).unwrap();
        r.capture(&mut out).unwrap();
        assert_eq!(out, b"-3.5e2");
        r.read_exact(&mut [0u8; 1]).unwrap();
        r.capture(&mut out).unwrap();
        assert_eq!(out, b"\"x\\\\\"");
        // Cut short: what there is.
        r.capture(&mut out).unwrap();
        assert_eq!(out, b"tru");
        assert_eq!(r.position(), (2, 26));
        assert_eq!(r.next_byte().unwrap(), None);
        let mut spaced = ByteReader::new(Vec::new(), &b" \n ,x"[..]);
        assert_eq!(spaced.next_byte().unwrap(), Some(b','));
        assert_eq!(spaced.position(), (2, 2));
    }

    #[test]
    fn captures_across_buffer_refills() {
        let mut doc = b"{\"big\": [".to_vec();
        for i in 0..400_000 {
            doc.extend_from_slice(format!("{i},\n").as_bytes());
        }
        doc.extend_from_slice(b"0]} tail");
        let mut r = ByteReader::new(Vec::new(), doc.as_slice());
        let mut out = Vec::new();
        r.capture(&mut out).unwrap();
        assert_eq!(out.len(), doc.len() - 5);
        assert_eq!(r.position(), (400_001, 3));
    }
}

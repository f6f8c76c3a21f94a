//! A buffered JSON lexer for the first pass over a whole CityJSON file: it finds the top-level
//! members, skips CityObjects while noting their byte spans and links, and parses `vertices`
//! straight into integer triplets, without ever holding the file in memory.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const BUF_SIZE: usize = 1 << 20;

const QUOTE: u8 = 1;
const OPENER: u8 = 2;
const CLOSER: u8 = 3;

/// Byte classes for skipping values: 0 for bytes that change nothing.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = QUOTE;
    t[b'[' as usize] = OPENER;
    t[b'{' as usize] = OPENER;
    t[b']' as usize] = CLOSER;
    t[b'}' as usize] = CLOSER;
    t
};

/// A lexing problem at a byte offset.
#[derive(Debug)]
pub(crate) struct ScanError {
    pub offset: u64,
    pub message: String,
    pub io: Option<std::io::Error>,
}

pub(crate) type ScanResult<T> = Result<T, ScanError>;

/// A number as written: an integer when it has no fraction or exponent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
}

/// Pull lexer over any reader, with an optional copy of every byte read ("tee").
pub(crate) struct Lexer<R: Read> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    tee: Option<Box<dyn Write + Send>>,
    /// When set (by another thread), the next refill fails: a speculative scan is not wanted.
    stop: Option<Arc<AtomicBool>>,
    /// Newlines skipped as whitespace so far (for line numbers).
    pub newlines: u64,
}

impl<R: Read> Lexer<R> {
    pub fn new(reader: R) -> Self {
        Self::starting_at(reader, 0, None)
    }

    /// A lexer over `reader` whose first byte is at file offset `base`; it stops with an error
    /// at its next refill once `stop` is set.
    pub fn starting_at(reader: R, base: u64, stop: Option<Arc<AtomicBool>>) -> Self {
        Self::with_buffer(reader, base, stop, BUF_SIZE)
    }

    /// A lexer with a small buffer, for short probes of bytes already in memory.
    pub fn small(reader: R) -> Self {
        Self::with_buffer(reader, 0, None, 4096)
    }

    fn with_buffer(reader: R, base: u64, stop: Option<Arc<AtomicBool>>, size: usize) -> Self {
        Lexer {
            reader,
            buf: vec![0; size],
            pos: 0,
            end: 0,
            base,
            eof: false,
            tee: None,
            stop,
            newlines: 0,
        }
    }

    /// Copies every byte read from now on (also the ones already buffered but not consumed).
    pub fn set_tee(&mut self, mut tee: Box<dyn Write + Send>) -> ScanResult<()> {
        let offset = self.offset();
        tee.write_all(&self.buf[..self.end])
            .map_err(|e| self.io_err(offset, e))?;
        self.tee = Some(tee);
        Ok(())
    }

    /// Stops copying and flushes the copy.
    pub fn take_tee(&mut self) -> ScanResult<()> {
        if let Some(mut tee) = self.tee.take() {
            let offset = self.offset();
            tee.flush().map_err(|e| self.io_err(offset, e))?;
        }
        Ok(())
    }

    fn io_err(&self, offset: u64, e: std::io::Error) -> ScanError {
        ScanError {
            offset,
            message: e.to_string(),
            io: Some(e),
        }
    }

    pub fn err<T>(&self, message: impl Into<String>) -> ScanResult<T> {
        Err(ScanError {
            offset: self.offset(),
            message: message.into(),
            io: None,
        })
    }

    /// Offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn fill(&mut self) -> ScanResult<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        if self
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            return self.err("stopped");
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    if let Some(tee) = self.tee.as_mut() {
                        if let Err(e) = tee.write_all(&self.buf[..n]) {
                            let offset = self.base;
                            return Err(self.io_err(offset, e));
                        }
                    }
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let offset = self.offset();
                    return Err(self.io_err(offset, e));
                }
            }
        }
    }

    /// Next non-whitespace byte, not consumed; `None` at the end of input.
    pub fn peek(&mut self) -> ScanResult<Option<u8>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            while self.pos < self.end {
                let c = self.buf[self.pos];
                if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                    self.newlines += (c == b'\n') as u64;
                    self.pos += 1;
                } else {
                    return Ok(Some(c));
                }
            }
        }
    }

    fn bump(&mut self) {
        self.pos += 1;
    }

    /// Consumes `c` (after whitespace) or fails.
    pub fn expect(&mut self, c: u8) -> ScanResult<()> {
        match self.peek()? {
            Some(x) if x == c => {
                self.bump();
                Ok(())
            }
            Some(x) => self.err(format!("expected '{}', found '{}'", c as char, x as char)),
            None => self.err(format!(
                "expected '{}', found the end of the input",
                c as char
            )),
        }
    }

    /// After an element of an array or object: true if a `,` follows, false at `close`.
    pub fn more(&mut self, close: u8) -> ScanResult<bool> {
        match self.peek()? {
            Some(b',') => {
                self.bump();
                Ok(true)
            }
            Some(x) if x == close => {
                self.bump();
                Ok(false)
            }
            Some(x) => self.err(format!(
                "expected ',' or '{}', found '{}'",
                close as char, x as char
            )),
            None => self.err("unexpected end of the input (truncated file?)"),
        }
    }

    /// True (and consumed) if the container opened just before is empty.
    pub fn empty(&mut self, close: u8) -> ScanResult<bool> {
        if self.peek()? == Some(close) {
            self.bump();
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads a string value (unescaped).
    pub fn string(&mut self) -> ScanResult<String> {
        let mut raw = Vec::with_capacity(32);
        self.expect(b'"')?;
        raw.push(b'"');
        let mut escaped = false;
        loop {
            if !self.fill()? {
                return self.err("unterminated string (truncated file?)");
            }
            let chunk = &self.buf[self.pos..self.end];
            match memchr::memchr2(b'"', b'\\', chunk) {
                Some(i) => {
                    raw.extend_from_slice(&chunk[..=i]);
                    self.pos += i + 1;
                    if chunk[i] == b'\\' {
                        escaped = true;
                        if !self.fill()? {
                            return self.err("unterminated string (truncated file?)");
                        }
                        raw.push(self.buf[self.pos]);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                None => {
                    raw.extend_from_slice(chunk);
                    self.pos = self.end;
                }
            }
        }
        if !escaped {
            raw.pop();
            return match String::from_utf8(raw.split_off(1)) {
                Ok(s) => Ok(s),
                Err(_) => self.err("string is not valid UTF-8"),
            };
        }
        match serde_json::from_slice::<String>(&raw) {
            Ok(s) => Ok(s),
            Err(e) => self.err(format!("bad string: {e}")),
        }
    }

    /// Skips one value of any kind; `sink` receives its bytes when given.
    pub fn skip_value(&mut self, mut sink: Option<&mut Vec<u8>>) -> ScanResult<()> {
        let first = match self.peek()? {
            Some(c) => c,
            None => return self.err("expected a value, found the end of the input"),
        };
        if first != b'{' && first != b'[' && first != b'"' {
            // A scalar: read to the next delimiter.
            loop {
                if !self.fill()? {
                    return Ok(());
                }
                let chunk = &self.buf[self.pos..self.end];
                let stop = chunk
                    .iter()
                    .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'));
                let n = stop.unwrap_or(chunk.len());
                if let Some(s) = sink.as_deref_mut() {
                    s.extend_from_slice(&chunk[..n]);
                }
                self.pos += n;
                if stop.is_some() {
                    return Ok(());
                }
            }
        }
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escape = false;
        loop {
            if !self.fill()? {
                return self.err("unexpected end of the input inside a value (truncated file?)");
            }
            let start = self.pos;
            let chunk = &self.buf[start..self.end];
            let mut i = 0;
            let mut done = false;
            while i < chunk.len() {
                if escape {
                    escape = false;
                    i += 1;
                    continue;
                }
                if in_string {
                    match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                        Some(j) => {
                            i += j + 1;
                            if chunk[i - 1] == b'\\' {
                                escape = true;
                            } else {
                                in_string = false;
                                if depth == 0 {
                                    done = true;
                                    break;
                                }
                            }
                        }
                        None => i = chunk.len(),
                    }
                    continue;
                }
                // Inside arrays of numbers (boundaries), whole blocks without a quote can be
                // skipped by counting brackets, unless enough closers could end the value.
                while depth > 0 {
                    let Some(block) = chunk.get(i..i + 64) else {
                        break;
                    };
                    let (mut quotes, mut opens, mut closes) = (0u8, 0u8, 0u8);
                    for &c in block {
                        quotes += u8::from(c == b'"');
                        // '[' | 0x20 == '{' and ']' | 0x20 == '}'; no other byte maps there.
                        opens += u8::from(c | 0x20 == b'{');
                        closes += u8::from(c | 0x20 == b'}');
                    }
                    if quotes > 0 || usize::from(closes) >= depth {
                        break;
                    }
                    depth = depth + usize::from(opens) - usize::from(closes);
                    i += 64;
                }
                // Digits, commas and letters are most of the bytes: skip them through a table.
                while i < chunk.len() && CLASS[chunk[i] as usize] == 0 {
                    i += 1;
                }
                if i == chunk.len() {
                    break;
                }
                match CLASS[chunk[i] as usize] {
                    QUOTE => in_string = true,
                    OPENER => depth += 1,
                    _ => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                }
                i += 1;
            }
            if let Some(s) = sink.as_deref_mut() {
                s.extend_from_slice(&chunk[..i]);
            }
            self.pos = start + i;
            if done {
                return Ok(());
            }
        }
    }

    /// Reads the bytes of one value.
    pub fn capture_value(&mut self) -> ScanResult<Vec<u8>> {
        let mut out = Vec::new();
        self.skip_value(Some(&mut out))?;
        Ok(out)
    }

    /// Reads a number.
    #[inline]
    pub fn number(&mut self) -> ScanResult<Number> {
        self.peek()?;
        // Fast path: an integer entirely inside the buffer.
        if self.end - self.pos >= 24 {
            let bytes = &self.buf[self.pos..self.pos + 24];
            let (neg, mut i) = if bytes[0] == b'-' {
                (true, 1)
            } else {
                (false, 0)
            };
            let start = i;
            let mut value: i64 = 0;
            while i < 20 && bytes[i].is_ascii_digit() {
                value = value * 10 + (bytes[i] - b'0') as i64;
                i += 1;
            }
            // Up to 18 digits cannot overflow; anything longer or fractional takes the slow path.
            if i > start && i - start <= 18 && !matches!(bytes[i], b'.' | b'e' | b'E' | b'0'..=b'9')
            {
                self.pos += i;
                return Ok(Number::Int(if neg { -value } else { value }));
            }
        }
        let mut text = [0u8; 64];
        let mut len = 0;
        let mut is_float = false;
        loop {
            if !self.fill()? {
                break;
            }
            let c = self.buf[self.pos];
            match c {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => is_float = true,
                _ => break,
            }
            if len == text.len() {
                // Absurdly long numbers: keep reading, they are rejected below.
                is_float = true;
                self.pos += 1;
                continue;
            }
            text[len] = c;
            len += 1;
            self.pos += 1;
        }
        let s = std::str::from_utf8(&text[..len]).unwrap_or("");
        if s.is_empty() {
            return self.err("expected a number");
        }
        if !is_float {
            return match s.parse::<i64>() {
                Ok(v) => Ok(Number::Int(v)),
                Err(_) => self.err(format!("integer {s} is outside the 64-bit range")),
            };
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && len < text.len() => Ok(Number::Float(v)),
            _ => self.err(format!(
                "number {s}... cannot be read as a finite 64-bit float"
            )),
        }
    }

    /// Reads the rest of the current line (without the newline) into `out`; false at the end
    /// of the input.
    pub fn read_line(&mut self, out: &mut Vec<u8>) -> ScanResult<bool> {
        loop {
            if !self.fill()? {
                return Ok(false);
            }
            let chunk = &self.buf[self.pos..self.end];
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    out.extend_from_slice(&chunk[..i]);
                    self.pos += i + 1;
                    return Ok(true);
                }
                None => {
                    out.extend_from_slice(chunk);
                    self.pos = self.end;
                }
            }
        }
    }

    /// Reads a string and tells whether it equals `expected` (no allocation when the string
    /// has no escapes and lies in the buffer, which is nearly always).
    pub fn string_is(&mut self, expected: &[u8]) -> ScanResult<bool> {
        self.peek()?;
        if self.pos < self.end && self.buf[self.pos] == b'"' {
            let rest = &self.buf[self.pos + 1..self.end];
            if let Some(i) = memchr::memchr2(b'"', b'\\', rest) {
                if rest[i] == b'"' {
                    let equal = &rest[..i] == expected;
                    self.pos += i + 2;
                    return Ok(equal);
                }
            }
        }
        Ok(self.string()?.as_bytes() == expected)
    }

    /// Reads `[x,y,z]` of integers straight from the buffer when it is there in plain form;
    /// `None` (nothing consumed) otherwise, and the caller takes the general path.
    #[inline]
    pub fn int_triplet(&mut self) -> Option<[i64; 3]> {
        if self.end - self.pos < 96 {
            return None;
        }
        let b = &self.buf[self.pos..self.pos + 96];
        if b[0] != b'[' {
            return None;
        }
        let mut i = 1;
        let mut out = [0i64; 3];
        for (k, slot) in out.iter_mut().enumerate() {
            let neg = b[i] == b'-';
            if neg {
                i += 1;
            }
            let start = i;
            let mut v: i64 = 0;
            while b[i].is_ascii_digit() && i - start < 18 {
                v = v * 10 + (b[i] - b'0') as i64;
                i += 1;
            }
            if i == start || b[i] != if k == 2 { b']' } else { b',' } {
                return None;
            }
            *slot = if neg { -v } else { v };
            i += 1;
        }
        self.pos += i;
        Some(out)
    }

    /// Reads an array of strings.
    pub fn string_array(&mut self) -> ScanResult<Vec<String>> {
        let mut out = Vec::new();
        self.expect(b'[')?;
        if self.empty(b']')? {
            return Ok(out);
        }
        loop {
            out.push(self.string()?);
            if !self.more(b']')? {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// Nested arrays and objects of every depth and length around the 64-byte blocks, with
    /// strings (escaped quotes, brackets inside) at various places: `skip_value` ends exactly
    /// where serde_json says the value ends.
    #[test]
    fn skip_value_ends_where_the_value_ends() {
        let mut cases = Vec::new();
        for depth in 1..8 {
            for len in [0, 1, 5, 13, 40, 64, 65, 200] {
                let numbers: Vec<String> =
                    (0..len).map(|i| (i * 7919 % 1000).to_string()).collect();
                let mut v = format!("[{}]", numbers.join(","));
                for d in 1..depth {
                    v = if d % 3 == 0 {
                        format!("{{\"k{d}\":{v},\"s\":\"a \\\"]}}\\\" b\"}}")
                    } else {
                        format!("[{v},[{v}],{v}]")
                    };
                }
                cases.push(v);
            }
        }
        for (k, value) in cases.iter().enumerate() {
            let expected = value.len() as u64;
            assert!(
                serde_json::from_str::<serde_json::Value>(value).is_ok(),
                "case {k}"
            );
            // What follows has no quote either, so blocks run past the end of the value.
            let text = format!("{value}  ,{}]]]]", "1,".repeat(60));
            let mut lx = Lexer::new(text.as_bytes());
            lx.skip_value(None).unwrap();
            assert_eq!(lx.offset(), expected, "case {k}");
            let mut sink = Vec::new();
            let mut lx = Lexer::new(text.as_bytes());
            lx.skip_value(Some(&mut sink)).unwrap();
            assert_eq!(sink, value.as_bytes(), "case {k}");
        }
    }
}

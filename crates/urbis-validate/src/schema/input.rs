//! A buffered reader for `serde_json::from_reader`, which asks for one byte at a time: the
//! common case (the byte is in the buffer) is a load and an increment.

use std::io::{self, Read};

/// Bytes already read (the first line), then the rest of a reader, through a large buffer.
pub(super) struct ByteReader<R> {
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    inner: R,
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
}

impl<R: Read> Read for ByteReader<R> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.end {
            self.refill()?;
        }
        let n = out.len().min(self.end - self.pos);
        if n == 1 {
            out[0] = self.buf[self.pos];
        } else {
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        }
        self.pos += n;
        Ok(n)
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
}

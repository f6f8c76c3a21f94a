//! Reading a collection back as CityJSONSeq while it is written, without a temporary file.
//!
//! A thread runs [`write_seq`] into a [`PipeWriter`]; the [`PipeReader`] end is an
//! [`std::io::Read`] any CityJSONSeq reader parses as the bytes arrive. At most a few chunks
//! are in flight, so memory does not grow with the collection. A writer that stops early (a
//! store error, a panic) makes the reader fail: a collection is never silently cut short.

use crate::{write_seq, Query, Store};
use std::io::{Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// Bytes per chunk handed from the writer to the reader.
const CHUNK_BYTES: usize = 256 << 10;
/// Chunks in flight between the two ends.
const CHUNKS_IN_FLIGHT: usize = 4;

enum Chunk {
    Data(Vec<u8>),
    End,
    Failed(String),
}

/// The writing end of a pipe: bytes written are read from its [`PipeReader`].
pub struct PipeWriter {
    tx: SyncSender<Chunk>,
    buf: Vec<u8>,
}

/// The reading end of a pipe.
pub struct PipeReader {
    rx: Receiver<Chunk>,
    chunk: Vec<u8>,
    pos: usize,
    ended: bool,
}

/// A new pipe.
pub fn pipe() -> (PipeWriter, PipeReader) {
    let (tx, rx) = sync_channel(CHUNKS_IN_FLIGHT);
    (
        PipeWriter {
            tx,
            buf: Vec::with_capacity(CHUNK_BYTES),
        },
        PipeReader {
            rx,
            chunk: Vec::new(),
            pos: 0,
            ended: false,
        },
    )
}

fn reader_gone() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the reader stopped")
}

impl PipeWriter {
    fn send_buffer(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_BYTES));
        self.tx.send(Chunk::Data(full)).map_err(|_| reader_gone())
    }

    /// Ends the stream cleanly: the reader reads what is left, then the end.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.send_buffer()?;
        self.tx.send(Chunk::End).map_err(|_| reader_gone())
    }

    /// Ends the stream with an error the reader returns after what was already sent.
    pub fn fail(mut self, message: String) {
        // Without a reader nobody is left to tell.
        let _ = self.send_buffer();
        let _ = self.tx.send(Chunk::Failed(message));
    }
}

impl Write for PipeWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK_BYTES {
            self.send_buffer()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffer()
    }
}

impl Read for PipeReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.ended {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Chunk::Data(data)) => {
                    self.chunk = data;
                    self.pos = 0;
                }
                Ok(Chunk::End) => self.ended = true,
                Ok(Chunk::Failed(message)) => return Err(std::io::Error::other(message)),
                Err(_) => {
                    return Err(std::io::Error::other(
                        "the collection's writer stopped before the end",
                    ))
                }
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Writes `collection` (the features `query` selects) as CityJSONSeq into `writer` and ends
/// the stream: cleanly, or with the store's error.
pub fn write_seq_into(store: &dyn Store, collection: &str, query: &Query, mut writer: PipeWriter) {
    match write_seq(store, collection, query, &mut writer) {
        Ok(_) => {
            // An error here means the reader is gone; it needs no answer.
            let _ = writer.finish();
        }
        Err(e) => writer.fail(e.to_string()),
    }
}

/// The CityJSONSeq of `collection` (the features `query` selects), written by a thread of its
/// own as it is read.
pub fn seq_reader(store: Arc<dyn Store>, collection: &str, query: &Query) -> PipeReader {
    let (writer, reader) = pipe();
    let (collection, query) = (collection.to_string(), query.clone());
    std::thread::spawn(move || write_seq_into(store.as_ref(), &collection, &query, writer));
    reader
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn bytes_arrive_whole_and_in_order() {
        let (mut w, mut r) = pipe();
        let data: Vec<u8> = (0..(3 * CHUNK_BYTES + 17))
            .map(|i| (i % 251) as u8)
            .collect();
        let sent = data.clone();
        let t = std::thread::spawn(move || {
            for part in sent.chunks(1000) {
                w.write_all(part).unwrap();
            }
            w.finish().unwrap();
        });
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        t.join().unwrap();
        assert_eq!(got, data);
    }

    #[test]
    fn a_failed_or_vanished_writer_is_an_error_not_an_end() {
        let (mut w, mut r) = pipe();
        w.write_all(b"{\"type\":\"CityJSON\"}\n").unwrap();
        w.fail("the store broke".into());
        let mut got = Vec::new();
        let e = r.read_to_end(&mut got).unwrap_err();
        assert_eq!(e.to_string(), "the store broke");
        assert_eq!(got, b"{\"type\":\"CityJSON\"}\n");

        let (w, mut r) = pipe();
        drop(w);
        let e = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("stopped before the end"), "{e}");
    }
}

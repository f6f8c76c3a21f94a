//! A spool of feature meshes on disk: meshes are appended as they are made (in any order) and
//! read back tile by tile, so tiling a model needs memory for one tile, not for the model.

use crate::mesh::FeatureMesh;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;

/// Where one mesh sits in the spool.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// Byte offset.
    pub offset: u64,
    /// Byte length.
    pub len: u32,
}

/// An append-only file of encoded meshes (deleted when dropped).
pub struct Spool {
    writer: BufWriter<File>,
    reader: File,
    end: u64,
}

impl Spool {
    /// A new spool in the system's temporary directory.
    pub fn new() -> std::io::Result<Spool> {
        let file = tempfile::tempfile()?;
        let reader = file.try_clone()?;
        Ok(Spool {
            writer: BufWriter::with_capacity(4 << 20, file),
            reader,
            end: 0,
        })
    }

    /// Appends a mesh.
    pub fn push(&mut self, mesh: &FeatureMesh) -> std::io::Result<Slot> {
        let bytes = encode(mesh);
        self.writer.write_all(&bytes)?;
        let slot = Slot {
            offset: self.end,
            len: bytes.len() as u32,
        };
        self.end += bytes.len() as u64;
        Ok(slot)
    }

    /// Flushes what was appended, so it can be read (from any thread).
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }

    /// Reads a mesh back.
    pub fn read(&self, slot: Slot) -> std::io::Result<FeatureMesh> {
        let mut bytes = vec![0u8; slot.len as usize];
        self.reader.read_exact_at(&mut bytes, slot.offset)?;
        decode(&bytes).ok_or_else(|| std::io::Error::other("corrupt mesh spool"))
    }

    /// Bytes spooled.
    pub fn size(&self) -> u64 {
        self.end
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn encode(m: &FeatureMesh) -> Vec<u8> {
    let n = m.positions.len();
    let mut out = Vec::with_capacity(64 + n * 40 + m.triangles.len() * 12);
    put_str(&mut out, &m.id);
    put_str(&mut out, &m.kind);
    let attributes = if m.attributes.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(m.attributes.clone()).to_string()
    };
    put_str(&mut out, &attributes);
    out.extend_from_slice(&(n as u32).to_le_bytes());
    for p in &m.positions {
        for v in p {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for p in &m.normals {
        for v in p {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for c in &m.colours {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&(m.triangles.len() as u32).to_le_bytes());
    for t in &m.triangles {
        for v in t {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for v in m.geodetic_bounds.iter().chain(&m.centre) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&m.degenerate_polygons.to_le_bytes());
    out
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

fn decode(bytes: &[u8]) -> Option<FeatureMesh> {
    let mut c = Cursor(bytes);
    let id = c.string()?;
    let kind = c.string()?;
    let attributes = c.string()?;
    let attributes = if attributes.is_empty() {
        Default::default()
    } else {
        serde_json::from_str(&attributes).ok()?
    };
    let n = c.u32()? as usize;
    let mut positions = Vec::with_capacity(n);
    for _ in 0..n {
        positions.push([c.f64()?, c.f64()?, c.f64()?]);
    }
    let mut normals = Vec::with_capacity(n);
    for _ in 0..n {
        normals.push([c.f32()?, c.f32()?, c.f32()?]);
    }
    let mut colours = Vec::with_capacity(n);
    for _ in 0..n {
        colours.push(c.take(4)?.try_into().ok()?);
    }
    let t = c.u32()? as usize;
    let mut triangles = Vec::with_capacity(t);
    for _ in 0..t {
        triangles.push([c.u32()?, c.u32()?, c.u32()?]);
    }
    let mut geodetic_bounds = [0.0; 6];
    for v in &mut geodetic_bounds {
        *v = c.f64()?;
    }
    let centre = [c.f64()?, c.f64()?];
    let degenerate_polygons = c.u32()?;
    Some(FeatureMesh {
        id,
        kind,
        attributes,
        positions,
        normals,
        colours,
        triangles,
        geodetic_bounds,
        centre,
        degenerate_polygons,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn meshes_come_back_as_they_went_in() {
        let mesh = FeatureMesh {
            id: "b1".into(),
            kind: "Building".into(),
            attributes: serde_json::from_str(r#"{"h": 3.5, "name": "Ö"}"#).unwrap(),
            positions: vec![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.5]],
            normals: vec![[0.0, 0.0, 1.0]; 3],
            colours: vec![[1, 2, 3, 4]; 3],
            triangles: vec![[0, 1, 2]],
            geodetic_bounds: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            centre: [7.0, 8.0],
            degenerate_polygons: 2,
        };
        let mut spool = Spool::new().unwrap();
        spool.push(&FeatureMesh::default()).unwrap();
        let slot = spool.push(&mesh).unwrap();
        spool.flush().unwrap();
        assert_eq!(spool.read(slot).unwrap(), mesh);
        assert!(decode(&encode(&mesh)[..10]).is_none());
    }
}

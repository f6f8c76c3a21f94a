//! Wavefront OBJ output (with a companion MTL of the colours used): one group per feature,
//! vertices in the model's CRS relative to an origin (written in a comment) with y up, as
//! Blender and most OBJ tools expect.

use crate::mesh::FeatureMesh;
use std::collections::BTreeMap;
use std::io::Write;

/// Writes meshes (made in the native frame) as OBJ to `obj`, naming `mtl_name` for the
/// materials written to `mtl`. `origin` is subtracted from every position.
pub fn write_obj(
    meshes: &[FeatureMesh],
    origin: [f64; 3],
    crs: &str,
    mtl_name: &str,
    obj: &mut dyn Write,
    mtl: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(obj, "# urbis {}", env!("CARGO_PKG_VERSION"))?;
    writeln!(
        obj,
        "# CRS {crs}; origin {} {} {} subtracted; axes x = east, y = up, z = south",
        origin[0], origin[1], origin[2]
    )?;
    writeln!(obj, "mtllib {mtl_name}")?;
    let mut colours: BTreeMap<[u8; 4], String> = BTreeMap::new();
    let mut base = 1usize;
    for m in meshes.iter().filter(|m| !m.is_empty()) {
        writeln!(obj, "g {}", m.id.replace(char::is_whitespace, "_"))?;
        for p in &m.positions {
            let (x, y, z) = (p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]);
            writeln!(obj, "v {x:.4} {z:.4} {:.4}", -y)?;
        }
        for n in &m.normals {
            writeln!(obj, "vn {:.5} {:.5} {:.5}", n[0], n[2], -n[1])?;
        }
        let mut current: Option<[u8; 4]> = None;
        for t in &m.triangles {
            let c = m.colours[t[0] as usize];
            if current != Some(c) {
                let next = colours.len();
                let name = colours.entry(c).or_insert_with(|| format!("c{next}"));
                writeln!(obj, "usemtl {name}")?;
                current = Some(c);
            }
            let [a, b, c] = t.map(|i| i as usize + base);
            writeln!(obj, "f {a}//{a} {b}//{b} {c}//{c}")?;
        }
        base += m.positions.len();
    }
    for (c, name) in &colours {
        writeln!(mtl, "newmtl {name}")?;
        writeln!(
            mtl,
            "Kd {:.4} {:.4} {:.4}",
            c[0] as f64 / 255.0,
            c[1] as f64 / 255.0,
            c[2] as f64 / 255.0
        )?;
        writeln!(mtl, "d {:.4}", c[3] as f64 / 255.0)?;
    }
    Ok(())
}

//! Checks of a written tileset against the 3D Tiles 1.1 rules that can be decided locally:
//! every child's region inside its parent's, geometric errors that never grow down the tree,
//! content URIs that resolve, GLB containers well formed with 8-byte aligned chunks, and every
//! vertex of every tile inside the tile's bounding region. It also reads the tiles back
//! (triangles in ECEF, per feature id) so tests can compare them with the input.

use crate::glb::LocalFrame;
use crate::placement::ecef_to_geodetic;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What a tileset holds, read back.
#[derive(Debug, Default)]
pub struct TilesetContents {
    /// Problems found (empty when the tileset passes).
    pub problems: Vec<String>,
    /// Tiles with content.
    pub tiles: usize,
    /// Triangles per feature id, in ECEF, in the order written.
    pub features: BTreeMap<String, Vec<[[f64; 3]; 3]>>,
    /// Feature ids that appear in more than one tile or twice in a tile.
    pub repeated_features: Vec<String>,
    /// The root region.
    pub root_region: Option<[f64; 6]>,
}

impl TilesetContents {
    /// The number of triangles read.
    pub fn triangle_count(&self) -> usize {
        self.features.values().map(Vec::len).sum()
    }
}

/// Reads and checks `dir/tileset.json` and its tiles.
pub fn check_tileset(tileset: &Path) -> TilesetContents {
    let mut out = TilesetContents::default();
    let text = match std::fs::read(tileset) {
        Ok(t) => t,
        Err(e) => {
            out.problems.push(format!("{}: {e}", tileset.display()));
            return out;
        }
    };
    let doc: Value = match serde_json::from_slice(&text) {
        Ok(d) => d,
        Err(e) => {
            out.problems.push(format!("{}: {e}", tileset.display()));
            return out;
        }
    };
    if doc["asset"]["version"].as_str() != Some("1.1") {
        out.problems.push("asset.version is not \"1.1\"".into());
    }
    let base = tileset.parent().unwrap_or(Path::new("."));
    let top_error = doc["geometricError"].as_f64().unwrap_or(-1.0);
    out.root_region = region(&doc["root"]);
    if doc["root"]["refine"].as_str().is_none() {
        out.problems
            .push("root: no refine (ADD or REPLACE), which the root tile must have".into());
    }
    walk(&doc["root"], "root", None, top_error, base, &mut out);
    out
}

fn region(tile: &Value) -> Option<[f64; 6]> {
    let r = tile["boundingVolume"]["region"].as_array()?;
    let v: Vec<f64> = r.iter().filter_map(Value::as_f64).collect();
    v.try_into().ok()
}

fn walk(
    tile: &Value,
    name: &str,
    parent: Option<[f64; 6]>,
    parent_error: f64,
    base: &Path,
    out: &mut TilesetContents,
) {
    let Some(r) = region(tile) else {
        out.problems.push(format!("{name}: no bounding region"));
        return;
    };
    if r[0] > r[2] || r[1] > r[3] || r[4] > r[5] {
        out.problems
            .push(format!("{name}: region {r:?} is inverted"));
    }
    let (half_pi, pi) = (std::f64::consts::FRAC_PI_2, std::f64::consts::PI);
    if [r[0], r[2]].iter().any(|v| !(-pi..=pi).contains(v))
        || [r[1], r[3]]
            .iter()
            .any(|v| !(-half_pi..=half_pi).contains(v))
    {
        out.problems.push(format!(
            "{name}: region {r:?} is outside [-pi, pi] x [-pi/2, pi/2] radians"
        ));
    }
    if let Some(refine) = tile["refine"].as_str() {
        if refine != "ADD" && refine != "REPLACE" {
            out.problems.push(format!(
                "{name}: refine {refine:?} is neither ADD nor REPLACE"
            ));
        }
    }
    if let Some(p) = parent {
        let inside = r[0] >= p[0] && r[1] >= p[1] && r[2] <= p[2] && r[3] <= p[3];
        if !inside || r[4] < p[4] || r[5] > p[5] {
            out.problems.push(format!(
                "{name}: region {r:?} is not inside its parent's {p:?}"
            ));
        }
    }
    let error = tile["geometricError"].as_f64().unwrap_or(-1.0);
    if error < 0.0 || error > parent_error {
        out.problems.push(format!(
            "{name}: geometric error {error} is negative or above its parent's {parent_error}"
        ));
    }
    if let Some(uri) = tile["content"]["uri"].as_str() {
        out.tiles += 1;
        let path = base.join(uri);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let transform = tile["transform"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_f64).collect::<Vec<f64>>())
                    .and_then(|v| <[f64; 16]>::try_from(v).ok());
                match read_glb(&bytes) {
                    Ok(glb) => content(&glb, transform, r, uri, out),
                    Err(e) => out.problems.push(format!("{uri}: {e}")),
                }
            }
            Err(e) => out
                .problems
                .push(format!("{name}: content {uri} does not resolve: {e}")),
        }
    }
    if let Some(children) = tile["children"].as_array() {
        if tile["content"].is_null() && children.is_empty() {
            out.problems
                .push(format!("{name}: no content and no children"));
        }
        for (i, c) in children.iter().enumerate() {
            walk(c, &format!("{name}/{i}"), Some(r), error, base, out);
        }
    }
}

/// A parsed GLB: its JSON and binary chunk.
pub struct Glb {
    /// The glTF JSON.
    pub json: Value,
    /// The BIN chunk.
    pub bin: Vec<u8>,
}

/// Why bytes are not a well-formed GLB container.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlbError {
    /// The bytes end inside a length or a chunk.
    #[error("truncated at byte {0}")]
    Truncated(usize),
    /// The magic or the version is wrong.
    #[error("not a glTF 2.0 binary")]
    NotGlb,
    /// The header's length is not the number of bytes.
    #[error("header length {header} but {actual} bytes")]
    Length {
        /// What the header says.
        header: usize,
        /// What there is.
        actual: usize,
    },
    /// The first chunk is not the JSON chunk.
    #[error("first chunk is not JSON")]
    FirstChunkNotJson,
    /// The JSON chunk's length leaves the BIN chunk unaligned.
    #[error("the BIN chunk does not start on an 8-byte boundary")]
    BinUnaligned,
    /// The JSON chunk does not parse.
    #[error("JSON chunk is not JSON")]
    JsonChunk,
    /// The second chunk is not the BIN chunk.
    #[error("second chunk is not BIN")]
    SecondChunkNotBin,
    /// The BIN chunk's length is not padded.
    #[error("BIN chunk length is not a multiple of 8")]
    BinLength,
}

/// Parses a GLB container, checking lengths and 8-byte chunk alignment.
pub fn read_glb(bytes: &[u8]) -> Result<Glb, GlbError> {
    let u32_at = |o: usize| -> Result<u32, GlbError> {
        bytes
            .get(o..o + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .ok_or(GlbError::Truncated(o))
    };
    if bytes.get(0..4) != Some(b"glTF") || u32_at(4)? != 2 {
        return Err(GlbError::NotGlb);
    }
    if u32_at(8)? as usize != bytes.len() {
        return Err(GlbError::Length {
            header: u32_at(8)? as usize,
            actual: bytes.len(),
        });
    }
    let json_len = u32_at(12)? as usize;
    if bytes.get(16..20) != Some(b"JSON") {
        return Err(GlbError::FirstChunkNotJson);
    }
    if (20 + json_len) % 8 != 0 {
        return Err(GlbError::BinUnaligned);
    }
    let json: Value = bytes
        .get(20..20 + json_len)
        .ok_or(GlbError::Truncated(20))
        .and_then(|b| serde_json::from_slice(b).map_err(|_| GlbError::JsonChunk))?;
    let mut bin = Vec::new();
    let o = 20 + json_len;
    if o < bytes.len() {
        let len = u32_at(o)? as usize;
        if bytes.get(o + 4..o + 8) != Some(b"BIN\0") {
            return Err(GlbError::SecondChunkNotBin);
        }
        if len % 8 != 0 {
            return Err(GlbError::BinLength);
        }
        bin = bytes
            .get(o + 8..o + 8 + len)
            .ok_or(GlbError::Truncated(o + 8))?
            .to_vec();
    }
    Ok(Glb { json, bin })
}

impl Glb {
    /// The bytes of an accessor's buffer view (tightly packed accessors only).
    fn view(&self, accessor: usize) -> Option<(&[u8], usize)> {
        let a = &self.json["accessors"][accessor];
        let v = &self.json["bufferViews"][a["bufferView"].as_u64()? as usize];
        let start = v["byteOffset"].as_u64().unwrap_or(0) as usize
            + a["byteOffset"].as_u64().unwrap_or(0) as usize;
        let len = v["byteLength"].as_u64()? as usize;
        Some((
            self.bin.get(start..start + len)?,
            a["count"].as_u64()? as usize,
        ))
    }

    /// Float vectors of an accessor.
    pub fn floats(&self, accessor: usize, width: usize) -> Option<Vec<Vec<f32>>> {
        let (b, count) = self.view(accessor)?;
        (0..count)
            .map(|i| {
                (0..width)
                    .map(|k| {
                        let o = (i * width + k) * 4;
                        Some(f32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
                    })
                    .collect()
            })
            .collect()
    }

    /// u32 scalars of an accessor.
    pub fn u32s(&self, accessor: usize) -> Option<Vec<u32>> {
        let (b, count) = self.view(accessor)?;
        (0..count)
            .map(|i| {
                Some(u32::from_le_bytes(
                    b.get(i * 4..i * 4 + 4)?.try_into().ok()?,
                ))
            })
            .collect()
    }

    /// The strings of a STRING property of the first property table.
    pub fn strings(&self, property: &str) -> Option<Vec<String>> {
        self.strings_of(property)
    }

    /// The strings of a STRING property (offsets must rise and stay inside the values).
    fn strings_of(&self, property: &str) -> Option<Vec<String>> {
        let table = &self.json["extensions"]["EXT_structural_metadata"]["propertyTables"][0];
        let p = &table["properties"][property];
        let raw = |key: &str| -> Option<&[u8]> {
            let v = &self.json["bufferViews"][p[key].as_u64()? as usize];
            let start = v["byteOffset"].as_u64().unwrap_or(0) as usize;
            self.bin
                .get(start..start + v["byteLength"].as_u64()? as usize)
        };
        let values = raw("values")?;
        let offsets = raw("stringOffsets")?;
        let count = table["count"].as_u64()? as usize;
        (0..count)
            .map(|i| {
                let at = |k: usize| -> Option<usize> {
                    Some(
                        u32::from_le_bytes(offsets.get(k * 4..k * 4 + 4)?.try_into().ok()?)
                            as usize,
                    )
                };
                String::from_utf8(values.get(at(i)?..at(i + 1)?)?.to_vec()).ok()
            })
            .collect()
    }
}

/// Reads a tile's triangles into `out`, checking them against the tile's region.
fn content(
    glb: &Glb,
    transform: Option<[f64; 16]>,
    r: [f64; 6],
    uri: &str,
    out: &mut TilesetContents,
) {
    let prim = &glb.json["meshes"][0]["primitives"][0];
    let attr = |k: &str| prim["attributes"][k].as_u64().map(|v| v as usize);
    let (Some(pos), Some(fid), Some(idx)) = (
        attr("POSITION").and_then(|a| glb.floats(a, 3)),
        attr("_FEATURE_ID_0").and_then(|a| glb.floats(a, 1)),
        prim["indices"].as_u64().and_then(|a| glb.u32s(a as usize)),
    ) else {
        out.problems.push(format!(
            "{uri}: no readable positions, feature ids or indices"
        ));
        return;
    };
    metadata_problems(glb, uri, out);
    let Some(ids) = glb.strings("id") else {
        out.problems.push(format!("{uri}: no readable id property"));
        return;
    };
    let frame = LocalFrame {
        to_ecef: transform.unwrap_or([
            1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0,
        ]),
    };
    // glTF y-up back to z-up, then the tile transform.
    let ecef: Vec<[f64; 3]> = pos
        .iter()
        .map(|p| frame.ecef([p[0] as f64, -(p[2] as f64), p[1] as f64]))
        .collect();
    let mut outside = 0;
    for p in &ecef {
        let g = ecef_to_geodetic(*p);
        let (lon, lat) = (g[0].to_radians(), g[1].to_radians());
        if lon < r[0] || lon > r[2] || lat < r[1] || lat > r[3] || g[2] < r[4] || g[2] > r[5] {
            outside += 1;
        }
    }
    if outside > 0 {
        out.problems.push(format!(
            "{uri}: {outside} vertices outside the tile's region"
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for t in idx.chunks_exact(3) {
        let (Some(a), Some(b), Some(c)) = (
            ecef.get(t[0] as usize),
            ecef.get(t[1] as usize),
            ecef.get(t[2] as usize),
        ) else {
            out.problems.push(format!("{uri}: index out of range"));
            return;
        };
        let f = fid
            .get(t[0] as usize)
            .map(|v| v[0] as usize)
            .unwrap_or(usize::MAX);
        let Some(id) = ids.get(f) else {
            out.problems
                .push(format!("{uri}: feature id {f} has no row"));
            return;
        };
        if seen.insert(f) && out.features.contains_key(id) {
            out.repeated_features.push(id.clone());
        }
        out.features
            .entry(id.clone())
            .or_default()
            .push([*a, *b, *c]);
    }
}

/// Checks the property table against `EXT_structural_metadata` and `EXT_mesh_features`: the
/// table's count equals the feature count, every class property has a column, numeric
/// columns hold `count` FLOAT64 values, string offsets rise and end inside their values.
fn metadata_problems(glb: &Glb, uri: &str, out: &mut TilesetContents) {
    let ext = &glb.json["extensions"]["EXT_structural_metadata"];
    let table = &ext["propertyTables"][0];
    let count = table["count"].as_u64().unwrap_or(0) as usize;
    let feature_count = glb.json["meshes"][0]["primitives"][0]["extensions"]["EXT_mesh_features"]
        ["featureIds"][0]["featureCount"]
        .as_u64()
        .unwrap_or(0) as usize;
    if count == 0 || count != feature_count {
        out.problems.push(format!(
            "{uri}: property table count {count} differs from featureCount {feature_count}"
        ));
    }
    let class = table["class"].as_str().unwrap_or_default();
    let Some(props) = ext["schema"]["classes"][class]["properties"].as_object() else {
        out.problems
            .push(format!("{uri}: the schema has no class \"{class}\""));
        return;
    };
    let view_len = |v: &Value| -> Option<usize> {
        let view = &glb.json["bufferViews"][v.as_u64()? as usize];
        if view["byteOffset"].as_u64().unwrap_or(0) % 8 != 0 {
            return None;
        }
        view["byteLength"].as_u64().map(|l| l as usize)
    };
    for (id, def) in props {
        let column = &table["properties"][id];
        if column.is_null() && def["required"].as_bool() != Some(true) {
            // An optional property without a column: every feature has its noData value.
            continue;
        }
        let ok = match def["type"].as_str() {
            Some("STRING") => match (
                view_len(&column["values"]),
                view_len(&column["stringOffsets"]),
                glb.strings_of(id),
            ) {
                (Some(values), Some(offsets), Some(strings)) => {
                    // The values view holds exactly the strings (METADATA_INVALID_LENGTH).
                    let total: usize = strings.iter().map(String::len).sum();
                    strings.len() == count && offsets == (count + 1) * 4 && values == total
                }
                _ => false,
            },
            Some("SCALAR") => view_len(&column["values"]) == Some(count * 8),
            _ => false,
        };
        if !ok {
            out.problems.push(format!(
                "{uri}: property \"{id}\" has no valid column of {count} values"
            ));
        }
    }
}

//! glTF 2.0 binary (GLB) output of feature meshes: one primitive with positions, flat normals,
//! vertex colours and `_FEATURE_ID_0` (`EXT_mesh_features`), and a property table per GLB
//! (`EXT_structural_metadata`) holding each feature's id, type and attributes.
//!
//! Coordinates are metres in a local east-north-up frame, written the glTF way (y up):
//! glTF `(x, y, z)` = `(east, up, -north)`. In a tileset the tile's `transform` takes the ENU
//! frame to ECEF; the standalone export records the frame's origin in `asset.extras`.

use crate::mesh::FeatureMesh;
use crate::metadata::{text, PropertyKind, Schema, NO_DATA_NUMBER};
use crate::placement::{ecef_to_geodetic, enu_to_ecef};
use serde_json::{json, Value};

/// A local east-north-up frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    /// Column-major 4x4 ENU → ECEF matrix.
    pub to_ecef: [f64; 16],
}

impl LocalFrame {
    /// The ENU frame whose origin is the geodetic point `g` (degrees, metres).
    pub fn at(g: [f64; 3]) -> LocalFrame {
        LocalFrame {
            to_ecef: enu_to_ecef(g),
        }
    }

    /// The frame at the centre of geodetic bounds `[minlon, minlat, minh, maxlon, maxlat, maxh]`
    /// (at the lowest height).
    pub fn centred(bounds: &[f64; 6]) -> LocalFrame {
        LocalFrame::at([
            (bounds[0] + bounds[3]) / 2.0,
            (bounds[1] + bounds[4]) / 2.0,
            bounds[2],
        ])
    }

    /// ECEF → local ENU.
    pub fn local(&self, p: [f64; 3]) -> [f64; 3] {
        let m = &self.to_ecef;
        let d = [p[0] - m[12], p[1] - m[13], p[2] - m[14]];
        [
            d[0] * m[0] + d[1] * m[1] + d[2] * m[2],
            d[0] * m[4] + d[1] * m[5] + d[2] * m[6],
            d[0] * m[8] + d[1] * m[9] + d[2] * m[10],
        ]
    }

    /// A direction in ECEF → local ENU.
    pub fn local_direction(&self, n: [f32; 3]) -> [f32; 3] {
        let m = &self.to_ecef;
        let n = [n[0] as f64, n[1] as f64, n[2] as f64];
        [
            (n[0] * m[0] + n[1] * m[1] + n[2] * m[2]) as f32,
            (n[0] * m[4] + n[1] * m[5] + n[2] * m[6]) as f32,
            (n[0] * m[8] + n[1] * m[9] + n[2] * m[10]) as f32,
        ]
    }

    /// Local ENU → ECEF.
    pub fn ecef(&self, l: [f64; 3]) -> [f64; 3] {
        let m = &self.to_ecef;
        [
            m[0] * l[0] + m[4] * l[1] + m[8] * l[2] + m[12],
            m[1] * l[0] + m[5] * l[1] + m[9] * l[2] + m[13],
            m[2] * l[0] + m[6] * l[1] + m[10] * l[2] + m[14],
        ]
    }
}

/// glTF (y up) from ENU.
fn y_up<T: Copy + std::ops::Neg<Output = T>>(v: [T; 3]) -> [T; 3] {
    [v[0], v[2], -v[1]]
}

/// Builds the binary chunk: every buffer view starts on an 8-byte boundary (as
/// `EXT_structural_metadata` requires).
#[derive(Default)]
struct BinaryBuilder {
    bytes: Vec<u8>,
    views: Vec<Value>,
}

impl BinaryBuilder {
    fn view(&mut self, data: &[u8], target: Option<u32>) -> usize {
        while self.bytes.len() % 8 != 0 {
            self.bytes.push(0);
        }
        // glTF forbids empty views; an all-empty string column gets one unused byte.
        let len = data.len().max(1);
        let mut view = json!({"buffer": 0, "byteOffset": self.bytes.len(), "byteLength": len});
        if let Some(t) = target {
            view["target"] = json!(t);
        }
        self.bytes.extend_from_slice(data);
        if data.is_empty() {
            self.bytes.push(0);
        }
        self.views.push(view);
        self.views.len() - 1
    }
}

const ARRAY_BUFFER: u32 = 34962;
const ELEMENT_ARRAY_BUFFER: u32 = 34963;
const FLOAT: u32 = 5126;
const UNSIGNED_BYTE: u32 = 5121;
const UNSIGNED_INT: u32 = 5125;

/// What goes into a GLB besides the meshes.
pub struct GlbOptions<'a> {
    /// The metadata schema (from all features of the tileset or export).
    pub schema: &'a Schema,
    /// Written to `asset.extras` (e.g. the frame's origin for a standalone file).
    pub extras: Option<Value>,
}

/// The GLB of `meshes` in `frame`. Empty meshes are skipped; feature ids number the
/// non-empty ones in order.
pub fn write_glb(meshes: &[&FeatureMesh], frame: &LocalFrame, options: &GlbOptions) -> Vec<u8> {
    let meshes: Vec<&FeatureMesh> = meshes.iter().copied().filter(|m| !m.is_empty()).collect();
    let vertex_count: usize = meshes.iter().map(|m| m.positions.len()).sum();
    let mut positions = Vec::with_capacity(vertex_count * 12);
    let mut normals = Vec::with_capacity(vertex_count * 12);
    let mut colours = Vec::with_capacity(vertex_count * 4);
    let mut feature_ids = Vec::with_capacity(vertex_count * 4);
    let mut indices = Vec::new();
    let (mut min, mut max) = ([f32::INFINITY; 3], [f32::NEG_INFINITY; 3]);
    let mut translucent = false;
    let mut base = 0u32;
    for (fid, mesh) in meshes.iter().enumerate() {
        for ((p, n), c) in mesh.positions.iter().zip(&mesh.normals).zip(&mesh.colours) {
            let l = y_up(frame.local(*p));
            let l = [l[0] as f32, l[1] as f32, l[2] as f32];
            for k in 0..3 {
                min[k] = min[k].min(l[k]);
                max[k] = max[k].max(l[k]);
                positions.extend_from_slice(&l[k].to_le_bytes());
            }
            for v in y_up(frame.local_direction(*n)) {
                normals.extend_from_slice(&v.to_le_bytes());
            }
            colours.extend_from_slice(c);
            translucent |= c[3] < 255;
            feature_ids.extend_from_slice(&(fid as f32).to_le_bytes());
        }
        for t in &mesh.triangles {
            for i in t {
                indices.extend_from_slice(&(i + base).to_le_bytes());
            }
        }
        base += mesh.positions.len() as u32;
    }
    let index_count = indices.len() / 4;
    let mut bin = BinaryBuilder::default();
    let v_pos = bin.view(&positions, Some(ARRAY_BUFFER));
    let v_nor = bin.view(&normals, Some(ARRAY_BUFFER));
    let v_col = bin.view(&colours, Some(ARRAY_BUFFER));
    let v_fid = bin.view(&feature_ids, Some(ARRAY_BUFFER));
    let v_idx = bin.view(&indices, Some(ELEMENT_ARRAY_BUFFER));
    let accessors = json!([
        {"bufferView": v_pos, "componentType": FLOAT, "count": vertex_count, "type": "VEC3",
         "min": min, "max": max},
        {"bufferView": v_nor, "componentType": FLOAT, "count": vertex_count, "type": "VEC3"},
        {"bufferView": v_col, "componentType": UNSIGNED_BYTE, "normalized": true,
         "count": vertex_count, "type": "VEC4"},
        {"bufferView": v_fid, "componentType": FLOAT, "count": vertex_count, "type": "SCALAR"},
        {"bufferView": v_idx, "componentType": UNSIGNED_INT, "count": index_count, "type": "SCALAR"},
    ]);
    let table = property_table(&meshes, options.schema, &mut bin);
    let mut asset =
        json!({"version": "2.0", "generator": concat!("urbis ", env!("CARGO_PKG_VERSION"))});
    if let Some(extras) = &options.extras {
        asset["extras"] = extras.clone();
    }
    let mut doc = json!({
        "asset": asset,
        "extensionsUsed": ["EXT_mesh_features", "EXT_structural_metadata"],
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "materials": [{
            "name": "urbis surfaces (vertex colours)",
            "pbrMetallicRoughness": {"baseColorFactor": [1.0, 1.0, 1.0, 1.0],
                                     "metallicFactor": 0.0, "roughnessFactor": 1.0},
            "alphaMode": if translucent { "BLEND" } else { "OPAQUE" },
            "doubleSided": true
        }],
        "meshes": [{"primitives": [{
            "attributes": {"POSITION": 0, "NORMAL": 1, "COLOR_0": 2, "_FEATURE_ID_0": 3},
            "indices": 4,
            "material": 0,
            "mode": 4,
            "extensions": {"EXT_mesh_features": {"featureIds": [
                {"featureCount": meshes.len(), "attribute": 0, "propertyTable": 0}
            ]}}
        }]}],
        "accessors": accessors,
        "extensions": {"EXT_structural_metadata": {
            "schema": options.schema.to_json(),
            "propertyTables": [table]
        }},
    });
    while bin.bytes.len() % 8 != 0 {
        bin.bytes.push(0);
    }
    doc["bufferViews"] = Value::Array(std::mem::take(&mut bin.views));
    doc["buffers"] = json!([{"byteLength": bin.bytes.len()}]);
    if vertex_count == 0 {
        // A primitive needs data; an empty GLB has no mesh at all.
        for key in [
            "meshes",
            "accessors",
            "materials",
            "extensions",
            "extensionsUsed",
        ] {
            if let Some(o) = doc.as_object_mut() {
                o.remove(key);
            }
        }
        doc["nodes"] = json!([{}]);
    }
    glb_container(&doc, &bin.bytes)
}

fn property_table(meshes: &[&FeatureMesh], schema: &Schema, bin: &mut BinaryBuilder) -> Value {
    let mut props = serde_json::Map::new();
    for p in &schema.properties {
        let value = |m: &FeatureMesh| -> Option<serde_json::Value> {
            match &p.attribute {
                None if p.id == "id" => Some(Value::String(m.id.clone())),
                None => Some(Value::String(m.kind.clone())),
                Some(name) => m.attributes.get(name).cloned(),
            }
        };
        match p.kind {
            PropertyKind::Number => {
                let mut data = Vec::with_capacity(meshes.len() * 8);
                for m in meshes {
                    let v = value(m)
                        .and_then(|v| v.as_f64())
                        .filter(|v| v.is_finite())
                        .unwrap_or(NO_DATA_NUMBER);
                    data.extend_from_slice(&v.to_le_bytes());
                }
                let view = bin.view(&data, None);
                props.insert(p.id.clone(), json!({"values": view}));
            }
            PropertyKind::Text => {
                let mut data = Vec::new();
                let mut offsets = Vec::with_capacity((meshes.len() + 1) * 4);
                offsets.extend_from_slice(&0u32.to_le_bytes());
                for m in meshes {
                    data.extend_from_slice(text(value(m).as_ref()).as_bytes());
                    offsets.extend_from_slice(&(data.len() as u32).to_le_bytes());
                }
                if data.is_empty() && p.attribute.is_some() {
                    // Every string is empty: an attribute column (optional, noData "") is left
                    // out of the table, since glTF forbids an empty buffer view and a padded
                    // one would not match the last string offset (METADATA_INVALID_LENGTH).
                    continue;
                }
                let values = bin.view(&data, None);
                let offsets = bin.view(&offsets, None);
                props.insert(
                    p.id.clone(),
                    json!({"values": values, "stringOffsets": offsets}),
                );
            }
        }
    }
    json!({"class": "feature", "count": meshes.len(), "properties": props})
}

/// The GLB container: header, JSON chunk (space-padded), BIN chunk (zero-padded), both
/// chunks starting and ending on 8-byte boundaries.
fn glb_container(doc: &Value, bin: &[u8]) -> Vec<u8> {
    let mut json_bytes = doc.to_string().into_bytes();
    // 12-byte header + 8-byte chunk header: pad the JSON so the BIN chunk data is 8-aligned.
    while (20 + json_bytes.len()) % 8 != 0 {
        json_bytes.push(b' ');
    }
    let total = 12 + 8 + json_bytes.len() + if bin.is_empty() { 0 } else { 8 + bin.len() };
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(json_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&json_bytes);
    if !bin.is_empty() {
        out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
        out.extend_from_slice(b"BIN\0");
        out.extend_from_slice(bin);
    }
    out
}

/// The asset extras of a standalone GLB: where its local frame sits on the globe.
pub fn frame_extras(frame: &LocalFrame, crs: &str) -> Value {
    let m = &frame.to_ecef;
    let g = ecef_to_geodetic([m[12], m[13], m[14]]);
    json!({"urbis": {
        "frame": "local east-north-up metres, glTF axes (x east, y up, z south)",
        "origin_lonlat_height": g,
        "origin_ecef": [m[12], m[13], m[14]],
        "enu_to_ecef": m.to_vec(),
        "source_crs": crs,
    }})
}

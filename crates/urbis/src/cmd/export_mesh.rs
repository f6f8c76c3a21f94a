//! `urbis export` to meshes: GLB and OBJ.

use crate::cmd::export::Args;
use crate::input::Input;
use crate::pipeline;
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;
use urbis_model::Feature;
use urbis_tiles::glb::{frame_extras, GlbOptions, LocalFrame};
use urbis_tiles::{FeatureMesh, Frame, LodChoice, Mesher, Placement, SchemaBuilder};

/// Whether `path` names a mesh output.
pub fn is_mesh(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    matches!(ext.as_deref(), Some("glb") | Some("obj"))
}

/// Exports meshes.
pub fn run(a: &Args, output: &Path) -> Result<u8> {
    let mut reader = match (a.paths.len(), &a.collection) {
        (2, None) => pipeline::open(&a.paths[0])?,
        (1, Some(collection)) => {
            let store = a.store.open()?;
            let query = urbis_store::Query {
                bbox: a
                    .bbox
                    .as_ref()
                    .map(|b| urbis_store::Query::bbox_2d([b[0], b[1], b[2], b[3]])),
                types: a.types.clone(),
                ..Default::default()
            };
            Input::collection(store, collection, &query, &pipeline::input_options())?
        }
        _ => bail!("give either IN OUT, or OUT with --collection NAME"),
    };
    let header = reader.header().clone();
    let glb = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("glb"));
    let placement = if glb {
        Some(Placement::new(header.crs().as_ref(), a.geoid_offset)?)
    } else {
        None
    };
    let frame = match &placement {
        Some(p) => Frame::Ecef(p),
        None => Frame::Native,
    };
    let lod = a.lod.clone().map_or(LodChoice::Highest, LodChoice::Exact);
    let mesher = Mesher::new(
        frame,
        header.transform,
        header.geometry_templates.as_ref(),
        lod,
    );
    let keep = |f: &Feature| selected(a, f, &header.transform);
    let mut meshes: Vec<FeatureMesh> = Vec::new();
    while let Some(batch) = reader.next_batch()? {
        let made: Vec<Result<FeatureMesh, _>> = batch
            .par_iter()
            .filter(|f| keep(f))
            .map(|f| mesher.mesh(f))
            .collect();
        for m in made {
            let m = m?;
            if !m.is_empty() {
                meshes.push(m);
            }
        }
    }
    if meshes.is_empty() {
        bail!("nothing to export: no selected feature has a surface to draw");
    }
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let triangles: usize = meshes.iter().map(|m| m.triangles.len()).sum();
    if glb {
        let mut schema = SchemaBuilder::default();
        for m in &meshes {
            schema.observe(&m.attributes);
        }
        let bounds = FeatureMesh::union_bounds(&meshes);
        let schema = schema.finish();
        let frame = LocalFrame::centred(&bounds);
        let crs = placement
            .as_ref()
            .map(|p| p.crs().to_string())
            .unwrap_or_default();
        let refs: Vec<&FeatureMesh> = meshes.iter().collect();
        let bytes = urbis_tiles::write_glb(
            &refs,
            &frame,
            &GlbOptions {
                schema: &schema,
                extras: Some(frame_extras(&frame, &crs)),
            },
        );
        tmp.write_all(&bytes)?;
    } else {
        let mtl_path = output.with_extension("mtl");
        let mtl_name = mtl_path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut origin = [f64::INFINITY; 3];
        for p in meshes.iter().flat_map(|m| &m.positions) {
            for k in 0..3 {
                origin[k] = origin[k].min(p[k]);
            }
        }
        let origin = origin.map(f64::floor);
        let crs = header
            .crs()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "unknown".into());
        let mut mtl = tempfile::NamedTempFile::new_in(dir)?;
        {
            let mut obj = std::io::BufWriter::new(tmp.as_file_mut());
            let mut m = std::io::BufWriter::new(mtl.as_file_mut());
            urbis_tiles::obj::write_obj(&meshes, origin, &crs, &mtl_name, &mut obj, &mut m)?;
            obj.flush()?;
            m.flush()?;
        }
        mtl.persist(&mtl_path)
            .map_err(|e| anyhow!("writing {}: {}", mtl_path.display(), e.error))?;
    }
    tmp.persist(output)
        .map_err(|e| anyhow!("writing {}: {}", output.display(), e.error))?;
    eprintln!(
        "urbis: exported {} features, {triangles} triangles to {}",
        meshes.len(),
        output.display()
    );
    Ok(0)
}

/// Whether a feature passes `--bbox`, `--type` and `--id`.
fn selected(a: &Args, f: &Feature, t: &urbis_model::Transform) -> bool {
    if !a.types.is_empty()
        && !f
            .root()
            .is_some_and(|r| a.types.iter().any(|k| k == r.kind.as_str()))
    {
        return false;
    }
    if !a.ids.is_empty() && !f.objects.iter().any(|o| a.ids.contains(&o.id)) {
        return false;
    }
    if let Some(b) = &a.bbox {
        let mut e = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for v in &f.vertices {
            let p = t.apply(*v);
            e = [
                e[0].min(p[0]),
                e[1].min(p[1]),
                e[2].max(p[0]),
                e[3].max(p[1]),
            ];
        }
        if e[2] < b[0] || e[0] > b[2] || e[3] < b[1] || e[1] > b[3] {
            return false;
        }
    }
    true
}

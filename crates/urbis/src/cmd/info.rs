//! `urbis info`.

use crate::input::InputFormat;
use crate::pipeline;
use anyhow::Result;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Describe a CityJSON, CityJSONSeq or CityGML file: version, CRS, object types, LoDs, extent...
///
/// The whole file is read (streaming), so the figures are counted, not copied from metadata.
/// `--json` prints one JSON object with the keys: version, encoding, crs, transform, metadata
/// title, city_objects, features, types, lods, geometry_types, semantic_surfaces, vertices,
/// extent ([minx,miny,minz,maxx,maxy,maxz] in real coordinates), attributes, has_appearance,
/// has_geometry_templates, extensions.
#[derive(clap::Args)]
pub struct Args {
    /// Input file, or `-` for stdin.
    pub input: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `urbis info`.
pub fn run(a: Args) -> Result<u8> {
    let mut reader = pipeline::open(&a.input)?;
    let header = reader.header().clone();
    let summary = reader.summarize()?;
    // A whole file's vertex list counts shared vertices once.
    let vertices = reader
        .vertex_count()
        .map(|v| v as u64)
        .unwrap_or(summary.vertices);
    let encoding = match reader.format() {
        InputFormat::CityJson => "CityJSON",
        InputFormat::CityJsonSeq => "CityJSONSeq",
        InputFormat::CityGml => "CityGML",
    };
    let extensions: Vec<String> = header
        .extensions
        .iter()
        .flat_map(|e| e.keys().cloned())
        .collect();
    // Textures or materials only on geometry templates count too.
    let has_appearance = summary.has_appearance
        || header
            .geometry_templates
            .as_ref()
            .is_some_and(|t| !t.appearance.is_empty());
    let report = json!({
        "input": reader.path().display().to_string(),
        "version": header.source_version,
        "encoding": encoding,
        "crs": header.crs().map(|c| c.to_string()),
        "transform": {"scale": header.transform.scale, "translate": header.transform.translate},
        "title": header.metadata.as_ref().and_then(|m| m.get("title")).cloned().unwrap_or(Value::Null),
        "city_objects": summary.city_objects,
        "features": summary.features,
        "types": summary.types,
        "lods": summary.lods,
        "geometry_types": summary.geometry_types,
        "geometries": summary.geometries,
        "semantic_surfaces": summary.semantic_types,
        "vertices": vertices,
        "extent": summary.extent,
        "attributes": summary.attributes,
        "has_appearance": has_appearance,
        "has_geometry_templates": header.geometry_templates.is_some(),
        "extensions": extensions,
    });
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    let list = |v: &Value| -> String {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().map(String::from).unwrap_or(x.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "none".into())
    };
    println!("{}", report["input"].as_str().unwrap_or_default());
    println!("  version          {} ({encoding})", header.source_version);
    println!(
        "  crs              {}",
        report["crs"].as_str().unwrap_or("(none)")
    );
    if let Some(t) = report["title"].as_str() {
        println!("  title            {t}");
    }
    println!(
        "  city objects     {} in {} features",
        summary.city_objects, summary.features
    );
    for (t, n) in &summary.types {
        println!("    {t:<22} {n}");
    }
    println!("  lods             {}", list(&report["lods"]));
    println!("  geometry types   {}", list(&report["geometry_types"]));
    println!("  semantics        {}", list(&report["semantic_surfaces"]));
    println!("  vertices         {vertices}");
    if let Some(e) = summary.extent {
        println!(
            "  extent           {:.3} {:.3} {:.3}  {:.3} {:.3} {:.3}",
            e[0], e[1], e[2], e[3], e[4], e[5]
        );
    }
    println!("  attributes       {}", list(&report["attributes"]));
    println!(
        "  appearance       {}",
        if has_appearance { "yes" } else { "no" }
    );
    println!(
        "  templates        {}",
        if header.geometry_templates.is_some() {
            "yes"
        } else {
            "no"
        }
    );
    if !extensions.is_empty() {
        println!("  extensions       {}", extensions.join(", "));
    }
    Ok(0)
}

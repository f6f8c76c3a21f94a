//! `urbis validate`.

use anyhow::{bail, Result};
use std::path::PathBuf;
use urbis_validate::{validate_file_with, Checks, Code, MeshPrimitive, Options};

/// Validate against the CityJSON schema and the geometry of every CityObject (ISO 19107,
/// with val3dity's error codes).
///
/// The schema checks are native (streaming, one CityObject in memory at a time) and agree
/// with the official CityJSON 1.0/1.1/2.0 schemas on the shared test files.
///
/// Reads CityJSON 1.0/1.1/2.0, CityJSONSeq, CityGML 1.0/2.0/3.0, and OBJ/OFF/POLY meshes. Every primitive is
/// validated hierarchically like val3dity does: rings and polygons (101-104, 201-208), then
/// shells (301-307), then solids (401-405), then the solids of a CompositeSolid (501-503),
/// and the parts of each Building must not overlap (601). A level is only checked when the
/// one below it is valid. Vertices closer than --snap-tol are merged first.
///
/// Exit code 0 when everything is valid, 1 when errors were found, 2 when the input could
/// not be read. `--json` prints {"valid", "input", "options", "features": [{"id", "type",
/// "errors": [{"code", "description", "lod", "geometry", "solid", "shell", "face",
/// "info"}]}], "summary": {...}}; only invalid objects are listed in "features".
#[derive(clap::Args)]
pub struct Args {
    /// Input file (CityJSON, CityJSONSeq, CityGML, .obj, .off, .poly), or `-` for stdin.
    pub input: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Snapping tolerance: vertices closer than this are one vertex (negative: no snapping).
    #[arg(long, default_value_t = 0.001, allow_hyphen_values = true)]
    pub snap_tol: f64,
    /// Planarity: maximum distance of a polygon's points to its fitted plane.
    #[arg(long, default_value_t = 0.01)]
    pub planarity_d2p: f64,
    /// Planarity: maximum deviation of a polygon's triangle normals, in degrees.
    #[arg(long, default_value_t = 20.0)]
    pub planarity_n: f64,
    /// Overlap allowed between solids of a CompositeSolid or parts of a Building
    /// (negative: no overlap at all).
    #[arg(long, default_value_t = -1.0, allow_hyphen_values = true)]
    pub overlap_tol: f64,
    /// How the polygons of OBJ/OFF/POLY objects are assembled.
    #[arg(short = 'p', long, value_enum, default_value_t = PrimitiveArg::Solid)]
    pub primitive: PrimitiveArg,
    /// An interior shell (POLY/OFF/OBJ) of the Solid read from a mesh input (repeatable).
    #[arg(long = "ishell")]
    pub interior_shells: Vec<PathBuf>,
    /// Only the schema checks (CityJSON member types, required members, object and geometry
    /// types, LoDs, boundary nesting, semantics/material/texture values, extensions).
    #[arg(long, conflicts_with = "geometry_only")]
    pub schema_only: bool,
    /// Only the geometric validation.
    #[arg(long)]
    pub geometry_only: bool,
    /// A folder holding the schemas of CityJSON Extensions (`*.ext.json`), looked up by the
    /// file name of the URL in the file's "extensions" member (repeatable). The input's own
    /// folder is always searched; schemas are never downloaded, and one that is not found is
    /// a warning.
    #[arg(long = "extensions", value_name = "DIR")]
    pub extension_dirs: Vec<PathBuf>,
    /// List at most this many invalid objects in the text report.
    #[arg(long, default_value_t = 20)]
    pub max_listed: usize,
}

/// The primitive that mesh objects form.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum PrimitiveArg {
    /// A closed, outward-oriented 2-manifold.
    Solid,
    /// A 2-manifold surface, not necessarily closed.
    #[value(name = "CompositeSurface", alias = "compositesurface")]
    CompositeSurface,
    /// Polygons validated one by one.
    #[value(name = "MultiSurface", alias = "multisurface")]
    MultiSurface,
}

/// Runs `urbis validate`.
pub fn run(a: Args) -> Result<u8> {
    for (name, v) in [
        ("--snap-tol", a.snap_tol),
        ("--planarity-d2p", a.planarity_d2p),
        ("--planarity-n", a.planarity_n),
        ("--overlap-tol", a.overlap_tol),
    ] {
        if !v.is_finite() {
            bail!("{name} must be a finite number");
        }
    }
    if a.planarity_d2p < 0.0 || a.planarity_n < 0.0 {
        bail!("the planarity tolerances must not be negative");
    }
    let opts = Options {
        snap_tol: a.snap_tol,
        planarity_d2p: a.planarity_d2p,
        planarity_n: a.planarity_n,
        overlap_tol: a.overlap_tol,
        geographic: false,
    };
    let primitive = match a.primitive {
        PrimitiveArg::Solid => MeshPrimitive::Solid,
        PrimitiveArg::CompositeSurface => MeshPrimitive::CompositeSurface,
        PrimitiveArg::MultiSurface => MeshPrimitive::MultiSurface,
    };
    let checks = Checks {
        schema: !a.geometry_only,
        geometry: !a.schema_only,
        extension_dirs: a.extension_dirs.clone(),
        axes: crate::pipeline::input_options().axes,
    };
    let report = validate_file_with(&a.input, &a.interior_shells, primitive, &opts, checks);
    for w in &report.warnings {
        eprintln!("urbis: warning: {w}");
    }
    // The model reader stops at an object whose indices or values do not fit; when the file
    // is well-formed JSON and the structure checks have named what is wrong, it was read
    // and found invalid (1), not unreadable (2).
    let explained = report.schema.is_empty() && !report.structure.is_empty();
    let unreadable = !explained
        && report
            .file_issue
            .as_ref()
            .is_some_and(|i| i.code == Code::INVALID_INPUT_FILE);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print_text(&report, a.max_listed);
    }
    Ok(if unreadable {
        2
    } else if report.is_valid() {
        0
    } else {
        1
    })
}

fn print_text(report: &urbis_validate::Report, max_listed: usize) {
    println!("input: {}", report.input.display());
    if let Some(i) = &report.file_issue {
        println!("file error {i}");
    }
    if !report.schema.is_empty() {
        println!("schema errors: {}", report.schema.len());
        for i in report.schema.iter().take(max_listed) {
            match i.line {
                Some(l) => println!("  line {l} {}: {}", i.pointer, i.message),
                None => println!("  {}: {}", i.pointer, i.message),
            }
        }
    }
    if !report.structure.is_empty() {
        println!("structure errors: {}", report.structure.len());
        for i in report.structure.iter().take(max_listed) {
            match i.line {
                Some(l) => println!("  line {l} {}: {}", i.pointer, i.message),
                None => println!("  {}: {}", i.pointer, i.message),
            }
        }
    }
    if !report.lost_geometry.is_empty() {
        println!(
            "geometry not read (so not checked): {}",
            report.lost_geometry.len()
        );
        for m in report.lost_geometry.iter().take(max_listed) {
            println!("  {m}");
        }
    }
    let invalid = report
        .objects
        .iter()
        .filter(|o| !o.issues.is_empty())
        .count();
    println!(
        "objects: {} ({} valid, {} invalid)",
        report.objects.len(),
        report.objects.len() - invalid,
        invalid
    );
    for (t, (v, i)) in report.by_type() {
        println!("  {t}: {v} valid, {i} invalid");
    }
    let counts = report.counts();
    if !counts.is_empty() {
        println!("errors:");
        for (code, n) in counts {
            println!("  {code} {}: {n}", Code(code).name());
        }
    }
    for (listed, o) in report
        .objects
        .iter()
        .filter(|o| !o.issues.is_empty())
        .enumerate()
    {
        if listed == max_listed {
            println!(
                "  ... ({} more invalid objects; --json lists all)",
                invalid - listed
            );
            break;
        }
        for i in &o.issues {
            println!("{} ({}): {i}", o.id, o.kind);
        }
    }
    println!(
        "{}",
        if report.is_valid() {
            "valid"
        } else {
            "invalid"
        }
    );
}

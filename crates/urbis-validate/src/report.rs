//! Validating a whole file (CityJSON, CityJSONSeq, OBJ/OFF/POLY) into a report: per-object
//! errors with their location, and counts per code. CityJSON is read feature batch by feature
//! batch and validated in parallel, so memory stays bounded.

use crate::codes::{Code, Issue};
use crate::feature::{validate_feature, GeometryIssue, ObjectReport};
use crate::mesh::{is_mesh, read_mesh};
use crate::options::Options;
use crate::primitive::{validate_primitive, Faces, Primitive};
use crate::schema::{check_file_with, FileChecks, SchemaIssue};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use urbis_model::AxisOrder;
use urbis_source::{FeatureSource, InputFormat, InputOptions, SourceWarning};

/// How OBJ/OFF/POLY polygons are to be assembled (CityJSON says it itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeshPrimitive {
    /// Each object is a Solid (the default, as in val3dity).
    #[default]
    Solid,
    /// Each object is a CompositeSurface.
    CompositeSurface,
    /// Each object is a MultiSurface.
    MultiSurface,
}

/// The validation of a file.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The input.
    pub input: PathBuf,
    /// The tolerances used.
    pub options: Options,
    /// Per-object results (every object, valid ones with no issues).
    pub objects: Vec<ObjectReport>,
    /// A problem with the file as a whole (901 when it cannot be read, with the reason).
    pub file_issue: Option<Issue>,
    /// Warnings that did not stop the validation.
    pub warnings: Vec<String>,
    /// Where the file breaks the CityJSON schema (empty when it does not, or not checked).
    pub schema: Vec<SchemaIssue>,
    /// Structural errors beyond the schema (parents/children links that do not match).
    pub structure: Vec<SchemaIssue>,
    /// Geometry the file holds that the reader could not keep (CityGML: skipped polygons,
    /// solids or unresolved links), each with its location: unchecked, so never valid.
    pub lost_geometry: Vec<String>,
}

/// Which checks to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    /// The CityJSON schema rules (CityJSON inputs only).
    pub schema: bool,
    /// The geometric validation of every primitive.
    pub geometry: bool,
    /// Folders where the schemas of the Extensions a file lists are looked for (after the
    /// file's own folder), by the file name of their URL; they are never downloaded.
    pub extension_dirs: Vec<PathBuf>,
    /// Which way round the input's first two coordinates are (`--swap-axes`).
    pub axes: AxisOrder,
}

impl Default for Checks {
    fn default() -> Checks {
        Checks {
            schema: true,
            geometry: true,
            extension_dirs: Vec::new(),
            axes: AxisOrder::Auto,
        }
    }
}

/// How many schema issues a report keeps at most.
pub const MAX_SCHEMA_ISSUES: usize = 1000;

impl Report {
    /// Whether nothing was found wrong.
    pub fn is_valid(&self) -> bool {
        self.file_issue.is_none()
            && self.schema.is_empty()
            && self.structure.is_empty()
            && self.lost_geometry.is_empty()
            && self.objects.iter().all(|o| o.issues.is_empty())
    }

    /// The distinct codes found, sorted.
    pub fn codes(&self) -> Vec<u16> {
        let mut codes: Vec<u16> = self
            .objects
            .iter()
            .flat_map(|o| o.issues.iter().map(|i| i.issue.code.0))
            .chain(self.file_issue.iter().map(|i| i.code.0))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// How many times each code was found.
    pub fn counts(&self) -> BTreeMap<u16, usize> {
        let mut counts = BTreeMap::new();
        for i in self.objects.iter().flat_map(|o| o.issues.iter()) {
            *counts.entry(i.issue.code.0).or_insert(0) += 1;
        }
        if let Some(i) = &self.file_issue {
            *counts.entry(i.code.0).or_insert(0) += 1;
        }
        counts
    }

    /// (valid, invalid) object counts per CityObject type.
    pub fn by_type(&self) -> BTreeMap<&str, (usize, usize)> {
        let mut by_type: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for o in &self.objects {
            let e = by_type.entry(o.kind.as_str()).or_default();
            if o.issues.is_empty() {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
        by_type
    }

    /// The report as JSON: `valid`, `input`, `options`, `features` (objects with errors),
    /// `summary`.
    pub fn to_json(&self) -> Value {
        let issue_json = |i: &GeometryIssue| {
            let mut m = Map::new();
            m.insert("code".into(), json!(i.issue.code.0));
            m.insert("description".into(), json!(i.issue.code.name()));
            if let Some(l) = &i.lod {
                m.insert("lod".into(), json!(l));
            }
            if let Some(g) = i.geometry {
                m.insert("geometry".into(), json!(g));
            }
            if let Some(s) = i.issue.solid {
                m.insert("solid".into(), json!(s));
            }
            if let Some(s) = i.issue.shell {
                m.insert("shell".into(), json!(s));
            }
            if let Some(f) = i.issue.face {
                m.insert("face".into(), json!(f));
            }
            m.insert("info".into(), json!(i.issue.info));
            Value::Object(m)
        };
        let features: Vec<Value> = self
            .objects
            .iter()
            .filter(|o| !o.issues.is_empty())
            .map(|o| {
                json!({
                    "id": o.id,
                    "type": o.kind,
                    "errors": o.issues.iter().map(issue_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let errors: Map<String, Value> = self
            .counts()
            .into_iter()
            .map(|(c, n)| (c.to_string(), json!(n)))
            .collect();
        let by_type = self.by_type();
        json!({
            "valid": self.is_valid(),
            "input": self.input.display().to_string(),
            "options": self.options,
            "file_error": self.file_issue.as_ref().map(|i| json!({
                "code": i.code.0, "description": i.code.name(), "info": i.info,
            })),
            "schema": self.schema.iter().map(|i| json!({
                "pointer": i.pointer, "line": i.line, "message": i.message,
            })).collect::<Vec<_>>(),
            "structure": self.structure.iter().map(|i| json!({
                "pointer": i.pointer, "line": i.line, "message": i.message,
            })).collect::<Vec<_>>(),
            "lost_geometry": self.lost_geometry,
            "warning_messages": self.warnings,
            "features": features,
            "summary": {
                "objects": self.objects.len(),
                "valid_objects": self.objects.iter().filter(|o| o.issues.is_empty()).count(),
                "types": by_type.iter().map(|(t, (v, i))| (t.to_string(), json!({"valid": v, "invalid": i}))).collect::<Map<String, Value>>(),
                "errors": errors,
                "schema_errors": self.schema.len(),
                "lost_geometry": self.lost_geometry.len(),
                "warnings": self.warnings.len(),
            },
        })
    }
}

/// Validates the file at `path`. `interior_shells` are extra POLY files that are the interior
/// shells of a Solid read from a mesh file (val3dity's `--ishell`).
pub fn validate_file(
    path: &Path,
    interior_shells: &[PathBuf],
    mesh_primitive: MeshPrimitive,
    opts: &Options,
) -> Report {
    validate_file_with(
        path,
        interior_shells,
        mesh_primitive,
        opts,
        Checks::default(),
    )
}

/// [`validate_file`] with a choice of checks.
pub fn validate_file_with(
    path: &Path,
    interior_shells: &[PathBuf],
    mesh_primitive: MeshPrimitive,
    opts: &Options,
    checks: Checks,
) -> Report {
    let mut report = Report {
        input: path.to_path_buf(),
        options: *opts,
        ..Default::default()
    };
    if is_mesh(path) {
        if checks.geometry {
            validate_mesh(path, interior_shells, mesh_primitive, opts, &mut report);
        }
        return report;
    }
    let citygml = path != Path::new("-") && urbis_citygml::is_xml_file(path);
    if checks.schema && citygml {
        report.warnings.push(
            "CityGML input: the CityJSON schema checks do not apply; the XML is checked for well-formedness and the structure the reader maps".into(),
        );
    }
    let schema_wanted = checks.schema && path != Path::new("-") && !citygml;
    if checks.schema && path == Path::new("-") {
        report
            .warnings
            .push("the schema is not checked on standard input".into());
    }
    // The schema pass is one thread reading the file; it runs beside the geometry.
    std::thread::scope(|scope| {
        let schema = schema_wanted.then(|| {
            scope.spawn(|| check_file_with(path, MAX_SCHEMA_ISSUES, &checks.extension_dirs))
        });
        if checks.geometry {
            validate_geometry(path, opts, checks.axes, &mut report);
        }
        if let Some(handle) = schema {
            let checks = handle.join().unwrap_or_else(|_| FileChecks {
                schema: vec![SchemaIssue {
                    pointer: String::new(),
                    line: None,
                    message: "the schema check failed unexpectedly".into(),
                }],
                ..Default::default()
            });
            report.schema = checks.schema;
            report.structure = checks.structure;
            report.warnings.extend(checks.warnings);
        }
    });
    report
}

/// The geometric validation of an input, batch by batch. The reader's warnings are reported
/// as warnings, except those naming geometry a CityGML file holds that could not be read:
/// that geometry was not checked, so those are errors. Input that cannot be read makes the
/// file invalid (901).
fn validate_geometry(path: &Path, opts: &Options, axes: AxisOrder, report: &mut Report) {
    let options = InputOptions {
        axes,
        ..Default::default()
    };
    let mut source = match FeatureSource::open(path, &options) {
        Ok(s) => s,
        Err(e) => {
            report.file_issue = Some(Issue::new(Code::INVALID_INPUT_FILE, e.to_string()));
            return;
        }
    };
    let mut warnings = source.take_warnings();
    if source.format() != InputFormat::CityGml {
        // CityJSON's come first, as the reader gives them on opening.
        push_warnings(report, std::mem::take(&mut warnings));
    }
    let header = source.header().clone();
    validate_batches(path, &header, opts, report, || {
        let batch = source.next_batch().map_err(|e| e.to_string());
        warnings.extend(source.take_warnings());
        batch
    });
    push_warnings(report, warnings);
}

/// Reader warnings into the report: geometry that was lost is an error, each one listed.
fn push_warnings(report: &mut Report, warnings: Vec<SourceWarning>) {
    for w in warnings {
        match w {
            SourceWarning::Read {
                message,
                lost: true,
                ..
            } => report.lost_geometry.push(message),
            SourceWarning::Read { message, .. } => report.warnings.push(message),
            // The lost geometry is listed one error each already.
            SourceWarning::LostTotal { .. } => {}
        }
    }
}

/// A hint when nearly every object with a solid has an inside-out shell (405): a mirrored
/// model, in all likelihood its x and y exchanged.
fn swapped_axes_hint(objects: &[ObjectReport]) -> Option<String> {
    let with_solids = objects.iter().filter(|o| o.solids > 0).count();
    let inside_out = objects
        .iter()
        .filter(|o| {
            o.issues
                .iter()
                .any(|i| i.issue.code == Code::WRONG_ORIENTATION_SHELL)
        })
        .count();
    (inside_out >= 3 && inside_out * 10 >= with_solids * 9).then(|| {
        format!(
            "{inside_out} of {with_solids} objects with solids have inside-out shells (405): the model is mirrored, in all likelihood its x and y are exchanged (northing written first); validate again with --swap-axes, and repair the file with `urbis convert --swap-axes IN OUT`"
        )
    })
}

fn validate_batches(
    path: &Path,
    header: &urbis_model::Header,
    opts: &Options,
    report: &mut Report,
    mut next: impl FnMut() -> Result<Option<Vec<urbis_model::Feature>>, String>,
) {
    let opts = &opts.for_header(header);
    report.options = *opts;
    loop {
        match next() {
            Ok(Some(batch)) => {
                let results: Vec<Vec<ObjectReport>> = batch
                    .par_iter()
                    .map(|f| {
                        validate_feature(
                            f,
                            &header.transform,
                            header.geometry_templates.as_ref(),
                            opts,
                        )
                    })
                    .collect();
                report.objects.extend(results.into_iter().flatten());
            }
            Ok(None) => break,
            Err(e) => {
                report.file_issue = Some(Issue::new(Code::INVALID_INPUT_FILE, e));
                break;
            }
        }
    }
    if let Some(w) = swapped_axes_hint(&report.objects) {
        report.warnings.push(w);
    }
    if report.file_issue.is_none() && report.objects.is_empty() {
        report
            .warnings
            .push(format!("{}: no CityObjects", path.display()));
    }
}

fn validate_mesh(
    path: &Path,
    interior_shells: &[PathBuf],
    kind: MeshPrimitive,
    opts: &Options,
    report: &mut Report,
) {
    let file = match read_mesh(path) {
        Ok(f) => f,
        Err(e) => {
            report.file_issue = Some(Issue::new(Code::INVALID_INPUT_FILE, e.to_string()));
            return;
        }
    };
    // Interior shells come from other files: append their vertices to one pool.
    let mut points = file.points.clone();
    let mut inner: Vec<Faces> = Vec::new();
    for p in interior_shells {
        match read_mesh(p) {
            Ok(f) => {
                let base = points.len() as u32;
                points.extend(f.points.iter().copied());
                for (_, faces) in f.objects {
                    inner.push(
                        faces
                            .into_iter()
                            .map(|face| {
                                face.into_iter()
                                    .map(|r| r.into_iter().map(|i| i + base).collect())
                                    .collect()
                            })
                            .collect(),
                    );
                }
            }
            Err(e) => {
                report.file_issue = Some(Issue::new(Code::INVALID_INPUT_FILE, e.to_string()));
                return;
            }
        }
    }
    let origin = points.first().copied().unwrap_or([0.0; 3]);
    let local: Vec<[f64; 3]> = points
        .iter()
        .map(|p| [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]])
        .collect();
    if file.objects.is_empty() || file.objects.iter().all(|(_, f)| f.is_empty()) {
        report.file_issue = Some(Issue::new(Code::EMPTY_PRIMITIVE, "no polygons in the file"));
        return;
    }
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (k, (name, faces)) in file.objects.iter().enumerate() {
        let primitive = match kind {
            MeshPrimitive::Solid => {
                let mut shells = vec![faces.clone()];
                if k == 0 {
                    shells.extend(inner.iter().cloned());
                }
                Primitive::Solid(shells)
            }
            MeshPrimitive::CompositeSurface => Primitive::CompositeSurface(faces.clone()),
            MeshPrimitive::MultiSurface => Primitive::MultiSurface(faces.clone()),
        };
        let checked = validate_primitive(&local, &primitive, opts);
        let kind_name = match kind {
            MeshPrimitive::Solid => "Solid",
            MeshPrimitive::CompositeSurface => "CompositeSurface",
            MeshPrimitive::MultiSurface => "MultiSurface",
        };
        report.objects.push(ObjectReport {
            id: if name.is_empty() {
                format!("{stem}#{k}")
            } else {
                name.clone()
            },
            kind: kind_name.to_string(),
            issues: checked
                .issues
                .into_iter()
                .map(|issue| GeometryIssue {
                    issue,
                    geometry: Some(0),
                    lod: None,
                })
                .collect(),
            primitives: 1,
            solids: usize::from(kind == MeshPrimitive::Solid),
        });
    }
    if file.unused_vertices > 0 {
        report.warnings.push(format!(
            "{}: {} vertices are not used by any polygon (309)",
            path.display(),
            file.unused_vertices
        ));
    }
}

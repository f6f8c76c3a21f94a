//! CityJSON Extensions: the schemas a file lists under `extensions` are looked up on disk
//! (by the file name of their URL, never downloaded), and what they define is checked: new
//! CityObject types (`+Type`), attributes of existing types, semantic surfaces and root
//! properties. An Extension whose schema is not found is a warning; what only it could
//! define is then not judged.

use super::subschema::Schema;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One Extension schema that was found.
struct Extension {
    /// Its name in the file's `extensions` member.
    name: String,
    /// Its schema document.
    doc: Value,
}

/// The Extensions a file lists, as far as their schemas were found.
#[derive(Default)]
pub(super) struct Extensions {
    loaded: Vec<Extension>,
    /// The names of the listed Extensions whose schema was not found or not readable.
    missing: Vec<String>,
    /// Whether the file has an `extensions` member at all.
    listed: bool,
    /// Warnings, each once.
    pub warnings: BTreeSet<String>,
    /// While the `extensions` member has not been read yet (it comes after CityObjects):
    /// the `+` names used, judged once it has been, as (member of the Extension, name,
    /// what it is, pointer).
    deferred: Option<Vec<[String; 4]>>,
}

/// A finding: (JSON pointer, message).
pub(super) type Finding = (String, String);

/// The schema file of the Extension `name` at `url`: the URL's file name, else
/// `<name in lower case>.ext.json`, looked for in `dirs` (in order).
fn locate(name: &str, url: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    if let Some(path) = url.strip_prefix("file://") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    if !url.contains("://") && Path::new(url).is_absolute() {
        return Some(PathBuf::from(url)).filter(|p| p.is_file());
    }
    let by_name = format!("{}.ext.json", name.to_lowercase());
    let from_url = url.rsplit('/').next().filter(|n| !n.is_empty());
    let found = from_url
        .into_iter()
        .chain([by_name.as_str()])
        .find_map(|n| dirs.iter().map(|d| d.join(n)).find(|p| p.is_file()));
    found
}

impl Extensions {
    /// Loads the schemas listed in an `extensions` member from `dirs`; problems with a
    /// schema file that was found are findings.
    pub fn load(
        member: &Value,
        version: &str,
        dirs: &[PathBuf],
        findings: &mut Vec<Finding>,
    ) -> Extensions {
        let mut out = Extensions {
            listed: true,
            ..Default::default()
        };
        for (name, x) in member.as_object().into_iter().flatten() {
            let url = x.get("url").and_then(Value::as_str).unwrap_or("");
            let at = format!("/extensions/{name}");
            let Some(file) = locate(name, url, dirs) else {
                out.warnings.insert(format!(
                    "the schema of the Extension \"{name}\" ({url}) was not found locally (urbis does not download it: put it beside the file or pass --extensions DIR); what it defines is not checked"
                ));
                out.missing.push(name.clone());
                continue;
            };
            let doc = std::fs::read(&file)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string()));
            match doc {
                Ok(doc) if doc.get("type").and_then(Value::as_str) == Some("CityJSONExtension") => {
                    if let Some(v) = doc.get("versionCityJSON").and_then(Value::as_str) {
                        if v != version {
                            out.warnings.insert(format!(
                                "the Extension \"{name}\" ({}) is made for CityJSON {v}, the file is {version}",
                                file.display()
                            ));
                        }
                    }
                    out.loaded.push(Extension {
                        name: name.clone(),
                        doc,
                    });
                }
                Ok(_) => {
                    findings.push((
                        at,
                        format!(
                            "{} is not a CityJSON Extension (\"type\": \"CityJSONExtension\")",
                            file.display()
                        ),
                    ));
                    out.missing.push(name.clone());
                }
                Err(e) => {
                    findings.push((
                        at,
                        format!("the Extension schema {} is not JSON: {e}", file.display()),
                    ));
                    out.missing.push(name.clone());
                }
            }
        }
        out
    }

    /// Extensions still to come: `+` names are noted and judged by [`Extensions::resolve`].
    pub fn deferring() -> Extensions {
        Extensions {
            deferred: Some(Vec::new()),
            ..Default::default()
        }
    }

    /// Judges the `+` names noted while deferring against `later` (the Extensions read
    /// since, or none), which then take over.
    pub fn resolve(&mut self, later: Extensions, findings: &mut Vec<Finding>) {
        let deferred = self.deferred.take().unwrap_or_default();
        let warnings = std::mem::take(&mut self.warnings);
        *self = later;
        self.warnings.extend(warnings);
        for [kind, name, what, at] in deferred {
            match kind.strip_prefix("extraAttributes/") {
                Some(object_type) => {
                    if self.attribute(object_type, &name).is_none() {
                        self.warnings.insert(what);
                    }
                }
                None => {
                    if self.find(&kind, &name).is_none() {
                        self.undefined(what, at, findings);
                    }
                }
            }
        }
    }

    /// Whether `+` names are being noted for later.
    pub fn is_deferring(&self) -> bool {
        self.deferred.is_some()
    }

    /// For features read without their CityJSON header: `+` names are not judged.
    pub fn headerless() -> Extensions {
        Extensions {
            listed: true,
            missing: vec!["the CityJSON header the features belong to".into()],
            ..Default::default()
        }
    }

    /// The schema an Extension gives `name` in its member `kind` (e.g. `extraCityObjects`).
    fn find(&self, kind: &str, name: &str) -> Option<(&Extension, &Value)> {
        self.loaded
            .iter()
            .find_map(|x| x.doc.get(kind).and_then(|m| m.get(name)).map(|s| (x, s)))
    }

    /// The schema an Extension gives the attribute `name` of CityObjects of `object_type`.
    fn attribute(&self, object_type: &str, name: &str) -> Option<(&Extension, &Value)> {
        self.loaded.iter().find_map(|x| {
            let s = x.doc.get("extraAttributes")?.get(object_type)?.get(name)?;
            Some((x, s))
        })
    }

    /// The schema for a `+name` of `kind`, or None when none is known (yet: while deferring,
    /// the name is noted).
    fn lookup(
        &mut self,
        kind: &str,
        name: &str,
        what: &str,
        at: &str,
        findings: &mut Vec<Finding>,
    ) -> Option<(&Extension, &Value)> {
        if let Some(deferred) = &mut self.deferred {
            deferred.push([kind.into(), name.into(), what.into(), at.into()]);
            return None;
        }
        if self.find(kind, name).is_none() {
            self.undefined(what.into(), at.into(), findings);
            return None;
        }
        self.find(kind, name)
    }

    /// What to say about a `+name` no loaded Extension defines: an error when every listed
    /// schema was read (or none is listed), else a warning.
    fn undefined(&mut self, what: String, at: String, findings: &mut Vec<Finding>) {
        if self.missing.is_empty() {
            let why = if self.listed {
                let names: Vec<_> = self.loaded.iter().map(|x| x.name.as_str()).collect();
                format!(
                    "not defined by the Extensions the file lists ({})",
                    names.join(", ")
                )
            } else {
                "an Extension's, but the file lists no \"extensions\"".into()
            };
            findings.push((at, format!("{what} is {why}")));
        } else {
            self.warnings.insert(format!(
                "{what} is not defined by the Extensions found; it may be defined by {}",
                self.missing.join(", ")
            ));
        }
    }

    fn check_against(
        x: &Extension,
        schema: &Value,
        v: &Value,
        what: &str,
        at: &str,
        findings: &mut Vec<Finding>,
    ) {
        if let Err(e) = (Schema { root: &x.doc }).check(schema, v) {
            let e = e.strip_prefix(": ").unwrap_or(&e);
            findings.push((
                at.to_string(),
                format!(
                    "{what} breaks the schema of the Extension \"{}\": {e}",
                    x.name
                ),
            ));
        }
    }

    /// Checks one CityObject against the Extensions.
    pub fn check_object(&mut self, id: &str, o: &Value, findings: &mut Vec<Finding>) {
        let at = format!("/CityObjects/{id}");
        let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
        if kind.starts_with('+') {
            let what = format!("the CityObject type \"{kind}\"");
            if let Some((x, s)) = self.lookup(
                "extraCityObjects",
                kind,
                &what,
                &format!("{at}/type"),
                findings,
            ) {
                Self::check_against(x, s, o, &format!("this \"{kind}\""), &at, findings);
            }
        }
        for (k, v) in o
            .get("attributes")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !k.starts_with('+') {
                continue;
            }
            let undefined =
                format!("the attribute \"{k}\" of {kind} is not defined by an Extension found");
            if let Some(deferred) = &mut self.deferred {
                deferred.push([
                    format!("extraAttributes/{kind}"),
                    k.clone(),
                    undefined,
                    String::new(),
                ]);
                continue;
            }
            match self.attribute(kind, k) {
                Some((x, s)) => Self::check_against(
                    x,
                    s,
                    v,
                    &format!("the attribute \"{k}\""),
                    &format!("{at}/attributes/{k}"),
                    findings,
                ),
                None => {
                    self.warnings.insert(undefined);
                }
            }
        }
        let geometries = o
            .get("geometry")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (g, geometry) in geometries.enumerate() {
            let surfaces = geometry
                .pointer("/semantics/surfaces")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for (i, s) in surfaces.enumerate() {
                let Some(t) = s
                    .get("type")
                    .and_then(Value::as_str)
                    .filter(|t| t.starts_with('+'))
                else {
                    continue;
                };
                let here = format!("{at}/geometry/{g}/semantics/surfaces/{i}");
                let what = format!("the semantic surface type \"{t}\"");
                if let Some((x, sch)) =
                    self.lookup("extraSemanticSurfaces", t, &what, &here, findings)
                {
                    Self::check_against(
                        x,
                        sch,
                        s,
                        &format!("the semantic surface \"{t}\""),
                        &here,
                        findings,
                    );
                }
            }
        }
    }

    /// Checks the root members named `+...` against the Extensions.
    pub fn check_root(&mut self, members: &Map<String, Value>, findings: &mut Vec<Finding>) {
        for (k, v) in members.iter().filter(|(k, _)| k.starts_with('+')) {
            let what = format!("the root property \"{k}\"");
            let at = format!("/{k}");
            if let Some((x, s)) = self.lookup("extraRootProperties", k, &what, &at, findings) {
                Self::check_against(x, s, v, &what, &at, findings);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const TREES: &str = r##"{"type": "CityJSONExtension", "name": "Trees", "version": "1.0", "versionCityJSON": "2.0",
        "extraRootProperties": {"+census": {"type": "integer"}},
        "extraAttributes": {"Building": {"+shade": {"type": "number", "minimum": 0}}},
        "extraSemanticSurfaces": {"+Canopy": {"properties": {"type": {"const": "+Canopy"}}}},
        "extraCityObjects": {"+Tree": {"allOf": [{"$ref": "cityobjects.schema.json#/_AbstractCityObject"},
            {"properties": {"attributes": {"required": ["species"]}}}]}}}"##;

    #[test]
    fn what_a_found_extension_defines_is_checked() {
        let dir = dir_with(&[("trees.ext.json", TREES)]);
        let member =
            json!({"Trees": {"url": "https://example.org/ext/trees.ext.json", "version": "1.0"}});
        let mut findings = Vec::new();
        let mut x = Extensions::load(&member, "2.0", &[dir.path().to_path_buf()], &mut findings);
        assert!(
            findings.is_empty() && x.warnings.is_empty(),
            "{findings:?} {:?}",
            x.warnings
        );
        x.check_object(
            "t1",
            &json!({"type": "+Tree", "attributes": {"species": "oak"},
            "geometry": [{"semantics": {"surfaces": [{"type": "+Canopy"}, {"type": "+Trunk"}]}}]}),
            &mut findings,
        );
        x.check_object(
            "t2",
            &json!({"type": "+Tree", "attributes": {}}),
            &mut findings,
        );
        x.check_object(
            "b",
            &json!({"type": "Building", "attributes": {"+shade": -1, "+other": 1}}),
            &mut findings,
        );
        x.check_object("p", &json!({"type": "+Potato"}), &mut findings);
        let mut root = Map::new();
        root.insert("+census".into(), json!(1.5));
        x.check_root(&root, &mut findings);
        let said: Vec<String> = findings
            .iter()
            .map(|(at, m)| format!("{at}: {m}"))
            .collect();
        assert_eq!(said.len(), 5, "{said:#?}");
        assert!(said[0].starts_with("/CityObjects/t1/geometry/0/semantics/surfaces/1: the semantic surface type \"+Trunk\" is not defined"), "{said:#?}");
        assert!(
            said[1].contains("/CityObjects/t2: this \"+Tree\" breaks the schema")
                && said[1].contains("\"species\" is required"),
            "{said:#?}"
        );
        assert!(
            said[2]
                .starts_with("/CityObjects/b/attributes/+shade: the attribute \"+shade\" breaks"),
            "{said:#?}"
        );
        assert!(
            said[3].contains("\"+Potato\" is not defined by the Extensions the file lists (Trees)"),
            "{said:#?}"
        );
        assert!(
            said[4].starts_with("/+census: the root property"),
            "{said:#?}"
        );
        assert_eq!(x.warnings.len(), 1, "{:?}", x.warnings);
    }

    #[test]
    fn a_missing_or_broken_schema_is_a_warning_or_an_error_not_a_crash() {
        let dir = dir_with(&[("broken.ext.json", "{\"type\": ")]);
        let member = json!({"Gone": {"url": "https://example.org/gone.ext.json"},
                            "Broken": {"url": "https://example.org/broken.ext.json"}});
        let mut findings = Vec::new();
        let mut x = Extensions::load(&member, "2.0", &[dir.path().to_path_buf()], &mut findings);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].1.contains("is not JSON"));
        assert_eq!(x.warnings.len(), 1);
        findings.clear();
        x.check_object("p", &json!({"type": "+Potato"}), &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        assert!(
            x.warnings
                .iter()
                .any(|w| w.contains("may be defined by Gone, Broken")),
            "{:?}",
            x.warnings
        );
        // No `extensions` member: a `+Type` is an error.
        let mut none = Extensions::default();
        none.check_object("p", &json!({"type": "+Potato"}), &mut findings);
        assert!(
            findings[0].1.contains("the file lists no \"extensions\""),
            "{findings:?}"
        );
    }
}

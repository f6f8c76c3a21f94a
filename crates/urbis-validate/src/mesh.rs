//! Readers of the mesh formats of the val3dity suite that users also have: OBJ, OFF and POLY
//! (tetgen). Each gives a vertex pool and one or more objects of polygons.

use crate::primitive::{Face, Faces};
use std::path::{Path, PathBuf};
use urbis_geom::vector::Vec3;

/// A mesh file that cannot be read, with the line where reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum MeshError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The content is not valid for the format.
    #[error("{path}:{line}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The content of a mesh file.
#[derive(Debug, Default, Clone)]
pub struct MeshFile {
    /// All vertices.
    pub points: Vec<Vec3>,
    /// Named objects (OBJ `o` groups; one unnamed object for OFF and POLY).
    pub objects: Vec<(String, Faces)>,
    /// How many vertices no polygon uses (309).
    pub unused_vertices: usize,
}

/// Which mesh format a path has, by extension.
pub fn is_mesh(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("obj" | "off" | "poly")
    )
}

/// Reads an OBJ, OFF or POLY file (by extension).
pub fn read_mesh(path: &Path) -> Result<MeshFile, MeshError> {
    let text = std::fs::read_to_string(path).map_err(|source| MeshError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut file = match ext.as_str() {
        "obj" => parse_obj(&text),
        "off" => parse_off(&text),
        _ => parse_poly(&text),
    }
    .map_err(|(line, message)| MeshError::Syntax {
        path: path.to_path_buf(),
        line,
        message,
    })?;
    let mut used = vec![false; file.points.len()];
    for &i in file
        .objects
        .iter()
        .flat_map(|(_, f)| f.iter().flatten().flatten())
    {
        if let Some(u) = used.get_mut(i as usize) {
            *u = true;
        }
    }
    file.unused_vertices = used.iter().filter(|u| !**u).count();
    Ok(file)
}

type ParseResult = Result<MeshFile, (usize, String)>;

/// Non-empty, non-comment lines with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(n, l)| {
        let l = l.split('#').next().unwrap_or("");
        let words: Vec<&str> = l.split_whitespace().collect();
        (!words.is_empty()).then_some((n + 1, words))
    })
}

fn number<T: std::str::FromStr>(
    word: Option<&&str>,
    line: usize,
    what: &str,
) -> Result<T, (usize, String)> {
    word.and_then(|w| w.parse().ok())
        .ok_or_else(|| (line, format!("expected {what}")))
}

fn point(words: &[&str], line: usize) -> Result<Vec3, (usize, String)> {
    let mut p: Vec3 = [0.0; 3];
    for k in 0..3 {
        p[k] = number(words.get(k), line, "a coordinate")?;
        if !p[k].is_finite() {
            return Err((line, "a coordinate is not finite".into()));
        }
    }
    Ok(p)
}

/// Wavefront OBJ: `v x y z`, `f i j k ...` (1-based, negative = relative, `i/t/n` allowed),
/// `o name` starts an object.
pub fn parse_obj(text: &str) -> ParseResult {
    let mut file = MeshFile::default();
    let mut current: Option<(String, Faces)> = None;
    for (n, words) in lines(text) {
        match words[0] {
            "v" => file.points.push(point(&words[1..], n)?),
            "o" => {
                if let Some(obj) = current.take() {
                    file.objects.push(obj);
                }
                current = Some((words.get(1).unwrap_or(&"").to_string(), Vec::new()));
            }
            "f" => {
                let mut ring = Vec::with_capacity(words.len() - 1);
                for w in &words[1..] {
                    let idx: i64 = number(w.split('/').next().as_ref(), n, "a vertex index")?;
                    let count = file.points.len() as i64;
                    let i = if idx > 0 { idx - 1 } else { count + idx };
                    if idx == 0 || i < 0 {
                        return Err((n, format!("vertex index {idx} is not valid")));
                    }
                    ring.push(i as u32);
                }
                current
                    .get_or_insert_with(|| (String::new(), Vec::new()))
                    .1
                    .push(vec![ring]);
            }
            _ => {}
        }
    }
    if let Some(obj) = current.take() {
        file.objects.push(obj);
    }
    check_indices(&file)?;
    Ok(file)
}

/// OFF: `OFF`, `nv nf ne`, vertices, then faces `n i j k ...` (0-based).
pub fn parse_off(text: &str) -> ParseResult {
    let mut it = lines(text);
    let mut file = MeshFile::default();
    let (n, head) = it.next().ok_or((1, "the file is empty".to_string()))?;
    let counts = if head[0].eq_ignore_ascii_case("OFF") {
        if head.len() > 1 {
            (n, head[1..].to_vec())
        } else {
            it.next().ok_or((n, "missing counts".to_string()))?
        }
    } else {
        return Err((n, "expected \"OFF\"".into()));
    };
    let nv: usize = number(counts.1.first(), counts.0, "the vertex count")?;
    let nf: usize = number(counts.1.get(1), counts.0, "the face count")?;
    for _ in 0..nv {
        let (n, words) = it
            .next()
            .ok_or((counts.0, "missing vertices".to_string()))?;
        file.points.push(point(&words, n)?);
    }
    let mut faces: Faces = Vec::new();
    for _ in 0..nf {
        let (n, words) = it.next().ok_or((counts.0, "missing faces".to_string()))?;
        let k: usize = number(words.first(), n, "a face size")?;
        let ring = (0..k)
            .map(|j| number::<u32>(words.get(j + 1), n, "a vertex index"))
            .collect::<Result<Vec<u32>, _>>()?;
        faces.push(vec![ring]);
    }
    file.objects.push((String::new(), faces));
    check_indices(&file)?;
    Ok(file)
}

/// POLY (tetgen): `nv 3 0 0`, `id x y z` lines, `nfacets 0`, per facet `npolygons nholes`,
/// then the polygons (`n i j k ...`, the first the exterior ring, the others interior rings)
/// and the hole points.
pub fn parse_poly(text: &str) -> ParseResult {
    let mut it = lines(text);
    let mut file = MeshFile::default();
    let (n, head) = it.next().ok_or((1, "the file is empty".to_string()))?;
    let nv: usize = number(head.first(), n, "the vertex count")?;
    let mut first_id: Option<i64> = None;
    for _ in 0..nv {
        let (n, words) = it.next().ok_or((n, "missing vertices".to_string()))?;
        let id: i64 = number(words.first(), n, "a vertex id")?;
        first_id.get_or_insert(id);
        file.points.push(point(&words[1..], n)?);
    }
    let base = first_id.unwrap_or(0);
    let (n, words) = it
        .next()
        .ok_or((n, "missing the facet count".to_string()))?;
    let nf: usize = number(words.first(), n, "the facet count")?;
    let mut faces: Faces = Vec::new();
    for _ in 0..nf {
        let (n, words) = it.next().ok_or((n, "missing facets".to_string()))?;
        let polygons: usize = number(words.first(), n, "a polygon count")?;
        let holes: usize = number(words.get(1), n, "a hole count")?;
        let mut face: Face = Vec::new();
        for _ in 0..polygons {
            let (n, words) = it.next().ok_or((n, "missing a polygon".to_string()))?;
            let k: usize = number(words.first(), n, "a polygon size")?;
            let ring = (0..k)
                .map(|j| {
                    let id: i64 = number(words.get(j + 1), n, "a vertex index")?;
                    u32::try_from(id - base).map_err(|_| (n, format!("vertex {id} is not valid")))
                })
                .collect::<Result<Vec<u32>, _>>()?;
            face.push(ring);
        }
        for _ in 0..holes {
            it.next().ok_or((n, "missing a hole point".to_string()))?;
        }
        faces.push(face);
    }
    file.objects.push((String::new(), faces));
    check_indices(&file)?;
    Ok(file)
}

fn check_indices(file: &MeshFile) -> Result<(), (usize, String)> {
    let n = file.points.len();
    for (name, faces) in &file.objects {
        if let Some(&i) = faces.iter().flatten().flatten().find(|&&i| i as usize >= n) {
            return Err((
                0,
                format!("object \"{name}\": vertex index {i} is out of range ({n} vertices)"),
            ));
        }
    }
    Ok(())
}

//! A whole sunlight study: the ground grid, the facade points, per-Building figures, and the
//! effect of proposed buildings.

use super::hours::{exposures, Exposure, Receiver};
use super::samples::{facade_points, ground_grid, FacadeMode, FacadePoint, GroundGrid};
use super::scene::Scene;
use super::solar::SunSample;
use serde::Serialize;

/// What to sample.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// Ground grid cell size (none: no ground grid).
    pub grid: Option<f64>,
    /// Ground grid extent (local min x, min y, max x, max y); the scene's bounds when absent.
    pub extent: Option<[f64; 4]>,
    /// Facade points (none: no facade points).
    pub facade: Option<FacadeMode>,
    /// Distance between facade points, m.
    pub facade_spacing: f64,
}

/// Sunlight figures of one Building's facade points.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BuildingSun {
    /// Building id.
    pub id: String,
    /// Facade points.
    pub points: usize,
    /// Points the sun can reach at all in the window (facing it when it is up).
    pub sunward_points: usize,
    /// Least direct-sun hours over the sunward points.
    pub min_hours: Option<f64>,
    /// Most direct-sun hours over the points.
    pub max_hours: Option<f64>,
    /// Least hours over the sunward points with the proposed buildings.
    pub min_hours_with_proposed: Option<f64>,
    /// Points that lose sun to the proposed buildings.
    pub points_losing: usize,
    /// The largest loss of any point, hours.
    pub max_loss: f64,
}

/// The result of a study.
#[derive(Debug, Clone)]
pub struct Study {
    /// The ground grid, with each cell's exposure (none under a building); `covered` marks
    /// cells a proposed building stands on.
    pub grid: Option<(GroundGrid, Vec<Option<Exposure>>, Vec<bool>)>,
    /// Facade points and their exposure.
    pub facade: Vec<(FacadePoint, Exposure)>,
    /// Per Building, in the scene's order.
    pub buildings: Vec<BuildingSun>,
}

/// Runs a study of `scene` (with `proposed` buildings added, if any) for the sampled moments.
pub fn run(
    scene: &Scene,
    proposed: Option<&Scene>,
    sun: &[SunSample],
    step_hours: f64,
    options: &StudyOptions,
) -> Study {
    let top = proposed.map_or(scene.bounds.1[2], |p| p.bounds.1[2].max(scene.bounds.1[2]));
    let proposed_bvh = proposed.map(|p| &p.bvh);
    let grid = options.grid.map(|cell| {
        let (lo, hi) = scene.bounds;
        let extent = options.extent.unwrap_or([lo[0], lo[1], hi[0], hi[1]]);
        let grid = ground_grid(scene, extent, cell);
        let cells: Vec<usize> = (0..grid.ground.len())
            .filter(|&i| grid.ground[i].is_some())
            .collect();
        let receivers: Vec<Receiver> = cells
            .iter()
            .map(|&i| {
                let c = grid.centre(i);
                Receiver {
                    position: [c[0], c[1], grid.ground[i].unwrap_or(0.0)],
                    normal: [0.0, 0.0, 1.0],
                }
            })
            .collect();
        let found = exposures(&receivers, sun, step_hours, &scene.bvh, proposed_bvh, top);
        let mut all = vec![None; grid.ground.len()];
        let mut covered = vec![false; grid.ground.len()];
        for ((&i, e), r) in cells.iter().zip(found).zip(&receivers) {
            all[i] = Some(e);
            if let Some(p) = proposed {
                covered[i] = p
                    .bvh
                    .any_hit(r.position, [0.0, 0.0, 1.0], 1e-9, f64::INFINITY);
            }
        }
        (grid, all, covered)
    });
    let points = options
        .facade
        .map(|mode| facade_points(scene, mode, options.facade_spacing))
        .unwrap_or_default();
    let receivers: Vec<Receiver> = points
        .iter()
        .map(|p| Receiver {
            position: p.position,
            normal: p.normal,
        })
        .collect();
    let found = exposures(&receivers, sun, step_hours, &scene.bvh, proposed_bvh, top);
    let facade: Vec<(FacadePoint, Exposure)> = points.into_iter().zip(found).collect();
    let mut buildings: Vec<BuildingSun> = scene
        .buildings
        .iter()
        .map(|b| BuildingSun {
            id: b.id.clone(),
            points: 0,
            sunward_points: 0,
            min_hours: None,
            max_hours: None,
            min_hours_with_proposed: None,
            points_losing: 0,
            max_loss: 0.0,
        })
        .collect();
    let tiny = step_hours / 2.0;
    for (p, e) in &facade {
        let b = &mut buildings[p.building];
        b.points += 1;
        b.max_hours = Some(b.max_hours.map_or(e.hours, |m: f64| m.max(e.hours)));
        if e.possible > tiny {
            b.sunward_points += 1;
            b.min_hours = Some(b.min_hours.map_or(e.hours, |m: f64| m.min(e.hours)));
            b.min_hours_with_proposed = Some(
                b.min_hours_with_proposed
                    .map_or(e.with_proposed, |m: f64| m.min(e.with_proposed)),
            );
        }
        let loss = e.hours - e.with_proposed;
        if loss > tiny {
            b.points_losing += 1;
            b.max_loss = b.max_loss.max(loss);
        }
    }
    Study {
        grid,
        facade,
        buildings,
    }
}

/// Why a model's site cannot be found.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The model is in degrees.
    #[error("EPSG:{0} is in degrees; shadows need metres: reproject the model first")]
    Geographic(u32),
    /// The CRS cannot be converted to longitude and latitude.
    #[error(transparent)]
    Reproject(#[from] urbis_geom::ReprojectError),
}

/// The site of a model: latitude and longitude of `centre` (model coordinates in EPSG
/// `code`), and the grid azimuth of true north there (degrees clockwise from grid north).
pub fn site(code: u32, centre: [f64; 3]) -> Result<(f64, f64, f64), SiteError> {
    use urbis_geom::Reprojector;
    if urbis_geom::reproject::LONLAT_CODES.contains(&code) {
        return Err(SiteError::Geographic(code));
    }
    let to = Reprojector::new(code, 4326)?;
    let from = Reprojector::new(4326, code)?;
    let ll = to.point(centre)?;
    let north = from.point([ll[0], ll[1] + 0.001, 0.0])?;
    let convergence = (north[0] - centre[0])
        .atan2(north[1] - centre[1])
        .to_degrees();
    Ok((ll[1], ll[0], convergence))
}

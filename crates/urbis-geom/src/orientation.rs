//! Which way the solids of a feature face: evidence of the axis order its coordinates were
//! written in. Exchanging x and y mirrors a model, so outward-facing shells become inward-facing
//! (val3dity's 405 on every shell): a file whose solids nearly all face inwards has, in all
//! likelihood, its first two coordinates the other way round.

use crate::vector::Vec3;
use urbis_model::{Feature, GeometryType, Transform};

/// Outward- and inward-facing exterior shells counted over some features.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrientationVotes {
    /// Exterior shells enclosing a positive volume.
    pub outward: usize,
    /// Exterior shells enclosing a negative volume.
    pub inward: usize,
}

impl OrientationVotes {
    /// Adds the exterior shells of every Solid, MultiSolid and CompositeSolid of `feature`.
    pub fn add_feature(&mut self, feature: &Feature, transform: &Transform) {
        let point = |i: u32| -> Option<Vec3> {
            feature
                .vertices
                .get(i as usize)
                .map(|v| transform.apply(*v))
        };
        for object in &feature.objects {
            for g in object.geometry.iter().flatten() {
                if !matches!(
                    g.kind,
                    GeometryType::Solid | GeometryType::MultiSolid | GeometryType::CompositeSolid
                ) {
                    continue;
                }
                let b = &g.boundaries;
                // A Solid's exterior shell is its first; a MultiSolid's, each solid's first.
                let exterior_shells: Vec<usize> = if g.kind == GeometryType::Solid {
                    (b.shell_count() > 0).then_some(0).into_iter().collect()
                } else {
                    (0..b.solid_count())
                        .filter_map(|d| b.solid_shells(d).next())
                        .collect()
                };
                for shell in exterior_shells {
                    let Some(volume) = shell_volume(b, shell, &point) else {
                        continue;
                    };
                    if volume > 0.0 {
                        self.outward += 1;
                    } else if volume < 0.0 {
                        self.inward += 1;
                    }
                }
            }
        }
    }

    /// `Some(true)` when at least nine in ten shells face outwards, `Some(false)` when at least
    /// nine in ten face inwards (mirrored: x and y exchanged), `None` without a clear majority.
    pub fn verdict(&self) -> Option<bool> {
        let total = self.outward + self.inward;
        if total == 0 {
            None
        } else if self.outward * 10 >= total * 9 {
            Some(true)
        } else if self.inward * 10 >= total * 9 {
            Some(false)
        } else {
            None
        }
    }
}

/// The signed volume of a shell's exterior rings (fans from each ring's first point, relative
/// to the shell's first point); `None` when a vertex index is out of range.
fn shell_volume(
    b: &urbis_model::Boundaries,
    shell: usize,
    point: &impl Fn(u32) -> Option<Vec3>,
) -> Option<f64> {
    let mut reference = None;
    let mut volume = 0.0;
    for surface in b.shell_surfaces(shell) {
        let Some(ring) = b.surface_rings(surface).next() else {
            continue;
        };
        let ring = b.ring(ring);
        let corners: Option<Vec<Vec3>> = ring.iter().map(|&i| point(i)).collect();
        let corners = corners?;
        let Some(&first) = corners.first() else {
            continue;
        };
        let r = *reference.get_or_insert(first);
        let tris: Vec<[Vec3; 3]> = corners
            .windows(2)
            .skip(1)
            .map(|w| [first, w[0], w[1]])
            .collect();
        volume += crate::signed_volume(&tris, r);
    }
    Some(volume)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use urbis_model::synthetic;

    #[test]
    fn synthetic_city_faces_outwards_and_mirrored_inwards() {
        let spec = synthetic::CitySpec {
            buildings: 5,
            ..Default::default()
        };
        let header = synthetic::header(&spec);
        let features: Vec<Feature> = synthetic::features(spec).collect();
        let mut votes = OrientationVotes::default();
        for f in &features {
            votes.add_feature(f, &header.transform);
        }
        assert!(votes.outward > 0 && votes.inward == 0, "{votes:?}");
        assert_eq!(votes.verdict(), Some(true));
        let mut mirrored = OrientationVotes::default();
        for f in &features {
            let mut f = f.clone();
            for v in &mut f.vertices {
                v.swap(0, 1);
            }
            let mut t = header.transform;
            t.scale.swap(0, 1);
            t.translate.swap(0, 1);
            mirrored.add_feature(&f, &t);
        }
        assert_eq!(mirrored.inward, votes.outward);
        assert_eq!(mirrored.verdict(), Some(false));
        assert_eq!(OrientationVotes::default().verdict(), None);
    }
}

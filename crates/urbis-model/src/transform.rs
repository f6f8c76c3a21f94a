//! The CityJSON transform: integer vertices to real coordinates and back.

/// `real = int * scale + translate`, per axis, as in CityJSON's `transform` member.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    /// Scale factor per axis (e.g. 0.001 for millimetres).
    pub scale: [f64; 3],
    /// Translation per axis.
    pub translate: [f64; 3],
}

impl Default for Transform {
    fn default() -> Self {
        Transform {
            scale: [1.0; 3],
            translate: [0.0; 3],
        }
    }
}

impl Transform {
    /// Real coordinates of a quantised vertex.
    ///
    /// ```
    /// use urbis_model::Transform;
    /// let t = Transform { scale: [0.001; 3], translate: [100.0, 200.0, 0.0] };
    /// assert_eq!(t.apply([1500, 0, 2000]), [101.5, 200.0, 2.0]);
    /// ```
    #[inline]
    pub fn apply(&self, v: [i64; 3]) -> [f64; 3] {
        [
            v[0] as f64 * self.scale[0] + self.translate[0],
            v[1] as f64 * self.scale[1] + self.translate[1],
            v[2] as f64 * self.scale[2] + self.translate[2],
        ]
    }

    /// The quantised vertex nearest to a real point (the inverse of [`Transform::apply`]).
    ///
    /// Returns `None` when the point cannot be represented (not finite or beyond `i64`).
    #[inline]
    pub fn quantize(&self, p: [f64; 3]) -> Option<[i64; 3]> {
        let mut out = [0i64; 3];
        for axis in 0..3 {
            let q = ((p[axis] - self.translate[axis]) / self.scale[axis]).round();
            if !q.is_finite() || q.abs() >= 9.0e18 {
                return None;
            }
            out[axis] = q as i64;
        }
        Some(out)
    }

    /// True when scale and translate are finite and every scale is non-zero.
    pub fn is_usable(&self) -> bool {
        self.scale.iter().all(|s| s.is_finite() && *s != 0.0)
            && self.translate.iter().all(|t| t.is_finite())
    }
}

//! The ground sunlight heat map as a PNG (one pixel per grid cell, north up) with a world
//! file to place it.

use super::samples::GroundGrid;
use std::io::Write;

/// Colour stops from no sun (dark blue) to full sun (light yellow).
const RAMP: [(f64, [u8; 3]); 5] = [
    (0.0, [24, 26, 74]),
    (0.25, [59, 82, 173]),
    (0.5, [64, 166, 160]),
    (0.75, [240, 196, 64]),
    (1.0, [255, 246, 186]),
];

/// Cells under buildings.
const BUILDING: [u8; 4] = [110, 110, 110, 255];

/// The colour of `hours` out of `max`.
pub fn colour(hours: f64, max: f64) -> [u8; 4] {
    let x = if max > 0.0 {
        (hours / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    for w in RAMP.windows(2) {
        let ((a, ca), (b, cb)) = (w[0], w[1]);
        if x <= b {
            let t = (x - a) / (b - a);
            let mix = |k: usize| {
                (f64::from(ca[k]) + t * (f64::from(cb[k]) - f64::from(ca[k]))).round() as u8
            };
            return [mix(0), mix(1), mix(2), 255];
        }
    }
    let c = RAMP[RAMP.len() - 1].1;
    [c[0], c[1], c[2], 255]
}

/// Writes the heat map: `hours` per cell scaled to `max` hours; cells under structures grey,
/// cells without ground transparent.
pub fn write_png(
    grid: &GroundGrid,
    hours: &[Option<f64>],
    max: f64,
    out: impl Write,
) -> Result<(), png::EncodingError> {
    let mut pixels = Vec::with_capacity(grid.nx * grid.ny * 4);
    for row in (0..grid.ny).rev() {
        for col in 0..grid.nx {
            let i = row * grid.nx + col;
            let px = match hours.get(i).copied().flatten() {
                Some(h) => colour(h, max),
                None if grid.under_structure.get(i) == Some(&true) => BUILDING,
                None => [0, 0, 0, 0],
            };
            pixels.extend_from_slice(&px);
        }
    }
    let mut encoder = png::Encoder::new(out, grid.nx as u32, grid.ny as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()
}

/// The world file (`.pgw`) placing the PNG in the model's CRS: pixel size, rotation terms and
/// the centre of the top-left pixel; `origin` is the scene's local origin.
pub fn world_file(grid: &GroundGrid, origin: [f64; 3]) -> String {
    let x = origin[0] + grid.corner[0] + grid.cell / 2.0;
    let y = origin[1] + grid.corner[1] + (grid.ny as f64 - 0.5) * grid.cell;
    format!("{}\n0\n0\n{}\n{x}\n{y}\n", grid.cell, -grid.cell)
}

/// The heat map resampled to longitude/latitude (plate carrée, north up), for draping on a
/// globe: the PNG and its `[west, south, east, north]` in degrees. `code` is the model's EPSG
/// CRS and `origin` the scene's local origin; each output pixel takes the cell under its
/// centre.
pub fn lonlat_png(
    grid: &GroundGrid,
    hours: &[Option<f64>],
    max: f64,
    origin: [f64; 3],
    code: u32,
) -> Result<(Vec<u8>, [f64; 4]), String> {
    use urbis_geom::Reprojector;
    let to_ll = Reprojector::new(code, 4326).map_err(|e| e.to_string())?;
    let from_ll = Reprojector::new(4326, code).map_err(|e| e.to_string())?;
    let (x0, y0) = (origin[0] + grid.corner[0], origin[1] + grid.corner[1]);
    let (x1, y1) = (
        x0 + grid.nx as f64 * grid.cell,
        y0 + grid.ny as f64 * grid.cell,
    );
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
        let p = to_ll.point([x, y, 0.0]).map_err(|e| e.to_string())?;
        bounds = [
            bounds[0].min(p[0]),
            bounds[1].min(p[1]),
            bounds[2].max(p[0]),
            bounds[3].max(p[1]),
        ];
    }
    let (w, h) = (grid.nx.max(1), grid.ny.max(1));
    let mut pixels = Vec::with_capacity(w * h * 4);
    for row in 0..h {
        let lat = bounds[3] - (row as f64 + 0.5) / h as f64 * (bounds[3] - bounds[1]);
        for col in 0..w {
            let lon = bounds[0] + (col as f64 + 0.5) / w as f64 * (bounds[2] - bounds[0]);
            let px = match from_ll.point([lon, lat, 0.0]) {
                Ok(p) => {
                    let c = ((p[0] - x0) / grid.cell).floor();
                    let r = ((p[1] - y0) / grid.cell).floor();
                    if c < 0.0 || r < 0.0 || c >= grid.nx as f64 || r >= grid.ny as f64 {
                        [0, 0, 0, 0]
                    } else {
                        let i = r as usize * grid.nx + c as usize;
                        match hours.get(i).copied().flatten() {
                            Some(v) => colour(v, max),
                            None if grid.under_structure.get(i) == Some(&true) => BUILDING,
                            None => [0, 0, 0, 0],
                        }
                    }
                }
                Err(_) => [0, 0, 0, 0],
            };
            pixels.extend_from_slice(&px);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w as u32, h as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok((out, bounds))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_png_north_up() {
        let grid = GroundGrid {
            corner: [0.0, 0.0],
            cell: 2.0,
            nx: 3,
            ny: 2,
            ground: vec![Some(0.0); 6],
            under_structure: vec![false, false, true, false, false, false],
        };
        let hours = [Some(0.0), Some(1.0), None, Some(2.0), Some(2.0), Some(2.0)];
        let mut bytes = Vec::new();
        write_png(&grid, &hours, 2.0, &mut bytes).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (3, 2));
        // Top row is the northern one: all full sun.
        assert_eq!(&buf[0..4], &colour(2.0, 2.0));
        // Bottom row: no sun, half, building.
        assert_eq!(&buf[12..16], &colour(0.0, 2.0));
        assert_eq!(&buf[20..24], &BUILDING);
        assert_eq!(
            world_file(&grid, [100.0, 200.0, 0.0]),
            "2\n0\n0\n-2\n101\n203\n"
        );
    }
}

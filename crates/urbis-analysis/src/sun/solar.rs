//! Sun positions over a day with NREL's Solar Position Algorithm (the `solar-positioning`
//! crate), and their directions in the model's grid.

use solar_positioning::{time::JulianDate, Location, RefractionCorrection, SolarPositions};

/// Errors of the schedule.
#[derive(Debug, thiserror::Error)]
pub enum SolarError {
    /// A date or time that does not parse.
    #[error("{0}")]
    BadInput(String),
    /// The algorithm refused the input (coordinates, time range).
    #[error("solar position: {0}")]
    Spa(String),
}

/// How clock times are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clock {
    /// Local civil time at this offset from UTC, in minutes.
    UtcOffset(i32),
    /// Apparent (true) solar time: 12:00 is the sun's transit at the site.
    Solar,
}

/// The times to sample: a date, a window of clock times and a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Year, month, day.
    pub date: (i32, u32, u32),
    /// Window start, minutes after midnight.
    pub from: f64,
    /// Window end, minutes after midnight.
    pub to: f64,
    /// Step, minutes.
    pub step: f64,
    /// How the clock times are meant.
    pub clock: Clock,
}

/// One sampled moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SunSample {
    /// Clock time, minutes after midnight (the middle of the step it stands for).
    pub minutes: f64,
    /// Solar azimuth, degrees clockwise from true north.
    pub azimuth: f64,
    /// Topocentric elevation with refraction, degrees.
    pub elevation: f64,
    /// Unit vector towards the sun in the model's grid (x east, y grid north, z up).
    pub direction: [f64; 3],
}

/// The current year (UTC, from the system clock; within a day of New Year it may be off by
/// one), for defaults such as "21 December of this year".
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    1970 + (secs as f64 / (365.2425 * 86400.0)) as i32
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<(i32, u32, u32), SolarError> {
    let bad = || SolarError::BadInput(format!("date {text:?}: expected YYYY-MM-DD"));
    let mut it = text.split('-');
    let y = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let m = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let d = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// Parses `HH:MM` (or `HH:MM:SS`) to minutes after midnight.
pub fn parse_clock(text: &str) -> Result<f64, SolarError> {
    let bad = || SolarError::BadInput(format!("time {text:?}: expected HH:MM"));
    let parts: Vec<f64> = text
        .split(':')
        .map(|p| p.parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    match parts.as_slice() {
        [h, m] if (0.0..=24.0).contains(h) && (0.0..60.0).contains(m) => Ok(h * 60.0 + m),
        [h, m, s] if (0.0..=24.0).contains(h) && (0.0..60.0).contains(m) => {
            Ok(h * 60.0 + m + s / 60.0)
        }
        _ => Err(bad()),
    }
}

/// Parses a step: `1m`, `30s`, `0.5h`, or a number of minutes.
pub fn parse_step(text: &str) -> Result<f64, SolarError> {
    let bad = || SolarError::BadInput(format!("step {text:?}: expected e.g. 1m, 30s, 0.25h"));
    let (number, scale) = if let Some(n) = text.strip_suffix("min") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0 / 60.0)
    } else if let Some(n) = text.strip_suffix('h') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let v: f64 = number.trim().parse().map_err(|_| bad())?;
    if v > 0.0 && v.is_finite() {
        Ok(v * scale)
    } else {
        Err(bad())
    }
}

/// Parses a UTC offset: `+08:00`, `-5`, `+0530`, `UTC+1`.
pub fn parse_offset(text: &str) -> Result<i32, SolarError> {
    let bad = || SolarError::BadInput(format!("UTC offset {text:?}: expected e.g. +01:00"));
    let t = text.trim_start_matches("UTC");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => (1, t),
    };
    let (h, m) = if let Some((h, m)) = rest.split_once(':') {
        (h, m)
    } else if rest.len() == 4 {
        rest.split_at(2)
    } else {
        (rest, "0")
    };
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m >= 60 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

/// Julian date (UT) of 00:00 UTC on a date.
fn midnight(date: (i32, u32, u32), delta_t: f64) -> Result<f64, SolarError> {
    JulianDate::from_utc(date.0, date.1, date.2, 0, 0, 0.0, delta_t)
        .map(|j| j.julian_date())
        .map_err(|e| SolarError::Spa(e.to_string()))
}

/// Azimuth and zenith (degrees, topocentric, refraction for `refraction`) at a UT Julian
/// date.
pub fn position(
    julian_date: f64,
    delta_t: f64,
    latitude: f64,
    longitude: f64,
    height: f64,
    refraction: Option<RefractionCorrection>,
) -> Result<(f64, f64), SolarError> {
    let time = JulianDate::new(julian_date, delta_t).map_err(|e| SolarError::Spa(e.to_string()))?;
    let p = SolarPositions::new()
        .at_from_julian(
            time,
            Location {
                latitude,
                longitude,
            },
            height,
            refraction,
        )
        .map_err(|e| SolarError::Spa(e.to_string()))?;
    Ok((p.azimuth(), p.zenith_angle()))
}

/// The sampled moments: one per step, at the middle of each step of the window (a window of
/// 09:00–15:00 at 1 minute gives 360 samples, 09:00:30 to 14:59:30), with the sun's position
/// at the site and its direction in the grid (`grid_convergence`: the grid azimuth of true
/// north, degrees clockwise).
pub fn samples(
    schedule: &Schedule,
    latitude: f64,
    longitude: f64,
    grid_convergence: f64,
) -> Result<Vec<SunSample>, SolarError> {
    if schedule.to <= schedule.from {
        return Err(SolarError::BadInput(
            "the window ends before it starts".into(),
        ));
    }
    let delta_t = solar_positioning::delta_t::estimate_from_date(schedule.date.0, schedule.date.1)
        .map_err(|e| SolarError::Spa(e.to_string()))?;
    let jd0 = midnight(schedule.date, delta_t)?;
    // Clock minute → UT Julian date.
    let origin = match schedule.clock {
        Clock::UtcOffset(offset) => jd0 - f64::from(offset) / 1440.0,
        Clock::Solar => {
            // Transit nearest to local noon: 12:00 solar time.
            let guess = jd0 + 0.5 - longitude / 360.0;
            let transit = solar_positioning::SolarEvents::new()
                .next_transit_from_julian(guess - 0.5, guess + 0.5, longitude, delta_t)
                .map_err(|e| SolarError::Spa(e.to_string()))?
                .ok_or_else(|| SolarError::Spa("no solar transit found".into()))?;
            transit - 0.5
        }
    };
    let n = ((schedule.to - schedule.from) / schedule.step).floor() as usize;
    if n == 0 || n > 1_000_000 {
        return Err(SolarError::BadInput(format!("{n} time steps")));
    }
    let refraction = Some(RefractionCorrection::standard());
    (0..n)
        .map(|i| {
            let minutes = schedule.from + (i as f64 + 0.5) * schedule.step;
            let (azimuth, zenith) = position(
                origin + minutes / 1440.0,
                delta_t,
                latitude,
                longitude,
                0.0,
                refraction,
            )?;
            let elevation = 90.0 - zenith;
            let grid_az = (azimuth + grid_convergence).to_radians();
            let (e, a) = (elevation.to_radians(), grid_az);
            Ok(SunSample {
                minutes,
                azimuth,
                elevation,
                direction: [e.cos() * a.sin(), e.cos() * a.cos(), e.sin()],
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// NREL's published SPA example (Reda & Andreas 2003/2008, Table A4.1): 17 Oct 2003,
    /// 12:30:30 local (UTC−7), 39.742476 N 105.1786 W, 1830.14 m, 820 mbar, 11 °C, ΔT 67 s:
    /// topocentric zenith 50.11162°, azimuth 194.34024°.
    #[test]
    fn nrel_spa_example() {
        let jd = JulianDate::from_utc(2003, 10, 17, 19, 30, 30.0, 67.0)
            .unwrap()
            .julian_date();
        let refraction = RefractionCorrection::new(820.0, 11.0).unwrap();
        let (az, zen) =
            position(jd, 67.0, 39.742476, -105.1786, 1830.14, Some(refraction)).unwrap();
        assert!((zen - 50.11162).abs() < 0.001, "zenith {zen}");
        assert!((az - 194.34024).abs() < 0.001, "azimuth {az}");
        assert!(((90.0 - zen) - 39.88838).abs() < 0.001, "elevation");
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_date("2026-12-21").unwrap(), (2026, 12, 21));
        assert!(parse_date("2026-13-01").is_err());
        assert_eq!(parse_clock("09:30").unwrap(), 570.0);
        assert_eq!(parse_step("1m").unwrap(), 1.0);
        assert_eq!(parse_step("30s").unwrap(), 0.5);
        assert_eq!(parse_step("0.5h").unwrap(), 30.0);
        assert_eq!(parse_offset("+08:00").unwrap(), 480);
        assert_eq!(parse_offset("-0530").unwrap(), -330);
        assert_eq!(parse_offset("UTC+1").unwrap(), 60);
    }

    #[test]
    fn solar_noon_is_due_south_in_the_north() {
        let s = Schedule {
            date: (2026, 12, 21),
            from: 11.0 * 60.0,
            to: 13.0 * 60.0,
            step: 120.0,
            clock: Clock::Solar,
        };
        let one = samples(&s, 52.0, 4.36, 0.0).unwrap();
        assert_eq!(one.len(), 1);
        assert!((one[0].azimuth - 180.0).abs() < 0.01, "{}", one[0].azimuth);
        // Noon elevation at the winter solstice: 90 − 52 − 23.44 (+ refraction ≈ 0.06).
        assert!(
            (one[0].elevation - 14.62).abs() < 0.05,
            "{}",
            one[0].elevation
        );
        assert!(one[0].direction[1] < 0.0);
    }
}

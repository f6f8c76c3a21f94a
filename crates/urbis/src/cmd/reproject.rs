//! `urbis reproject`.

use crate::pipeline::{self, Format};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use std::path::PathBuf;

use urbis_geom::Reprojector;
use urbis_model::{Crs, Feature, Header, Transform};

/// Reproject to another EPSG coordinate reference system.
///
/// Horizontal coordinates are converted with proj4rs and the EPSG definitions urbis carries
/// (compound CRSs such as EPSG:7415 included); heights (z) are kept unchanged. For a
/// geographic target (e.g. EPSG:4326) x is the longitude and y the latitude, in degrees, and
/// the transform's scale becomes 1e-7 degrees (about 1 cm). A CRS that needs a grid file or is
/// unknown is refused with an error: never a silent wrong answer. Object extents are converted;
/// the metadata extent is dropped (it is no longer exact).
#[derive(clap::Args)]
pub struct Args {
    /// Input file, or `-` for stdin.
    pub input: PathBuf,
    /// Output file, or `-` for stdout.
    pub output: PathBuf,
    /// Target CRS, e.g. `EPSG:4326` or `EPSG:28992`.
    #[arg(long)]
    pub to: String,
    /// Output encoding.
    #[arg(long = "format", value_enum)]
    pub format: Option<Format>,
}

/// Reprojects features from a header's CRS to a target CRS (x/y converted, z kept), with the
/// transform re-chosen for the target.
pub struct FeatureReprojector {
    r: Reprojector,
    from_t: Transform,
    to_t: Transform,
}

impl FeatureReprojector {
    /// A reprojector from `header`'s CRS to `to` (`EPSG:CODE`), and the header to write.
    /// `Ok(None)` when the header already is in that CRS.
    pub fn new(header: &Header, to: &str, input: &str) -> Result<Option<(Self, Header)>> {
        let target = Crs::parse(to)
            .ok_or_else(|| anyhow!("cannot read the CRS \"{to}\" (write it as EPSG:CODE)"))?;
        let to_code = target
            .epsg_code()
            .ok_or_else(|| anyhow!("only EPSG codes are supported, not {target}"))?;
        let source = header
            .crs()
            .ok_or_else(|| anyhow!("{input} has no referenceSystem: its CRS is unknown"))?;
        let from_code = source
            .epsg_code()
            .ok_or_else(|| anyhow!("only EPSG codes are supported, not {source}"))?;
        if from_code == to_code {
            return Ok(None);
        }
        let r = Reprojector::new(from_code, to_code)?;
        let from_t = header.transform;
        let origin = r
            .point(from_t.translate)
            .context("reprojecting the transform's origin")?;
        let source_geographic =
            urbis_geom::axes::crs_facts(from_code).is_some_and(|f| f.geographic);
        let scale = if r.target_is_geographic() {
            // 1e-9° is 0.1 mm on the ground, as the CityGML reader quantises degrees.
            [1e-9, 1e-9, from_t.scale[2]]
        } else if source_geographic {
            [1e-3, 1e-3, from_t.scale[2]]
        } else {
            from_t.scale
        };
        let translate = [
            (origin[0] / scale[0]).round() * scale[0],
            (origin[1] / scale[1]).round() * scale[1],
            from_t.translate[2],
        ];
        let to_t = Transform { scale, translate };
        let mut header = header.clone();
        if let Some(m) = header.metadata.as_mut() {
            m.insert("referenceSystem".into(), Value::String(target.to_url()));
            m.remove("geographicalExtent");
        }
        header.transform = to_t;
        Ok(Some((FeatureReprojector { r, from_t, to_t }, header)))
    }

    /// Reprojects one feature's vertices and object extents.
    pub fn apply(&self, f: &mut Feature) -> Result<()> {
        let r = &self.r;
        for v in &mut f.vertices {
            let p = r
                .point(self.from_t.apply(*v))
                .with_context(|| format!("feature {}", f.id))?;
            *v = self
                .to_t
                .quantize(p)
                .ok_or_else(|| anyhow!("feature {}: {p:?} cannot be quantised", f.id))?;
        }
        for o in &mut f.objects {
            if let Some(e) = o.geographical_extent.as_mut() {
                let lo = r.point([e[0], e[1], e[2]])?;
                let hi = r.point([e[3], e[4], e[5]])?;
                *e = [
                    lo[0].min(hi[0]),
                    lo[1].min(hi[1]),
                    e[2],
                    lo[0].max(hi[0]),
                    lo[1].max(hi[1]),
                    e[5],
                ];
            }
        }
        Ok(())
    }
}

/// Runs `urbis reproject`.
pub fn run(a: Args) -> Result<u8> {
    let reader = pipeline::open(&a.input)?;
    let input = reader.path().display().to_string();
    let Some((reprojector, header)) = FeatureReprojector::new(reader.header(), &a.to, &input)?
    else {
        bail!("{input} is already in {}", a.to);
    };
    let format = pipeline::output_format(a.format, &a.output, reader.encoding());
    pipeline::run(
        reader,
        &a.output,
        format,
        &header.clone(),
        "reprojecting",
        |mut batch| {
            for f in &mut batch {
                reprojector.apply(f)?;
            }
            Ok(batch)
        },
    )?;
    Ok(0)
}

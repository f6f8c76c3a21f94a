//! Whole jobs: a tileset from a stream of feature batches (a file being read) or from a
//! collection of a store.

use crate::mesh::{FeatureMesh, Frame, LodChoice, MeshError, Mesher};
use crate::placement::{Placement, PlacementError};
use crate::tileset::{Tiler, TilerOptions, TilesError, TilesetReport};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;
use urbis_model::{Feature, Header};
use urbis_source::FeatureSource;
use urbis_store::{Query, Store};

/// Why a tileset could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The input could not be read (the reader's error, with its file, line and object).
    #[error(transparent)]
    Read(#[from] urbis_source::SourceError),
    /// The model cannot be placed on the globe.
    #[error(transparent)]
    Placement(#[from] PlacementError),
    /// A feature could not be meshed.
    #[error(transparent)]
    Mesh(#[from] MeshError),
    /// Writing failed.
    #[error(transparent)]
    Tiles(#[from] TilesError),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] urbis_store::StoreError),
}

/// Options of a whole tiling job.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Tree shape.
    pub tiler: TilerOptions,
    /// Which geometry of each object.
    pub lod: LodChoice,
    /// Metres added to z to get ellipsoidal heights (see [`crate::placement`]).
    pub geoid_offset: f64,
    /// Validate each feature's geometry (val3dity codes) and put the result in its metadata
    /// as the `validation` property (`"valid"`, or the codes and the objects they concern).
    pub validate: bool,
    /// The EPSG code to assume when the model names no CRS.
    pub assume_crs: Option<u32>,
}

/// The `validation` attribute of a feature: `"valid"`, or e.g.
/// `"203 NON_PLANAR_POLYGON_DISTANCE_PLANE (b1-part, lod 2.2, face 4); 102 ..."`.
pub fn validation_summary(feature: &Feature, header: &Header) -> String {
    let reports = urbis_validate::validate_feature(
        feature,
        &header.transform,
        header.geometry_templates.as_ref(),
        &urbis_validate::Options::default().for_header(header),
    );
    let mut parts = Vec::new();
    for r in &reports {
        for i in &r.issues {
            parts.push(format!("{}: {i}", r.id));
        }
    }
    if parts.is_empty() {
        "valid".into()
    } else {
        let total = parts.len();
        parts.truncate(20);
        if total > 20 {
            parts.push(format!("… {} more", total - 20));
        }
        parts.join("; ")
    }
}

/// Tiles features read batch by batch (`next` returns `Ok(None)` at the end). Batches are read
/// on one thread while the previous one is meshed on the others; `progress` gets the number of
/// features done so far.
pub fn tile_batches<E: Into<urbis_source::SourceError> + Send>(
    header: &Header,
    next: impl FnMut() -> Result<Option<Vec<Feature>>, E> + Send,
    dir: &Path,
    options: &BuildOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<TilesetReport, BuildError> {
    let crs = header
        .crs()
        .or_else(|| options.assume_crs.map(urbis_model::Crs::epsg));
    let placement = Placement::new(crs.as_ref(), options.geoid_offset)?;
    let mesher = Mesher::new(
        Frame::Ecef(&placement),
        header.transform,
        header.geometry_templates.as_ref(),
        options.lod.clone(),
    );
    let mut tiler = Tiler::new(options.tiler.clone())?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Feature>, BuildError>>(2);
    let mut done = 0u64;
    std::thread::scope(|scope| -> Result<(), BuildError> {
        let mut next = next;
        scope.spawn(move || loop {
            match next() {
                Ok(Some(batch)) => {
                    if tx.send(Ok(batch)).is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    let _ = tx.send(Err(BuildError::Read(e.into())));
                    return;
                }
            }
        });
        for batch in rx {
            let batch = batch?;
            let meshes: Vec<Result<FeatureMesh, MeshError>> = batch
                .par_iter()
                .map(|f| {
                    let mut mesh = mesher.mesh(f)?;
                    if options.validate {
                        mesh.attributes
                            .insert("validation".into(), validation_summary(f, header).into());
                    }
                    Ok(mesh)
                })
                .collect();
            for m in meshes {
                tiler.add(&m?)?;
            }
            done += batch.len() as u64;
            progress(done);
        }
        Ok(())
    })?;
    Ok(tiler.finish(dir)?)
}

/// Tiles a collection of a store (optionally only the features a query selects), read as it
/// streams out of the store.
pub fn tile_collection(
    store: Arc<dyn Store>,
    collection: &str,
    query: &Query,
    dir: &Path,
    options: &BuildOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<TilesetReport, BuildError> {
    let input = urbis_source::InputOptions::default();
    let mut source = FeatureSource::collection(store, collection, query, &input)?;
    let header = source.header().clone();
    tile_batches(&header, || source.next_batch(), dir, options, progress)
}

//! The command line's inputs: a [`FeatureSource`] whose warnings go to standard error.

use anyhow::Result;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::Arc;
use urbis_source::{FeatureSource, SourceError, SourceWarning};
pub use urbis_source::{InputFormat, InputOptions};
use urbis_store::{Query, Store};

/// An open input; the reader's warnings are printed as they come.
pub struct Input(FeatureSource);

impl Input {
    /// Opens `path` (`-` for stdin), telling CityGML from CityJSON by its content.
    pub fn open(path: &Path, options: &InputOptions) -> Result<Input> {
        Ok(Input::printing(FeatureSource::open(path, options)?))
    }

    /// Opens a collection of `store` (the features `query` selects).
    pub fn collection(
        store: Arc<dyn Store>,
        collection: &str,
        query: &Query,
        options: &InputOptions,
    ) -> Result<Input> {
        let source = FeatureSource::collection(store, collection, query, options)?;
        Ok(Input::printing(source))
    }

    /// `source`, its warnings so far printed.
    pub fn printing(mut source: FeatureSource) -> Input {
        print_warnings(source.take_warnings());
        Input(source)
    }

    /// The source, for what it is read by.
    pub fn into_source(self) -> FeatureSource {
        self.0
    }

    /// The next batch of features; the warnings reading it gave go to stderr.
    pub fn next_batch(&mut self) -> Result<Option<Vec<urbis_model::Feature>>, SourceError> {
        let batch = self.0.next_batch();
        print_warnings(self.0.take_warnings());
        batch
    }

    /// What `urbis info` reports.
    pub fn summarize(&mut self) -> Result<urbis_model::Summary> {
        let summary = self.0.summarize();
        print_warnings(self.0.take_warnings());
        Ok(summary?)
    }
}

impl Deref for Input {
    type Target = FeatureSource;
    fn deref(&self) -> &FeatureSource {
        &self.0
    }
}

impl DerefMut for Input {
    fn deref_mut(&mut self) -> &mut FeatureSource {
        &mut self.0
    }
}

fn print_warnings(warnings: Vec<SourceWarning>) {
    for w in warnings {
        eprintln!("urbis: warning: {w}");
    }
}

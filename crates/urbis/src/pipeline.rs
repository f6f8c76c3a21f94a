//! The streaming pipeline every file-to-file command shares: read features in batches, change
//! them, write them; with a progress bar on a terminal.

use crate::input::{Input, InputOptions};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::Path;
use urbis_cityjson::{Encoding, Output, OutputFormat, Writer};
use urbis_model::{Feature, Header};

/// `--to` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// CityJSON 2.0 (one JSON object).
    Cityjson,
    /// CityJSONSeq (JSON Lines, one feature per line).
    Cityjsonseq,
}

/// The output format: `--to`, else the output's extension, else the input's encoding.
pub fn output_format(to: Option<Format>, output: &Path, input: Encoding) -> OutputFormat {
    match to {
        Some(Format::Cityjson) => OutputFormat::CityJson,
        Some(Format::Cityjsonseq) => OutputFormat::CityJsonSeq,
        None => OutputFormat::from_path(output).unwrap_or(match input {
            Encoding::CityJson => OutputFormat::CityJson,
            Encoding::CityJsonSeq => OutputFormat::CityJsonSeq,
        }),
    }
}

/// A progress bar on stderr when it is a terminal, hidden otherwise.
pub fn progress(total: Option<usize>, what: &str) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::new(n as u64),
        None => ProgressBar::new_spinner(),
    };
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        let template = if total.is_some() {
            "{spinner} {msg} [{bar:30}] {pos}/{len} features ({per_sec}, {eta})"
        } else {
            "{spinner} {msg} {pos} features ({per_sec})"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
    }
    bar.set_message(what.to_string());
    bar
}

/// Counts of what went through a pipeline.
#[derive(Debug, Default)]
pub struct Counts {
    /// Features read.
    pub read: u64,
    /// Features written.
    pub written: u64,
}

/// Streams `reader` into `output`, applying `change` to each batch.
pub fn run(
    mut reader: Input,
    output: &Path,
    format: OutputFormat,
    header: &Header,
    what: &str,
    mut change: impl FnMut(Vec<Feature>) -> Result<Vec<Feature>>,
) -> Result<Counts> {
    let out = Output::create(output)?;
    let mut writer = Writer::new(out, format, header)?;
    let bar = progress(reader.feature_count(), what);
    let mut counts = Counts::default();
    while let Some(batch) = reader.next_batch()? {
        counts.read += batch.len() as u64;
        bar.inc(batch.len() as u64);
        let batch = change(batch)?;
        counts.written += batch.len() as u64;
        writer.write_batch(&batch)?;
        // Freeing a batch's many small allocations takes a fifth of the time: do it on all
        // cores, but before the next batch, so memory stays bounded.
        batch.into_par_iter().for_each(drop);
    }
    writer
        .finish()
        .with_context(|| format!("writing {}", output.display()))?;
    bar.finish_and_clear();
    Ok(counts)
}

static INPUT_OPTIONS: std::sync::Mutex<Option<InputOptions>> = std::sync::Mutex::new(None);

/// Sets the global input options (`--strict`, `--swap-axes`, `--crs`) for every input opened
/// afterwards.
pub fn set_input_options(options: InputOptions) {
    if let Ok(mut o) = INPUT_OPTIONS.lock() {
        *o = Some(options);
    }
}

/// The global input options of the command line.
pub fn input_options() -> InputOptions {
    INPUT_OPTIONS
        .lock()
        .ok()
        .and_then(|o| o.clone())
        .unwrap_or_default()
}

/// Opens an input (CityJSON, CityJSONSeq or CityGML) and prints its warnings on stderr.
pub fn open(path: &Path) -> Result<Input> {
    Input::open(path, &input_options())
}

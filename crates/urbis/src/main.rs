//! `urbis`: the command line of the urbis City Information Modeling platform.
//!
//! Exit codes: 0 success, 1 a check found problems, 2 the job could not be done (bad input,
//! I/O error, bad arguments).

mod cmd;
mod input;
mod pipeline;
mod store_args;

/// mimalloc: the parsers allocate many small objects from several threads, where glibc's
/// allocator spends a third of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// urbis: open, self-hosted City Information Modeling.
///
/// Reads CityJSON 1.0/1.1/2.0, CityJSONSeq and CityGML 1.0/2.0/3.0 (files or `-` for stdin;
/// CityGML is recognised by its content), streaming, with memory bounded by the largest
/// feature, not the file; writes CityJSON 2.0 / CityJSONSeq
/// through a temporary file that replaces the target only on success.
///
/// Exit codes: 0 success, 1 a check found problems, 2 the job could not be done.
#[derive(Parser)]
#[command(name = "urbis", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Treat input warnings (skipped geometry, unresolved xlinks, unsupported CityGML content)
    /// as errors.
    #[arg(long, global = true)]
    strict: bool,
    /// Read the input's first two coordinates the other way round: the file is written
    /// northing (latitude) first. Repairs a CityJSON file with x and y exchanged; for CityGML,
    /// overrides the order urbis takes from the srsName's EPSG definition and area of use.
    #[arg(long, global = true, conflicts_with = "no_swap_axes")]
    swap_axes: bool,
    /// Take the input's coordinates as written, easting (longitude) first, whatever the
    /// srsName's EPSG definition says (CityGML; CityJSON is read so by default).
    #[arg(long, global = true)]
    no_swap_axes: bool,
    /// The CRS of inputs that name none (e.g. a CityJSONSeq whose header has no
    /// referenceSystem, older CityJSON, GML without srsName), as EPSG:CODE; an input that names
    /// another CRS is an error (reproject it instead).
    #[arg(long, global = true, value_name = "EPSG:CODE")]
    crs: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    Info(cmd::info::Args),
    Convert(cmd::convert::ConvertArgs),
    Upgrade(cmd::convert::UpgradeArgs),
    Subset(cmd::subset::Args),
    Lod(cmd::lod::Args),
    Merge(cmd::merge::Args),
    Reproject(cmd::reproject::Args),
    Generate(cmd::generate::Args),
    Validate(cmd::validate::Args),
    Import(cmd::import::Args),
    Export(cmd::export::Args),
    Tiles(cmd::tiles::Args),
    Analyze(cmd::analyze::Args),
    Serve(cmd::serve::Args),
    Demo(cmd::demo::Args),
    Db(cmd::db::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let crs = match cli.crs.as_deref().map(|t| (t, urbis_model::Crs::parse(t))) {
        None => None,
        Some((_, Some(c))) if c.epsg_code().is_some() => Some(c),
        Some((text, _)) => {
            eprintln!("urbis: error: --crs {text}: give an EPSG code, e.g. --crs EPSG:7415");
            return ExitCode::from(2);
        }
    };
    pipeline::set_input_options(input::InputOptions {
        strict: cli.strict,
        axes: if cli.swap_axes {
            urbis_model::AxisOrder::Swap
        } else if cli.no_swap_axes {
            urbis_model::AxisOrder::AsWritten
        } else {
            urbis_model::AxisOrder::Auto
        },
        crs,
    });
    let result = match cli.command {
        Command::Info(a) => cmd::info::run(a),
        Command::Convert(a) => cmd::convert::run_convert(a),
        Command::Upgrade(a) => cmd::convert::run_upgrade(a),
        Command::Subset(a) => cmd::subset::run(a),
        Command::Lod(a) => cmd::lod::run(a),
        Command::Merge(a) => cmd::merge::run(a),
        Command::Reproject(a) => cmd::reproject::run(a),
        Command::Generate(a) => cmd::generate::run(a),
        Command::Validate(a) => cmd::validate::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Export(a) => cmd::export::run(a),
        Command::Tiles(a) => cmd::tiles::run(a),
        Command::Analyze(a) => cmd::analyze::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Db(a) => cmd::db::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("urbis: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

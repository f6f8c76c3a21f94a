//! `urbis analyze`: planning analyses.

pub mod metrics;
pub mod rules;
pub mod source;
pub mod sun;

/// Planning analyses: building metrics, zoning rules, sunlight and shadow.
///
/// Each reads a file (CityJSON, CityJSONSeq, CityGML) or a collection of the store
/// (`--collection`), streaming.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    Metrics(metrics::Args),
    Rules(rules::Args),
    Sun(sun::Args),
}

/// Runs `urbis analyze`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    match a.command {
        Command::Metrics(a) => metrics::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Sun(a) => sun::run(a),
    }
}

//! `poolsim`: the model on the command line.
//!
//! ```text
//! poolsim run   [--preset NAME] [--set KEY=VALUE]... [--duration S] [--warmup S] [--seed N] [--format table|json|csv]
//! poolsim sweep [--preset NAME] [--set KEY=VALUE]... --vary KEY=FROM..TO[:STEPS][:log]... [--duration S] [--warmup S] [--seed N] [--format csv|json|table]
//! poolsim params
//! poolsim presets
//! ```
//! Bad flags print one line and exit with status 2. Out-of-range values are clamped and the
//! clamping is reported on stderr.

mod flatten;
mod output;
mod runner;
mod sweep_spec;

use lexopt::prelude::*;
use output::Format;
use runner::RunConfig;
use std::process::ExitCode;

const USAGE: &str = "\
usage: poolsim <command> [options]

commands:
  run      simulate one scenario and print its steady-state summary
  sweep    simulate one scenario per point of --vary and print one row per point
  params   list every parameter key with its default, range, unit and meaning
  presets  list the named scenarios

options of run and sweep:
  --preset NAME           start from a named scenario (see `poolsim presets`)
  --set KEY=VALUE         set a parameter (repeatable; see `poolsim params`)
  --vary KEY=FROM..TO[:STEPS][:log]   (sweep, repeatable: the product of all)
  --duration SECONDS      measured simulated time (default 20)
  --warmup SECONDS        simulated time discarded first (default 5)
  --seed N                random seed (default 1)
  --format table|json|csv (run: table; sweep: csv)";

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("poolsim: {msg}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<(), String> {
    let mut parser = lexopt::Parser::from_env();
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(cmd)) => cmd.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) | None => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => return Err(format!("{} (try `poolsim --help`)", other.unexpected())),
    };
    match command.as_str() {
        "run" => {
            let (config, format, varies) = parse_options(&mut parser, Format::Table)?;
            if !varies.is_empty() {
                return Err("--vary belongs to `poolsim sweep`".into());
            }
            let row = runner::run(&config)?;
            print!("{}", output::render_one(&row, format)?);
            Ok(())
        }
        "sweep" => {
            let (config, format, varies) = parse_options(&mut parser, Format::Csv)?;
            if varies.is_empty() {
                return Err("sweep needs at least one --vary KEY=FROM..TO[:STEPS][:log]".into());
            }
            let rows = runner::sweep(&config, &varies)?;
            print!("{}", output::render_many(&rows, format)?);
            Ok(())
        }
        "params" => {
            no_more(&mut parser)?;
            print!("{}", output::params_table());
            Ok(())
        }
        "presets" => {
            no_more(&mut parser)?;
            print!("{}", output::presets_table());
            Ok(())
        }
        "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!(
            "unknown command `{other}` (commands: run, sweep, params, presets)"
        )),
    }
}

fn no_more(parser: &mut lexopt::Parser) -> Result<(), String> {
    match parser.next().map_err(|e| e.to_string())? {
        None => Ok(()),
        Some(arg) => Err(arg.unexpected().to_string()),
    }
}

fn parse_options(
    parser: &mut lexopt::Parser,
    default_format: Format,
) -> Result<(RunConfig, Format, Vec<sweep_spec::Vary>), String> {
    let mut config = RunConfig::default();
    let mut format = default_format;
    let mut varies = Vec::new();
    let value = |parser: &mut lexopt::Parser| -> Result<String, String> {
        parser
            .value()
            .map_err(|e| e.to_string())?
            .string()
            .map_err(|e| e.to_string())
    };
    let seconds = |flag: &str, text: &str| -> Result<f64, String> {
        text.parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0)
            .ok_or_else(|| format!("{flag} wants seconds between 0 and 86400, got `{text}`"))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("preset") => config.preset = Some(value(parser)?),
            Long("set") => {
                let kv = value(parser)?;
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| format!("--set wants KEY=VALUE, got `{kv}`"))?;
                config
                    .sets
                    .push((k.trim().to_string(), v.trim().to_string()));
            }
            Long("vary") => varies.push(sweep_spec::parse(&value(parser)?)?),
            Long("duration") => config.duration_s = seconds("--duration", &value(parser)?)?,
            Long("warmup") => config.warmup_s = seconds("--warmup", &value(parser)?)?,
            Long("seed") => {
                let text = value(parser)?;
                config.seed = text
                    .parse()
                    .map_err(|_| format!("--seed wants a whole number ≥ 0, got `{text}`"))?;
            }
            Long("format") => format = Format::parse(&value(parser)?)?,
            other => return Err(other.unexpected().to_string()),
        }
    }
    if config.duration_s <= 0.0 {
        return Err("--duration must be greater than 0".into());
    }
    Ok((config, format, varies))
}

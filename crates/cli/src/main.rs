//! `poolsim`: the model on the command line.
//!
//! ```text
//! poolsim run   [--preset NAME] [--set KEY=VALUE]... [--duration S] [--warmup S] [--seed N] [--format table|json|csv]
//! poolsim sweep [--preset NAME] [--set KEY=VALUE]... --vary KEY=FROM..TO[:STEPS][:log]... [--duration S] [--warmup S] [--seed N] [--format csv|json|table]
//! poolsim params
//! poolsim presets
//! poolsim size [--set KEY=VALUE]... [--format table|json] [--inputs]
//! poolsim validate [--lab-dir DIR] [--published-dir DIR] [--dataset ID]... [--format table|csv|markdown|json] [--svg PATH] [--duration S] [--warmup S] [--seed N]
//! ```
//! Bad flags print one line and exit with status 2 (`validate`: 1 when a check fails). Out-of-range values are clamped and the
//! clamping is reported on stderr.

mod flatten;
mod output;
mod runner;
mod size;
mod sweep_spec;
mod validate;

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
  size     recommend a pool size, a pool mode and the PgBouncer and Postgres settings for a
           server and load (--set KEY=VALUE, see `poolsim size --inputs`; --format table|json)
  validate run the model at every point of every dataset (the lab's select_only.csv, fitted;
           the published benchmarks, held out), compare, and check
           (exit status 0: all checks pass, 1: a check fails, 2: bad input)

options of run and sweep:
  --preset NAME           start from a named scenario (see `poolsim presets`)
  --set KEY=VALUE         set a parameter (repeatable; see `poolsim params`)
  --vary KEY=FROM..TO[:STEPS][:log]   (sweep, repeatable: the product of all)
  --duration SECONDS      measured simulated time (default 20)
  --warmup SECONDS        simulated time discarded first (default 5)
  --seed N                random seed (default 1)
  --format table|json|csv (run: table; sweep: csv)

options of validate:
  --lab-dir DIR           the lab's results (default bench/lab/results)
  --published-dir DIR     the published datasets (default bench/published)
  --dataset ID            only this dataset (repeatable): lab, freund_2020, tembo_2024,
                          pgdoorman_2026
  --format table|csv|markdown|json   per-point tables and checks, fitted and held-out datasets
                          apart (csv: the checks go to stderr; markdown: ready for MODEL.md)
  --svg PATH              also draw the lab's chart (throughput and its error against clients)
  --duration, --warmup, --seed   as above (default: each dataset's own; the lab's 3, 1, 1)";

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("poolsim: {msg}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<ExitCode, String> {
    let mut parser = lexopt::Parser::from_env();
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(cmd)) => cmd.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) | None => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(format!("{} (try `poolsim --help`)", other.unexpected())),
    };
    if command == "validate" {
        return run_validate(&mut parser);
    }
    if command == "size" {
        return run_size(&mut parser);
    }
    let done: Result<(), String> = match command.as_str() {
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
            "unknown command `{other}` (commands: run, sweep, params, presets, validate, size)"
        )),
    };
    done.map(|()| ExitCode::SUCCESS)
}

/// `poolsim size [--set KEY=VALUE]... [--format table|json] [--inputs]`.
fn run_size(parser: &mut lexopt::Parser) -> Result<ExitCode, String> {
    let mut pairs = Vec::new();
    let mut json = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("set") => {
                let kv = value(parser)?;
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| format!("--set wants KEY=VALUE, got `{kv}`"))?;
                pairs.push((k.trim().to_string(), v.to_string()));
            }
            Long("format") => match value(parser)?.as_str() {
                "table" => json = false,
                "json" => json = true,
                other => return Err(format!("--format wants table or json, got `{other}`")),
            },
            Long("inputs") => {
                print!("{}", size::render_inputs());
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    let (report, notices) = size::run(&pairs)?;
    for n in &notices {
        eprintln!("poolsim: {}", n.text);
    }
    let text = if json {
        size::render_json(&report, &notices) + "\n"
    } else {
        size::render_table(&report)
    };
    // A reader piping into `head` closes the pipe early: that is not an error worth a panic.
    use std::io::Write;
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn run_validate(parser: &mut lexopt::Parser) -> Result<ExitCode, String> {
    #[derive(PartialEq)]
    enum Out {
        Table,
        Csv,
        Markdown,
        Json,
    }
    const DATASETS: [&str; 4] = ["lab", "freund_2020", "tembo_2024", "pgdoorman_2026"];
    let mut lab_dir = std::path::PathBuf::from("bench/lab/results");
    let mut published_dir = std::path::PathBuf::from("bench/published");
    let mut chosen: Vec<String> = Vec::new();
    let mut out = Out::Table;
    let mut svg_path = None::<std::path::PathBuf>;
    let defaults = poolsim_validate::RunSpec::default();
    let mut config = RunConfig {
        duration_s: defaults.measure_ns as f64 / 1e9,
        warmup_s: defaults.warmup_ns as f64 / 1e9,
        seed: defaults.seed,
        ..RunConfig::default()
    };
    // Whether --duration, --warmup or --seed was given: then every dataset runs so.
    let mut timed = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("lab-dir") => lab_dir = value(parser)?.into(),
            Long("published-dir") => published_dir = value(parser)?.into(),
            Long("dataset") => {
                let id = value(parser)?;
                if !DATASETS.contains(&id.as_str()) {
                    return Err(format!(
                        "--dataset wants one of {}, got `{id}`",
                        DATASETS.join(", ")
                    ));
                }
                chosen.push(id);
            }
            Long("format") => {
                out = match value(parser)?.as_str() {
                    "table" => Out::Table,
                    "csv" => Out::Csv,
                    "markdown" | "md" => Out::Markdown,
                    "json" => Out::Json,
                    other => {
                        return Err(format!(
                            "--format wants table, csv, markdown or json, got `{other}`"
                        ))
                    }
                }
            }
            Long("svg") => svg_path = Some(value(parser)?.into()),
            Long(flag @ ("duration" | "warmup" | "seed")) => {
                let flag = flag.to_owned();
                timing(&flag, parser, &mut config)?;
                timed = true;
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    if config.duration_s <= 0.0 {
        return Err("--duration must be greater than 0".into());
    }
    let wanted = |id: &str| chosen.is_empty() || chosen.iter().any(|c| c == id);
    let mut datasets = Vec::new();
    if wanted("lab") {
        datasets.push(poolsim_validate::dataset::lab(&validate::read_lab(
            &lab_dir,
        )?));
    }
    if wanted("freund_2020") {
        datasets.push(validate::read_freund(&published_dir)?);
    }
    if wanted("tembo_2024") {
        datasets.push(validate::read_tembo(&published_dir)?);
    }
    if wanted("pgdoorman_2026") {
        datasets.push(validate::read_doorman(&published_dir)?);
    }
    let spec = timed.then(|| validate::spec(&config));
    let reports: Vec<validate::DatasetReport> = datasets
        .into_iter()
        .map(|d| validate::DatasetReport::new(d, spec))
        .collect();
    if let Some(path) = &svg_path {
        let lab = reports
            .iter()
            .find(|r| r.dataset.id == "lab")
            .ok_or("--svg draws the lab's chart: leave the lab among the datasets")?;
        let svg = validate::render_svg(&poolsim_validate::dataset::lab_compared(&lab.runs))?;
        std::fs::write(path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    match out {
        Out::Csv => {
            print!("{}", validate::render_reports_csv(&reports)?);
            eprint!("{}", validate::render_reports_checks(&reports));
        }
        Out::Markdown => print!("{}", validate::render_reports_markdown(&reports)),
        Out::Json => print!("{}", validate::render_reports_json(&reports)),
        Out::Table => print!("{}", validate::render_reports_table(&reports)),
    }
    Ok(if reports.iter().all(validate::DatasetReport::acceptable) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The next value on the command line, as text.
fn value(parser: &mut lexopt::Parser) -> Result<String, String> {
    parser
        .value()
        .map_err(|e| e.to_string())?
        .string()
        .map_err(|e| e.to_string())
}

/// `--duration`, `--warmup` or `--seed` (`flag` without its dashes), which every command that
/// simulates takes.
fn timing(flag: &str, parser: &mut lexopt::Parser, config: &mut RunConfig) -> Result<(), String> {
    let text = value(parser)?;
    match flag {
        "duration" => config.duration_s = seconds("--duration", &text)?,
        "warmup" => config.warmup_s = seconds("--warmup", &text)?,
        _ => {
            config.seed = text
                .parse()
                .map_err(|_| format!("--seed wants a whole number ≥ 0, got `{text}`"))?
        }
    }
    Ok(())
}

fn seconds(flag: &str, text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0)
        .ok_or_else(|| format!("{flag} wants seconds between 0 and 86400, got `{text}`"))
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
            Long(flag @ ("duration" | "warmup" | "seed")) => {
                let flag = flag.to_owned();
                timing(&flag, parser, &mut config)?
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

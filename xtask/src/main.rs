//! `cargo xtask <task>`: every developer task of poolsim, needing nothing but cargo to start.
//!
//! Tasks install what they need (idempotently: a second run installs nothing), then build, serve or
//! test. See `cargo xtask help`.

mod bench;
mod csp;
mod deferred;
mod files;
mod html;
mod invariants;
mod lab;
mod minify;
mod model_doc;
mod run;
mod site;
mod size;
mod suites;
mod tools;
mod validate;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  serve [--port N]              install what is missing, build, serve the site on http://127.0.0.1:8080
  dist [--public-url /sub/path/] write an optimised static site to dist/ (works from any host and sub-path)
                                and its size report to docs/SIZE.md
  finish-dist DIR [URL]         (re)apply CSP/oEmbed post-processing to a built site
  test                          install what tests need, run every suite, print `N passed, N failed`
  bench                         one table against budgets: poolsim vs SimPy (and Ciw) on one M/M/c case,
                                the fleet preset native and wasm, the slow list, the sweep, the first load
  bench --page                  the release build in headless Chromium: input latency, long tasks, step
                                time, sweep time and first-load size against budgets (never fails on them)
  lab [--quick]                 measure real PostgreSQL 15 + PgBouncer with pgbench (bench/lab/README.md);
                                --quick is a 2 s smoke test; writes CSVs to bench/lab/results/
  validate                      the model against the lab (`poolsim validate`): writes
                                crates/model/validation.svg and the tables between the generated-part
                                markers of crates/model/MODEL.md, and prints them
  invariants                    the source-level checks of ARCHITECTURE.md's invariants: the model's lints
                                (no platform math, clock or I/O), only poolsim_page::sim steps a Model, no
                                crate re-exports another (`test` runs the first two)
  help                          print this message

Tools installed when missing: the wasm32-unknown-unknown target, Trunk 0.21.14, the wasm-bindgen CLI of
the version in Cargo.lock, wasm-opt and playwright-core (npm, into tests/node_modules), and, for `test`
and `bench --page`, Debian's chromium and chromium-driver (as root).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    let result = match task {
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        "serve" => parse_serve(rest).and_then(serve),
        "dist" => parse_dist(rest).and_then(|url| dist(url.as_deref())),
        "finish-dist" => parse_finish_dist(rest)
            .and_then(|(dir, url)| site::finish_dist(std::path::Path::new(&dir), &url)),
        "test" => {
            if let Some(extra) = rest.first() {
                Err(Failure::Usage(format!(
                    "`test` takes no argument, got `{extra}`"
                )))
            } else {
                suites::test_all()
            }
        }
        "bench" => match rest {
            [] => bench::bench(),
            [flag] if flag == "--page" => bench::page(),
            _ => Err(Failure::Usage(format!(
                "`bench` takes only `--page`, got `{}`",
                rest.join(" ")
            ))),
        },
        "invariants" => match rest.first() {
            Some(extra) => Err(Failure::Usage(format!(
                "`invariants` takes no argument, got `{extra}`"
            ))),
            None => invariants::invariants(),
        },
        "lab" => lab::parse(rest).and_then(|args| lab::lab(&args)),
        "validate" => match rest.first() {
            Some(extra) => Err(Failure::Usage(format!(
                "`validate` takes no argument, got `{extra}`"
            ))),
            None => validate::validate(),
        },
        other => Err(Failure::Usage(format!("unknown task `{other}`"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("xtask: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(msg)) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Why a task stopped.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong: usage is printed, exit code 2.
    Usage(String),
    /// Something failed: one line saying what, exit code 1.
    Failed(String),
}

pub type Result<T> = std::result::Result<T, Failure>;

fn parse_serve(rest: &[String]) -> Result<u16> {
    match rest {
        [] => Ok(8080),
        [flag, port] if flag == "--port" => port
            .parse()
            .map_err(|_| Failure::Usage(format!("`--port` wants a number, got `{port}`"))),
        _ => Err(Failure::Usage(format!(
            "`serve` takes only `--port N`, got `{}`",
            rest.join(" ")
        ))),
    }
}

fn parse_dist(rest: &[String]) -> Result<Option<String>> {
    match rest {
        [] => Ok(None),
        [flag, url] if flag == "--public-url" => Ok(Some(normalise_public_url(url))),
        [arg] if arg.starts_with("--public-url=") => {
            Ok(Some(normalise_public_url(&arg["--public-url=".len()..])))
        }
        _ => Err(Failure::Usage(format!(
            "`dist` takes only `--public-url /sub/path/`, got `{}`",
            rest.join(" ")
        ))),
    }
}

/// `finish-dist DIR [URL]`: the built site's directory and the public URL it was built with.
fn parse_finish_dist(rest: &[String]) -> Result<(String, String)> {
    match rest {
        [dir] => Ok((dir.clone(), DEFAULT_PUBLIC_URL.to_string())),
        [dir, url] => Ok((dir.clone(), normalise_public_url(url))),
        _ => Err(Failure::Usage(format!(
            "`finish-dist` takes `DIR [URL]`, got `{}`",
            rest.join(" ")
        ))),
    }
}

/// The public URL Trunk.toml sets: relative, so the site works from any host and sub-path.
const DEFAULT_PUBLIC_URL: &str = "./";

/// A public URL always ends with `/` so relative asset paths resolve inside it.
fn normalise_public_url(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

fn serve(port: u16) -> Result<()> {
    tools::ensure_build_tools()?;
    println!("poolsim: building and serving on http://127.0.0.1:{port}/ (Ctrl-C stops)");
    run::trunk(&["serve", "--port", &port.to_string()], None)
}

fn dist(public_url: Option<&str>) -> Result<()> {
    tools::ensure_build_tools()?;
    build_dist(public_url)?;
    let report = size::report(&run::root().join("dist"))?;
    println!("{report}");
    size::write_markdown(&run::root(), &report)
}

/// `trunk build --release` (with the workspace's `wasm-release` profile: the model optimised for
/// size) into `dist/`, then the CSP/oEmbed post-processing (`site`).
pub fn build_dist(public_url: Option<&str>) -> Result<()> {
    let mut args = vec!["build", "--release", "--cargo-profile", "wasm-release"];
    if let Some(url) = public_url {
        args.extend(["--public-url", url]);
    }
    run::trunk(&args, None)?;
    let url = public_url.unwrap_or(DEFAULT_PUBLIC_URL);
    site::finish_dist(&run::root().join("dist"), url)
}

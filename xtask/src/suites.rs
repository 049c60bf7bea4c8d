//! `cargo xtask test`: every suite, one summary line `N passed, N failed` at the end.
//!
//! Suites: formatting, the crates' dependency invariants, clippy (native and wasm32), native unit,
//! property and validation tests, the release build and its size budget, wasm-bindgen tests in
//! headless Chromium, and page-level tests of the built site (Node's runner + playwright-core).

use crate::run::{self, command, tee};
use crate::tools::{self, CHROMEDRIVER};
use crate::{size, Failure, Result};
use std::process::Command;

/// Crates the model must never depend on (it is pure: no web, no OS randomness).
const FORBIDDEN_IN_MODEL: &[&str] = &[
    "wasm-bindgen",
    "web-sys",
    "js-sys",
    "yew",
    "gloo",
    "plotters",
    "plotters-canvas",
    "getrandom",
];

/// Crates the page library (`poolsim-page`, default features) must never depend on: it is the
/// page's logic without the DOM, tested natively.
const FORBIDDEN_IN_PAGE: &[&str] = &[
    "wasm-bindgen",
    "web-sys",
    "js-sys",
    "yew",
    "gloo",
    "plotters-canvas",
];

/// Crates the explanation's wasm module must never carry: the prerender's server rendering
/// (`yew/ssr` pulls `html-escape`, its runtime `tokio`) and SVG drawing are native only (the
/// `ssr` feature of `poolsim-explain`, which only `poolsim-prerender` enables).
const FORBIDDEN_IN_EXPLAIN_WASM: &[&str] = &["tokio", "html-escape", "plotters-svg"];

/// Crates the shared components (`poolsim-ui`) must never depend on: the two page modules and
/// the prerender above it. (Its wasm32 tree is also checked against
/// [`FORBIDDEN_IN_EXPLAIN_WASM`]: both modules link it.)
const FORBIDDEN_IN_UI: &[&str] = &["poolsim-web", "poolsim-explain", "poolsim-prerender"];

/// Crates the validation against measurements (`poolsim-validate`) must never depend on: like
/// the model, no web crate (the explanation's wasm links it, the CLI runs it).
const FORBIDDEN_IN_VALIDATE: &[&str] = FORBIDDEN_IN_MODEL;

/// The live figure (`poolsim-web`, the first load) depends on neither the explanation nor the
/// prerender: what the first load links follows from the crate graph.
const FORBIDDEN_IN_WEB: &[&str] = &["poolsim-explain", "poolsim-prerender"];

/// Nor does the figure's wasm32 tree carry Markdown rendering or server rendering (the page
/// library's `pulldown-cmark` is a native-only dependency, for the prerender).
const FORBIDDEN_IN_WEB_WASM: &[&str] = &["pulldown-cmark", "tokio", "html-escape", "plotters-svg"];

/// The explanation (`poolsim-explain`) depends on neither the live figure (both are leaves over
/// `poolsim-ui`) nor the prerender.
const FORBIDDEN_IN_EXPLAIN: &[&str] = &["poolsim-web", "poolsim-prerender"];

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    failures: Vec<String>,
}

impl Tally {
    fn add(&mut self, suite: &str, passed: u64, failed: u64) {
        self.passed += passed;
        self.failed += failed;
        if failed > 0 {
            self.failures.push(format!("{suite}: {failed} failed"));
        }
    }
    fn check(&mut self, suite: &str, ok: bool) {
        self.add(suite, u64::from(ok), u64::from(!ok));
    }
}

fn banner(name: &str) {
    println!("\n==> {name}");
}

pub fn test_all() -> Result<()> {
    tools::ensure_test_tools()?;
    let mut tally = Tally::default();

    banner("cargo fmt --check");
    let mut fmt = command("cargo");
    fmt.args(["fmt", "--all", "--", "--check"]);
    tally.check("fmt", run::status(fmt, "cargo fmt --check").is_ok());

    banner("model crate has no web dependency");
    tally.check(
        "model-deps",
        has_no_dependency("poolsim-model", FORBIDDEN_IN_MODEL),
    );
    banner("page library has no DOM dependency");
    tally.check(
        "page-deps",
        has_no_dependency("poolsim-page", FORBIDDEN_IN_PAGE),
    );

    banner("shared components have no page module and no server rendering");
    tally.check("ui-deps", has_no_dependency("poolsim-ui", FORBIDDEN_IN_UI));
    tally.check(
        "ui-wasm-deps",
        has_no_dependency_on(
            "poolsim-ui",
            "wasm32-unknown-unknown",
            FORBIDDEN_IN_EXPLAIN_WASM,
        ),
    );
    banner("the validation has no web dependency");
    tally.check(
        "validate-deps",
        has_no_dependency("poolsim-validate", FORBIDDEN_IN_VALIDATE),
    );
    banner("the two page modules are leaves: neither depends on the other, nor on the prerender");
    tally.check(
        "web-deps",
        has_no_dependency("poolsim-web", FORBIDDEN_IN_WEB),
    );
    tally.check(
        "explain-deps",
        has_no_dependency("poolsim-explain", FORBIDDEN_IN_EXPLAIN),
    );

    banner("the figure's wasm carries no Markdown and no server rendering");
    tally.check(
        "web-wasm-deps",
        has_no_dependency_on(
            "poolsim-web",
            "wasm32-unknown-unknown",
            FORBIDDEN_IN_WEB_WASM,
        ),
    );

    banner("the explanation's wasm carries no server rendering");
    tally.check(
        "explain-wasm-deps",
        has_no_dependency_on(
            "poolsim-explain",
            "wasm32-unknown-unknown",
            FORBIDDEN_IN_EXPLAIN_WASM,
        ),
    );

    crate::invariants::run_all(&mut |suite, ok| tally.check(suite, ok));

    banner("cargo clippy (native) -D warnings");
    let mut clippy = command("cargo");
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--exclude",
        "poolsim-web",
        "--",
        "-D",
        "warnings",
    ]);
    tally.check("clippy-native", run::status(clippy, "clippy").is_ok());

    banner("cargo clippy (wasm32, the page's crates) -D warnings");
    let mut clippy_web = command("cargo");
    clippy_web.args([
        "clippy",
        "-p",
        "poolsim-page",
        "-p",
        "poolsim-ui",
        "-p",
        "poolsim-web",
        "-p",
        "poolsim-explain",
        "--all-targets",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]);
    tally.check("clippy-wasm", run::status(clippy_web, "clippy").is_ok());

    banner("native tests");
    let mut native = command("cargo");
    native.args(["test", "--workspace"]);
    count_cargo_tests(&mut tally, "native tests", native);

    banner("the model against the real server (poolsim validate, bench/lab/results)");
    let validate = run::poolsim(&["validate"]);
    tally.check(
        "validate",
        run::status(validate, "poolsim validate").is_ok(),
    );

    banner("wasm-bindgen tests in headless Chromium");
    let mut wasm = command("cargo");
    wasm.args([
        "test",
        "-p",
        "poolsim-web",
        "-p",
        "poolsim-explain",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env(
        "WASM_BINDGEN_TEST_TIMEOUT",
        std::env::var("WASM_BINDGEN_TEST_TIMEOUT").unwrap_or_else(|_| "600".into()),
    );
    count_cargo_tests(&mut tally, "wasm tests", wasm);

    banner("the model in the browser: release wasm soak and speed (headless Chromium)");
    let mut soak = command("cargo");
    soak.args([
        "test",
        "--profile",
        "wasm-release",
        "-p",
        "poolsim-web",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "soak",
        "--",
        "--nocapture",
    ])
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "600");
    let soak_output = count_cargo_tests(&mut tally, "wasm soak", soak);
    report_wasm_speed(&soak_output);

    banner("release build (trunk) into dist/");
    let built = crate::build_dist(None).is_ok();
    tally.check("dist build", built);

    if built {
        banner("page tests (node --test, playwright-core, Chromium)");
        let mut page = command("node");
        page.args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
            .current_dir(run::root().join("tests"));
        count_node_tests(&mut tally, page);
    } else {
        tally.add("page tests (not run: no build)", 0, 1);
    }

    banner("size");
    match size::report(&run::root().join("dist")) {
        Ok(report) => {
            println!("{report}");
            tally.check("size budget", report.within_budget());
        }
        Err(Failure::Failed(e) | Failure::Usage(e)) => {
            println!("size report failed: {e}");
            tally.check("size budget", false);
        }
    }

    if !tally.failures.is_empty() {
        println!("\nfailed: {}", tally.failures.join("; "));
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        Ok(())
    } else {
        Err(Failure::Failed(format!("{} failed", tally.failed)))
    }
}

/// Whether `package`'s dependency tree (normal and build, every target) has none of `forbidden`.
fn has_no_dependency(package: &str, forbidden: &[&str]) -> bool {
    has_no_dependency_on(package, "all", forbidden)
}

/// Whether `package`'s dependency tree (normal and build) for `target` (or `all`) has none of
/// `forbidden`.
fn has_no_dependency_on(package: &str, target: &str, forbidden: &[&str]) -> bool {
    let tree = run::output_of(
        "cargo",
        &[
            "tree",
            "-p",
            package,
            "-e",
            "normal,build",
            "--target",
            target,
            "--prefix",
            "none",
            "--format",
            "{p}",
        ],
    );
    let Some(tree) = tree else {
        println!("cargo tree failed");
        return false;
    };
    let offenders: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| forbidden.contains(name))
        .collect();
    if offenders.is_empty() {
        println!(
            "ok: {package} depends on {} crates, none of {forbidden:?}",
            tree.lines().count().saturating_sub(1)
        );
        true
    } else {
        println!("{package} depends on forbidden crates: {offenders:?}");
        false
    }
}

/// Prints the model's speed in Chromium (wasm) against the same case natively (the release CLI):
/// a measurement, not a test (machines are noisy), reported as one ratio from one run.
fn report_wasm_speed(wasm_output: &str) {
    let wasm = wasm_output.lines().find_map(|l| {
        l.split("perf: wasm fleet events/s = ")
            .nth(1)
            .and_then(|n| n.trim().parse::<f64>().ok())
    });
    let native = run::stdout_of(run::poolsim(&[
        "run",
        "--preset",
        "fleet",
        "--warmup",
        "1",
        "--duration",
        "5",
        "--format",
        "json",
    ]))
    .and_then(|json| crate::bench::json_number(&json, "/run/events_per_wall_s"));
    match (wasm, native) {
        (Some(w), Some(n)) => println!(
            "model speed (fleet preset, same case): native {:.1} M events/s, wasm in Chromium {:.1} M events/s: wasm/native = {:.2} (goal >= 0.7)",
            n / 1e6,
            w / 1e6,
            w / n
        ),
        _ => println!("model speed: could not read both measurements"),
    }
}

/// Sums `test result: ... N passed; M failed` lines (cargo test and wasm-bindgen-test-runner). A
/// run that fails without any result line (e.g. a compile error) counts as one failure. Returns
/// the run's output.
fn count_cargo_tests(tally: &mut Tally, suite: &str, cmd: Command) -> String {
    let (ok, out) = match tee(cmd) {
        Ok(r) => r,
        Err(e) => {
            println!("{suite} could not start: {e}");
            tally.add(suite, 0, 1);
            return String::new();
        }
    };
    let (mut passed, mut failed, mut seen) = (0, 0, false);
    for line in out.lines() {
        if let Some(rest) = line.trim().strip_prefix("test result: ") {
            seen = true;
            passed += number_before(rest, " passed");
            failed += number_before(rest, " failed");
        }
    }
    if !ok && failed == 0 {
        failed = 1;
    }
    if !seen && ok {
        println!("{suite}: no test result line found");
        failed += 1;
    }
    tally.add(suite, passed, failed);
    out
}

/// Reads Node's spec reporter summary (`ℹ pass N`, `ℹ fail N`).
fn count_node_tests(tally: &mut Tally, cmd: Command) {
    let (ok, out) = match tee(cmd) {
        Ok(r) => r,
        Err(e) => {
            println!("page tests could not start: {e}");
            tally.add("page tests", 0, 1);
            return;
        }
    };
    let field = |name: &str| -> Option<u64> {
        out.lines().rev().find_map(|l| {
            let l = l.trim().trim_start_matches(['ℹ', '#']).trim();
            l.strip_prefix(name)?.trim().parse().ok()
        })
    };
    let passed = field("pass ").unwrap_or(0);
    let mut failed = field("fail ").unwrap_or(0);
    if !ok && failed == 0 {
        failed = 1;
    }
    if passed + failed == 0 {
        failed = 1;
    }
    tally.add("page tests", passed, failed);
}

/// The number just before `marker` in `text` ("7 passed" → 7).
fn number_before(text: &str, marker: &str) -> u64 {
    text.find(marker)
        .and_then(|i| text[..i].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::number_before;

    #[test]
    fn reads_cargo_result_lines() {
        let line = "ok. 7 passed; 2 failed; 0 ignored; 0 measured";
        assert_eq!(number_before(line, " passed"), 7);
        assert_eq!(number_before(line, " failed"), 2);
        assert_eq!(number_before("FAILED. 12 passed; 1 failed", " failed"), 1);
        assert_eq!(number_before("nothing", " passed"), 0);
    }
}

//! `cargo xtask bench`: one table of the speeds readers wait on, each against its budget, from
//! one run: poolsim against SimPy (and Ciw, if it installs) on the same M/M/c case, in alternating
//! rounds so the ratio is measured on one machine at one time; the fleet preset natively and in
//! wasm (Chromium); the model's criterion benchmarks' slow-configuration list (each configuration's
//! wall time per simulated event against the fleet preset's, at most 3×); and, from the page
//! benchmark, the explanation's sweep and the first load. A figure over budget is flagged, never
//! fatal; a part that cannot run (no Chromium, no pip) leaves its rows `n/a` with the reason.
//!
//! `cargo xtask bench --page`: the release build in headless Chromium (`tests/bench/page.bench.mjs`),
//! its figures printed in one table against budgets. A figure over budget is flagged, never fatal.

use crate::run::{self, command, tee};
use crate::{size, tools, Failure, Result};
use serde_json::Value;

/// Transactions the M/M/c comparison simulates in each simulator and round.
const MMC_TRANSACTIONS: u64 = 400_000;
/// Ciw is slower than SimPy: fewer transactions per round (the ratio is per wall second).
const CIW_TRANSACTIONS: u64 = 50_000;
/// Alternating rounds of the M/M/c comparison; the ratio is that of the medians.
const MMC_ROUNDS: usize = 3;
/// Alternating rounds of the fleet preset in wasm and natively.
const FLEET_ROUNDS: usize = 3;
/// poolsim at least this many times SimPy's completed transactions per wall second (issue 20).
const SIMPY_BUDGET_X: f64 = 100.0;
/// wasm in Chromium at least this share of the native events per second, fleet preset.
const WASM_BUDGET_X_NATIVE: f64 = 0.85;

pub fn bench() -> Result<()> {
    println!("==> criterion benchmarks (crates/model/benches)");
    let mut criterion = command("cargo");
    criterion.args(["bench", "-p", "poolsim-model", "--bench", "sim"]);
    run::status(criterion, "cargo bench")?;

    println!("\n==> M/M/c: poolsim, SimPy and Ciw in alternating rounds");
    let mut rows = mmc_rows()?;
    println!("\n==> fleet preset: wasm in Chromium, then natively");
    rows.extend(fleet_rows());
    rows.extend(slow_list_rows(&criterion_dir()));
    println!("\n==> page benchmark (release build, headless Chromium)");
    rows.extend(page_summary_rows(run_page_bench()));
    println!(
        "\n{}",
        table(
            "speed where readers wait (one run of `cargo xtask bench`):",
            &rows
        )
    );
    if let Some(load) = load_average() {
        println!("machine: {} CPUs, 1-minute load average {load:.1} at the end (wall times are noisy above the CPU count)", cpus());
    }
    Ok(())
}

/// The machine's 1-minute load average (Linux), if readable.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The CPUs this process may use.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The median of `values` (`None` when empty).
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The M/M/c rows: poolsim against SimPy (budget) and Ciw (information), each the ratio of the
/// medians of [`MMC_ROUNDS`] alternating rounds.
fn mmc_rows() -> Result<Vec<Row>> {
    let simpy_lib = python_lib("simpy", "simpy==4.1.2")?;
    // Ciw is optional: without pip access its row says so.
    let ciw_lib = python_lib("ciw", "ciw").ok();
    let (mut ours, mut simpy, mut ciw) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=MMC_ROUNDS {
        println!("round {round} of {MMC_ROUNDS}");
        ours.push(poolsim_mmc()?);
        simpy.push(python_mmc("simpy_mmc.py", MMC_TRANSACTIONS, &[&simpy_lib])?);
        if let Some(lib) = &ciw_lib {
            match python_mmc("ciw_mmc.py", CIW_TRANSACTIONS, &[lib, &simpy_lib]) {
                Ok(rate) => ciw.push(rate),
                Err(e) => println!("Ciw: {e:?}"),
            }
        }
    }
    let ours = median(&mut ours);
    let ratio = |other: Option<f64>| match (ours, other) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    let per_s = |who: &str, v: Option<f64>| v.map(|v| format!("{who} {:.1} k txn/s", v / 1e3));
    let simpy = median(&mut simpy);
    let ciw_rate = median(&mut ciw);
    let detail = |other: &str, v: Option<f64>| {
        Some(format!(
            "{}, {}; medians of {MMC_ROUNDS} alternating rounds",
            per_s("poolsim", ours).unwrap_or_default(),
            per_s(other, v).unwrap_or_else(|| format!("{other} —"))
        ))
    };
    let ciw_detail = if ciw_lib.is_none() {
        Some("Ciw did not install from PyPI (pip)".to_string())
    } else {
        detail("Ciw", ciw_rate)
    };
    Ok(vec![
        Row::new("M/M/c: poolsim ÷ SimPy 4.1.2", ratio(simpy), "×", 0)
            .at_least(SIMPY_BUDGET_X)
            .detail(detail("SimPy", simpy)),
        Row::new("M/M/c: poolsim ÷ Ciw", ratio(ciw_rate), "×", 0).detail(ciw_detail),
    ])
}

/// The fleet rows: events per wall second in wasm (Chromium, the `soak` test's speed case) and
/// natively (the release CLI, same case), the medians of [`FLEET_ROUNDS`] alternating rounds, and
/// their ratio against its budget.
fn fleet_rows() -> Vec<Row> {
    let (mut wasm, mut native) = (Vec::new(), Vec::new());
    for round in 1..=FLEET_ROUNDS {
        println!("round {round} of {FLEET_ROUNDS}");
        wasm.extend(wasm_fleet_events_per_s());
        native.extend(
            run::stdout_of(run::poolsim(&[
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
            .and_then(|json| json_number(&json, "/run/events_per_wall_s")),
        );
    }
    let (wasm, native) = (median(&mut wasm), median(&mut native));
    let ratio = match (wasm, native) {
        (Some(w), Some(n)) if n > 0.0 => Some(w / n),
        _ => None,
    };
    let m = |v: Option<f64>| v.map(|v| v / 1e6);
    vec![
        Row::new("fleet preset, native", m(native), "M events/s", 2),
        Row::new("fleet preset, wasm in Chromium", m(wasm), "M events/s", 2).detail(
            wasm.is_none()
                .then(|| "the wasm soak test could not run (Chromium, chromedriver)".into()),
        ),
        Row::new("fleet preset, wasm ÷ native", ratio, "×", 2)
            .at_least(WASM_BUDGET_X_NATIVE)
            .detail(Some(format!(
                "medians of {FLEET_ROUNDS} alternating rounds"
            ))),
    ]
}

/// Events per second of the fleet preset in Chromium: `crates/web/tests/soak.rs`'s speed case,
/// the shipped wasm profile `wasm-release` (as `cargo xtask test` runs it).
fn wasm_fleet_events_per_s() -> Option<f64> {
    tools::ensure_test_tools().ok()?;
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
        "fleet_events_per_second_in_wasm",
    ])
    .env("CHROMEDRIVER", tools::CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "600");
    let (_, out) = tee(soak).ok()?;
    out.lines().find_map(|l| {
        l.split("perf: wasm fleet events/s = ")
            .nth(1)
            .and_then(|n| n.trim().parse::<f64>().ok())
    })
}

/// The page benchmark's figures and the first load's gzip bytes, or why they are missing.
fn run_page_bench() -> std::result::Result<(Value, u64), String> {
    tools::ensure_test_tools().map_err(|e| format!("test tools: {e:?}"))?;
    println!("==> release build (trunk) into dist/");
    crate::build_dist(None).map_err(|e| format!("dist build: {e:?}"))?;
    let first_load = size::report(&run::root().join("dist"))
        .map_err(|e| format!("size report: {e:?}"))?
        .total_gzip();
    let mut node = command("node");
    node.arg(
        run::root()
            .join("tests")
            .join("bench")
            .join("page.bench.mjs"),
    );
    let (ok, out) = tee(node).map_err(|e| format!("node could not start: {e}"))?;
    let line = out.lines().find_map(|l| l.strip_prefix(PAGE_PREFIX));
    let (true, Some(line)) = (ok, line) else {
        return Err("the page benchmark could not run (see above)".into());
    };
    let figures = serde_json::from_str(line)
        .map_err(|e| format!("the page benchmark's figures are not JSON: {e}"))?;
    Ok((figures, first_load))
}

/// The page's rows of the one table: the sweep on load and the first load, against budgets.
pub fn page_summary_rows(page: std::result::Result<(Value, u64), String>) -> Vec<Row> {
    let (figures, first_load, why) = match page {
        Ok((f, bytes)) => (f, Some(bytes as f64 / 1000.0), None),
        Err(e) => (Value::Null, None, Some(e)),
    };
    let sweep = figures.pointer("/sweep/first_s").and_then(Value::as_f64);
    vec![
        Row::new("sweep to 100 %, on load", sweep, "s", 2)
            .budget(SWEEP_BUDGET_S)
            .detail(why.clone()),
        Row::new("first load, gzip -9", first_load, "KB", 1)
            .budget(size::FIRST_LOAD_TARGET_GZIP as f64 / 1000.0)
            .detail(why),
    ]
}

/// The slow-configuration list's budget: wall time per simulated event at most this many times
/// the fleet preset's.
const SLOW_LIST_BUDGET_X_FLEET: f64 = 3.0;

/// Where criterion keeps its results (`target/criterion`, or under `CARGO_TARGET_DIR`).
fn criterion_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| run::root().join("target"))
        .join("criterion")
}

/// Wall ns per simulated event of one criterion benchmark: its mean time per iteration
/// (`new/estimates.json`) over the events one iteration simulates (`new/benchmark.json`'s
/// throughput).
pub fn ns_per_event(dir: &std::path::Path) -> Option<f64> {
    let read = |f: &str| -> Option<Value> {
        let text = std::fs::read_to_string(dir.join("new").join(f)).ok()?;
        serde_json::from_str(&text).ok()
    };
    let ns = read("estimates.json")?
        .pointer("/mean/point_estimate")?
        .as_f64()?;
    let events = read("benchmark.json")?
        .pointer("/throughput/Elements")?
        .as_f64()?;
    (events > 0.0).then(|| ns / events)
}

/// One row per configuration of criterion's `slow_list` group (in name order), each with its
/// ns per event and its ratio to the fleet preset's (`fleet/events`) against the budget.
pub fn slow_list_rows(criterion: &std::path::Path) -> Vec<Row> {
    let fleet = ns_per_event(&criterion.join("fleet").join("events"));
    let mut rows = vec![Row::new("fleet preset, ns per event", fleet, "ns", 1)];
    let mut names: Vec<String> = std::fs::read_dir(criterion.join("slow_list"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().join("new").join("benchmark.json").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for name in names {
        let ns = ns_per_event(&criterion.join("slow_list").join(&name));
        let ratio = match (ns, fleet) {
            (Some(n), Some(f)) if f > 0.0 => Some(n / f),
            _ => None,
        };
        rows.push(
            Row::new(&format!("{name}, × fleet per event"), ratio, "×", 2)
                .budget(SLOW_LIST_BUDGET_X_FLEET)
                .detail(ns.map(|n| format!("{n:.1} ns per event"))),
        );
    }
    rows
}

/// Completed transactions per wall second of the `mmc` preset through the release CLI (the one
/// readers run, as the fleet rows do).
fn poolsim_mmc() -> Result<f64> {
    // The `mmc` preset: 8 servers at 80 % utilisation of 2 ms services, 3,200 arrivals/s
    // (bench/simpy_mmc.py simulates the same case).
    let duration = MMC_TRANSACTIONS as f64 / 3_200.0;
    let mut cmd = run::poolsim(&[
        "run",
        "--preset",
        "mmc",
        "--warmup",
        "0",
        "--duration",
        &format!("{duration}"),
        "--format",
        "json",
    ]);
    let out = cmd
        .output()
        .map_err(|e| Failure::Failed(format!("poolsim run: {e}")))?;
    if !out.status.success() {
        return Err(Failure::Failed(format!(
            "poolsim run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let completed = json_number(&text, "/summary/show_stats/total_xact_count")
        .ok_or_else(|| Failure::Failed("poolsim JSON has no total_xact_count".into()))?;
    let wall = json_number(&text, "/run/wall_s")
        .ok_or_else(|| Failure::Failed("poolsim JSON has no wall_s".into()))?;
    println!("poolsim: {completed:.0} transactions in {wall:.3} s of wall time");
    Ok(completed / wall)
}

/// `target/<name>`, where `requirement` is installed by pip if it is not there yet.
fn python_lib(name: &str, requirement: &str) -> Result<std::path::PathBuf> {
    let lib = run::root().join("target").join(name);
    if !lib.join(name).exists() {
        println!("xtask: installing {requirement} into target/{name} (pip)");
        let mut pip = command("python3");
        pip.args(["-m", "pip", "install", "--quiet", "--target"])
            .arg(&lib)
            .arg(requirement);
        run::status(pip, "pip install").map_err(|_| {
            Failure::Failed(format!(
                "could not install {requirement}; install it by hand with: python3 -m pip install --target target/{name} {requirement}"
            ))
        })?;
    }
    Ok(lib)
}

/// A Python simulator's completed transactions per wall second on the M/M/c case
/// (`bench/<script>`, with `libs` on its path).
fn python_mmc(script: &str, transactions: u64, libs: &[&std::path::Path]) -> Result<f64> {
    let path =
        std::env::join_paths(libs).map_err(|e| Failure::Failed(format!("python path: {e}")))?;
    let mut py = command("python3");
    py.arg(run::root().join("bench").join(script))
        .args(["--transactions", &transactions.to_string()])
        .env("PYTHONPATH", path);
    let (ok, text) = tee(py).map_err(|e| Failure::Failed(format!("python3: {e}")))?;
    if !ok {
        return Err(Failure::Failed(format!("bench/{script} failed")));
    }
    json_number(&text, "/txn_per_wall_s")
        .ok_or_else(|| Failure::Failed(format!("bench/{script} printed no txn_per_wall_s")))
}

/// The line of the page benchmark's output that carries its figures (JSON after this prefix).
const PAGE_PREFIX: &str = "PAGEBENCH ";

/// Input → readout latency, p95, ms: the readout answers within one 60 Hz frame.
const LATENCY_BUDGET_MS: f64 = 16.7;
/// Long tasks (over 50 ms) per minute of live running.
const LONG_TASK_BUDGET_PER_MIN: f64 = 0.0;
/// The live figure's stepping time per frame, ms: `FRAME_BUDGET_MS` of
/// crates/web/src/hooks/use_simulation.rs.
const STEP_BUDGET_MS: f64 = 8.0;
/// The explanation's sweep, from start to 100 %, s.
const SWEEP_BUDGET_S: f64 = 2.0;
/// A reader on Slow 4G with the CPU slowed 4× (issue 12): readable prose first, then the figure.
const FCP_BUDGET_MS: f64 = 1000.0;
const FIRST_READOUT_BUDGET_MS: f64 = 2500.0;
/// At most this share of the words a reader sees once everything has loaded may be missing from
/// the raw `index.html`, %.
const MISSING_WORDS_BUDGET_PCT: f64 = 10.0;
/// Cumulative layout shift while the figures replace their static renderings.
const CLS_BUDGET: f64 = 0.05;

/// `cargo xtask bench --page`: builds `dist/` as `dist` does, runs the page benchmark and prints its
/// table. Fails only when the benchmark could not run, never on a figure over budget.
pub fn page() -> Result<()> {
    let (figures, first_load) = run_page_bench().map_err(Failure::Failed)?;
    println!(
        "\n{}",
        table(
            "page benchmark (release build, headless Chromium):",
            &page_rows(&figures, first_load)
        )
    );
    for note in page_notes(&figures) {
        println!("{note}");
    }
    Ok(())
}

/// Lines printed under the table: how loaded the machine was, and page errors if there were any.
fn page_notes(figures: &Value) -> Vec<String> {
    let at = |p: &str| figures.pointer(p).and_then(Value::as_f64);
    let mut notes = Vec::new();
    if let (Some(cpus), Some(start), Some(end)) = (
        at("/machine/cpus"),
        at("/machine/load_start"),
        at("/machine/load_end"),
    ) {
        notes.push(format!(
            "machine: {cpus:.0} CPUs; 1-minute load average {start:.1} at the start, {end:.1} at the end \
             (the benchmark's own Chromium included; well above the CPU count, the figures are noisy)"
        ));
    }
    match at("/page_errors") {
        Some(n) if n > 0.0 => notes.push(format!(
            "{n:.0} console or page errors during the benchmark (listed above)"
        )),
        _ => {}
    }
    notes
}

/// One figure of the page benchmark, against its budget (at most `budget`) if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub figure: String,
    /// `None`: the benchmark could not measure it.
    pub value: Option<f64>,
    pub unit: &'static str,
    /// Decimals printed; the budget is checked against the value as printed.
    pub decimals: usize,
    /// Printed after the value, in parentheses.
    pub detail: Option<String>,
    pub budget: Option<f64>,
    /// The budget is a floor (at least) rather than a ceiling (at most).
    pub at_least: bool,
}

impl Row {
    fn new(figure: &str, value: Option<f64>, unit: &'static str, decimals: usize) -> Row {
        Row {
            figure: figure.to_string(),
            value,
            unit,
            decimals,
            detail: None,
            budget: None,
            at_least: false,
        }
    }

    fn at_least(self, budget: f64) -> Row {
        Row {
            budget: Some(budget),
            at_least: true,
            ..self
        }
    }

    fn budget(self, budget: f64) -> Row {
        Row {
            budget: Some(budget),
            ..self
        }
    }

    fn detail(self, detail: Option<String>) -> Row {
        Row { detail, ..self }
    }

    fn show(&self, v: f64) -> String {
        format!("{v:.prec$} {}", self.unit, prec = self.decimals)
    }

    /// `ok` within budget, `OVER` above a ceiling, `UNDER` below a floor, `n/a` not measured,
    /// `info` without a budget.
    pub fn status(&self) -> &'static str {
        match (self.value, self.budget) {
            (_, None) => "info",
            (None, Some(_)) => "n/a",
            (Some(v), Some(b)) => {
                let scale = 10f64.powi(self.decimals as i32);
                let shown = (v * scale).round() / scale;
                match (self.at_least, shown <= b, shown >= b) {
                    (false, true, _) | (true, _, true) => "ok",
                    (false, false, _) => "OVER",
                    (true, _, false) => "UNDER",
                }
            }
        }
    }

    fn cells(&self) -> [String; 4] {
        let mut measured = self.value.map_or("—".to_string(), |v| self.show(v));
        if let Some(d) = &self.detail {
            measured = format!("{measured} ({d})");
        }
        let budget = self.budget.map_or("—".to_string(), |b| {
            format!("{} {}", if self.at_least { "≥" } else { "≤" }, self.show(b))
        });
        [
            self.figure.clone(),
            measured,
            budget,
            self.status().to_string(),
        ]
    }
}

/// The rows of the page benchmark from its JSON figures and the first load's gzip bytes.
pub fn page_rows(figures: &Value, first_load_gzip: u64) -> Vec<Row> {
    let num = |pointer: &str| figures.pointer(pointer).and_then(Value::as_f64);
    let words = match (num("/load/raw_words"), num("/load/page_words")) {
        (Some(raw), Some(page)) => Some(format!("{raw:.0} of {page:.0} words")),
        _ => None,
    };
    let mut rows = vec![
        Row::new(
            "input → readout latency p50",
            num("/input_latency/p50_ms"),
            "ms",
            2,
        ),
        Row::new(
            "input → readout latency p95",
            num("/input_latency/p95_ms"),
            "ms",
            2,
        )
        .budget(LATENCY_BUDGET_MS)
        .detail(num("/input_latency/samples").map(|n| {
            let missed = num("/input_latency/unchanged").unwrap_or(0.0);
            let missed = if missed > 0.0 {
                format!(", {missed:.0} never answered")
            } else {
                String::new()
            };
            format!("{n:.0} inputs{missed}")
        })),
    ];
    for (key, what) in [
        ("default", "default state"),
        ("clients_10000", "10,000 clients"),
        ("clients_20000", "20,000 clients"),
    ] {
        let at = |field: &str| num(&format!("/long_tasks/{key}/{field}"));
        let detail = match (at("long_tasks"), at("window_s"), at("longest_ms")) {
            (Some(n), Some(s), Some(ms)) => Some(format!("{n:.0} in {s:.0} s, longest {ms:.0} ms")),
            _ => None,
        };
        rows.push(
            Row::new(&format!("long tasks, {what}"), at("per_minute"), "/min", 1)
                .budget(LONG_TASK_BUDGET_PER_MIN)
                .detail(detail),
        );
    }
    let steps = num("/step_ms/samples").map(|n| {
        let max = num("/step_ms/max_ms").unwrap_or(f64::NAN);
        format!("{n:.0} frames, max {max:.2} ms")
    });
    rows.extend([
        Row::new(
            "step per frame p95, 10,000 clients",
            num("/step_ms/p95_ms"),
            "ms",
            2,
        )
        .budget(STEP_BUDGET_MS)
        .detail(steps),
        Row::new("sweep to 100 %, on load", num("/sweep/first_s"), "s", 2).budget(SWEEP_BUDGET_S),
        Row::new("sweep to 100 %, run again", num("/sweep/again_s"), "s", 2).budget(SWEEP_BUDGET_S),
        Row::new(
            "first load, gzip -9",
            Some(first_load_gzip as f64 / 1000.0),
            "KB",
            1,
        )
        .budget(size::FIRST_LOAD_TARGET_GZIP as f64 / 1000.0),
        Row::new(
            "Slow 4G + CPU 4×: first contentful paint",
            num("/load/fcp_ms"),
            "ms",
            0,
        )
        .budget(FCP_BUDGET_MS),
        Row::new(
            "Slow 4G + CPU 4×: first live readout",
            num("/load/first_readout_ms"),
            "ms",
            0,
        )
        .budget(FIRST_READOUT_BUDGET_MS),
        Row::new(
            "Slow 4G + CPU 4×: fetched before scrolling",
            num("/load/first_load_kb_gzip"),
            "KB",
            1,
        ),
        Row::new(
            "words missing from the raw index.html",
            num("/load/raw_share").map(|s| (1.0 - s).max(0.0) * 100.0),
            "%",
            1,
        )
        .budget(MISSING_WORDS_BUDGET_PCT)
        .detail(words),
        Row::new(
            "layout shift (CLS), load and figures",
            num("/load/cls_total"),
            "",
            3,
        )
        .budget(CLS_BUDGET)
        .detail(num("/load/cls_load").map(|c| format!("{c:.3} before scrolling"))),
    ]);
    rows
}

/// The rows as one aligned table: figure | measured | budget | status.
pub fn table(title: &str, rows: &[Row]) -> String {
    let header = ["figure", "measured", "budget", "status"].map(String::from);
    let cells: Vec<[String; 4]> = rows.iter().map(Row::cells).collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 4]| {
        let padded: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        format!("  {}", padded.join(" | ").trim_end())
    };
    let rule = widths.map(|w| "-".repeat(w)).join("-+-");
    let mut out = vec![title.to_string()];
    out.push(line(&header));
    out.push(format!("  {rule}"));
    out.extend(cells.iter().map(line));
    out.join("\n")
}

/// The number at `pointer` (a JSON Pointer, RFC 6901: `/run/wall_s`) in `text`: the whole text
/// when it is one JSON document, else its last line that is (a script's output may print other
/// lines before its result).
pub fn json_number(text: &str, pointer: &str) -> Option<f64> {
    let document: serde_json::Value = serde_json::from_str(text).ok().or_else(|| {
        text.lines()
            .rev()
            .find_map(|line| serde_json::from_str(line).ok())
    })?;
    document.pointer(pointer)?.as_f64()
}

#[cfg(test)]
mod tests {
    use super::{
        json_number, median, page_notes, page_rows, page_summary_rows, slow_list_rows, table, Row,
    };

    #[test]
    fn finds_numbers_in_json_text() {
        let t = "{\"run\": {\"wall_s\": 0.25},\n \"show_stats\": {\"total_xact_count\": 1200}}";
        assert_eq!(json_number(t, "/run/wall_s"), Some(0.25));
        assert_eq!(json_number(t, "/show_stats/total_xact_count"), Some(1200.0));
        assert_eq!(json_number(t, "/wall_s"), None, "a pointer names one place");
        assert_eq!(json_number(t, "/missing"), None);
        assert_eq!(json_number(r#"{"x": 1.5e3}"#, "/x"), Some(1500.0));
        // A script's result after other output.
        let script = "installing\n{\"txn_per_wall_s\": 2e4}\n";
        assert_eq!(json_number(script, "/txn_per_wall_s"), Some(20000.0));
        assert_eq!(json_number("no json", "/x"), None);
    }

    #[test]
    fn flags_figures_over_budget_as_printed() {
        let row = |v: Option<f64>, budget: Option<f64>| Row {
            budget,
            ..Row::new("x", v, "ms", 1)
        };
        assert_eq!(row(Some(8.0), Some(8.0)).status(), "ok");
        assert_eq!(row(Some(8.04), Some(8.0)).status(), "ok", "prints as 8.0");
        assert_eq!(row(Some(8.06), Some(8.0)).status(), "OVER");
        assert_eq!(row(Some(0.0), Some(0.0)).status(), "ok");
        assert_eq!(row(Some(2.0), Some(0.0)).status(), "OVER");
        assert_eq!(row(None, Some(8.0)).status(), "n/a");
        assert_eq!(row(Some(99.0), None).status(), "info");
        // A floor: at least the budget.
        let floor = |v: f64| Row::new("x", Some(v), "×", 0).at_least(100.0);
        assert_eq!(floor(100.0).status(), "ok");
        assert_eq!(floor(99.6).status(), "ok", "prints as 100");
        assert_eq!(floor(99.4).status(), "UNDER");
        assert_eq!(floor(350.0).status(), "ok");
        assert!(floor(42.0).cells()[2].starts_with("≥ 100"));
    }

    #[test]
    fn page_rows_of_the_one_table_say_why_they_are_missing() {
        let figures = serde_json::json!({"sweep": {"first_s": 2.4}});
        let rows = page_summary_rows(Ok((figures, 199_000)));
        assert_eq!(rows[0].status(), "OVER");
        assert_eq!(rows[1].value, Some(199.0));
        assert_eq!(rows[1].status(), "ok");
        let missing = page_summary_rows(Err("no Chromium".into()));
        assert!(missing.iter().all(|r| r.status() == "n/a"));
        assert_eq!(missing[0].detail.as_deref(), Some("no Chromium"));
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn prints_one_aligned_table() {
        let rows = vec![
            Row::new("input → readout latency p95", Some(20.0), "ms", 2).budget(16.7),
            Row::new("sweep", Some(1.5), "s", 2)
                .budget(2.0)
                .detail(Some("on load".into())),
            Row::new("not measured", None, "s", 2).budget(2.0),
        ];
        let t = table("page benchmark (release build, headless Chromium):", &rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 6, "{t}");
        assert!(lines[1].starts_with("  figure"), "{t}");
        assert!(
            lines[3].contains("| 20.00 ms")
                && lines[3].contains("| ≤ 16.70 ms")
                && lines[3].ends_with("| OVER"),
            "{t}"
        );
        assert!(
            lines[4].contains("1.50 s (on load)") && lines[4].ends_with("| ok"),
            "{t}"
        );
        assert!(
            lines[5].contains("| — ") && lines[5].ends_with("| n/a"),
            "{t}"
        );
        // Columns line up (widths in characters: the arrow and ≤ are one each).
        let bars = |l: &str| {
            l.char_indices()
                .filter(|(_, c)| *c == '|')
                .map(|(i, _)| l[..i].chars().count())
                .collect::<Vec<_>>()
        };
        for l in &lines[3..] {
            assert_eq!(bars(l), bars(lines[1]), "{t}");
        }
    }

    #[test]
    fn rows_from_the_page_figures() {
        let figures = serde_json::json!({
            "input_latency": {"samples": 40, "unchanged": 0, "p50_ms": 1.2, "p95_ms": 3.4},
            "long_tasks": {
                "default": {"window_s": 30.0, "long_tasks": 0, "per_minute": 0.0, "longest_ms": 0},
                "clients_10000": {"window_s": 30.0, "long_tasks": 1, "per_minute": 2.0, "longest_ms": 61},
                "clients_20000": {"window_s": 30.0, "long_tasks": 0, "per_minute": 0.0, "longest_ms": 0}
            },
            "step_ms": {"samples": 900, "p95_ms": 8.1, "max_ms": 9.0},
            "sweep": {"first_s": 3.1, "again_s": null},
            "load": {"fcp_ms": 640, "first_readout_ms": 2900, "first_load_kb_gzip": 262.0,
                     "raw_words": 4300, "page_words": 4600, "raw_share": 0.934,
                     "cls_load": 0.01, "cls_total": 0.02}
        });
        let rows = page_rows(&figures, 250_400);
        let status: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.figure.as_str(), r.status()))
            .collect();
        assert_eq!(
            status,
            [
                ("input → readout latency p50", "info"),
                ("input → readout latency p95", "ok"),
                ("long tasks, default state", "ok"),
                ("long tasks, 10,000 clients", "OVER"),
                ("long tasks, 20,000 clients", "ok"),
                ("step per frame p95, 10,000 clients", "OVER"),
                ("sweep to 100 %, on load", "OVER"),
                ("sweep to 100 %, run again", "n/a"),
                ("first load, gzip -9", "OVER"),
                ("Slow 4G + CPU 4×: first contentful paint", "ok"),
                ("Slow 4G + CPU 4×: first live readout", "OVER"),
                ("Slow 4G + CPU 4×: fetched before scrolling", "info"),
                ("words missing from the raw index.html", "ok"),
                ("layout shift (CLS), load and figures", "ok"),
            ]
        );
        assert_eq!(rows[12].detail.as_deref(), Some("4300 of 4600 words"));
        assert_eq!(rows[3].detail.as_deref(), Some("1 in 30 s, longest 61 ms"));
        assert_eq!(rows[8].value, Some(250.4));
        assert!(page_notes(&figures).is_empty());
        let loaded = serde_json::json!({
            "machine": {"cpus": 2, "load_start": 6.09, "load_end": 3.0},
            "page_errors": 2
        });
        let notes = page_notes(&loaded);
        assert_eq!(notes.len(), 2);
        assert!(
            notes[0].starts_with("machine: 2 CPUs; 1-minute load average 6.1 at the start, 3.0 at")
        );
        assert!(notes[1].starts_with("2 console or page errors"));
    }

    #[test]
    fn slow_list_rows_divide_by_the_fleet_from_criterion_files() {
        let dir = std::env::temp_dir().join(format!("xtask-crit-{}", std::process::id()));
        let write = |bench: &str, ns: f64, events: u64| {
            let d = dir.join(bench).join("new");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("estimates.json"),
                format!(r#"{{"mean":{{"point_estimate":{ns}}}}}"#),
            )
            .unwrap();
            std::fs::write(
                d.join("benchmark.json"),
                format!(r#"{{"throughput":{{"Elements":{events}}}}}"#),
            )
            .unwrap();
        };
        write("fleet/events", 100_000.0, 1_000); // 100 ns per event
        write("slow_list/b_slow", 700_000.0, 2_000); // 350 ns: 3.5×
        write("slow_list/a_fast", 150_000.0, 1_000); // 150 ns: 1.5×
        let rows = slow_list_rows(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].value, Some(100.0));
        assert!(rows[1].figure.starts_with("a_fast"));
        assert_eq!(rows[1].value, Some(1.5));
        assert_eq!(rows[1].status(), "ok");
        assert_eq!(rows[2].value, Some(3.5));
        assert_eq!(rows[2].status(), "OVER");
    }
}

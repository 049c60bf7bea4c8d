//! `poolsim validate`: the model against the measurement lab's select-only points.
//!
//! Reads `select_only.csv` (written by `bench/lab/lab.py`), runs the `lab` preset at every
//! measured point (route `direct`: no pooler; route `pgbouncer`: transaction pool of
//! `calibration::LAB_POOL_SIZE`) and compares throughput and p99 latency. Parsing, the runs and
//! the checks live in `poolsim_validate`, shared with the page's "How realistic is this model?"
//! figure; this module reads the file and renders: a table, CSV, Markdown for `MODEL.md`, and an
//! SVG chart. Nothing here is fitted: the model runs with the preset as it is.

use crate::runner::RunConfig;
use poolsim_validate::dataset::{self, Dataset, SeriesRun};
use poolsim_validate::{Check, Compared, LabPoint, Route, RunSpec};
use serde_json::json;
use std::path::Path;

mod svg;
pub use svg::render_svg;

/// Reads `select_only.csv` from `dir`. Any problem is an error (exit status 2).
pub fn read_lab(dir: &Path) -> Result<Vec<LabPoint>, String> {
    let path = dir.join("select_only.csv");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    poolsim_validate::parse_select_only(&text).map_err(|e| match e.line {
        Some(line) => format!("{}:{line}: {}", path.display(), e.message),
        None => format!("{}: {}", path.display(), e.message),
    })
}

/// Freund's 2020 table, in the published-data directory.
pub const FREUND_CSV: &str = "freund_2020_getsnapshotdata.csv";

/// Reads Freund's 2020 table from `dir` as a dataset. Any problem is an error (exit status 2).
pub fn read_freund(dir: &Path) -> Result<Dataset, String> {
    let path = dir.join(FREUND_CSV);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    dataset::freund_2020(&text).map_err(|e| match e.line {
        Some(line) => format!("{}:{line}: {}", path.display(), e.message),
        None => format!("{}: {}", path.display(), e.message),
    })
}

/// Tembo's 2024 pooler table, in the published-data directory.
pub const TEMBO_CSV: &str = "tembo_2024_poolers.csv";

/// Reads Tembo's 2024 table from `dir` as a dataset. Any problem is an error (exit status 2).
pub fn read_tembo(dir: &Path) -> Result<Dataset, String> {
    let path = dir.join(TEMBO_CSV);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    poolsim_validate::tembo::tembo_2024(&text).map_err(|e| match e.line {
        Some(line) => format!("{}:{line}: {}", path.display(), e.message),
        None => format!("{}: {}", path.display(), e.message),
    })
}

/// pg_doorman's 2026 PgBouncer latencies, in the published-data directory.
pub const DOORMAN_CSV: &str = "pgdoorman_2026_pgbouncer.csv";

/// Reads pg_doorman's 2026 PgBouncer table from `dir` as a dataset. Any problem is an error (exit
/// status 2).
pub fn read_doorman(dir: &Path) -> Result<Dataset, String> {
    let path = dir.join(DOORMAN_CSV);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    poolsim_validate::doorman::pgdoorman_2026(&text).map_err(|e| match e.line {
        Some(line) => format!("{}:{line}: {}", path.display(), e.message),
        None => format!("{}: {}", path.display(), e.message),
    })
}

/// A dataset run: the dataset, the run spec used, the model at every point and the checks.
pub struct DatasetReport {
    /// The dataset.
    pub dataset: Dataset,
    /// How its points were run.
    pub spec: RunSpec,
    /// The model at every point, per series.
    pub runs: Vec<SeriesRun>,
    /// Its checks.
    pub checks: Vec<Check>,
}

impl DatasetReport {
    /// Runs `dataset` with `spec` (its own when `None`) and checks it.
    pub fn new(dataset: Dataset, spec: Option<RunSpec>) -> DatasetReport {
        let spec = spec.unwrap_or(dataset.spec);
        let runs = dataset.run(&spec);
        let checks = dataset.checks(&runs);
        DatasetReport {
            dataset,
            spec,
            runs,
            checks,
        }
    }

    /// Whether every check passes.
    pub fn passes(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }

    /// Whether this dataset lets `poolsim validate` succeed: it passes, or it is not enforced.
    pub fn acceptable(&self) -> bool {
        self.passes() || !self.dataset.enforced
    }
}

/// The reports of the fitted datasets, then of the held-out ones, each group in input order.
pub fn groups(reports: &[DatasetReport]) -> [(&'static str, Vec<&DatasetReport>); 2] {
    let of = |fitted: bool| {
        reports
            .iter()
            .filter(|r| r.dataset.usage.is_fitted() == fitted)
            .collect::<Vec<_>>()
    };
    [("Fitted", of(true)), ("Held out", of(false))]
}

fn seconds_to_ns(s: f64) -> u64 {
    (s * 1e9).round() as u64
}

/// The run of each point as `--seed`, `--warmup` and `--duration` ask.
pub fn spec(config: &RunConfig) -> RunSpec {
    RunSpec {
        seed: config.seed,
        warmup_ns: seconds_to_ns(config.warmup_s),
        measure_ns: seconds_to_ns(config.duration_s),
    }
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.decimals$}"))
}

fn verdict(checks: &[Check]) -> String {
    let failed = checks.iter().filter(|c| !c.pass).count();
    if failed == 0 {
        format!("all {} checks pass", checks.len())
    } else {
        format!("{failed} of {} checks fail", checks.len())
    }
}

/// `v` rounded to a whole number (half to even), with thousands separators: 52,937
/// (`poolsim_page::format::count`, the page's digits). `v` is a count or a rate, never negative.
pub fn thousands(v: f64) -> String {
    poolsim_page::format::count(v.round_ties_even() as u64)
}

/// A relative error as a signed percentage with a real minus sign: "+12.3 %", "−4.0 %".
fn signed_pct(e: f64) -> String {
    let t = format!("{:+.1} %", e * 100.0);
    t.replacen('-', "−", 1)
}

/// A latency in ms with three significant digits at most.
fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The per-point table with its residuals and the checks, as Markdown for `MODEL.md`; `spec`
/// says how the model was run.
pub fn render_markdown(points: &[Compared], checks: &[Check], spec: &RunSpec) -> String {
    let reps = points.iter().map(|p| p.lab.reps).max().unwrap_or(1);
    let mut out = format!(
        "| route | clients | measured TPS (min–max of {reps}) | model TPS | TPS error | \
         measured p99 ms (min–max) | model p99 ms | p99 error |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    );
    for p in points {
        let t = p.lab.tps;
        out.push_str(&format!(
            "| {} | {} | {} ({}–{}) | {} | {} | {} | {} | {} |\n",
            p.lab.route.label(),
            thousands(f64::from(p.lab.clients)),
            thousands(t.median),
            thousands(t.min),
            thousands(t.max),
            thousands(p.model.tps),
            signed_pct(p.tps_error()),
            p.lab.p99_ms.map_or_else(
                || "–".into(),
                |s| format!("{} ({}–{})", ms(s.median), ms(s.min), ms(s.max))
            ),
            ms(p.model.p99_ms),
            p.p99_error().map_or_else(|| "–".into(), signed_pct),
        ));
    }
    out.push_str("\n| check | result | detail |\n| --- | --- | --- |\n");
    for c in checks {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            c.name,
            if c.pass { "pass" } else { "**fail**" },
            c.detail
        ));
    }
    out.push_str(&format!(
        "\n{} (seed {}, warm-up {} s, {} s measured per point).\n",
        capitalise(&verdict(checks)),
        spec.seed,
        spec.warmup_ns as f64 / 1e9,
        spec.measure_ns as f64 / 1e9
    ));
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The points of one route, in client order.
pub fn route_points(points: &[Compared], route: Route) -> Vec<&Compared> {
    let mut pts: Vec<&Compared> = points.iter().filter(|p| p.lab.route == route).collect();
    pts.sort_by_key(|p| p.lab.clients);
    pts
}

fn enforced_note(report: &DatasetReport) -> &'static str {
    if report.dataset.enforced {
        ""
    } else {
        " (not enforced yet: its failures do not fail validate)"
    }
}

/// Every dataset, grouped fitted / held out: per dataset its per-point table and checks; then
/// the verdict.
pub fn render_reports_table(reports: &[DatasetReport]) -> String {
    let mut out = String::new();
    for (group, members) in groups(reports) {
        for r in members {
            let d = &r.dataset;
            out.push_str(&format!(
                "== {group}: {} — {}{}\n",
                d.id,
                d.title,
                enforced_note(r)
            ));
            out.push_str(&format!(
                "{:<10} {:>7} {:>12} {:>12} {:>8} {:>12} {:>12} {:>8}\n",
                "series",
                "clients",
                "measured_tps",
                "model_tps",
                "tps_err%",
                "meas_p99_ms",
                "model_p99_ms",
                "p99_err%"
            ));
            for s in &r.runs {
                for p in &s.points {
                    out.push_str(&format!(
                        "{:<10} {:>7} {:>12.0} {:>12.0} {:>+8.1} {:>12} {:>12.3} {:>8}\n",
                        s.key,
                        p.measured.clients,
                        p.measured.tps.median,
                        p.model.tps,
                        p.tps_error() * 100.0,
                        opt(p.measured.p99_ms.map(|s| s.median), 3),
                        p.model.p99_ms,
                        p.p99_error()
                            .map_or_else(|| "-".into(), |e| format!("{:+.1}", e * 100.0)),
                    ));
                }
            }
            out.push('\n');
            out.push_str(&render_check_lines(&r.checks));
            out.push('\n');
        }
    }
    out.push_str(&overall_verdict(reports));
    out.push('\n');
    out
}

/// "all N checks pass", or which fail, over every dataset (not-enforced failures said apart).
pub fn overall_verdict(reports: &[DatasetReport]) -> String {
    let all: Vec<&Check> = reports.iter().flat_map(|r| &r.checks).collect();
    let failed = all.iter().filter(|c| !c.pass).count();
    let tolerated: usize = reports
        .iter()
        .filter(|r| !r.dataset.enforced)
        .map(|r| r.checks.iter().filter(|c| !c.pass).count())
        .sum();
    if failed == 0 {
        format!("all {} checks pass", all.len())
    } else if failed == tolerated {
        format!(
            "{failed} of {} checks fail, all of them in datasets not enforced yet",
            all.len()
        )
    } else {
        format!("{failed} of {} checks fail", all.len())
    }
}

fn render_check_lines(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        out.push_str(&format!(
            "{}  {}: {}\n",
            if c.pass { "PASS" } else { "FAIL" },
            c.name,
            c.detail
        ));
    }
    out
}

/// Every point of every dataset as CSV (the checks go to stderr).
pub fn render_reports_csv(reports: &[DatasetReport]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "dataset",
        "use",
        "series",
        "clients",
        "measured_tps",
        "model_tps",
        "tps_error_pct",
        "measured_p99_ms",
        "model_p99_ms",
        "p99_error_pct",
    ])
    .map_err(|e| e.to_string())?;
    for r in reports {
        for s in &r.runs {
            for p in &s.points {
                w.write_record([
                    r.dataset.id.to_string(),
                    r.dataset.usage.label().to_string(),
                    s.key.clone(),
                    p.measured.clients.to_string(),
                    format!("{:.2}", p.measured.tps.median),
                    format!("{:.2}", p.model.tps),
                    format!("{:.2}", p.tps_error() * 100.0),
                    opt(p.measured.p99_ms.map(|s| s.median), 3),
                    format!("{:.3}", p.model.p99_ms),
                    p.p99_error()
                        .map_or_else(|| "-".into(), |e| format!("{:.2}", e * 100.0)),
                ])
                .map_err(|e| e.to_string())?;
            }
        }
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// Every check of every dataset, for stderr.
pub fn render_reports_checks(reports: &[DatasetReport]) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&render_check_lines(&r.checks));
    }
    out.push_str(&overall_verdict(reports));
    out.push('\n');
    out
}

/// Every dataset as JSON: `fitted` and `held_out`, each a list of datasets with their source,
/// reason, setting, run, points and checks; `pass` over the enforced checks.
pub fn render_reports_json(reports: &[DatasetReport]) -> String {
    let one = |r: &DatasetReport| {
        let d = &r.dataset;
        json!({
            "id": d.id,
            "title": d.title,
            "source": d.source,
            "use": d.usage.label(),
            "reason": d.usage.reason(),
            "setting": d.setting,
            "enforced": d.enforced,
            "run": {
                "seed": r.spec.seed,
                "warmup_s": r.spec.warmup_ns as f64 / 1e9,
                "measured_s": r.spec.measure_ns as f64 / 1e9,
            },
            "series": r.runs.iter().map(|s| {
                let series = d.series(&s.key).expect("a run of one of its series");
                json!({
                    "key": s.key,
                    "label": series.label,
                    "points": s.points.iter().map(|p| json!({
                        "clients": p.measured.clients,
                        "measured_tps": p.measured.tps.median,
                        "measured_tps_min": p.measured.tps.min,
                        "measured_tps_max": p.measured.tps.max,
                        "model_tps": p.model.tps,
                        "tps_error": p.tps_error(),
                        "measured_p99_ms": p.measured.p99_ms.map(|s| s.median),
                        "model_p99_ms": p.model.p99_ms,
                        "p99_error": p.p99_error(),
                    })).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
            "checks": r.checks.iter().map(|c| json!({
                "series": c.series,
                "name": c.name,
                "pass": c.pass,
                "detail": c.detail,
            })).collect::<Vec<_>>(),
            "pass": r.passes(),
        })
    };
    let [(_, fitted), (_, held_out)] = groups(reports);
    let value = json!({
        "fitted": fitted.iter().map(|r| one(r)).collect::<Vec<_>>(),
        "held_out": held_out.iter().map(|r| one(r)).collect::<Vec<_>>(),
        "pass": reports.iter().all(DatasetReport::acceptable),
        "verdict": overall_verdict(reports),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
    text.push('\n');
    text
}

/// Every dataset as Markdown for `MODEL.md`: a section per group, per dataset its source, use,
/// setting, the per-point table and the checks. The lab's table keeps its ranges
/// ([`render_markdown`]).
pub fn render_reports_markdown(reports: &[DatasetReport]) -> String {
    let mut out = String::new();
    for (group, members) in groups(reports) {
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!("#### {group}\n\n"));
        for r in members {
            let d = &r.dataset;
            out.push_str(&format!(
                "**{}** (`{}`, {}{}). Source: {}. Setting: {}. Why {}: {}.\n\n",
                d.title,
                d.id,
                d.usage.label(),
                enforced_note(r),
                d.source,
                d.setting,
                d.usage.label(),
                d.usage.reason()
            ));
            if d.id == "lab" {
                out.push_str(&render_markdown(
                    &dataset::lab_compared(&r.runs),
                    &r.checks,
                    &r.spec,
                ));
            } else {
                out.push_str(&render_dataset_markdown(r));
            }
            out.push('\n');
        }
    }
    out.push_str(&format!("{}.\n", capitalise(&overall_verdict(reports))));
    out
}

/// A dataset other than the lab: one row per client count, a measured and a model column per
/// series, then its checks.
fn render_dataset_markdown(r: &DatasetReport) -> String {
    let d = &r.dataset;
    let mut clients: Vec<u32> = r
        .runs
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.measured.clients))
        .collect();
    clients.sort_unstable();
    clients.dedup();
    let mut out = String::from("| clients |");
    let mut rule = String::from("| ---: |");
    for s in &r.runs {
        let label = &d.series(&s.key).expect("its series").label;
        out.push_str(&format!(" {label} measured TPS | model TPS | error |"));
        rule.push_str(" ---: | ---: | ---: |");
    }
    out.push('\n');
    out.push_str(&rule);
    out.push('\n');
    for c in clients {
        out.push_str(&format!("| {} |", thousands(f64::from(c))));
        for s in &r.runs {
            match s.at(c) {
                Some(p) => out.push_str(&format!(
                    " {} | {} | {} |",
                    thousands(p.measured.tps.median),
                    thousands(p.model.tps),
                    signed_pct(p.tps_error())
                )),
                None => out.push_str(" – | – | – |"),
            }
        }
        out.push('\n');
    }
    out.push_str("\n| check | result | detail |\n| --- | --- | --- |\n");
    for c in &r.checks {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            c.name,
            if c.pass { "pass" } else { "**fail**" },
            c.detail
        ));
    }
    out.push_str(&format!(
        "\n(seed {}, warm-up {} s, {} s measured per point).\n",
        r.spec.seed,
        r.spec.warmup_ns as f64 / 1e9,
        r.spec.measure_ns as f64 / 1e9
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolsim_validate::fixtures::compared;

    pub(super) fn example() -> Vec<Compared> {
        vec![
            compared(Route::Direct, 1, 5_000.0, 6_000.0),
            compared(Route::Direct, 2, 50_000.0, 40_000.0),
            compared(Route::Direct, 1000, 12_000.0, 20_000.0),
            compared(Route::PgBouncer, 1, 6_000.0, 6_100.0),
            compared(Route::PgBouncer, 1000, 22_000.0, 21_000.0),
        ]
    }

    #[test]
    fn markdown_has_a_row_per_point_and_a_row_per_check() {
        let points = example();
        let checks = poolsim_validate::checks(&points);
        let md = render_markdown(&points, &checks, &RunSpec::default());
        let lines: Vec<&str> = md.lines().collect();
        assert!(lines[0].starts_with("| route | clients | measured TPS (min–max of 3)"));
        assert!(lines[1].starts_with("| --- | ---: |"));
        let columns = lines[0].matches('|').count();
        let rows: Vec<&str> = lines[2..]
            .iter()
            .copied()
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(rows.len(), points.len());
        assert!(rows.iter().all(|r| r.matches('|').count() == columns));
        assert_eq!(
            rows[2],
            "| direct | 1,000 | 12,000 (10,800–13,200) | 20,000 | +66.7 % | 2.00 (1.50–2.50) | 1.00 | −50.0 % |"
        );
        assert!(
            rows[0].contains("| – | 1.00 | – |"),
            "no p99 measured: {}",
            rows[0]
        );
        let check_rows = md
            .lines()
            .filter(|l| l.contains("| pass |") || l.contains("| **fail** |"))
            .count();
        assert_eq!(check_rows, checks.len());
        assert!(md.contains("| direct: TPS within 25 % at every point | **fail** |"));
        assert!(md.ends_with("checks fail (seed 1, warm-up 1 s, 3 s measured per point).\n"));
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(52_936.6), "52,937");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_000_000.0), "1,000,000");
        assert_eq!(signed_pct(-0.04), "−4.0 %");
        assert_eq!(signed_pct(0.123), "+12.3 %");
        assert_eq!(
            (ms(150.769), ms(41.696), ms(4.615), ms(0.3)),
            ("151".into(), "41.7".into(), "4.62".into(), "0.300".into())
        );
    }
}

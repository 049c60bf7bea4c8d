//! `poolsim validate`: the model against the measurement lab's select-only points.
//!
//! Reads `select_only.csv` (written by `bench/lab/lab.py`), runs the `lab` preset at every
//! measured point (route `direct`: no pooler; route `pgbouncer`: transaction pool of
//! `calibration::LAB_POOL_SIZE`) and compares throughput and p99 latency. Parsing, the runs and
//! the checks live in `poolsim_validate`, shared with the page's "How realistic is this model?"
//! figure; this module reads the file and renders: a table, CSV, Markdown for `MODEL.md`, and an
//! SVG chart. Nothing here is fitted: the model runs with the preset as it is.

use crate::runner::RunConfig;
use poolsim_validate::{Check, Compared, LabPoint, Route, RunSpec};
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

/// Runs the model at every lab point.
pub fn run_points(points: &[LabPoint], config: &RunConfig) -> Vec<Compared> {
    poolsim_validate::compare(points, &spec(config))
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.decimals$}"))
}

fn p99_error_pct(p: &Compared, decimals: usize) -> String {
    p.p99_error()
        .map_or_else(|| "-".into(), |e| format!("{:+.decimals$}", e * 100.0))
}

/// The per-point table followed by the checks.
pub fn render_table(points: &[Compared], checks: &[Check]) -> String {
    let mut out = format!(
        "{:<10} {:>7} {:>12} {:>12} {:>8} {:>12} {:>12} {:>8}\n",
        "route",
        "clients",
        "lab_tps",
        "model_tps",
        "tps_err%",
        "lab_p99_ms",
        "model_p99_ms",
        "p99_err%"
    );
    for p in points {
        out.push_str(&format!(
            "{:<10} {:>7} {:>12.0} {:>12.0} {:>+8.1} {:>12} {:>12.3} {:>8}\n",
            p.lab.route.key(),
            p.lab.clients,
            p.lab.tps.median,
            p.model.tps,
            p.tps_error() * 100.0,
            opt(p.lab.p99_ms.map(|s| s.median), 3),
            p.model.p99_ms,
            p99_error_pct(p, 1),
        ));
    }
    out.push('\n');
    out.push_str(&render_checks(checks));
    out
}

fn verdict(checks: &[Check]) -> String {
    let failed = checks.iter().filter(|c| !c.pass).count();
    if failed == 0 {
        format!("all {} checks pass", checks.len())
    } else {
        format!("{failed} of {} checks fail", checks.len())
    }
}

/// One line per check, then the verdict.
pub fn render_checks(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        out.push_str(&format!(
            "{}  {}: {}\n",
            if c.pass { "PASS" } else { "FAIL" },
            c.name,
            c.detail
        ));
    }
    out.push_str(&verdict(checks));
    out.push('\n');
    out
}

/// The per-point rows as CSV (the checks go to stderr, so stdout stays one table).
pub fn render_csv(points: &[Compared]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "route",
        "clients",
        "lab_tps",
        "model_tps",
        "tps_error_pct",
        "lab_p99_ms",
        "model_p99_ms",
        "p99_error_pct",
    ])
    .map_err(|e| e.to_string())?;
    for p in points {
        w.write_record([
            p.lab.route.key().to_string(),
            p.lab.clients.to_string(),
            format!("{:.2}", p.lab.tps.median),
            format!("{:.2}", p.model.tps),
            format!("{:.2}", p.tps_error() * 100.0),
            opt(p.lab.p99_ms.map(|s| s.median), 3),
            format!("{:.3}", p.model.p99_ms),
            p99_error_pct(p, 2),
        ])
        .map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use poolsim_validate::{ModelFigures, Spread};

    pub(super) fn example() -> Vec<Compared> {
        let point = |route, clients, lab: f64, model: f64| Compared {
            lab: LabPoint {
                route,
                clients,
                reps: 3,
                tps: Spread {
                    median: lab,
                    min: lab * 0.9,
                    max: lab * 1.05,
                },
                p99_ms: (clients > 1).then_some(Spread {
                    median: 2.0,
                    min: 1.5,
                    max: 2.5,
                }),
                cs_per_s: None,
            },
            model: ModelFigures {
                tps: model,
                p99_ms: 1.0,
            },
        };
        vec![
            point(Route::Direct, 1, 5_000.0, 6_000.0),
            point(Route::Direct, 2, 50_000.0, 40_000.0),
            point(Route::Direct, 1000, 12_000.0, 20_000.0),
            point(Route::PgBouncer, 1, 6_000.0, 6_100.0),
            point(Route::PgBouncer, 1000, 22_000.0, 21_000.0),
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
            "| direct | 1,000 | 12,000 (10,800–12,600) | 20,000 | +66.7 % | 2.00 (1.50–2.50) | 1.00 | −50.0 % |"
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

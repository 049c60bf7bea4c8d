//! pg_doorman's CI benchmark of 2026 as a held-out dataset: one PgBouncer 1.25.1 process
//! (transaction mode, pool 40) with Postgres and `pgbench -j 4` on the same host, 1 to 10,000
//! clients, on a 16-vCPU AWS Fargate task and on a 60-vCPU Ubicloud VM
//! (`bench/published/pgdoorman_2026_pgbouncer.csv`, its README). The `doorman_fargate16` and
//! `doorman_ubicloud60` presets mirror the two series; no constant of the model was fitted on
//! them.
//!
//! The source publishes PgBouncer's latency percentiles (verbatim in the file), not its TPS: the
//! throughput is derived as clients / median latency, and PgBouncer's CPU per transaction on
//! these hosts is not known, so the checks are on shape: where the peak is, how far PgBouncer
//! falls from it by the largest count, and whether the latency spreads there (p99 / p50).
//!
//! ```
//! let csv = "series,clients,threads,p50_ms,p99_ms,tps_from_p50\n\
//!            fargate16,40,4,0.46,0.71,86957\n\
//!            ubicloud60,40,4,0.74,1.90,54054\n";
//! let doorman = poolsim_validate::doorman::pgdoorman_2026(csv).unwrap();
//! assert!(!doorman.usage.is_fitted());
//! assert_eq!(doorman.series[0].points[0].tps.median.round(), 86957.0);
//! ```

use crate::dataset::{Dataset, MeasuredPoint, PointResult, SeriesRun, Use};
use crate::tembo::peak_and_fall;
use crate::{Check, LabError, RunSpec, Spread, PEAK_FACTOR};
use poolsim_model::PresetId;
use serde::Deserialize;

/// PgBouncer's TPS at the largest client count must be at least this far below its peak: the
/// criterion set for Tembo's single PgBouncer ([`crate::tembo::TEMBO_MIN_FALL`]), applied unchanged (measured here: 38 % on
/// the 16-vCPU host, 33 % on the 60-vCPU one).
pub const DOORMAN_MIN_FALL: f64 = 0.20;

/// At the largest client count the model's p99 must exceed its median by more than this factor:
/// the model's tails criterion, "p99/p50 > 1.05 wherever clients queue" (measured here: 1.16 and 1.40).
pub const DOORMAN_MIN_SPREAD: f64 = 1.05;

/// Which of a series' shape checks a known miss is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The fall from the peak to the largest count ([`DOORMAN_MIN_FALL`]).
    Fall,
    /// The spread p99 / p50 at the largest count ([`DOORMAN_MIN_SPREAD`]).
    Spread,
}

/// Checks the model is known to fail on this held-out dataset, each with its reason (MODEL.md,
/// "pg_doorman 2026"): the check passes while the model still misses and fails once it holds,
/// until the entry is taken off this list. A held-out miss is what the model does not carry to
/// these hosts; nothing was tuned to remove it.
pub const DOORMAN_KNOWN_MISSES: &[(&str, Shape, &str)] = &[
    (
        "fargate16",
        Shape::Fall,
        "the model's PgBouncer costs more per transaction only once its clients' state (8 KiB \
         each, 80 MiB at 10,000) outgrows the cache it is given, the default L3 of 4 MiB per vCPU \
         (64 MiB; the host's CPU and its share of L3 are not published); the measured one already \
         loses 24 % from 40 to 120 clients, where every client's state fits in any cache, so a \
         cost that grows with the clients queued for the pool before the cache fills is missing",
    ),
    (
        "ubicloud60",
        Shape::Fall,
        "as on the 16-vCPU host, and here the default L3 (4 MiB × 60 vCPU = 240 MiB) holds all \
         10,000 clients' state, so the model's PgBouncer never slows down; the measured one \
         loses 22 % from 40 to 120 clients",
    ),
    (
        "fargate16",
        Shape::Spread,
        "every waiting client is served in turn from PgBouncer's FIFO queue at a constant cost, \
         so all wait alike: the model's sources of spread (the scheduler's order, wake-ups, the \
         client's passes) do not reach clients queued in PgBouncer",
    ),
];

/// Why the model is known to miss check `shape` of series `key`, if it is on
/// [`DOORMAN_KNOWN_MISSES`].
pub fn known_miss(key: &str, shape: Shape) -> Option<&'static str> {
    DOORMAN_KNOWN_MISSES
        .iter()
        .find(|(k, s, _)| *k == key && *s == shape)
        .map(|(_, _, why)| *why)
}

/// One row of `bench/published/pgdoorman_2026_pgbouncer.csv` (the columns the dataset uses).
#[derive(Debug, Deserialize)]
struct DoormanRow {
    series: String,
    clients: u32,
    p50_ms: f64,
    p99_ms: f64,
    tps_from_p50: f64,
}

/// The series of the file, with their keys, labels and presets.
const SERIES: [(&str, &str, PresetId); 2] = [
    (
        "fargate16",
        "PgBouncer 1.25.1, 16-vCPU Fargate task",
        PresetId::DoormanFargate16,
    ),
    (
        "ubicloud60",
        "PgBouncer 1.25.1, 60-vCPU Ubicloud VM",
        PresetId::DoormanUbicloud60,
    ),
];

/// The file's table as a dataset: each series' TPS is clients × 1000 / its median latency (the
/// `tps_from_p50` column, recomputed and checked), its p99 the verbatim one. Held out.
pub fn pgdoorman_2026(text: &str) -> Result<Dataset, LabError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut points: [Vec<MeasuredPoint>; 2] = [Vec::new(), Vec::new()];
    for (i, row) in reader.deserialize::<DoormanRow>().enumerate() {
        let line = Some(i + 2);
        let row = row.map_err(|e| LabError {
            line,
            message: e.to_string(),
        })?;
        let Some(k) = SERIES.iter().position(|(key, _, _)| *key == row.series) else {
            return Err(LabError {
                line,
                message: format!("unknown series `{}`", row.series),
            });
        };
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if row.clients == 0 || !positive(row.p50_ms) || row.p99_ms < row.p50_ms {
            return Err(LabError {
                line,
                message: format!(
                    "bad point {} clients, p50 {} ms, p99 {} ms",
                    row.clients, row.p50_ms, row.p99_ms
                ),
            });
        }
        let tps = f64::from(row.clients) * 1e3 / row.p50_ms;
        if (tps - row.tps_from_p50).abs() > 1.0 {
            return Err(LabError {
                line,
                message: format!(
                    "tps_from_p50 {} is not clients × 1000 / p50_ms = {tps:.0}",
                    row.tps_from_p50
                ),
            });
        }
        points[k].push(MeasuredPoint {
            clients: row.clients,
            reps: 1,
            tps: Spread::single(tps),
            p99_ms: Some(Spread::single(row.p99_ms)),
        });
    }
    let series = crate::dataset::two_series(&SERIES, points)?;
    Ok(Dataset {
        id: "pgdoorman_2026",
        title: "pg_doorman 2026: one PgBouncer process on a 16- and a 60-vCPU host, 1 to 10,000 \
                clients"
            .into(),
        source: "pg_doorman's CI benchmark page (github.com/ozontech/pg_doorman, \
                 documentation/en/src/benchmarks.md at commits 93bb92a6, 2026-04-21, and \
                 4a926663, 2026-04-27): PgBouncer's p50 and p99 verbatim, TPS derived as clients / \
                 p50 (bench/published/README.md)"
            .into(),
        usage: Use::HeldOut {
            reason: "no constant of the model was fitted on it: the presets (DOORMAN_*) are the \
                     benchmark's settings, and PgBouncer's CPU, the cache and the hosts' wake-up \
                     and switch costs are the model's defaults; its level is not checked"
                .into(),
        },
        setting: "Postgres (max_connections 500), one PgBouncer 1.25.1 process (transaction mode, \
                  pool 40) and pgbench -j 4 on one host over TCP loopback, `select :aid` with no \
                  think time; an AWS Fargate task of 16 vCPU and a Ubicloud standard-60 VM of 60 \
                  vCPU"
            .into(),
        spec: RunSpec {
            seed: 1,
            warmup_ns: 500_000_000,
            measure_ns: 500_000_000,
        },
        enforced: true,
        series,
        check_fn: doorman_checks,
    })
}

/// A shape check's pass and detail once its known miss, if any, is taken into account: a listed
/// miss passes while it still misses and fails once the model meets the check.
fn with_known_miss(key: &str, shape: Shape, holds: bool, mut detail: String) -> (bool, String) {
    match (known_miss(key, shape), holds) {
        (Some(why), false) => {
            detail.push_str(&format!("; known miss, not counted: {why}"));
            (true, detail)
        }
        (Some(_), true) => {
            detail.push_str("; a known miss that now holds (take it off DOORMAN_KNOWN_MISSES)");
            (false, detail)
        }
        (None, _) => (holds, detail),
    }
}

fn doorman_checks(_: &Dataset, runs: &[SeriesRun]) -> Vec<Check> {
    let mut out = Vec::new();
    for run in runs {
        let key = &run.key;
        let (Some((model_peak, model_fall)), Some((measured_peak, measured_fall))) = (
            peak_and_fall(&run.points, true),
            peak_and_fall(&run.points, false),
        ) else {
            continue;
        };
        let ratio = f64::from(model_peak) / f64::from(measured_peak);
        out.push(Check {
            series: key.clone(),
            name: format!("{key}: peak within a factor {PEAK_FACTOR:.0} of the measured"),
            pass: (1.0 / PEAK_FACTOR..=PEAK_FACTOR).contains(&ratio),
            detail: format!("measured peak at {measured_peak} clients, model at {model_peak}"),
        });
        let Some(last) = run.points.iter().max_by_key(|p| p.measured.clients) else {
            continue;
        };
        let clients = last.measured.clients;
        let (pass, detail) = with_known_miss(
            key,
            Shape::Fall,
            model_fall >= DOORMAN_MIN_FALL,
            format!(
                "model {:.1} % below, measured {:.1} %",
                model_fall * 100.0,
                measured_fall * 100.0
            ),
        );
        out.push(Check {
            series: key.clone(),
            name: format!(
                "{key}: TPS at {clients} clients at least {:.0} % below its peak",
                DOORMAN_MIN_FALL * 100.0
            ),
            pass,
            detail,
        });
        let model_spread = spread(last, true);
        let measured_spread = spread(last, false);
        let (pass, detail) = with_known_miss(
            key,
            Shape::Spread,
            model_spread.is_some_and(|s| s > DOORMAN_MIN_SPREAD),
            format!(
                "model {}, measured {}",
                model_spread.map_or("–".into(), |s| format!("{s:.2}")),
                measured_spread.map_or("–".into(), |s| format!("{s:.2}"))
            ),
        );
        out.push(Check {
            series: key.clone(),
            name: format!("{key}: p99/p50 at {clients} clients above {DOORMAN_MIN_SPREAD}"),
            pass,
            detail,
        });
    }
    out
}

/// p99 / p50 of the model or of the measurement at `point`. The measured median is the one the
/// TPS was derived from (clients × 1000 / TPS).
fn spread(point: &PointResult, model: bool) -> Option<f64> {
    if model {
        (point.model.p50_ms > 0.0).then(|| point.model.p99_ms / point.model.p50_ms)
    } else {
        let p50 = f64::from(point.measured.clients) * 1e3 / point.measured.tps.median;
        point.measured.p99_ms.map(|p99| p99.median / p50)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModelFigures;

    const CSV: &str = "series,clients,threads,p50_ms,p99_ms,tps_from_p50\n\
        fargate16,1,1,0.07,0.08,14286\nfargate16,40,4,0.46,0.71,86957\n\
        fargate16,10000,4,184.39,213.44,54233\n\
        ubicloud60,1,1,0.07,0.10,14286\nubicloud60,40,4,0.74,1.90,54054\n\
        ubicloud60,10000,4,276,387,36232\n";

    fn result(measured: &MeasuredPoint, tps: f64, p50_ms: f64, p99_ms: f64) -> PointResult {
        PointResult {
            measured: measured.clone(),
            model: ModelFigures {
                tps,
                p50_ms,
                p99_ms,
            },
        }
    }

    #[test]
    fn reads_both_series_and_rejects_bad_rows() {
        let d = pgdoorman_2026(CSV).unwrap();
        assert_eq!(d.series.len(), 2);
        let fargate = d.series("fargate16").unwrap();
        assert_eq!(fargate.params.cores, 16);
        assert_eq!(d.series("ubicloud60").unwrap().params.cores, 60);
        assert_eq!(fargate.points[2].tps.median.round(), 54_233.0);
        assert_eq!(fargate.points[2].p99_ms.unwrap().median, 213.44);
        let header = "series,clients,threads,p50_ms,p99_ms,tps_from_p50\n";
        let wrong_tps = format!("{header}fargate16,40,4,0.46,0.71,80000\n");
        assert_eq!(pgdoorman_2026(&wrong_tps).unwrap_err().line, Some(2));
        let p99_below = format!("{header}fargate16,40,4,0.46,0.40,86957\n");
        assert!(pgdoorman_2026(&p99_below).is_err());
        let unknown = format!("{header}azure,40,4,0.46,0.71,86957\n");
        assert!(pgdoorman_2026(&unknown).is_err());
        let only_one = format!("{header}fargate16,40,4,0.46,0.71,86957\n");
        assert!(pgdoorman_2026(&only_one).is_err());
    }

    #[test]
    fn the_checks_follow_peak_fall_and_spread() {
        let d = pgdoorman_2026(CSV).unwrap();
        // Model figures per series at 1, 40 and 10,000 clients: (TPS, p50 ms, p99 ms).
        let runs = |model: [(f64, f64, f64); 3]| -> Vec<SeriesRun> {
            d.series
                .iter()
                .map(|s| SeriesRun {
                    key: s.key.clone(),
                    points: s
                        .points
                        .iter()
                        .zip(model)
                        .map(|(m, (tps, p50, p99))| result(m, tps, p50, p99))
                        .collect(),
                })
                .collect()
        };
        let good = d.checks(&runs([
            (14_000.0, 0.07, 0.08),
            (80_000.0, 0.5, 0.7),
            (50_000.0, 200.0, 240.0),
        ]));
        assert_eq!(good.len(), 6);
        let expected_when_listed = |key: &str, shape: Shape| known_miss(key, shape).is_none();
        for (check, shape) in good.iter().skip(1).step_by(3).zip([Shape::Fall; 2]) {
            assert_eq!(
                check.pass,
                expected_when_listed(&check.series, shape),
                "{check:?}"
            );
        }
        assert!(good[0].pass && good[3].pass, "{good:?}");
        assert!(good[1]
            .detail
            .contains("model 37.5 % below, measured 37.6 %"));
        assert!(good[2].detail.contains("model 1.20, measured 1.16"));
        // A flat pooler with every client waiting alike: the fall and the spread fail (or, when
        // listed as known misses, pass as such).
        let flat = d.checks(&runs([
            (14_000.0, 0.07, 0.08),
            (80_000.0, 0.5, 0.5),
            (78_000.0, 128.0, 128.0),
        ]));
        for (check, shape) in flat
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 0)
            .map(|(i, c)| {
                (
                    c,
                    if i % 3 == 1 {
                        Shape::Fall
                    } else {
                        Shape::Spread
                    },
                )
            })
        {
            assert_eq!(
                check.pass,
                known_miss(&check.series, shape).is_some(),
                "{check:?}"
            );
        }
        // The peak at 10,000 clients instead of 40: the peak check fails.
        let late = d.checks(&runs([
            (14_000.0, 0.07, 0.08),
            (40_000.0, 1.0, 1.5),
            (80_000.0, 125.0, 150.0),
        ]));
        assert!(
            !late[0].pass && late[0].detail.contains("model at 10000"),
            "{late:?}"
        );
    }
}

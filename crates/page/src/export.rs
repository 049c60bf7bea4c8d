//! Exports: the live time series and the sweep as CSV (pure, tested natively). The browser side
//! of downloading a file or a chart is the figure's (`poolsim_ui::export`).

use crate::sim::{Sample, SweepPoint as Point};
use std::fmt::Write;

/// Header of the time-series CSV (base units; the pooled columns are empty without a pooler).
pub const SERIES_HEADER: &str = "t_s,memory_private_direct_bytes,memory_private_pooled_bytes,\
context_switches_direct_per_s,context_switches_pooled_per_s,p99_direct_s,p99_pooled_s";

/// Header of the sweep CSV.
pub const SWEEP_HEADER: &str = "clients,throughput_direct_tps,throughput_pooled_tps,\
p99_direct_s,p99_pooled_s,memory_private_direct_bytes,memory_private_pooled_bytes";

/// A number as a CSV cell: shortest exact form, empty when not a number.
pub(crate) fn cell(out: &mut String, v: f64) {
    out.push(',');
    if v.is_finite() {
        let _ = write!(out, "{v}");
    }
}

/// The live figure's time series, one row per sample.
pub fn series_csv(samples: &[Sample]) -> String {
    let mut out = String::with_capacity(64 * (samples.len() + 1));
    out.push_str(SERIES_HEADER);
    out.push('\n');
    for s in samples {
        let _ = write!(out, "{}", s.t_s);
        for v in [s.memory, s.context_switches, s.p99].iter().flatten() {
            cell(&mut out, *v);
        }
        out.push('\n');
    }
    out
}

/// The sweep, one row per client count.
pub fn sweep_csv(points: &[Point]) -> String {
    let mut out = String::with_capacity(80 * (points.len() + 1));
    out.push_str(SWEEP_HEADER);
    out.push('\n');
    for p in points {
        let _ = write!(out, "{}", p.clients);
        for v in [p.tps, p.p99, p.memory].iter().flatten() {
            cell(&mut out, *v);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_rows_have_every_column_and_empty_cells_for_nan() {
        let samples = [
            Sample {
                t_s: 0.2,
                memory: [1e9, 5e7],
                context_switches: [1e4, 2e3],
                p99: [0.12, 0.004],
            },
            Sample {
                t_s: 0.4,
                memory: [1.5e9, f64::NAN],
                context_switches: [1e4, f64::NAN],
                p99: [0.1, f64::NAN],
            },
        ];
        let csv = series_csv(&samples);
        let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
        assert_eq!(rows[0].len(), 7);
        assert!(rows.iter().all(|r| r.len() == 7));
        assert_eq!(
            rows[1],
            [
                "0.2",
                "1000000000",
                "50000000",
                "10000",
                "2000",
                "0.12",
                "0.004"
            ]
        );
        assert_eq!(rows[2][2], "");
        let back: f64 = rows[2][1].parse().unwrap();
        assert_eq!(back, 1.5e9);
    }

    #[test]
    fn sweep_rows_parse_back() {
        let p = Point {
            clients: 500,
            tps: [1000.5, 2000.25],
            p99: [0.5, 0.01],
            memory: [3e9, 2e8],
        };
        let csv = sweep_csv(&[p]);
        let row: Vec<f64> = csv
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(row, vec![500.0, 1000.5, 2000.25, 0.5, 0.01, 3e9, 2e8]);
        assert_eq!(csv.lines().next().unwrap().split(',').count(), 7);
    }
}

//! Any validation dataset (`poolsim_validate::dataset`) run by the model point after point, stepped
//! within a time budget, and what the "How realistic is this model?" figure says about it: which
//! dataset the reader chose, the checks' verdicts once every point is done, the known misses, and
//! PG14 over PG13 by client count. The runs are `poolsim validate`'s: each point with the
//! dataset's own [`RunSpec`], so the page shows the figures of the command line and of `MODEL.md`.

use poolsim_validate::dataset::{Dataset, PointResult, SeriesRun};
use poolsim_validate::{Check, PointRun};

/// Events per call of [`PointRun::advance`] between two looks at the clock: well under a
/// millisecond of work, even with thousands of clients on 72 cores.
const EVENTS_PER_CHUNK: u64 = 1_000;

poolsim_model::keyed! {
    /// The datasets the realism figure lets the reader choose, by `poolsim_validate` dataset id.
    #[derive(Default)]
    pub enum DatasetChoice {
        /// This project's lab: a 2-vCPU VM, direct and through PgBouncer (fitted).
        #[default]
        Lab => "lab", label "This project's lab (2 vCPUs)";
        /// Freund 2020: PG13 against PG14 on 72 vCPUs (held out).
        Freund => "freund_2020", label "A 72-vCPU server, PG13 vs PG14";
        /// Tembo 2024: PgBouncer on its own VM against direct, 8 vCPUs (fitted).
        Tembo => "tembo_2024", label "Poolers (PgBouncer on its own VM)";
    }
}

/// The model's runs at every point of a dataset, in an order that grows every curve together
/// (each series' first point, then each one's second, …), and the results so far.
pub struct DatasetRuns {
    dataset: Dataset,
    /// (series index, point index) of every run, in the order they are done.
    order: Vec<(usize, usize)>,
    /// One per series, in the dataset's order, each holding the points done so far.
    done: Vec<SeriesRun>,
    /// How many entries of `order` are done.
    finished: usize,
    current: Option<PointRun>,
}

impl DatasetRuns {
    /// The runs of every point of `dataset`, none done yet.
    pub fn new(dataset: Dataset) -> DatasetRuns {
        let longest = dataset
            .series
            .iter()
            .map(|s| s.points.len())
            .max()
            .unwrap_or(0);
        let order = (0..longest)
            .flat_map(|i| {
                dataset
                    .series
                    .iter()
                    .enumerate()
                    .filter(move |(_, s)| i < s.points.len())
                    .map(move |(k, _)| (k, i))
            })
            .collect();
        let done = dataset
            .series
            .iter()
            .map(|s| SeriesRun {
                key: s.key.clone(),
                points: Vec::with_capacity(s.points.len()),
            })
            .collect();
        DatasetRuns {
            dataset,
            order,
            done,
            finished: 0,
            current: None,
        }
    }

    /// Steps the runs until `clock()` passes `deadline_ms`; true once every point is done.
    pub fn run_until(&mut self, deadline_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        while let Some(&(k, i)) = self.order.get(self.finished) {
            if clock() >= deadline_ms {
                return false;
            }
            let series = &self.dataset.series[k];
            let measured = &series.points[i];
            let Some(run) = self.current.as_mut() else {
                // Creating a model with thousands of clients is work of its own.
                self.current = Some(PointRun::of(
                    series.params_at(measured.clients),
                    &self.dataset.spec,
                ));
                continue;
            };
            if run.advance(EVENTS_PER_CHUNK) {
                let model = run.result().expect("a finished run has figures");
                self.done[k].points.push(PointResult {
                    measured: measured.clone(),
                    model,
                });
                self.current = None;
                self.finished += 1;
            }
        }
        true
    }

    /// The dataset being run.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// Every series with the points done so far (in the series' own order once all are done).
    pub fn runs(&self) -> &[SeriesRun] {
        &self.done
    }

    /// Whether every point is done.
    pub fn is_done(&self) -> bool {
        self.finished == self.order.len()
    }

    /// How many points there are to run, over every series.
    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// Fraction of the runs done, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.order.is_empty() {
            return 1.0;
        }
        let partial = self.current.as_ref().map_or(0.0, PointRun::progress);
        (self.finished as f64 + partial) / self.order.len() as f64
    }

    /// The dataset's checks (those of `poolsim validate`), once every point is done.
    pub fn checks(&self) -> Option<Vec<Check>> {
        self.is_done().then(|| self.dataset.checks(&self.done))
    }
}

/// How many of `checks` pass, and of how many.
pub fn passed(checks: &[Check]) -> (usize, usize) {
    (checks.iter().filter(|c| c.pass).count(), checks.len())
}

/// A point or a check of a dataset the model is known to miss, with the reason the validation
/// gives (`KNOWN_MISSES` of each dataset's module in `poolsim_validate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownMiss {
    /// The series' key (`pgbouncer`, `pg13`).
    pub series: String,
    /// The client count, when the miss is one point (a whole check otherwise).
    pub clients: Option<u32>,
    /// Why the model misses it.
    pub reason: &'static str,
}

/// The known misses of the dataset with id `id`, as `poolsim validate` lists them.
pub fn known_misses(id: &str) -> Vec<KnownMiss> {
    match DatasetChoice::from_key(id) {
        Some(DatasetChoice::Lab) => poolsim_validate::KNOWN_MISSES
            .iter()
            .map(|(route, clients, reason)| KnownMiss {
                series: route.key().into(),
                clients: Some(*clients),
                reason,
            })
            .collect(),
        Some(DatasetChoice::Freund) => poolsim_validate::dataset::FREUND_KNOWN_MISSES
            .iter()
            .map(|(series, reason)| KnownMiss {
                series: (*series).into(),
                clients: None,
                reason,
            })
            .collect(),
        Some(DatasetChoice::Tembo) => poolsim_validate::tembo::TEMBO_KNOWN_MISSES
            .iter()
            .map(|(series, clients, reason)| KnownMiss {
                series: (*series).into(),
                clients: Some(*clients),
                reason,
            })
            .collect(),
        None => Vec::new(),
    }
}

/// The name a series goes by in the figure (its key when the dataset has no such series).
pub fn series_label(dataset: &Dataset, key: &str) -> String {
    dataset
        .series(key)
        .map_or_else(|| key.to_string(), |s| s.label.clone())
}

/// One client count's ratio of two series (PG14 over PG13), measured and, once both runs are
/// done, modelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioRow {
    /// Client connections.
    pub clients: u32,
    /// The measured ratio.
    pub measured: f64,
    /// The model's ratio, once both points are run.
    pub model: Option<f64>,
}

/// `top` over `bottom` (series keys) at every client count both measured, in client order.
pub fn ratios(dataset: &Dataset, runs: &[SeriesRun], top: &str, bottom: &str) -> Vec<RatioRow> {
    let (Some(a), Some(b)) = (dataset.series(top), dataset.series(bottom)) else {
        return Vec::new();
    };
    let run = |key: &str, clients: u32| {
        runs.iter()
            .find(|r| r.key == key)
            .and_then(|r| r.at(clients))
            .map(|p| p.model.tps)
    };
    let mut rows: Vec<RatioRow> = a
        .points
        .iter()
        .filter_map(|p| {
            let q = b.points.iter().find(|q| q.clients == p.clients)?;
            Some(RatioRow {
                clients: p.clients,
                measured: p.tps.median / q.tps.median,
                model: run(top, p.clients)
                    .zip(run(bottom, p.clients))
                    .map(|(x, y)| x / y),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.clients);
    rows
}

/// The smallest and largest of some ratios, or `None` when there are none.
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| {
        Some(acc.map_or((v, v), |(lo, hi): (f64, f64)| (lo.min(v), hi.max(v))))
    })
}

/// The ratios in two bands, split after `up_to` clients: (the band's client counts, the measured
/// range, the model's range once every point of the band is run).
#[derive(Debug, Clone, PartialEq)]
pub struct RatioBand {
    /// Smallest and largest client count of the band.
    pub clients: (u32, u32),
    /// Smallest and largest measured ratio.
    pub measured: (f64, f64),
    /// Smallest and largest model ratio, once all of the band's points are run.
    pub model: Option<(f64, f64)>,
}

/// `rows` cut into the counts up to `up_to` and those above, each band's ranges.
pub fn ratio_bands(rows: &[RatioRow], up_to: u32) -> Vec<RatioBand> {
    [
        rows.iter()
            .filter(|r| r.clients <= up_to)
            .collect::<Vec<_>>(),
        rows.iter().filter(|r| r.clients > up_to).collect(),
    ]
    .into_iter()
    .filter(|band| !band.is_empty())
    .map(|band| RatioBand {
        clients: (band[0].clients, band[band.len() - 1].clients),
        measured: range(band.iter().map(|r| r.measured)).expect("a band has rows"),
        model: band
            .iter()
            .map(|r| r.model)
            .collect::<Option<Vec<f64>>>()
            .and_then(|m| range(m.into_iter())),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolsim_validate::dataset::{self, Use};
    use std::cell::Cell;

    /// Freund's file, as committed (what `poolsim validate` reads).
    const FREUND_CSV: &str =
        include_str!("../../../../bench/published/freund_2020_getsnapshotdata.csv");

    /// A small Freund dataset (two client counts) with short runs, so the test runs quickly.
    fn small_freund() -> Dataset {
        let mut d = dataset::freund_2020(FREUND_CSV).unwrap();
        for s in &mut d.series {
            s.points.retain(|p| p.clients == 1 || p.clients == 50);
        }
        d.spec.warmup_ns = 5_000_000;
        d.spec.measure_ns = 10_000_000;
        d
    }

    #[test]
    fn stepped_by_a_budget_the_runs_give_the_figures_of_poolsim_validate() {
        let d = small_freund();
        let mut runs = DatasetRuns::new(d.clone());
        assert_eq!(runs.total(), 4);
        assert_eq!(runs.checks(), None, "no verdict before the runs are done");
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        let mut calls = 0;
        let mut last = 0.0;
        while !runs.run_until(t.get() + 3.5, &clock) {
            calls += 1;
            assert!(runs.progress() >= last && runs.progress() < 1.0);
            last = runs.progress();
            // Every curve grows together: no series is two points ahead of another.
            let lens: Vec<usize> = runs.runs().iter().map(|r| r.points.len()).collect();
            assert!(lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1);
        }
        assert!(calls > 10, "{calls} calls");
        assert_eq!(runs.progress(), 1.0);
        let in_one_go = d.run(&d.spec);
        assert_eq!(runs.runs(), in_one_go.as_slice());
        assert_eq!(runs.checks(), Some(d.checks(&in_one_go)));
    }

    #[test]
    fn every_choice_is_a_dataset_of_poolsim_validate_with_its_known_misses() {
        assert_eq!(DatasetChoice::default(), DatasetChoice::Lab);
        assert_eq!(DatasetChoice::KEYS, ["lab", "freund_2020", "tembo_2024"]);
        let freund = dataset::freund_2020(FREUND_CSV).unwrap();
        assert_eq!(
            DatasetChoice::from_key(freund.id),
            Some(DatasetChoice::Freund)
        );
        assert!(matches!(freund.usage, Use::HeldOut { .. }));
        // Freund's known miss is a whole check (PG13's fall), the lab's and Tembo's are points.
        let misses = known_misses("freund_2020");
        assert_eq!(misses.len(), dataset::FREUND_KNOWN_MISSES.len());
        assert!(misses
            .iter()
            .all(|m| m.clients.is_none() && !m.reason.is_empty()));
        let lab = known_misses("lab");
        assert_eq!(lab.len(), poolsim_validate::KNOWN_MISSES.len());
        assert!(lab.iter().all(|m| m.clients.is_some()));
        assert_eq!(
            known_misses("tembo_2024").len(),
            poolsim_validate::tembo::TEMBO_KNOWN_MISSES.len()
        );
        assert!(known_misses("nonesuch").is_empty());
        assert_eq!(series_label(&freund, "pg14"), freund.series[1].label);
    }

    #[test]
    fn pg14_over_pg13_is_read_by_client_count_in_two_bands() {
        let d = dataset::freund_2020(FREUND_CSV).unwrap();
        // Before any run: the measured ratios only.
        let rows = ratios(&d, &[], "pg14", "pg13");
        assert_eq!(rows.len(), 9);
        assert!(rows.iter().all(|r| r.model.is_none()));
        assert_eq!(rows[0].clients, 1);
        assert!((rows[3].measured - 1_903_616.0 / 1_054_727.0).abs() < 1e-12);
        let bands = ratio_bands(&rows, dataset::FREUND_SAME_UP_TO);
        assert_eq!(bands.len(), 2);
        assert_eq!((bands[0].clients, bands[1].clients), ((1, 50), (100, 5000)));
        // As the issue reads the table: ≈ 1.0 up to 50 clients, 1.8–2.4 from 100 to 5,000.
        assert!(bands[0].measured.0 > 0.98 && bands[0].measured.1 < 1.03);
        assert!(bands[1].measured.0 > 1.8 && bands[1].measured.1 < 2.4);
        assert_eq!(bands[1].model, None);
        // With made-up model figures: each band's range, once every point of it is run.
        let made_up = |key: &str, tps: &dyn Fn(u32) -> f64| SeriesRun {
            key: key.into(),
            points: d
                .series(key)
                .unwrap()
                .points
                .iter()
                .map(|m| PointResult {
                    measured: m.clone(),
                    model: poolsim_validate::ModelFigures {
                        tps: tps(m.clients),
                        p50_ms: 1.0,
                        p99_ms: 1.0,
                    },
                })
                .collect(),
        };
        let runs = [
            made_up("pg13", &|_| 100.0),
            made_up("pg14", &|c| {
                if c <= 50 {
                    100.0
                } else {
                    150.0 + f64::from(c) / 100.0
                }
            }),
        ];
        let bands = ratio_bands(&ratios(&d, &runs, "pg14", "pg13"), 50);
        assert_eq!(bands[0].model, Some((1.0, 1.0)));
        assert_eq!(bands[1].model, Some((1.51, 2.0)));
    }
}

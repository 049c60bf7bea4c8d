//! The model at every point the measurement lab measured (`poolsim_validate`), one run after
//! another, stepped within a time budget for the "How realistic is this model?" figure. Each
//! point runs as `poolsim validate` runs it by default ([`RunSpec::default`]), so the page shows
//! the figures of `poolsim validate` and of `MODEL.md`'s validation tables.

use poolsim_validate::{Compared, LabPoint, PointRun, RunSpec};

/// Events per call of [`PointRun::advance`] between two looks at the clock: well under a
/// millisecond of work.
const EVENTS_PER_CHUNK: u64 = 1_000;

/// The runs, in the lab file's order, and the points done so far.
pub struct LabRuns {
    points: Vec<LabPoint>,
    spec: RunSpec,
    done: Vec<Compared>,
    current: Option<PointRun>,
}

impl LabRuns {
    pub fn new(points: Vec<LabPoint>) -> LabRuns {
        LabRuns {
            done: Vec::with_capacity(points.len()),
            points,
            spec: RunSpec::default(),
            current: None,
        }
    }

    /// Steps the runs until `clock()` passes `deadline_ms`; true once every point is done.
    pub fn run_until(&mut self, deadline_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        while self.done.len() < self.points.len() {
            if clock() >= deadline_ms {
                return false;
            }
            let i = self.done.len();
            let Some(run) = self.current.as_mut() else {
                // Creating a model with a thousand clients is work of its own.
                self.current = Some(PointRun::new(&self.points[i], &self.spec));
                continue;
            };
            if run.advance(EVENTS_PER_CHUNK) {
                let model = run.result().expect("a finished run has figures");
                self.done.push(Compared {
                    lab: self.points[i].clone(),
                    model,
                });
                self.current = None;
            }
        }
        true
    }

    /// The points done so far, each with the model's figures.
    pub fn compared(&self) -> &[Compared] {
        &self.done
    }

    /// Fraction of the runs done, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.points.is_empty() {
            return 1.0;
        }
        let partial = self.current.as_ref().map_or(0.0, PointRun::progress);
        (self.done.len() as f64 + partial) / self.points.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolsim_validate::{Route, Spread};
    use std::cell::Cell;

    #[test]
    fn stepped_by_a_budget_the_runs_give_the_figures_of_one_go() {
        let point = |route, clients| LabPoint {
            route,
            clients,
            reps: 1,
            tps: Spread {
                median: 1000.0,
                min: 1000.0,
                max: 1000.0,
            },
            p99_ms: None,
            cs_per_s: None,
        };
        let points = vec![point(Route::Direct, 2), point(Route::PgBouncer, 16)];
        let mut runs = LabRuns::new(points.clone());
        // Each call gets a few looks at the clock: many calls, each a small piece of work.
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        let mut calls = 0;
        while !runs.run_until(t.get() + 3.5, &clock) {
            calls += 1;
            assert!(runs.progress() < 1.0);
        }
        assert!(calls > 20, "{calls} calls");
        assert_eq!(runs.progress(), 1.0);
        assert_eq!(
            runs.compared(),
            poolsim_validate::compare(&points, &RunSpec::default())
        );
    }
}

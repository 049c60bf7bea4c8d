//! The sections' small model runs. A [`Run`] simulates one workload — straight to Postgres and
//! through the pooler, side by side — for a short stretch of simulated time, stepped a little at a
//! time by [`super::job::use_job`]. It goes through the page's simulation adapter (`poolsim_page::sim`),
//! the only module that talks to the model, so these figures follow the model as it evolves.

use super::job::{now_ms, use_job, Job, JobView};
use poolsim_model::Params;
use poolsim_page::sim::{LiveView, SimPair};
use yew::prelude::*;

use poolsim_page::live::{RUN_NS, SEED};

/// One small simulated run of a workload.
pub struct Run {
    pair: SimPair,
    target_ns: u64,
}

impl Run {
    pub fn new(w: &Params, target_ns: u64) -> Run {
        Run {
            pair: SimPair::new(w, SEED),
            target_ns,
        }
    }
    pub fn view(&self) -> LiveView {
        self.pair.view()
    }
    /// Advances about a millisecond of work; true when the target time is reached.
    pub fn step_ms(&mut self, ms: f64) -> bool {
        let deadline = now_ms() + ms;
        self.pair.run_until(self.target_ns, deadline, &now_ms) >= self.target_ns
    }
    pub fn progress(&self) -> f64 {
        (self.pair.now_ns() as f64 / self.target_ns as f64).min(1.0)
    }
}

impl Job for Run {
    type Output = LiveView;
    fn step(&mut self) -> bool {
        self.step_ms(super::job::STEP_MS)
    }
    fn progress(&self) -> f64 {
        Run::progress(self)
    }
    fn output(&self) -> LiveView {
        self.view()
    }
}

/// Runs `w` (direct and, when it has a pool mode, pooled) progressively; restarts when `w` changes.
#[hook]
pub fn use_run(w: Params) -> JobView<LiveView> {
    use_run_for(w, RUN_NS)
}

/// [`use_run`] for `ns` simulated nanoseconds instead of the small figures' [`RUN_NS`] (a big
/// server's run, shorter because each simulated second holds millions of events).
#[hook]
pub fn use_run_for(w: Params, ns: u64) -> JobView<LiveView> {
    use_job((w, ns), |(w, ns)| Run::new(w, *ns))
}

/// The parameters most small figures start from: the live figure's default (the pooler is on, so
/// both sides run).
pub fn base() -> Params {
    poolsim_page::state::page_default()
}

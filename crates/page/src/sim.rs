//! The simulation adapter: the only module that talks to the model. It runs two models with the
//! same workload and seed — straight to Postgres ("direct") and through the pooler ("pooled") —
//! steps them together within a time budget, and publishes plain view models (`view`).

pub mod datasets;
mod model_engine;
pub mod size;
mod snapshot;
pub mod view;

use poolsim_model::Params;
use std::collections::VecDeque;
use std::rc::Rc;
pub use view::*;

/// What the page needs from one running model.
pub trait Engine {
    fn set_params(&mut self, p: &Params);
    /// Runs at most `max_events` events, not past `until_ns`; returns the events run.
    fn advance(&mut self, max_events: u64, until_ns: u64) -> u64;
    fn now_ns(&self) -> u64;
    fn view(&self) -> SideView;
}

fn engine(p: &Params, pooled: bool, seed: u64) -> Box<dyn Engine> {
    Box::new(model_engine::ModelEngine::new(p, pooled, seed))
}

pub use model_engine::side_params;

/// Live charts keep this many samples (one per [`SAMPLE_NS`] of simulated time).
pub const HISTORY_LEN: usize = 300;
pub const SAMPLE_NS: u64 = 200_000_000;

/// The direct and pooled models, stepped together on one time axis.
pub struct SimPair {
    direct: Box<dyn Engine>,
    pooled: Option<Box<dyn Engine>>,
    params: Params,
    seed: u64,
    history: VecDeque<Sample>,
    history_rc: Rc<[Sample]>,
    next_sample_ns: u64,
    /// Events per millisecond of stepping, measured (sizes the chunks).
    events_per_ms: f64,
    pace: Pace,
}

impl SimPair {
    pub fn new(p: &Params, seed: u64) -> SimPair {
        SimPair {
            direct: engine(p, false, seed),
            pooled: p.pooled().then(|| engine(p, true, seed)),
            params: p.clone(),
            seed,
            history: VecDeque::with_capacity(HISTORY_LEN),
            history_rc: Rc::from(Vec::new()),
            // The first sample once the model has a window of figures (not the empty t = 0).
            next_sample_ns: SAMPLE_NS,
            events_per_ms: 2_000.0,
            pace: Pace::default(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Applies changed parameters to the running models (turning the pooler on or off re-creates
    /// them, so both stay on one time axis).
    /// Returns whether anything changed.
    pub fn set_params(&mut self, p: &Params) -> bool {
        if *p == self.params {
            return false;
        }
        if p.pooled() != self.params.pooled() {
            *self = SimPair::new(p, self.seed);
            return true;
        }
        self.direct.set_params(p);
        if let Some(pooled) = self.pooled.as_mut() {
            pooled.set_params(p);
        }
        self.params = p.clone();
        true
    }

    /// Simulated time both models have reached.
    pub fn now_ns(&self) -> u64 {
        let d = self.direct.now_ns();
        self.pooled.as_ref().map_or(d, |p| p.now_ns().min(d))
    }

    /// Steps both models toward `target_ns`, in chunks of events, alternating so they stay
    /// together, until `clock()` passes `deadline_ms`. Returns the time both reached.
    pub fn run_until(&mut self, target_ns: u64, deadline_ms: f64, clock: &dyn Fn() -> f64) -> u64 {
        let start = clock();
        let mut events = 0u64;
        loop {
            let now = self.now_ns();
            if now >= target_ns {
                break;
            }
            let t = clock();
            if t >= deadline_ms {
                break;
            }
            // A chunk of about 1 ms of work, never past the next sample.
            let chunk = (self.events_per_ms as u64).clamp(16, 200_000);
            let until = target_ns.min(self.next_sample_ns.max(now + 1));
            let lagging: &mut Box<dyn Engine> = match self.pooled.as_mut() {
                Some(p) if p.now_ns() < self.direct.now_ns() => p,
                _ => &mut self.direct,
            };
            let until = until.max(lagging.now_ns() + 1).min(target_ns);
            events += lagging.advance(chunk, until);
            self.sample_if_due();
        }
        let spent = clock() - start;
        if spent > 0.5 && events > 0 {
            let rate = events as f64 / spent;
            self.events_per_ms = 0.7 * self.events_per_ms + 0.3 * rate;
        }
        self.pace.frame_ms = spent;
        self.now_ns()
    }

    /// Advances a fixed stretch of simulated time (the "step" button), bounded by the budget.
    pub fn step(&mut self, by_ns: u64, deadline_ms: f64, clock: &dyn Fn() -> f64) {
        let target = self.now_ns() + by_ns;
        self.run_until(target, deadline_ms, clock);
    }

    pub fn set_pace(&mut self, ratio: f64, behind: bool) {
        self.pace.ratio = ratio;
        self.pace.behind = behind;
    }

    fn sample_if_due(&mut self) {
        let now = self.now_ns();
        if now < self.next_sample_ns {
            return;
        }
        let d = self.direct.view();
        let p = self.pooled.as_ref().map(|p| p.view());
        let pick = |f: &dyn Fn(&SideView) -> f64| [f(&d), p.as_ref().map_or(f64::NAN, f)];
        let sample = Sample {
            t_s: now as f64 / 1e9,
            memory: pick(&|s| s.memory_private),
            context_switches: pick(&|s| s.context_switches_per_s),
            p99: pick(&|s| s.latency.p99),
        };
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        }
        self.history.push_back(sample);
        self.history_rc = self.history.iter().copied().collect();
        self.next_sample_ns = now - now % SAMPLE_NS + SAMPLE_NS;
    }

    pub fn view(&self) -> LiveView {
        LiveView {
            now_s: self.now_ns() as f64 / 1e9,
            direct: self.direct.view(),
            pooled: self.pooled.as_ref().map(|p| p.view()),
            history: self.history_rc.clone(),
            pace: self.pace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn both_models_reach_the_target_together() {
        let mut pair = SimPair::new(&crate::state::page_default(), 1);
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 0.01);
            t.get()
        };
        let reached = pair.run_until(2_000_000_000, f64::MAX, &clock);
        assert_eq!(reached, 2_000_000_000);
        assert!(pair.view().history.len() >= 10);
        assert!(pair.view().pooled.is_some());
    }

    #[test]
    fn the_budget_stops_stepping() {
        let mut pair = SimPair::new(&crate::state::page_default(), 1);
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        let reached = pair.run_until(u64::MAX / 2, 8.0, &clock);
        assert!(reached < u64::MAX / 2);
    }

    #[test]
    fn a_seed_reproduces_a_run_however_the_frames_fall() {
        let w = Params {
            clients: 300,
            ..crate::state::page_default()
        };
        let run = |tick: f64| {
            let mut pair = SimPair::new(&w, 7);
            let t = Cell::new(0.0);
            let clock = || {
                t.set(t.get() + tick);
                t.get()
            };
            // Many small frames versus a few big ones, to the same simulated time.
            let mut target = 0;
            while pair.now_ns() < 1_000_000_000 {
                target = (target + 50_000_000).min(1_000_000_000);
                pair.run_until(target, t.get() + 8.0, &clock);
            }
            pair.view()
        };
        let (a, b) = (run(0.01), run(3.0));
        assert_eq!(a.direct, b.direct);
        assert_eq!(a.pooled, b.pooled);
    }
}

//! The sizing tool's sweep (`crate::size` is its pure part): the reader's load through PgBouncer
//! at each candidate pool size, and once straight to Postgres, each run for [`RUN_NS`] of
//! simulated time and read over the last [`super::model_engine::WINDOW_S`] seconds, as the
//! page's figures are. Stepped within a deadline ([`SizeSweep::run_until`]) so the page stays
//! responsive; `poolsim size` runs it to the end at once ([`SizeSweep::run_to_end`]). Same inputs,
//! same seed, same numbers.

use super::model_engine::ModelEngine;
use super::{Engine, SideView};
use crate::size::{
    candidates, config, mode_advice, recommend, ConfigLine, Inputs, ModeAdvice, Recommendation,
    SweepPoint,
};
use poolsim_model::{PoolMode, PoolerHost};

/// Simulated time of each run: as long as the explanation's small figures run.
pub const RUN_NS: u64 = crate::live::RUN_NS;

/// Seed of every run of the sweep.
pub const SEED: u64 = crate::live::SEED;

/// Events run between two looks at the clock.
const EVENTS_PER_SLICE: u64 = 20_000;

/// What the tool says once the sweep has finished.
#[derive(Clone, Debug, PartialEq)]
pub struct SizeReport {
    /// The inputs it was computed for (clamped).
    pub inputs: Inputs,
    /// The pool mode and what the other modes break.
    pub advice: ModeAdvice,
    /// Every pool size tried, smallest first.
    pub points: Vec<SweepPoint>,
    /// The recommended pool (`None` only if no run completed a transaction).
    pub recommendation: Option<Recommendation>,
    /// The same load straight to Postgres with today's `max_connections`.
    pub direct: SideView,
    /// The same load through PgBouncer at the recommended pool.
    pub pooled: Option<SideView>,
    /// Utilisation of one PgBouncer process's core at the recommended pool (`None` when PgBouncer
    /// runs on a host of its own: the model does not account for that host's CPU).
    pub pooler_core_utilisation: Option<f64>,
    /// PgBouncer processes that keep each under [`POOLER_UTILISATION_TARGET`] at that load.
    pub pooler_processes_needed: Option<u32>,
    /// The configuration lines, each with its reason.
    pub config: Vec<ConfigLine>,
    /// Combinations the tool explains (from the inputs and from the recommendation).
    pub conflicts: Vec<String>,
}

/// A PgBouncer process above this share of its core is near its ceiling: its queue, not
/// Postgres, sets the latency (one process is single-threaded; PgBouncer's docs, so_reuseport).
pub const POOLER_UTILISATION_TARGET: f64 = 0.7;

/// The sweep: one run at a time, the direct run first.
pub struct SizeSweep {
    inputs: Inputs,
    advice: ModeAdvice,
    sizes: Vec<u32>,
    /// Views of the finished runs at `sizes[..]`, in order.
    done: Vec<SideView>,
    direct: Option<SideView>,
    running: Option<ModelEngine>,
}

impl SizeSweep {
    /// A sweep of `inputs` (the caller clamps them through [`Inputs::set`]).
    pub fn new(inputs: &Inputs) -> SizeSweep {
        let advice = mode_advice(&inputs.features, inputs.stmts_per_txn);
        let ceiling = inputs.client_connections().max(1);
        SizeSweep {
            inputs: inputs.clone(),
            sizes: candidates(inputs.vcpus, ceiling),
            advice,
            done: Vec::new(),
            direct: None,
            running: None,
        }
    }

    /// The pool sizes the sweep runs, smallest first.
    pub fn sizes(&self) -> &[u32] {
        &self.sizes
    }

    /// Runs until the sweep is finished (`true`) or `clock()` passes `deadline_ms` (`false`).
    pub fn run_until(&mut self, deadline_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        loop {
            if self.finished() {
                return true;
            }
            let engine = match &mut self.running {
                Some(e) => e,
                None => {
                    let (params, pooled) = match self.direct {
                        None => (self.inputs.params(PoolMode::None, 1), false),
                        Some(_) => (
                            self.inputs
                                .params(self.advice.mode, self.sizes[self.done.len()]),
                            true,
                        ),
                    };
                    self.running
                        .insert(ModelEngine::exact(params, pooled, SEED))
                }
            };
            engine.advance(EVENTS_PER_SLICE, RUN_NS);
            if engine.now_ns() >= RUN_NS || engine.view().stalled {
                let view = engine.view();
                self.running = None;
                if self.direct.is_none() {
                    self.direct = Some(view);
                } else {
                    self.done.push(view);
                }
                continue;
            }
            if clock() >= deadline_ms {
                return false;
            }
        }
    }

    /// Whether every run has finished.
    pub fn finished(&self) -> bool {
        self.direct.is_some() && self.done.len() == self.sizes.len()
    }

    /// Share of the runs finished, 0–1 (the running one by its simulated time).
    pub fn progress(&self) -> f64 {
        let runs = (self.sizes.len() + 1) as f64;
        let finished = (self.done.len() + usize::from(self.direct.is_some())) as f64;
        let partial = self
            .running
            .as_ref()
            .map_or(0.0, |e| e.now_ns() as f64 / RUN_NS as f64);
        ((finished + partial) / runs).min(1.0)
    }

    /// The points finished so far.
    pub fn points(&self) -> Vec<SweepPoint> {
        self.sizes
            .iter()
            .zip(&self.done)
            .map(|(&pool_size, v)| SweepPoint {
                pool_size,
                tps: v.throughput_tps,
                p99_s: v.latency.p99,
                errors_per_s: v.errors_per_s(),
                overhead_share: v.cpu.switching + v.cpu.snapshots,
                memory_private: v.memory_private,
            })
            .collect()
    }

    /// The report, once the sweep has finished.
    pub fn report(&self) -> Option<SizeReport> {
        if !self.finished() {
            return None;
        }
        let points = self.points();
        let recommendation = recommend(&points);
        let pooled = recommendation.as_ref().and_then(|r| {
            let i = self.sizes.iter().position(|&s| s == r.pool_size)?;
            Some(self.done[i].clone())
        });
        let processes = self.inputs.pooler_processes.max(1);
        let pooler_core_utilisation = match (self.inputs.pooler_host, &pooled) {
            (PoolerHost::Db, Some(v)) => {
                Some(v.cpu.pooler * f64::from(self.inputs.vcpus) / f64::from(processes))
            }
            _ => None,
        };
        let pooler_processes_needed = pooler_core_utilisation
            .map(|u| ((u * f64::from(processes) / POOLER_UTILISATION_TARGET).ceil() as u32).max(1));
        let config = recommendation
            .as_ref()
            .map(|r| config(&self.inputs, &self.advice, r))
            .unwrap_or_default();
        let mut conflicts = self.inputs.conflicts();
        if let Some(line) = config
            .iter()
            .find(|l| l.line.starts_with("max_connections = "))
        {
            let needed: u32 = line.line["max_connections = ".len()..].parse().unwrap_or(0);
            if needed > self.inputs.max_connections {
                conflicts.push(format!(
                    "the pool needs max_connections = {needed}, above today's {}: raise it (a restart) or run fewer PgBouncer processes",
                    self.inputs.max_connections
                ));
            }
        }
        if let Some(rec) = &recommendation {
            let clients = self.inputs.client_connections();
            let served = rec.pool_size.saturating_mul(processes);
            if self.advice.mode == PoolMode::Session && served < clients {
                conflicts.push(format!(
                    "in session mode each connected client holds a server connection until it disconnects: with {} client connections and {served} server connections, the others wait for one to disconnect (the sweep's numbers are those of clients that come and go)",
                    crate::format::count(u64::from(clients))
                ));
            }
        }
        Some(SizeReport {
            inputs: self.inputs.clone(),
            advice: self.advice.clone(),
            points,
            recommendation,
            direct: self.direct.clone()?,
            pooled,
            pooler_core_utilisation,
            pooler_processes_needed,
            config,
            conflicts,
        })
    }

    /// The whole sweep of `inputs` at once (the CLI, the tests): the same runs and numbers as
    /// stepped within frames.
    pub fn run_to_end(inputs: &Inputs) -> SizeReport {
        let mut sweep = SizeSweep::new(inputs);
        let done = sweep.run_until(f64::INFINITY, &|| 0.0);
        debug_assert!(done);
        sweep.report().expect("a finished sweep has a report")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size::{Features, Load, P99_MARGIN};

    fn server(vcpus: u32, rtt_ms: f64) -> Inputs {
        Inputs {
            vcpus,
            rtt_ms,
            load: Load::Instances {
                instances: 20,
                pool: 10,
                think_ms: 10.0,
            },
            stmts_per_txn: 3,
            stmt_ms: 0.5,
            ..Inputs::default()
        }
    }

    #[test]
    fn the_recommendation_is_within_the_margin_of_the_best_size_in_the_sweep() {
        let r = SizeSweep::run_to_end(&server(8, 0.5));
        let rec = r.recommendation.expect("a recommendation");
        let most = r.points.iter().map(|p| p.tps).fold(0.0, f64::max);
        let best = r
            .points
            .iter()
            .filter(|p| p.tps >= crate::size::FULL_THROUGHPUT_SHARE * most)
            .map(|p| p.p99_s)
            .fold(f64::INFINITY, f64::min);
        assert!(rec.point.p99_s <= (1.0 + P99_MARGIN) * best, "{rec:?}");
        assert!(r.pooled.is_some() && r.direct.throughput_tps > 0.0);
        assert_eq!(r.advice.mode, PoolMode::Transaction);
    }

    #[test]
    fn more_vcpus_never_recommend_a_smaller_pool() {
        let small = SizeSweep::run_to_end(&server(4, 0.5))
            .recommendation
            .unwrap();
        let big = SizeSweep::run_to_end(&server(16, 0.5))
            .recommendation
            .unwrap();
        assert!(
            big.pool_size >= small.pool_size,
            "{} vs {}",
            small.pool_size,
            big.pool_size
        );
    }

    #[test]
    fn long_waits_inside_transactions_need_a_larger_pool_than_cpu_bound_work() {
        let cpu_bound = SizeSweep::run_to_end(&server(8, 0.1))
            .recommendation
            .unwrap();
        let waiting = SizeSweep::run_to_end(&server(8, 5.0))
            .recommendation
            .unwrap();
        assert!(
            waiting.pool_size > cpu_bound.pool_size,
            "{} vs {}",
            cpu_bound.pool_size,
            waiting.pool_size
        );
    }

    #[test]
    fn session_features_get_session_mode_and_the_same_inputs_the_same_report() {
        let inputs = Inputs {
            features: Features {
                listen: true,
                ..Features::default()
            },
            ..server(4, 0.5)
        };
        let a = SizeSweep::run_to_end(&inputs);
        assert_eq!(a.advice.mode, PoolMode::Session);
        assert!(a.config.iter().any(|l| l.line == "pool_mode = session"));
        // Stepped in small slices (as in a browser) or at once: the same numbers.
        let mut sweep = SizeSweep::new(&inputs);
        let t = std::cell::Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        let mut frames = 0;
        while !sweep.run_until(t.get() + 1.0, &clock) {
            frames += 1;
        }
        assert!(frames > 3, "{frames}");
        assert_eq!(sweep.report().unwrap(), a);
    }
}

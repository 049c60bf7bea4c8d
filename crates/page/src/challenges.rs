//! Challenges for classrooms, checked by the model: each one is a condition on the live figures
//! that must hold once the run has settled (the figures cover [`SETTLE_S`] simulated seconds of
//! unchanged parameters). The list under the live figure is `poolsim_web::challenges`.

use crate::sim::{LiveView, SideView};
use poolsim_content::texts::challenges as texts;
use poolsim_model::{Connect, Params};

/// Simulated seconds the parameters must stay unchanged before a check counts (the live
/// figures are taken over the last two seconds).
pub const SETTLE_S: f64 = 3.0;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// One goal: what to do, a hint (both from `content/en/texts/challenges.md`), and the check on
/// the settled figures.
pub struct Challenge {
    /// Its key in a teacher's link (`challenges=`, `url_state::CHALLENGE_IDS`).
    pub id: &'static str,
    /// What to do.
    pub goal: &'static str,
    /// A hint, shown under the goal until it is met.
    pub hint: &'static str,
    /// Whether the goal is met; `done` says which challenges are already ticked (for goals that
    /// build on an earlier one).
    pub check: fn(&Params, &LiveView, &[bool]) -> bool,
}

/// The side that serves the clients: through the pooler when it is on, else direct.
fn serving(v: &LiveView) -> &SideView {
    v.pooled.as_ref().unwrap_or(&v.direct)
}

fn healthy(s: &SideView) -> bool {
    s.throughput_tps > 0.0 && s.errors_per_s() < 0.001 * s.throughput_tps.max(1.0)
}

/// Snapshots take at least this share of the cores when idle connections "hurt".
const HURTS: f64 = 0.03;
/// … and at most this share once fixed (PG14's constant cost is two 0.5 µs snapshots per
/// statement, ≈ 1 % of the idle-heavy preset's cores).
const FIXED: f64 = 0.015;
/// Through the pooler on PG13: at most this share of the direct side's snapshot CPU.
const EASED: f64 = 0.75;

/// The challenges, in the order shown.
pub const CHALLENGES: [Challenge; 5] = [
    Challenge {
        id: "fleet",
        goal: texts::FLEET_GOAL,
        hint: texts::FLEET_HINT,
        check: |p, v, _| {
            let s = serving(v);
            p.clients >= 5_000
                && healthy(s)
                && s.latency.p99 < 0.050
                && s.memory_private < 4.0 * GIB
        },
    },
    Challenge {
        id: "idle_hurts",
        goal: texts::IDLE_HURTS_GOAL,
        hint: texts::IDLE_HURTS_HINT,
        check: |p, v, _| {
            !p.pooled()
                && p.old_snapshots()
                && p.idle_connections > 0
                && v.direct.cpu.snapshots >= HURTS
        },
    },
    Challenge {
        id: "idle_fix_version",
        goal: texts::IDLE_FIX_VERSION_GOAL,
        hint: texts::IDLE_FIX_VERSION_HINT,
        check: |p, v, done| {
            done[1]
                && !p.pooled()
                && !p.old_snapshots()
                && p.idle_connections >= 1_000
                && v.direct.cpu.snapshots <= FIXED
                && healthy(&v.direct)
        },
    },
    Challenge {
        id: "idle_fix_pooler",
        goal: texts::IDLE_FIX_POOLER_GOAL,
        hint: texts::IDLE_FIX_POOLER_HINT,
        check: |p, v, done| {
            done[1]
                && p.pooled()
                && p.old_snapshots()
                && p.idle_connections >= 1_000
                && v.pooled.as_ref().is_some_and(|s| {
                    s.cpu.snapshots <= EASED * v.direct.cpu.snapshots && healthy(s)
                })
        },
    },
    Challenge {
        id: "storm",
        goal: texts::STORM_GOAL,
        hint: texts::STORM_HINT,
        check: |p, v, _| {
            let s = serving(v);
            p.connect == Connect::PerTxn && p.clients >= 100 && healthy(s) && s.cpu.fork_auth < 0.02
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimPair;

    /// Runs `p` for 4 simulated seconds and checks challenge `i` with `done` ticked before it.
    fn met(p: &Params, i: usize, done: &[bool]) -> bool {
        let mut pair = SimPair::new(p, 1);
        let t = std::cell::Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 0.001);
            t.get()
        };
        pair.run_until(4_000_000_000, f64::MAX, &clock);
        (CHALLENGES[i].check)(p, &pair.view(), done)
    }

    #[test]
    fn the_links_challenge_ids_are_these_challenges() {
        let ids: Vec<&str> = CHALLENGES.iter().map(|c| c.id).collect();
        assert_eq!(ids, crate::url_state::CHALLENGE_IDS);
    }

    #[test]
    fn the_fleet_challenge_is_reachable_with_a_pooler_and_not_without() {
        let pooled = Params {
            clients: 5_000,
            pool_size: 24,
            think_ms: 1000.0,
            ..crate::state::page_default()
        };
        assert!(met(&pooled, 0, &[false; 5]));
        let direct = Params {
            pool_mode: poolsim_model::PoolMode::None,
            ..pooled
        };
        assert!(!met(&direct, 0, &[false; 5]));
    }

    #[test]
    fn idle_connections_hurt_on_13_and_are_fixed_two_ways() {
        let hurt = poolsim_model::PresetId::IdleHeavyPg13.params();
        assert!(met(&hurt, 1, &[false; 5]));
        let ticked = [false, true, false, false, false];
        let upgraded = poolsim_model::PresetId::IdleHeavyPg14.params();
        assert!(met(&upgraded, 2, &ticked));
        assert!(
            !met(&upgraded, 2, &[false; 5]),
            "the fix counts after the harm"
        );
        let pooled = Params {
            pool_mode: poolsim_model::PoolMode::Transaction,
            pool_size: 32,
            ..hurt
        };
        assert!(met(&pooled, 3, &ticked));
    }
}

//! GetSnapshotData: the per-statement cost of taking an MVCC snapshot, and the statement job.
//!
//! Before PostgreSQL 14 every snapshot scanned the whole proc array: its cost grows with every
//! backend that exists (`b_idle·N_total`) and more steeply with backends that are active on other
//! cores, whose entries are written constantly (`b_hot·N_active`). PostgreSQL 14 caches snapshots
//! and keeps a dense xid array, so the cost is about the constant `a`. (DOMAIN §3; Freund 2020.)

use super::{Job, JobWhat, SState, Sim};
use crate::calibration as cal;
use crate::params::Dist;
use crate::rng::ns;

/// CPU cost of one snapshot in ns, given the backends that exist and those active.
pub fn snapshot_cost_ns(old_version: bool, n_total: u32, n_active: u32) -> u64 {
    let mut c = cal::SNAPSHOT_BASE_NS;
    if old_version {
        c += cal::SNAPSHOT_NS_PER_BACKEND * f64::from(n_total)
            + cal::SNAPSHOT_NS_PER_ACTIVE_BACKEND * f64::from(n_active);
    }
    ns(c)
}

impl Sim {
    /// Samples one statement's CPU demand, ns.
    pub fn sample_stmt_cpu(&mut self) -> u64 {
        let mean = self.p.stmt_cpu_ms * 1e6;
        let x = match self.p.stmt_cpu_dist {
            Dist::Exp => self.rng_work.exp(mean),
            // Never exactly constant on a real server (see `cal::STMT_CPU_JITTER`).
            Dist::Const if self.overheads() => {
                mean * (1.0 + cal::STMT_CPU_JITTER * (2.0 * self.rng_jitter.uniform() - 1.0))
            }
            Dist::Const => mean,
            Dist::Lognormal => self.rng_work.lognormal(mean, self.p.stmt_cpu_sigma),
        };
        ns(x)
    }

    /// The CPU job of a statement of `conn`: snapshot first, then the statement's own work.
    pub fn stmt_job(&mut self, conn: u32) -> Job {
        let work = self.sample_stmt_cpu();
        let snap = if self.overheads() {
            snapshot_cost_ns(
                self.p.old_snapshots(),
                self.live_backends(),
                self.sstate_counts[SState::Busy as usize],
            )
        } else {
            0
        };
        Job {
            what: JobWhat::Stmt(conn),
            remaining: work + snap,
            snap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_snapshots_grow_with_connections_new_ones_do_not() {
        assert!(snapshot_cost_ns(true, 10_000, 10) > snapshot_cost_ns(true, 100, 10));
        assert_eq!(
            snapshot_cost_ns(false, 10_000, 10),
            snapshot_cost_ns(false, 100, 10)
        );
    }
}

//! GetSnapshotData: the per-statement cost of taking an MVCC snapshot, and the statement job.
//!
//! Before PostgreSQL 14 every snapshot scanned the whole proc array. Entries nobody writes (idle
//! backends, backends waiting for a core) stay in the reader's cache and cost almost nothing each
//! (`b_idle·N_total`, a fraction of a ns). Entries of backends running a statement on *another*
//! core are written at every statement (xmin set by GetSnapshotData, cleared by
//! SnapshotResetXmin at its end), so each costs a cross-core cache-line transfer
//! (`b_hot·min(N_running_elsewhere, cores − 1)`): the expensive part needs many active backends
//! spread over many cores. PostgreSQL 14 caches snapshots and keeps a dense xid array, so the
//! cost is about the constant `a`. (DOMAIN §3; Freund 2020.)

use super::ids::ConnId;
use super::scheduler::{Job, JobKind};
use super::Sim;
use crate::calibration as cal;
use crate::params::Dist;
use crate::rng::ns;

/// CPU cost of one snapshot in ns. `old_version` is PG ≤ 13; `n_total` the backends that exist;
/// `n_running_elsewhere` the statements of other backends executing while it is taken; `cores`
/// the machine's cores. At most `cores − 1` other backends can be running on another core.
pub fn snapshot_cost_ns(
    old_version: bool,
    n_total: u32,
    n_running_elsewhere: u32,
    cores: u32,
) -> u64 {
    let mut c = cal::SNAPSHOT_BASE_NS;
    if old_version {
        let remote = n_running_elsewhere.min(cores.saturating_sub(1));
        c += cal::SNAPSHOT_NS_PER_BACKEND * f64::from(n_total)
            + cal::SNAPSHOT_NS_PER_REMOTE_ACTIVE_BACKEND * f64::from(remote);
    }
    ns(c)
}

impl Sim {
    /// Samples one statement's CPU demand, ns.
    pub fn sample_statement_cpu(&mut self) -> u64 {
        let mean = self.config.stmt_cpu_mean_ns;
        let params = &self.config.params;
        let x = match params.stmt_cpu_dist {
            Dist::Exp => self.random.work.exp(mean),
            // Never exactly constant on a real server (see `cal::STMT_CPU_JITTER`).
            Dist::Const if self.config.overheads => {
                mean * (1.0 + cal::STMT_CPU_JITTER * (2.0 * self.random.jitter.uniform() - 1.0))
            }
            Dist::Const => mean,
            Dist::Lognormal => self.random.work.lognormal(mean, params.stmt_cpu_sigma),
        };
        ns(x)
    }

    /// The CPU job of a statement of `conn`: snapshot first, then the statement's own work.
    pub fn statement_job(&mut self, conn: ConnId) -> Job {
        let work = self.sample_statement_cpu();
        let snapshot_ns = if self.config.overheads {
            // Called before this statement counts as executing: `executing()` are others.
            snapshot_cost_ns(
                self.config.params.old_snapshots(),
                self.backends.live(),
                self.backends.executing(),
                self.scheduler.cores.len() as u32,
            )
        } else {
            0
        };
        Job {
            kind: JobKind::Statement(conn),
            remaining_ns: work + snapshot_ns,
            snapshot_ns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_snapshots_grow_with_connections_new_ones_do_not() {
        assert!(snapshot_cost_ns(true, 10_000, 10, 16) > snapshot_cost_ns(true, 100, 10, 16));
        assert_eq!(
            snapshot_cost_ns(false, 10_000, 10, 16),
            snapshot_cost_ns(false, 100, 10, 16)
        );
    }

    #[test]
    fn old_snapshots_pay_for_backends_running_on_other_cores_only() {
        // Idle backends cost a fraction of a ns each.
        let idle = snapshot_cost_ns(true, 1_001, 0, 2) - snapshot_cost_ns(true, 1, 0, 2);
        assert!(idle <= 400, "{idle} ns for 1,000 idle backends");
        // On 2 cores at most one other backend runs, however many are active.
        assert_eq!(
            snapshot_cost_ns(true, 100, 1, 2),
            snapshot_cost_ns(true, 100, 99, 2)
        );
        // On 64 cores 63 can.
        assert!(snapshot_cost_ns(true, 100, 63, 64) > snapshot_cost_ns(true, 100, 63, 2) + 5_000);
        assert_eq!(
            snapshot_cost_ns(false, 100, 63, 64),
            snapshot_cost_ns(false, 1, 0, 2)
        );
    }
}

//! GetSnapshotData: the per-statement cost of taking an MVCC snapshot, and the statement job.
//!
//! Before PostgreSQL 14 every snapshot read every backend's `PGXACT` entry (Freund 2020). An
//! entry nobody wrote since this core last read it is in the reader's cache and costs a fraction
//! of a ns (`b_idle · N_total`). Each backend running a statement writes its own entry (xmin set
//! by its snapshot, cleared at its end), so the reader pays a cache-line transfer for each *line*
//! written since its last read: the writers are the backends running on other cores (at most
//! `cores − 1`), their entries packed `PGXACT_ENTRIES_PER_LINE` to a 64-byte line, so
//! `lines = L · (1 − (1 − K/N)^e)` of the `L = N/e` lines (K writers among N entries). A transfer
//! from another socket costs `SNAPSHOT_CROSS_SOCKET_FACTOR` times one from the same socket, and
//! the lines serve one transfer at a time, so each waits `1/(1 − ρ)`, ρ growing with the busy
//! backends. The expensive part needs many busy backends on many cores, not idle connections.
//! PostgreSQL 14 keeps a dense xid array and reuses snapshots, so the cost is about the constant
//! `a`. (DOMAIN §3; Freund 2020.)

use super::ids::ConnId;
use super::scheduler::{Job, JobKind};
use super::Sim;
use crate::calibration as cal;
use crate::params::Dist;
use crate::rng::ns;

/// Where one snapshot is taken: the machine and the backends at that instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnapshotLoad {
    /// Backends that exist (entries in the proc array).
    pub n_total: u32,
    /// Statements of other backends executing while it is taken.
    pub n_running_elsewhere: u32,
    /// Cores of the machine.
    pub cores: u32,
    /// CPU sockets (at least 1).
    pub sockets: u32,
    /// Mean CPU of a statement, ns (how often each busy backend writes its entry).
    pub stmt_cpu_ns: f64,
}

/// CPU cost of one snapshot in ns; `old_version` is PG ≤ 13.
pub fn snapshot_cost_ns(old_version: bool, load: &SnapshotLoad) -> u64 {
    let mut c = cal::SNAPSHOT_BASE_NS;
    if old_version {
        c += cal::SNAPSHOT_NS_PER_BACKEND * f64::from(load.n_total) + remote_lines_ns(load);
    }
    ns(c)
}

/// ≤ PG13: the transfers of the lines other cores wrote since this core's last snapshot, ns.
fn remote_lines_ns(load: &SnapshotLoad) -> f64 {
    let writers = load.n_running_elsewhere.min(load.cores.saturating_sub(1));
    if writers == 0 || load.n_total == 0 {
        return 0.0;
    }
    let n = f64::from(load.n_total.max(writers));
    let k = f64::from(writers);
    let e = cal::PGXACT_ENTRIES_PER_LINE;
    let lines = (n / e).max(1.0) * (1.0 - libm::pow(1.0 - k / n, e));
    // The other cores, same socket or not.
    let cores = f64::from(load.cores.max(2));
    let sockets = f64::from(load.sockets.clamp(1, load.cores.max(1)));
    let same = (cores / sockets - 1.0).max(0.0) / (cores - 1.0);
    let transfer = cal::SNAPSHOT_NS_PER_LINE_TRANSFER
        * (same + (1.0 - same) * cal::SNAPSHOT_CROSS_SOCKET_FACTOR);
    // Each busy core's snapshots ask each written line for a transfer: the line's utilisation.
    let utilisation = ((k + 1.0) * cal::SNAPSHOTS_PER_STATEMENT * transfer
        / load.stmt_cpu_ns.max(1.0))
    .min(cal::SNAPSHOT_LINE_UTILISATION_MAX);
    lines * transfer / (1.0 - utilisation)
}

/// An entry of [`SnapshotCosts`] not computed yet (a cost is at most `u64::MAX / 4`: `rng::ns`).
const NOT_COMPUTED: u64 = u64::MAX;

/// A statement's snapshot CPU by number of writers, for the proc array and machine it was last
/// asked about: the cost changes only when a connection opens or closes (or the machine
/// changes), while the writers take at most `cores` values, so `libm::pow` and the divisions of
/// [`remote_lines_ns`] run once per (array, writers) instead of once per statement. Each entry
/// is computed by the same function as before, so it has the same bits.
#[derive(Debug)]
pub(crate) struct SnapshotCosts {
    /// The inputs the entries hold for: version (≤ 13), backends, cores, sockets, mean
    /// statement CPU (its bits).
    key: Option<(bool, u32, u32, u32, u64)>,
    /// A statement's snapshot CPU, ns, by writers (`n_running_elsewhere` capped at `cores − 1`;
    /// one entry when the version does not depend on them); [`NOT_COMPUTED`]: not computed yet.
    by_writers: [u64; CACHED_WRITERS],
}

/// Writers whose cost [`SnapshotCosts`] keeps (more, on machines of more than this many cores,
/// are computed each time).
const CACHED_WRITERS: usize = 128;

impl SnapshotCosts {
    /// No entry.
    pub fn new() -> SnapshotCosts {
        SnapshotCosts {
            key: None,
            by_writers: [NOT_COMPUTED; CACHED_WRITERS],
        }
    }

    /// A statement's snapshot CPU at `load`, ns: `SNAPSHOTS_PER_STATEMENT` snapshots of
    /// [`snapshot_cost_ns`].
    #[inline]
    fn statement_ns(&mut self, old_version: bool, load: &SnapshotLoad) -> u64 {
        let key = (
            old_version,
            load.n_total,
            load.cores,
            load.sockets,
            load.stmt_cpu_ns.to_bits(),
        );
        if self.key != Some(key) {
            self.key = Some(key);
            self.by_writers = [NOT_COMPUTED; CACHED_WRITERS];
        }
        // Only the writers (see `remote_lines_ns`) vary with `n_running_elsewhere`.
        let i = if old_version {
            load.n_running_elsewhere.min(load.cores.saturating_sub(1)) as usize
        } else {
            0
        };
        let cached = self.by_writers.get(i).copied().unwrap_or(NOT_COMPUTED);
        if cached != NOT_COMPUTED {
            return cached;
        }
        let one = snapshot_cost_ns(old_version, load);
        let cost = ns(one as f64 * cal::SNAPSHOTS_PER_STATEMENT);
        if let Some(entry) = self.by_writers.get_mut(i) {
            *entry = cost;
        }
        cost
    }
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
            let load = SnapshotLoad {
                n_total: self.backends.live(),
                n_running_elsewhere: self.backends.executing(),
                cores: self.scheduler.cores.len() as u32,
                sockets: self.config.params.sockets,
                stmt_cpu_ns: self.config.stmt_cpu_mean_ns,
            };
            let old_version = self.config.params.old_snapshots();
            self.snapshot_costs.statement_ns(old_version, &load)
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

    fn load(n_total: u32, n_running_elsewhere: u32, cores: u32) -> SnapshotLoad {
        SnapshotLoad {
            n_total,
            n_running_elsewhere,
            cores,
            sockets: 1,
            stmt_cpu_ns: 25_000.0,
        }
    }

    #[test]
    fn old_snapshots_grow_with_connections_new_ones_do_not() {
        assert!(
            snapshot_cost_ns(true, &load(10_000, 10, 16))
                > snapshot_cost_ns(true, &load(100, 10, 16))
        );
        assert_eq!(
            snapshot_cost_ns(false, &load(10_000, 10, 16)),
            snapshot_cost_ns(false, &load(100, 10, 16))
        );
    }

    #[test]
    fn old_snapshots_pay_for_lines_written_on_other_cores_only() {
        // Idle backends cost a fraction of a ns each.
        let idle =
            snapshot_cost_ns(true, &load(1_001, 0, 2)) - snapshot_cost_ns(true, &load(1, 0, 2));
        assert!(idle <= 400, "{idle} ns for 1,000 idle backends");
        // On 2 cores at most one other backend runs, however many are active.
        assert_eq!(
            snapshot_cost_ns(true, &load(100, 1, 2)),
            snapshot_cost_ns(true, &load(100, 99, 2))
        );
        // On 64 cores 63 can.
        assert!(
            snapshot_cost_ns(true, &load(1_000, 63, 64))
                > snapshot_cost_ns(true, &load(1_000, 63, 2)) + 5_000
        );
        assert_eq!(
            snapshot_cost_ns(false, &load(100, 63, 64)),
            snapshot_cost_ns(false, &load(1, 0, 2))
        );
    }

    #[test]
    fn entries_share_lines_and_other_sockets_cost_more() {
        // 50 writers among 50 backends dirty the ~9 lines that hold them, not 50 lines; among
        // 5,000 backends nearly one line each.
        let few = remote_lines_ns(&load(50, 49, 72));
        let many = remote_lines_ns(&load(5_000, 49, 72));
        assert!(many > 4.0 * few, "{few} vs {many}");
        let one_socket = remote_lines_ns(&load(5_000, 71, 72));
        let two = remote_lines_ns(&SnapshotLoad {
            sockets: 2,
            ..load(5_000, 71, 72)
        });
        assert!(two > 1.3 * one_socket, "{one_socket} vs {two}");
    }
}

//! Section 1, process.rs.

use crate::claim::{claims, figures, measured, Place, MIB};
use poolsim_explain::sections::process::PROCESS_CLIENTS;
use poolsim_model::Params;
use poolsim_model::{idle_memory, MemoryConfig, PoolMode};

claims! {
    place: Place::Section("process");

    says "So 40 connections mean 40 backend processes, 5 for each of the 8 cores, holding … of \
        private memory even while idle."
    fn n_connections_mean_n_backend_processes_holding_private_memory_while_idle() {
        let n = PROCESS_CLIENTS;
        let w = Params {
            clients: n,
            pool_mode: PoolMode::None,
            ..poolsim_page::state::page_default()
        };
        let backends = figures(&w).direct.occupancy.backends();
        let one = idle_memory(&MemoryConfig::default(), 1, None).private_total;
        let all = idle_memory(&MemoryConfig::default(), n, None).private_total;
        measured(
            "s1",
            format!("{backends} backends, {:.1} MiB idle", all / MIB),
        );
        assert_eq!(backends, n);
        assert!(one > 0.5 * MIB && (all - f64::from(n) * one).abs() < 1.0);
    }
}

//! The model's snapshot (entity counts now) as the architecture view's occupancy.

use super::view::{CoreUse, Occupancy};
use poolsim_model::{CoreUse as ModelCore, Snapshot};

pub fn occupancy(s: &Snapshot) -> Occupancy {
    let c = &s.clients;
    let b = &s.backends;
    Occupancy {
        clients_thinking: c.thinking,
        // Refused clients waiting to retry are drawn as (re)connecting.
        clients_connecting: c.connecting + c.backoff,
        clients_waiting: c.waiting_for_server,
        clients_in_statement: c.in_statement,
        clients_in_round_trip: c.in_round_trip,
        backends_forking: b.forking,
        backends_idle: b.idle,
        backends_running: b.running,
        backends_runnable: b.runnable,
        backends_idle_in_txn: b.idle_in_transaction,
        cores: s
            .cores
            .iter()
            .map(|c| match c {
                ModelCore::Idle => CoreUse::Idle,
                ModelCore::Backend => CoreUse::Backend,
                ModelCore::Pooler => CoreUse::Pooler,
                ModelCore::Postmaster => CoreUse::Overhead,
            })
            .collect(),
    }
}

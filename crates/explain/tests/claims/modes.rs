//! Section 8, modes.rs: 400 clients over a pool of 24, a fifth of them relying on session state.

use crate::claim::{claims, figures, measured, Place};
use poolsim_explain::sections::modes::{mode_of, workload, MODES_MODE, MODES_SESSION_PCT};
use poolsim_model::PoolMode;
use poolsim_page::sim::SideView;

fn mode(m: PoolMode) -> SideView {
    figures(&workload(m, MODES_SESSION_PCT)).pooled().clone()
}

claims! {
    place: Place::Section("modes");

    says "In session mode a client keeps its server connection until it disconnects: \
        everything works, but the pool saves nothing while clients stay connected … In \
        session mode the first 24 clients keep the connections and the rest queue behind \
        them"
    fn in_session_mode_everything_works_and_the_clients_beyond_the_pool_queue() {
        assert_eq!(mode_of(MODES_MODE), PoolMode::Session);
        let w = workload(PoolMode::Session, MODES_SESSION_PCT);
        let s = mode(PoolMode::Session);
        let waiting = s.pools.expect("pooled").cl_waiting;
        measured(
            "s8 session",
            format!(
                "{} errors/s, {waiting} waiting, {:.0} tps, wait {:.2} s",
                s.errors_per_s(),
                s.throughput_tps,
                s.pool_wait_s
            ),
        );
        assert_eq!(s.errors_per_s(), 0.0);
        assert!(waiting + 10 >= w.clients - w.pool_size);
        assert!(s.occupancy.backends() <= w.pool_size);
    }

    /// And, further on: “errors because that state did not follow them to another server
    /// connection: … per second”.
    says "In transaction mode a client borrows a server connection for one transaction and \
        returns it at COMMIT; this is where the large savings come from … transaction mode \
        shares them"
    fn transaction_mode_shares_the_pool_and_session_state_breaks() {
        let (s, t) = (mode(PoolMode::Session), mode(PoolMode::Transaction));
        measured(
            "s8 transaction",
            format!(
                "{:.0} tps (session {:.0}), pool queue {:.2}, {:.0} errors/s",
                t.throughput_tps,
                s.throughput_tps,
                t.pool_queue,
                t.errors_per_s()
            ),
        );
        assert!(t.throughput_tps > 5.0 * s.throughput_tps);
        assert!(t.pool_queue < 5.0 && s.pool_queue > 300.0);
        // The fifth of the clients that rely on session state fail, each about once per retry
        // back-off (`calibration::RETRY_BACKOFF_NS`, 1 s): tens of errors per second.
        let relying = f64::from(workload(PoolMode::Transaction, MODES_SESSION_PCT).clients)
            * f64::from(MODES_SESSION_PCT)
            / 100.0;
        assert!(t.errors_per_s() > 0.5 * relying, "{}", t.errors_per_s());
    }

    says "In statement mode the connection goes back after every statement, so multi-statement \
        transactions are refused."
    fn statement_mode_refuses_multi_statement_transactions() {
        let st = mode(PoolMode::Statement);
        measured("s8 statement", format!("{:?}", st.errors));
        assert!(workload(PoolMode::Statement, 0).stmts_per_txn > 1);
        assert!(st
            .errors
            .iter()
            .any(|(r, n)| r.contains("not allowed in statement") && *n > 0.0));
        assert!(st.throughput_tps < 1.0);
    }
}

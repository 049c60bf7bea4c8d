//! Section 5, connect.rs: one client running a trivial one-statement transaction with no pause.

use crate::claim::{claims, figures, measured, Figures, Place};
use poolsim_explain::sections::connect::{workload, CONNECT_CLIENTS};
use poolsim_model::{calibration as cal, Auth, Params};

fn keep() -> Figures {
    figures(&workload(CONNECT_CLIENTS, false))
}
fn reconnect() -> Figures {
    figures(&workload(CONNECT_CLIENTS, true))
}

claims! {
    place: Place::Section("connect");

    says "The fork() itself is quick — about 0.13 ms on our test machine … In our measurements \
        a new connection took about 4 ms over a Unix socket with no password and about 10 ms \
        over TCP with SCRAM."
    fn fork_is_quick_and_a_new_connection_takes_about_4_ms_or_10_ms_with_scram() {
        assert_eq!(cal::FORK_CPU_NS, 130_000);
        // What a new connection adds to a transaction, in the model.
        let connect_ms = |auth: Auth| {
            let per_txn = figures(&Params {
                auth,
                ..workload(CONNECT_CLIENTS, true)
            });
            (per_txn.direct.latency.mean - keep().direct.latency.mean) * 1e3
        };
        let (trust, scram) = (connect_ms(Auth::Trust), connect_ms(Auth::Scram));
        measured(
            "s5 connect",
            format!("trust {trust:.1} ms, SCRAM {scram:.1} ms"),
        );
        assert!((2.5..6.0).contains(&trust));
        assert!((6.0..14.0).contains(&scram));
    }

    says "With 1 client(s) keeping their connection open, the server completes … transactions \
        per second. Reconnecting for each one, it completes … — …× fewer — and spends … of \
        its CPU on forking and authenticating; each transaction now takes …"
    fn reconnecting_for_each_transaction_completes_several_times_fewer() {
        let (k, r) = (keep(), reconnect());
        measured(
            "s5 direct",
            format!(
                "keep {:.0} tps, reconnect {:.0} tps ({:.0}×), fork+auth {:.1} %, latency {:.2} → {:.2} ms",
                k.direct.throughput_tps, r.direct.throughput_tps, k.direct.throughput_tps / r.direct.throughput_tps,
                r.direct.cpu.fork_auth * 100.0, k.direct.latency.mean * 1e3, r.direct.latency.mean * 1e3
            ),
        );
        assert!(k.direct.throughput_tps > 5.0 * r.direct.throughput_tps);
        assert!(r.direct.cpu.fork_auth > 0.01 && k.direct.cpu.fork_auth == 0.0);
        assert!(r.direct.latency.mean > 5.0 * k.direct.latency.mean);
    }

    says "We measured a drop of about 300× for SELECT 1 on a real server over a Unix socket; \
        the simulated client also pays a network round trip per statement, which narrows the \
        gap."
    fn the_simulated_round_trip_narrows_the_300x_gap() {
        let (k, r) = (keep(), reconnect());
        let drop = k.direct.throughput_tps / r.direct.throughput_tps;
        let w = workload(CONNECT_CLIENTS, false);
        assert!(drop < 300.0 / 3.0, "drop {drop}");
        // The persistent transaction is mostly the round trip.
        assert!(k.direct.latency.mean > 0.8 * w.rtt_ms / 1e3);
        // Without it, the gap widens.
        let no_rtt = |per_txn| {
            figures(&Params {
                rtt_ms: 0.0,
                ..workload(CONNECT_CLIENTS, per_txn)
            })
            .direct
            .throughput_tps
        };
        let wider = no_rtt(false) / no_rtt(true);
        measured(
            "s5 gap",
            format!("{drop:.0}× with the round trip, {wider:.0}× without"),
        );
        assert!(wider > 2.0 * drop);
    }

    says "A pooler keeps its server connections open, so a client that reconnects no longer \
        makes Postgres fork: it still pays for its own connection to PgBouncer, and the \
        server completes … transactions per second."
    fn through_a_pooler_reconnecting_no_longer_forks_but_still_costs() {
        let (k, r) = (keep(), reconnect());
        let p = r.pooled();
        measured(
            "s5 pooled",
            format!(
                "reconnecting through PgBouncer {:.0} tps (direct {:.0}, keeping {:.0}), fork+auth {:.2} %",
                p.throughput_tps, r.direct.throughput_tps, k.direct.throughput_tps, p.cpu.fork_auth * 100.0
            ),
        );
        assert!(p.cpu.fork_auth < 0.1 * r.direct.cpu.fork_auth);
        assert!(p.throughput_tps > 1.2 * r.direct.throughput_tps);
        assert!(p.throughput_tps < 0.5 * k.direct.throughput_tps);
    }
}

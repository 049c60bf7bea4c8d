//! Random parameter sets: no panic, conservation of clients, no negative counts, CPU busy time
//! within cores × elapsed, memory equals the sum of its parts, and O(N) snapshots are never
//! cheaper with more idle connections.
use poolsim_model::{Model, Params, PARAMS};
use proptest::prelude::*;

fn arb_params() -> impl Strategy<Value = Params> {
    (
        prop::collection::vec(0.0f64..1.0, PARAMS.len()),
        prop::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(u, _)| {
            let mut p = Params::default();
            for (s, x) in PARAMS.iter().zip(u) {
                let v = match s.kind {
                    poolsim_model::ParamKind::Enum(ch) => {
                        ch[((x * ch.len() as f64) as usize).min(ch.len() - 1)].to_string()
                    }
                    _ => {
                        // Keep runs small: cap the sizes that drive event counts.
                        let (lo, hi) = match s.key {
                            "clients" => (1.0, 300.0),
                            "think_ms" => (0.0, 200.0),
                            "stmt_cpu_ms" => (0.01, 5.0),
                            "stmts_per_txn" => (1.0, 5.0),
                            "rtt_ms" => (0.0, 5.0),
                            "arrival_rate" => (1.0, 3000.0),
                            "cores" => (1.0, 16.0),
                            "pool_size" => (1.0, 64.0),
                            "max_connections" => (1.0, 400.0),
                            "max_client_conn" => (1.0, 400.0),
                            "query_wait_timeout_s" => (0.0, 0.5),
                            "reserve_pool_timeout_s" => (0.0, 0.2),
                            _ => (s.min, s.max),
                        };
                        format!("{}", lo + x * (hi - lo))
                    }
                };
                p.set(s.key, &v).unwrap();
            }
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold(p in arb_params(), seed in any::<u64>(), change in arb_params()) {
        let mut m = Model::new(p, seed);
        for step in 1..=6u64 {
            m.advance_to(step * 50_000_000);
            prop_assert!(m.check_invariants().is_ok(), "{:?}", m.check_invariants());
            let snap = m.snapshot();
            let c = snap.clients;
            prop_assert_eq!(
                c.thinking + c.connecting + c.waiting_for_server + c.in_statement + c.in_round_trip + c.backoff,
                c.total
            );
            let s = m.summary();
            let cpu = s.cpu_time;
            let busy = cpu.work + cpu.switching + cpu.snapshots + cpu.fork_auth + cpu.pooler + cpu.clients;
            prop_assert!(busy <= 1.0 + 1e-9, "busy share {}", busy);
            prop_assert!((busy + cpu.idle - 1.0).abs() < 1e-6 || s.elapsed_s == 0.0);
            let mem = s.memory_bytes;
            let parts = mem.connections_private + mem.relcache + mem.page_tables + mem.work_mem + mem.pooler;
            prop_assert!((parts - mem.private_total).abs() <= 1e-6 * parts.max(1.0));
            prop_assert!(mem.private_total >= 0.0 && mem.rss_total >= 0.0);
            prop_assert!(s.throughput_tps >= 0.0 && s.latency_s.mean >= 0.0);
            if step == 3 {
                m.set_params(change.clone());
            }
        }
    }

    #[test]
    fn more_idle_connections_never_make_old_snapshots_cheaper(
        total in 0u32..20_000, extra in 0u32..20_000, active in 0u32..2_000, cores in 1u32..256
    ) {
        use poolsim_model::{snapshot_cost_ns, SnapshotLoad};
        let cost = |old: bool, n_total: u32, n_running_elsewhere: u32, cores: u32| {
            snapshot_cost_ns(old, &SnapshotLoad {
                n_total,
                n_running_elsewhere,
                cores,
                // One socket: with two, more cores put a larger share of them on the reader's
                // socket, which does make each line a little cheaper.
                sockets: 1,
                stmt_cpu_ns: 25_000.0,
            })
        };
        prop_assert!(cost(true, total + extra, active, cores) >= cost(true, total, active, cores));
        prop_assert_eq!(cost(false, total + extra, active, cores), cost(false, total, active, cores));
        // More cores for the same active backends never make it cheaper either.
        prop_assert!(cost(true, total, active, cores + 1) >= cost(true, total, active, cores));
    }
}

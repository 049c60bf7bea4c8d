//! Overheads off, the model is a pure queueing system: it must match Erlang C (open arrivals onto
//! a pool of c servers) and the exact finite-source M/M/c//N solution (closed clients), and
//! Little's law must hold on every queue.
mod common;
use common::*;
use poolsim_model::theory::{erlang_c, finite_source};
use poolsim_model::{Connect, Dist, OnOff, Params, PoolMode, Workload};

fn ideal(c: u32, service_ms: f64) -> Params {
    Params {
        pool_mode: PoolMode::Transaction,
        pool_size: c,
        overheads: OnOff::Off,
        stmt_cpu_ms: service_ms,
        stmt_cpu_dist: Dist::Exp,
        stmts_per_txn: 1,
        rtt_ms: 0.0,
        query_wait_timeout_s: 0.0,
        connect: Connect::Persistent,
        ..Params::default()
    }
}

/// (c, ρ, measured seconds). Service 1 ms; ~100–250k arrivals per case, so the sampling error of
/// the mean wait is a few percent (larger at heavy load, where waits are strongly correlated).
#[test]
fn open_pool_matches_erlang_c() {
    for &(c, rho, dur, tol_wq) in &[
        (4u32, 0.5, 40.0, 0.08),
        (8, 0.8, 25.0, 0.06),
        (16, 0.9, 15.0, 0.10),
    ] {
        let mu = 1000.0;
        let lambda = rho * f64::from(c) * mu;
        let p = Params {
            workload: Workload::Open,
            arrival_rate: lambda,
            ..ideal(c, 1.0)
        };
        let s = run(p, 11 + u64::from(c), 2.0, dur);
        let e = erlang_c(c, lambda, mu).unwrap();
        let (pw, wq, w) = (s.pool_wait_s.p_wait, s.pool_wait_s.mean, s.latency_s.mean);
        eprintln!(
            "erlang c={c} rho={rho}: P(wait) {pw:.4} vs {:.4} | Wq {:.4} ms vs {:.4} ms ({:+.1}%) | W {:.4} vs {:.4} ms ({:+.1}%) | X {:.0} vs {lambda:.0}",
            e.p_wait,
            wq * 1e3,
            e.wq * 1e3,
            (wq / e.wq - 1.0) * 100.0,
            w * 1e3,
            e.w * 1e3,
            (w / e.w - 1.0) * 100.0,
            s.throughput_tps
        );
        assert!((pw - e.p_wait).abs() < 0.03, "P(wait) {pw} vs {}", e.p_wait);
        assert!(rel(wq, e.wq) < tol_wq, "Wq {wq} vs {}", e.wq);
        assert!(rel(w, e.w) < 0.03, "W {w} vs {}", e.w);
        assert!(rel(s.throughput_tps, lambda) < 0.02);
        check_little(&s);
    }
}

#[test]
fn closed_pool_matches_finite_source() {
    // (N clients, c servers, think ms): light, medium, heavy.
    for &(n, c, think, dur) in &[
        (20u32, 4u32, 10.0, 30.0),
        (60, 8, 12.0, 20.0),
        (200, 16, 8.0, 10.0),
    ] {
        let p = Params {
            clients: n,
            think_ms: think,
            ..ideal(c, 1.0)
        };
        let s = run(p, 7 + u64::from(n), 1.0, dur);
        let f = finite_source(n, c, think / 1e3, 1e-3).unwrap();
        let (x, r) = (s.throughput_tps, s.latency_s.mean);
        eprintln!(
            "finite N={n} c={c} Z={think}ms: X {x:.1} vs {:.1} ({:+.2}%) | R {:.4} vs {:.4} ms ({:+.2}%) | util {:.3}",
            f.throughput,
            (x / f.throughput - 1.0) * 100.0,
            r * 1e3,
            f.response_time * 1e3,
            (r / f.response_time - 1.0) * 100.0,
            f.utilisation
        );
        assert!(rel(x, f.throughput) < 0.02, "X {x} vs {}", f.throughput);
        assert!(
            rel(r, f.response_time) < 0.04,
            "R {r} vs {}",
            f.response_time
        );
        check_little(&s);
    }
}

fn check_little(s: &poolsim_model::Summary) {
    for (name, t) in [
        ("pool", s.little.pool_queue),
        ("runq", s.little.cpu_run_queue),
        ("system", s.little.system),
    ] {
        if t.l > 0.05 {
            assert!(
                rel(t.l_from_law, t.l) < 0.02,
                "Little {name}: L {} vs λW {}",
                t.l,
                t.l_from_law
            );
        }
    }
}

#[test]
fn littles_law_holds_with_overheads_on() {
    for preset in [
        "default",
        "oversubscribed",
        "long_transactions",
        "serverless_storm",
    ] {
        let p = poolsim_model::preset(preset).unwrap().params;
        let s = run(p, 3, 0.5, 2.0);
        eprintln!(
            "{preset}: pool L {:.3}/{:.3} runq L {:.3}/{:.3} system L {:.3}/{:.3}",
            s.little.pool_queue.l,
            s.little.pool_queue.l_from_law,
            s.little.cpu_run_queue.l,
            s.little.cpu_run_queue.l_from_law,
            s.little.system.l,
            s.little.system.l_from_law
        );
        for t in [s.little.pool_queue, s.little.cpu_run_queue, s.little.system] {
            if t.l > 0.5 {
                assert!(rel(t.l_from_law, t.l) < 0.05, "{preset}: {t:?}");
            }
        }
    }
}

//! Latency has a spread wherever clients queue: the 99th percentile stands clear of the median
//! (MODEL.md, "Latency spread"), as it does on every real server.
mod common;
use common::*;
use poolsim_model::{preset, Params, PoolMode};

/// The p99 over the p50 of `params`, after `warm` s, over `dur` s.
fn p99_over_p50(params: Params, warm: f64, dur: f64) -> f64 {
    let s = run(params, 1, warm, dur);
    s.latency_s.p99 / s.latency_s.p50
}

#[test]
fn p99_stands_clear_of_p50_wherever_clients_queue() {
    let fleet = preset("fleet").unwrap().params;
    let lab = preset("lab").unwrap().params;
    let cases = [
        // 10,000 clients through one PgBouncer: they queue for a server connection.
        ("fleet, pooled", fleet.clone(), 4.0),
        // The same fleet straight to the server: 10,000 backends queue for 16 cores.
        (
            "fleet, direct",
            Params {
                pool_mode: PoolMode::None,
                max_connections: 10_100,
                ..fleet
            },
            4.0,
        ),
        // 400 busy clients on 8 cores.
        (
            "oversubscribed",
            preset("oversubscribed").unwrap().params,
            1.0,
        ),
        // The lab at 1,000 clients: backends and pgbench's two threads queue for two vCPUs.
        // (Through the lab's PgBouncer at 1,000 clients the model's p99/p50 is still ≈ 1.02,
        // the measured 1.7: MODEL.md, "Latency spread", what it does not have.)
        (
            "lab, 1,000 direct",
            Params {
                clients: 1_000,
                ..lab
            },
            1.0,
        ),
    ];
    for (name, params, warm) in cases {
        let ratio = p99_over_p50(params, warm, 4.0);
        eprintln!("{name}: p99/p50 = {ratio:.3}");
        assert!(ratio > 1.05, "{name}: p99/p50 = {ratio:.3}");
    }
}

#[test]
fn a_lone_client_on_the_lab_has_the_spread_of_its_wake_ups() {
    // Nothing queues at one client: the spread is the idle vCPU's wake-up (`IDLE_WAKE_SIGMA`);
    // the lab measured p99 = 1.7 × the mean there.
    let lab = Params {
        clients: 1,
        ..preset("lab").unwrap().params
    };
    let s = run(lab, 1, 0.5, 2.0);
    let ratio = s.latency_s.p99 / s.latency_s.mean;
    eprintln!("lab, 1 client direct: p99/mean = {ratio:.3}");
    assert!((1.4..2.0).contains(&ratio), "p99/mean = {ratio:.3}");
}

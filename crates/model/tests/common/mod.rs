#![allow(dead_code)]
use poolsim_model::{Model, Params, PoolMode, Summary};

pub const S: u64 = 1_000_000_000;

/// Runs `warm` s, resets, runs `dur` s more; returns the summary.
pub fn run(p: Params, seed: u64, warm: f64, dur: f64) -> Summary {
    let mut m = Model::new(p, seed);
    let w = (warm * 1e9) as u64;
    m.advance_to(w);
    m.reset_stats();
    m.advance_to(w + (dur * 1e9) as u64);
    m.check_invariants().unwrap();
    m.summary()
}

pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// `clients` direct connections that never think, on 8 cores, with 0.1 ms statements and a 0.2 ms
/// round trip: the saturated server the qualitative tests study.
pub fn busy_direct(clients: u32) -> Params {
    Params {
        clients,
        pool_mode: PoolMode::None,
        max_connections: 2_000,
        cores: 8,
        think_ms: 0.0,
        stmt_cpu_ms: 0.1,
        stmts_per_txn: 1,
        rtt_ms: 0.2,
        ..Params::default()
    }
}

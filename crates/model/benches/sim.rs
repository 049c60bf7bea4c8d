//! Simulated events/s and transactions/s for an M/M/c case and for the fleet preset, then events/s
//! for each configuration of the slow-configuration list (`slow_list` group), so `cargo xtask
//! bench` can put each one's wall time per simulated event beside the fleet preset's from the
//! same run (budget: at most 3× the fleet's).
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use poolsim_model::{preset, Model, Params};
use std::time::Duration;

const SIM_NS: u64 = 2_000_000_000;

/// A configuration: its name, its `--set` pairs, its simulated length in ns.
type SlowCase = (&'static str, &'static [(&'static str, &'static str)], u64);

/// The slow-configuration list: name (the criterion function id, read back by `cargo xtask
/// bench`), the `--set` pairs on the default parameters, and the simulated length, chosen so each
/// iteration simulates roughly as many events as the fleet preset's 2 s (≈ 0.5 M).
const SLOW_LIST: &[SlowCase] = &[
    (
        "direct_256_cores_20000_clients",
        &[
            ("cores", "256"),
            ("clients", "20000"),
            ("think_ms", "0"),
            ("pool_mode", "none"),
        ],
        600_000_000,
    ),
    (
        "thread_pool_256_cores",
        &[
            ("arch", "thread_pool"),
            ("cores", "256"),
            ("stmt_cpu_ms", "0.001"),
        ],
        6_000_000_000,
    ),
    (
        "thread_pool_256_cores_no_think",
        &[
            ("arch", "thread_pool"),
            ("cores", "256"),
            ("stmt_cpu_ms", "0.001"),
            ("think_ms", "0"),
        ],
        1_000_000_000,
    ),
    (
        "thread_pool_256_cores_20000_clients_no_think",
        &[
            ("arch", "thread_pool"),
            ("cores", "256"),
            ("stmt_cpu_ms", "0.001"),
            ("clients", "20000"),
            ("think_ms", "0"),
        ],
        1_000_000_000,
    ),
    (
        "ideal_open_1e6_per_s",
        &[
            ("overheads", "off"),
            ("workload", "open"),
            ("arrival_rate", "1e6"),
            ("pool_size", "1000"),
        ],
        250_000_000,
    ),
];

fn measure_for(p: &Params, sim_ns: u64) -> (u64, u64) {
    let mut m = Model::new(p.clone(), 1);
    let a = m.advance_to(sim_ns);
    (a.events, m.summary().show_stats.total_xact_count)
}

fn measure(p: &Params) -> (u64, u64) {
    measure_for(p, SIM_NS)
}

fn bench(c: &mut Criterion) {
    for name in ["mmc", "fleet"] {
        let p = preset(name).unwrap().params;
        let (events, txns) = measure(&p);
        let mut g = c.benchmark_group(name);
        g.sample_size(10).measurement_time(Duration::from_secs(8));
        g.throughput(Throughput::Elements(events));
        g.bench_function("events", |b| b.iter(|| measure(&p)));
        g.throughput(Throughput::Elements(txns));
        g.bench_function("transactions", |b| b.iter(|| measure(&p)));
        g.finish();
    }
    let mut g = c.benchmark_group("slow_list");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for &(name, sets, sim_ns) in SLOW_LIST {
        let mut p = Params::default();
        for (k, v) in sets {
            p.set(k, v).expect("a valid key and value");
        }
        let (events, _) = measure_for(&p, sim_ns);
        g.throughput(Throughput::Elements(events));
        g.bench_function(name, |b| b.iter(|| measure_for(&p, sim_ns)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

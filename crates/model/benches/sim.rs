//! Simulated events/s and transactions/s for an M/M/c case and for the fleet preset.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use poolsim_model::{preset, Model, Params};
use std::time::Duration;

const SIM_NS: u64 = 2_000_000_000;

fn measure(p: &Params) -> (u64, u64) {
    let mut m = Model::new(p.clone(), 1);
    let a = m.advance_to(SIM_NS);
    (a.events, m.summary().show_stats.total_xact_count)
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
}

criterion_group!(benches, bench);
criterion_main!(benches);

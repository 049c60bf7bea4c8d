//! The masthead (`poolsim_page::outline::LEDE`, drawn by the figure's app and prerendered) and the
//! live figure's default (`poolsim_page::state::page_default`), as the live figure shows it once
//! settled.

use crate::claim::{claims, measured, settled, Place};
use poolsim_page::state::page_default;

claims! {
    place: Place::NotLookedUp;

    says "Below, the same clients run the same workload twice, with the same random seed: \
        straight to Postgres, one backend each, and through PgBouncer, which shares a small \
        pool of backends among them."
    fn direct_one_backend_each_pooled_a_small_pool_of_backends() {
        let w = page_default();
        let f = settled(&w);
        let (d, p) = (
            f.direct.occupancy.backends(),
            f.pooled().occupancy.backends(),
        );
        measured(
            "masthead",
            format!("direct {d} backends, pooled {p}, pool {}", w.pool_size),
        );
        assert_eq!(d, w.clients);
        assert!(p <= w.pool_size && p * 50 < w.clients);
    }

    /// `page_default`'s doc comment.
    says "the server is saturated and the pooled side wins on memory by ~60× and on p99 \
        latency and throughput too"
    fn the_pooled_side_wins_on_memory_p99_and_throughput() {
        let f = settled(&page_default());
        let (d, p) = (&f.direct, f.pooled());
        let memory = d.memory_private / p.memory_private;
        measured(
            "page_default",
            format!(
                "memory {memory:.0}×, p99 {:.1} vs {:.1} ms, tps {:.0} vs {:.0}, idle {:.3}",
                d.latency.p99 * 1e3,
                p.latency.p99 * 1e3,
                d.throughput_tps,
                p.throughput_tps,
                d.cpu.idle
            ),
        );
        assert!(d.cpu.idle < 0.02, "saturated");
        assert!((40.0..100.0).contains(&memory), "memory ×{memory}");
        assert!(p.latency.p99 < 0.8 * d.latency.p99);
        assert!(p.throughput_tps > 1.03 * d.throughput_tps);
    }
}

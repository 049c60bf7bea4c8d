//! Section 2, memory.rs (closed-form memory model), at its default: 2,000 idle connections that
//! touched a few MiB of shared buffers, no huge pages.

use crate::claim::{claims, measured, Place, MIB};
use poolsim_explain::sections::memory::{config, page_tables_for_16_gib, MEMORY_CLIENTS};
use poolsim_model::calibration::FOLKLORE_BYTES_PER_CONNECTION;
use poolsim_model::{idle_memory, MemoryConfig, Params};

/// The folk rule's lower end ("5–10 MB per connection").
const FOLK_LOW: f64 = 5e6;

claims! {
    place: Place::Section("memory");

    says "…with 2,000 idle connections you get …, about … per backend. That is where the folk \
        rule of “5–10 MB per connection” comes from"
    fn top_shows_at_least_the_folk_rule_per_backend() {
        let one = idle_memory(&config("idle", false), 1, None);
        measured("s2 rss each", format!("{:.1} MiB", one.rss_total / MIB));
        assert!(one.rss_total >= FOLK_LOW);
        assert!(one.rss_total <= 2.0 * FOLKLORE_BYTES_PER_CONNECTION);
    }

    says "But RSS counts pages that are shared … the 2,000 connections really hold …: …× less \
        than top suggests."
    fn private_memory_is_several_times_less_than_top_suggests() {
        let m = idle_memory(&config("idle", false), MEMORY_CLIENTS, None);
        let over = m.rss_total / m.private_total;
        measured("s2 overstatement", format!("{over:.1}×"));
        assert!(over > 3.0);
    }

    says "A brand-new backend is only …, in line with Andres Freund’s measurement of under 2 \
        MiB."
    fn a_brand_new_backend_is_under_2_mib() {
        let fresh = idle_memory(
            &MemoryConfig {
                relations_touched: 0.0,
                ..MemoryConfig::default()
            },
            1,
            None,
        );
        measured("s2 fresh", format!("{:.2} MiB", fresh.private_total / MIB));
        assert!(fresh.private_total < 2.0 * MIB);
    }

    says "Catalog caches: each table or index a session touches leaves cached metadata behind \
        that is never freed while the session lives; after 2,000 relations one backend holds \
        … of it."
    fn catalog_caches_grow_with_the_relations_a_session_touches() {
        let cache = |relations: f64| {
            idle_memory(
                &MemoryConfig {
                    relations_touched: relations,
                    ..MemoryConfig::default()
                },
                1,
                None,
            )
            .relcache
        };
        measured(
            "s2 relcache 2000",
            format!("{:.1} MiB", cache(2_000.0) / MIB),
        );
        assert!(cache(0.0) < cache(50.0) && cache(50.0) < cache(2_000.0));
        assert!(cache(2_000.0) > 20.0 * MIB);
    }

    /// Generous margins: the page-table model is being reworked.
    says "…a backend that has touched all of a 16 GiB shared_buffers with ordinary 4 KiB pages \
        needs … of page tables just to map it — per backend. With 2 MiB huge pages that \
        mapping all but disappears and the backend’s page tables stay at …"
    fn huge_pages_make_the_mapping_of_shared_buffers_all_but_disappear() {
        let (small, huge) = page_tables_for_16_gib();
        measured(
            "s2 page tables 16 GiB",
            format!("{:.1} MiB, huge pages {:.2} MiB", small / MIB, huge / MIB),
        );
        assert!(small > 8.0 * MIB);
        assert!(huge < small / 20.0);
    }

    says "work_mem (4.00 MiB by default) is a budget per sort or hash node … a hundred \
        backends each running a query with two sorts may hold … at once."
    fn work_mem_is_4_mb_by_default() {
        let cfg = config("idle", false);
        assert_eq!(cfg.work_mem_bytes, 4.0 * MIB);
        assert_eq!(Params::default().work_mem_mb, 4.0);
    }

    says "Idle connections are cheaper than their reputation … Memory does become serious with \
        many busy, long-lived backends on a large shared_buffers without huge pages."
    fn idle_connections_are_cheap_but_backends_mapping_large_shared_buffers_are_not() {
        let each = |key: &str, huge: bool| idle_memory(&config(key, huge), 1, None).private_total;
        measured(
            "s2 per backend",
            format!(
                "idle {:.2} MiB, 16 GiB touched {:.1} MiB, with huge pages {:.2} MiB",
                each("idle", false) / MIB,
                each("16g", false) / MIB,
                each("16g", true) / MIB
            ),
        );
        assert!(each("idle", false) < FOLK_LOW);
        assert!(each("16g", false) > 5.0 * each("idle", false));
        assert!(each("16g", true) < 2.0 * each("idle", false));
    }
}

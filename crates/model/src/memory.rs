//! Memory held by server connections and by the pooler, in two views.
//!
//! * **private**: memory that exists only because the connection exists (private dirty pages,
//!   page tables, caches, `work_mem` in use). This is what adding a connection really costs.
//! * **top / RSS**: the sum of the RSS column that `ps`/`top` show. It also counts, in every backend,
//!   the shared binary pages and every `shared_buffers` page the backend has touched, so it
//!   overstates the cost many times over: the figure behind the "5–10 MB per connection" folklore.
//!
//! Shared memory (`shared_buffers`) is allocated once by the postmaster and reported apart.
//! All sizes are bytes (f64, since they are sums of calibrated averages).

use crate::calibration as cal;
use serde::Serialize;

/// What one server connection costs, by architecture. Process per connection (Postgres) uses the
/// calibrated defaults; other architectures are described in `architecture`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConnectionFootprint {
    /// Private memory of an idle connection (heap, stack, session state).
    pub private_base_bytes: f64,
    /// Page tables of an idle connection (zero for a thread: it shares its process's tables).
    pub page_table_base_bytes: f64,
    /// Whether touching shared buffers grows this connection's page tables (true for a process
    /// without huge pages; false for threads, which share one set of page tables).
    pub own_page_tables: bool,
    /// Shared pages (binary, libraries, shared anon) that `top` counts in this connection's RSS.
    pub rss_shared_overhead_bytes: f64,
}

impl ConnectionFootprint {
    /// A Postgres backend process, calibrated from smaps measurements (see `calibration`).
    pub const POSTGRES_BACKEND: ConnectionFootprint = ConnectionFootprint {
        private_base_bytes: cal::BACKEND_PRIVATE_BASE_BYTES,
        page_table_base_bytes: cal::BACKEND_PAGE_TABLE_BASE_BYTES,
        own_page_tables: true,
        rss_shared_overhead_bytes: cal::BACKEND_RSS_FILE_BYTES + cal::BACKEND_RSS_SHARED_ANON_BYTES,
    };

    /// A connection thread (thread per connection): no page tables of its own, and `top` shows
    /// the server's RSS once, so no shared pages are counted per connection.
    pub const THREAD: ConnectionFootprint = ConnectionFootprint {
        private_base_bytes: cal::THREAD_CONNECTION_PRIVATE_BYTES,
        page_table_base_bytes: 0.0,
        own_page_tables: false,
        rss_shared_overhead_bytes: 0.0,
    };

    /// A connection served by a thread pool: session state only.
    pub const THREAD_POOL_CONNECTION: ConnectionFootprint = ConnectionFootprint {
        private_base_bytes: cal::THREAD_POOL_CONNECTION_PRIVATE_BYTES,
        page_table_base_bytes: 0.0,
        own_page_tables: false,
        rss_shared_overhead_bytes: 0.0,
    };
}

/// The knobs of the memory model that are not counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MemoryConfig {
    /// What one server connection costs.
    pub footprint: ConnectionFootprint,
    /// Relations (tables and their indexes) each backend has touched: grows its catalog caches.
    pub relations_touched: f64,
    /// Bytes of shared memory every backend has touched, idle ones included (shows in RSS, and in
    /// page tables).
    pub shared_touched_bytes: f64,
    /// Further bytes of `shared_buffers` a *warm* backend has touched: one that serves a
    /// long-lived connection and has run statements, so it has mapped the pages it read (see
    /// [`crate::calibration::SHARED_BUFFERS_SHARE_MAPPED_LONG_LIVED`]). Counted for
    /// [`MemoryLoad::warm_server_connections`] only.
    pub shared_touched_warm_bytes: f64,
    /// `shared_buffers`, allocated once.
    pub shared_buffers_bytes: f64,
    /// `work_mem` per sort/hash node.
    pub work_mem_bytes: f64,
    /// Average sort/hash nodes holding `work_mem` while a statement executes (L, see
    /// [`crate::calibration::WORK_MEM_NODES_PER_STATEMENT`]).
    pub work_mem_nodes_per_statement: f64,
    /// Huge pages for shared memory: shared memory is mapped in 2 MiB pages, so its page tables
    /// are 512 × smaller.
    pub huge_pages: bool,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            footprint: ConnectionFootprint::POSTGRES_BACKEND,
            relations_touched: 50.0,
            shared_touched_bytes: cal::BACKEND_SHARED_TOUCHED_IDLE_BYTES,
            shared_touched_warm_bytes: 0.0,
            shared_buffers_bytes: cal::SHARED_BUFFERS_DEFAULT_BYTES,
            work_mem_bytes: cal::WORK_MEM_DEFAULT_BYTES,
            work_mem_nodes_per_statement: cal::WORK_MEM_NODES_PER_STATEMENT,
            huge_pages: false,
        }
    }
}

impl MemoryConfig {
    /// Page tables one backend needs to map `bytes` of shared memory: 8 bytes per page, with
    /// 4 KiB pages or, with huge pages, 2 MiB pages (512 × fewer entries). None for threads,
    /// which share their process's page tables.
    pub fn shared_pte(&self, bytes: f64) -> f64 {
        if !self.footprint.own_page_tables {
            return 0.0;
        }
        let page = if self.huge_pages {
            cal::HUGE_PAGE_BYTES
        } else {
            cal::SMALL_PAGE_BYTES
        };
        bytes / page * cal::PTE_BYTES_PER_4K_PAGE
    }
}

/// Bytes of `shared_buffers` a long-lived backend that has been serving statements has mapped,
/// beyond the shared memory every backend maps: a fixed share of the buffer pool
/// ([`cal::SHARED_BUFFERS_SHARE_MAPPED_LONG_LIVED`], our assumption, L). It grows with
/// shared_buffers, and so do its page tables (8 B per 4 KiB page, or per 2 MiB huge page).
pub fn shared_buffers_mapped_when_warm(shared_buffers_bytes: f64) -> f64 {
    cal::SHARED_BUFFERS_SHARE_MAPPED_LONG_LIVED * shared_buffers_bytes.max(0.0)
}

/// How many of each thing exist at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct MemoryLoad {
    /// Server connections (backend processes or threads) that exist.
    pub server_connections: u32,
    /// Of these, the warm ones: long-lived connections that have run statements and so have
    /// mapped `MemoryConfig::shared_touched_warm_bytes` more of shared_buffers.
    pub warm_server_connections: u32,
    /// Statements executing right now, i.e. started on a core and not finished (each may hold
    /// `work_mem`). Statements waiting for a core or a worker, and idle connections, hold none.
    pub running_statements: u32,
    /// Client connections held by the pooler (0 without a pooler).
    pub pooler_clients: u32,
    /// Pooler clients with a request or response in flight (each holds an iobuf).
    pub pooler_busy_clients: u32,
    /// PgBouncer processes (`pooler_processes`; 0 without a pooler): each has its own fixed
    /// private memory and maps the shared binary and libraries again.
    pub pooler_processes: u32,
}

/// Memory in bytes, broken into parts. `private_total` and `rss_total` are sums of their parts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct MemoryBreakdown {
    /// Private base memory of all server connections.
    pub connections_private: f64,
    /// Catalog/relation caches of all server connections.
    pub relcache: f64,
    /// Page tables of all server connections (grow with shared buffers touched, without huge pages).
    pub page_tables: f64,
    /// `work_mem` held by running statements.
    pub work_mem: f64,
    /// The pooler's memory: each process's fixed private memory plus its per-client memory.
    pub pooler: f64,
    /// What connections truly cost: the sum of the five parts above.
    pub private_total: f64,
    /// Shared pages `top` counts once per connection (binary, libraries, touched shared buffers).
    pub rss_shared_counted: f64,
    /// The sum of the RSS column in `top`: private parts without page tables, plus shared pages
    /// counted again in every connection.
    pub rss_total: f64,
    /// `shared_buffers`, allocated once however many connections exist.
    pub shared_buffers: f64,
}

impl MemoryBreakdown {
    /// Computes the memory of `load` under `config`.
    pub fn compute(config: &MemoryConfig, load: &MemoryLoad) -> MemoryBreakdown {
        let fp = &config.footprint;
        let n = f64::from(load.server_connections);
        let connections_private = n * fp.private_base_bytes;
        let relcache = n * config.relations_touched * cal::RELCACHE_BYTES_PER_RELATION;
        let warm = f64::from(load.warm_server_connections.min(load.server_connections));
        let page_tables = n
            * (fp.page_table_base_bytes + config.shared_pte(config.shared_touched_bytes))
            + warm * config.shared_pte(config.shared_touched_warm_bytes);
        let work_mem = f64::from(load.running_statements)
            * config.work_mem_nodes_per_statement
            * config.work_mem_bytes;
        let pooler_procs = f64::from(load.pooler_processes);
        let pooler = pooler_procs * cal::POOLER_PROCESS_PRIVATE_BYTES
            + f64::from(load.pooler_clients) * cal::POOLER_BYTES_PER_CLIENT
            + f64::from(load.pooler_busy_clients) * cal::POOLER_IOBUF_BYTES;
        let private_total = connections_private + relcache + page_tables + work_mem + pooler;
        let rss_shared_counted = n * (fp.rss_shared_overhead_bytes + config.shared_touched_bytes)
            + warm * config.shared_touched_warm_bytes
            + pooler_procs * cal::POOLER_PROCESS_RSS_SHARED_BYTES;
        let rss_total = connections_private + relcache + work_mem + pooler + rss_shared_counted;
        MemoryBreakdown {
            connections_private,
            relcache,
            page_tables,
            work_mem,
            pooler,
            private_total,
            rss_shared_counted,
            rss_total,
            shared_buffers: config.shared_buffers_bytes,
        }
    }
}

/// Idle memory of `clients` clients connected straight to Postgres (one backend each) or through a
/// pooler holding `pool_size` server connections. The page's first figure uses this; the simulation
/// uses [`MemoryBreakdown::compute`] with its live counts.
pub fn idle_memory(config: &MemoryConfig, clients: u32, pool_size: Option<u32>) -> MemoryBreakdown {
    let load = match pool_size {
        None => MemoryLoad {
            server_connections: clients,
            ..MemoryLoad::default()
        },
        Some(pool) => MemoryLoad {
            // A pooler opens server connections on demand, never more than it has clients.
            server_connections: pool.min(clients),
            pooler_clients: clients,
            // What the connections cost: the pooler process's own fixed memory (the same for
            // 0 or 20,000 clients) is left out here, and counted by the simulation.
            pooler_processes: 0,
            ..MemoryLoad::default()
        },
    };
    MemoryBreakdown::compute(config, &load)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MemoryConfig {
        MemoryConfig::default()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn one_direct_client_costs_about_2_5_mib_private_and_15_mib_in_top() {
        let m = idle_memory(&cfg(), 1, None);
        let private_mib = m.private_total / cal::MIB;
        let rss_mib = m.rss_total / cal::MIB;
        // 1.07 MiB base + 1.19 MiB relcache (50 relations) + ~0.2 MiB page tables + PTEs for 6 MiB.
        assert!(
            (2.3..2.8).contains(&private_mib),
            "private {private_mib} MiB"
        );
        // Calibrated so an idle backend shows ~16 MiB in top, as measured (15.6 MiB).
        assert!((15.0..17.5).contains(&rss_mib), "rss {rss_mib} MiB");
        assert!(m.rss_total > 5.0 * m.private_total);
        assert_eq!(m.pooler, 0.0);
    }

    #[test]
    fn zero_clients_cost_nothing_but_shared_buffers_stay() {
        let m = idle_memory(&cfg(), 0, Some(40));
        assert_eq!(m.private_total, 0.0);
        assert_eq!(m.rss_total, 0.0);
        assert_eq!(m.shared_buffers, cal::SHARED_BUFFERS_DEFAULT_BYTES);
    }

    #[test]
    fn direct_memory_is_linear_in_clients() {
        let one = idle_memory(&cfg(), 1, None);
        let many = idle_memory(&cfg(), 10_000, None);
        assert!(close(many.private_total, 10_000.0 * one.private_total));
        assert!(close(many.rss_total, 10_000.0 * one.rss_total));
    }

    #[test]
    fn pool_larger_than_clients_opens_only_one_connection_per_client() {
        let pooled = idle_memory(&cfg(), 5, Some(1000));
        let direct = idle_memory(&cfg(), 5, None);
        // Same five server connections, plus the pooler's 5 × 2 kB.
        assert!(close(
            pooled.private_total,
            direct.private_total + 5.0 * cal::POOLER_BYTES_PER_CLIENT
        ));
    }

    #[test]
    fn pooled_memory_is_bounded_by_the_pool_plus_small_per_client_cost() {
        let small = idle_memory(&cfg(), 1_000, Some(40));
        let large = idle_memory(&cfg(), 20_000, Some(40));
        let growth = large.private_total - small.private_total;
        assert!(close(growth, 19_000.0 * cal::POOLER_BYTES_PER_CLIENT));
        let direct = idle_memory(&cfg(), 20_000, None);
        assert!(direct.private_total > 100.0 * large.private_total / 2.0);
    }

    #[test]
    fn parts_add_up() {
        let load = MemoryLoad {
            server_connections: 123,
            warm_server_connections: 50,
            running_statements: 17,
            pooler_clients: 4_000,
            pooler_busy_clients: 30,
            pooler_processes: 4,
        };
        let config = MemoryConfig {
            shared_touched_warm_bytes: 64.0 * cal::MIB,
            ..cfg()
        };
        let m = MemoryBreakdown::compute(&config, &load);
        assert!(close(
            m.private_total,
            m.connections_private + m.relcache + m.page_tables + m.work_mem + m.pooler
        ));
        assert!(close(
            m.rss_total,
            m.connections_private + m.relcache + m.work_mem + m.pooler + m.rss_shared_counted
        ));
        assert!(close(m.work_mem, 17.0 * 0.5 * cal::WORK_MEM_DEFAULT_BYTES));
        assert!(close(
            m.pooler,
            4.0 * cal::POOLER_PROCESS_PRIVATE_BYTES
                + 4_000.0 * cal::POOLER_BYTES_PER_CLIENT
                + 30.0 * cal::POOLER_IOBUF_BYTES
        ));
    }

    #[test]
    fn every_pooler_process_has_its_own_fixed_memory() {
        let one = MemoryLoad {
            pooler_clients: 10_000,
            pooler_processes: 1,
            ..MemoryLoad::default()
        };
        let four = MemoryLoad {
            pooler_processes: 4,
            ..one
        };
        let (a, b) = (
            MemoryBreakdown::compute(&cfg(), &one),
            MemoryBreakdown::compute(&cfg(), &four),
        );
        assert!(close(
            b.private_total - a.private_total,
            3.0 * cal::POOLER_PROCESS_PRIVATE_BYTES
        ));
        assert!(close(
            b.rss_total - a.rss_total,
            3.0 * (cal::POOLER_PROCESS_PRIVATE_BYTES + cal::POOLER_PROCESS_RSS_SHARED_BYTES)
        ));
    }

    #[test]
    fn huge_pages_shrink_page_tables_of_backends_that_touched_much_shared_memory() {
        let mut config = cfg();
        config.shared_touched_bytes = 16.0 * 1024.0 * cal::MIB;
        let without = idle_memory(&config, 1, None);
        config.huge_pages = true;
        let with = idle_memory(&config, 1, None);
        // 16 GiB touched with 4 KiB pages: 32 MiB of page tables per backend; with 2 MiB pages
        // 64 KiB.
        let base = cal::BACKEND_PAGE_TABLE_BASE_BYTES;
        assert!(close(without.page_tables - base, 32.0 * cal::MIB));
        assert!(close(with.page_tables - base, 64.0 * cal::KIB));
    }

    #[test]
    fn warm_backends_map_part_of_shared_buffers_idle_ones_do_not() {
        let mut config = cfg();
        config.shared_buffers_bytes = 16.0 * 1024.0 * cal::MIB;
        config.shared_touched_warm_bytes =
            shared_buffers_mapped_when_warm(config.shared_buffers_bytes);
        let load = |warm| MemoryLoad {
            server_connections: 1_000,
            warm_server_connections: warm,
            ..MemoryLoad::default()
        };
        let idle = MemoryBreakdown::compute(&config, &load(0));
        assert!(close(
            idle.page_tables,
            idle_memory(&cfg(), 1_000, None).page_tables
        ));
        let warm = MemoryBreakdown::compute(&config, &load(1_000));
        // 8 GiB mapped each: 16 MiB of page tables per backend, 16 GB for 1,000.
        let extra = warm.page_tables - idle.page_tables;
        assert!(close(extra, 1_000.0 * 16.0 * cal::MIB), "{extra}");
        assert!(close(
            warm.rss_total - idle.rss_total,
            1_000.0 * 8.0 * 1024.0 * cal::MIB
        ));
        config.huge_pages = true;
        let huge = MemoryBreakdown::compute(&config, &load(1_000));
        assert!(huge.page_tables * 50.0 < warm.page_tables);
        // More warm backends than backends cannot happen; the count is capped.
        let capped = MemoryBreakdown::compute(&config, &load(5_000));
        assert!(close(capped.page_tables, huge.page_tables));
    }
}

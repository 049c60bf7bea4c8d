//! Calibration constants, each with its source.
//!
//! Every number the model uses by default lives here, next to where it comes from, so a reader
//! can check it. `MODEL.md` explains each one in prose. "[LOCAL]" marks a measurement taken on a
//! 2-vCPU VM (Linux 6.18, PostgreSQL 15.18 / 13.23, PgBouncer 1.18); such single short runs carry
//! ±10–20 % noise.

/// Bytes in one KiB.
pub const KIB: f64 = 1024.0;
/// Bytes in one MiB.
pub const MIB: f64 = 1024.0 * 1024.0;

// ---------------------------------------------------------------------------------------------
// Memory per backend
// ---------------------------------------------------------------------------------------------

/// Private (Private_Dirty) memory of a fresh, idle backend: 1.07 MiB average over 500 idle backends.
/// Source: [LOCAL] smaps of 500 idle PG15 backends; Andres Freund, "Measuring the Memory Overhead of
/// a Postgres Connection" (2020) puts the true cost below 2 MiB.
pub const BACKEND_PRIVATE_BASE_BYTES: f64 = 1.07 * MIB;

/// Page-table memory of an idle backend (VmPTE 208 kB). Kernel memory that exists only because the
/// process exists, so it is counted as private. Source: [LOCAL] /proc/PID/status of idle backends.
pub const BACKEND_PAGE_TABLE_BASE_BYTES: f64 = 208.0 * 1000.0;

/// Private memory added per relation (table + primary-key index) a backend has touched: catalog and
/// relation caches, never freed while the session lives. Source: [LOCAL] one backend reading K tables:
/// Private_Dirty 2.2 MB → 53 MB at K = 2,000, i.e. ≈ 25 KB per relation.
pub const RELCACHE_BYTES_PER_RELATION: f64 = 25.0 * 1000.0;

/// File-backed pages (the postgres binary, shared libraries) that `ps`/`top` count in every backend's
/// RSS although they are shared. Source: [LOCAL] idle backend Rss 15.6 MiB − RssAnon 3.1 MiB −
/// RssShmem 6.0 MiB ≈ 6.5 MiB.
pub const BACKEND_RSS_FILE_BYTES: f64 = 6.5 * MIB;

/// Non-private anonymous memory in an idle backend's RSS (RssAnon 3.1 MiB minus its private part).
/// Source: [LOCAL], as above.
pub const BACKEND_RSS_SHARED_ANON_BYTES: f64 = (3.1 - 1.07) * MIB;

/// shared_buffers pages an idle backend has mapped (RssShmem 6.0 MiB). They belong to shared memory,
/// allocated once, but `top` shows them in every backend that touched them. Source: [LOCAL].
pub const BACKEND_SHARED_TOUCHED_IDLE_BYTES: f64 = 6.0 * MIB;

/// Page-table entry size on x86-64 (8 bytes per 4 KiB page): a backend that maps S bytes of
/// shared_buffers without huge pages needs S / 4096 × 8 bytes of page tables. Source: derived
/// (16 GiB touched → 32 MiB of page tables per backend; with 2 MiB huge pages, 64 KiB).
pub const PTE_BYTES_PER_4K_PAGE: f64 = 8.0;

/// Default `work_mem`: budget per sort or hash node, per backend. Source: PostgreSQL docs (4 MB).
pub const WORK_MEM_DEFAULT_BYTES: f64 = 4.0 * MIB;

/// Default `shared_buffers` (128 MB), allocated once by the postmaster. Source: PostgreSQL docs.
pub const SHARED_BUFFERS_DEFAULT_BYTES: f64 = 128.0 * MIB;

/// The folk figure people quote per connection ("5–10 MB"), used only to label the comparison.
/// Source: e.g. the concept note; many blog posts (low confidence).
pub const FOLKLORE_BYTES_PER_CONNECTION: f64 = 10.0 * MIB;

// ---------------------------------------------------------------------------------------------
// PgBouncer memory
// ---------------------------------------------------------------------------------------------

/// PgBouncer memory per client connection. Source: PgBouncer features page, "2 kB per connection
/// by default" ([LOCAL] 1.4 KB per idle client).
pub const POOLER_BYTES_PER_CLIENT: f64 = 2.0 * 1000.0;

/// Extra PgBouncer memory while a client's packets are in flight: one pkt_buf-sized iobuf.
/// Source: [LOCAL] `SHOW MEM` iobuf 4,112 B per busy connection.
pub const POOLER_IOBUF_BYTES: f64 = 4112.0;

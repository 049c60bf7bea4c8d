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
// The default scenario
// ---------------------------------------------------------------------------------------------
//
// The defaults of the parameters (`params::PARAMS`) that are not a measured cost or a documented
// server default below. Together they tell the page's story: a few thousand application
// connections through PgBouncer in transaction mode onto a small pool on an 8-core server.
// Source for each: the scenario's design (no measurement), unless it says otherwise.

/// Default of `clients`: a fleet's worth of application connections (tens of app instances with
/// a pool of tens of connections each).
pub const DEFAULT_CLIENTS: u32 = 2000;

/// Default of `idle_connections`: no connections opened only to sit idle.
pub const DEFAULT_IDLE_CONNECTIONS: u32 = 0;

/// Default of `pool_size`: 3 × the default cores, a PgBouncer pool sized a little above the
/// cores so a statement waiting on the network does not leave a core idle.
pub const DEFAULT_POOL_SIZE: u32 = 24;

/// Default of `cores`: a small dedicated database server.
pub const DEFAULT_CORES: u32 = 8;

/// Default of `max_client_conn`: high enough that PgBouncer accepts every default client
/// (PgBouncer's own default is 100; config.md, H).
pub const DEFAULT_MAX_CLIENT_CONN: u32 = 10_000;

/// PgBouncer `reserve_pool_size` default: no reserve pool. Source: PgBouncer config.md (H).
pub const PGB_RESERVE_POOL_SIZE_DEFAULT: u32 = 0;

/// Default of `pooler_processes`: one PgBouncer process, as PgBouncer runs without
/// `so_reuseport` (its default; config.md, H).
pub const DEFAULT_POOLER_PROCESSES: u32 = 1;

/// Default of `think_ms`: an application that sends a transaction every half second per
/// connection.
pub const DEFAULT_THINK_MS: f64 = 500.0;

/// Default of `stmt_cpu_ms`: a short OLTP statement (an indexed lookup or small update).
pub const DEFAULT_STMT_CPU_MS: f64 = 0.2;

/// Default of `stmt_cpu_sigma`: the lognormal's shape σ when `stmt_cpu_dist = lognormal`.
pub const DEFAULT_STMT_CPU_SIGMA: f64 = 1.0;

/// Default of `stmts_per_txn`: a short transaction of three statements.
pub const DEFAULT_STMTS_PER_TXN: u32 = 3;

/// Default of `rtt_ms`: a round trip within one data centre.
pub const DEFAULT_RTT_MS: f64 = 0.3;

/// Default of `pg_version`: a current PostgreSQL major version (14 and later take snapshots
/// without scanning every backend).
pub const DEFAULT_PG_VERSION: u32 = 16;

/// Default of `arrival_rate` (open workload): transactions per second arriving.
pub const DEFAULT_ARRIVAL_RATE: f64 = 2000.0;

/// Default of `session_state_share`: no client relies on session state.
pub const DEFAULT_SESSION_STATE_SHARE: f64 = 0.0;

/// Default of `relations_touched`: the tables and indexes an OLTP application's queries touch
/// in one backend.
pub const DEFAULT_RELATIONS_TOUCHED: f64 = 50.0;

/// Default of `l3_cache_mb`: 0, which means [`L3_BYTES_PER_CORE`] × cores.
pub const DEFAULT_L3_CACHE_MB: f64 = 0.0;

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
/// (16 GiB touched → 32 MiB of page tables per backend; with 2 MiB huge pages, 64 KiB) (H);
/// consistent with [LOCAL]: after each of 100 backends read a 128 MB table, VmPTE grew by 60 kB
/// (7,680 entries ≈ 30 MiB mapped) while Rss grew by 26 MiB.
pub const PTE_BYTES_PER_4K_PAGE: f64 = 8.0;

/// Size of a small page and of an x86-64 huge page: with `huge_pages = on` the shared memory is
/// mapped in 2 MiB pages, one 8-byte entry each, 512 × fewer than with 4 KiB pages. Source: x86-64
/// paging (H); PostgreSQL uses the default huge page size, 2 MiB on x86-64 (docs, H).
pub const SMALL_PAGE_BYTES: f64 = 4.0 * KIB;
/// See [`SMALL_PAGE_BYTES`].
pub const HUGE_PAGE_BYTES: f64 = 2.0 * MIB;

/// Share of `shared_buffers` that a backend which has been serving statements for a long time has
/// mapped (on top of the [`BACKEND_SHARED_TOUCHED_IDLE_BYTES`] every backend maps). A backend maps
/// each shared buffer page the first time it reads it and keeps the mapping for its whole life, so
/// its RSS and its page tables grow towards the part of the buffer pool its queries read (Freund
/// 2020: ps shows a backend's RSS growing as it touches shared buffers, up to the whole pre-warmed
/// 16 GB buffer pool in his demo, H; [LOCAL] idle backends stay at 6 MiB of shared memory with
/// shared_buffers = 1 GB, H). Source for the share: none; our assumption (L) that a long-lived
/// backend of an OLTP application (persistent connection, or a pooler's server connection) has
/// read half of the buffer pool's pages. Applied in the simulation to such backends once they have
/// run a statement (the simulation's seconds stand for the hours a real backend lives); backends
/// that never ran a statement and per-transaction backends keep the idle 6 MiB.
pub const SHARED_BUFFERS_SHARE_MAPPED_LONG_LIVED: f64 = 0.5;

/// Default `work_mem`: budget per sort or hash node, per backend. Source: PostgreSQL docs (4 MB).
pub const WORK_MEM_DEFAULT_BYTES: f64 = 4.0 * MIB;

/// Average number of `work_mem` budgets a statement holds while it executes. Source: none; our
/// guess (L). A budget is per sort or hash node, per backend (PostgreSQL docs, H), allocated while
/// the node runs and freed when the statement ends; short OLTP statements (index lookups) hold
/// none, while reporting queries hold several at once ([LOCAL] one query held a 40.6 MB sort and
/// an 18.2 MB hash with work_mem = 64 MB). 0.5 stands for a mix. It applies only to statements
/// that are executing (started on a core, not yet finished): not to connections that are idle,
/// idle in transaction, or whose statement still waits for a core or a thread-pool worker.
/// With many direct connections this guess can dominate private memory, so read `work_mem` as an
/// order of magnitude.
pub const WORK_MEM_NODES_PER_STATEMENT: f64 = 0.5;

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

/// Private memory of one PgBouncer process before any client connects (its heap, slab caches,
/// libevent state). Source: [LOCAL] PgBouncer 1.18 started idle with `max_client_conn = 10000`,
/// `/proc/PID/smaps_rollup`: Private_Dirty 1,428 kB (Pss 2,630 kB, Rss 4,592 kB) (H for this
/// build; one process per `pooler_processes`).
pub const POOLER_PROCESS_PRIVATE_BYTES: f64 = 1428.0 * KIB;

/// Shared pages an idle PgBouncer process's RSS counts (binary, libc, libevent, OpenSSL), counted
/// again by `top` for every process. Source: the same measurement, Rss 4,592 kB − Private_Dirty
/// 1,428 kB = 3,164 kB (RssFile) (H for this build).
pub const POOLER_PROCESS_RSS_SHARED_BYTES: f64 = 3164.0 * KIB;

// ---------------------------------------------------------------------------------------------
// Postgres defaults and connection start-up
// ---------------------------------------------------------------------------------------------

/// Postgres `max_connections` default. Source: PostgreSQL docs / [LOCAL] pg_settings (H).
pub const PG_MAX_CONNECTIONS_DEFAULT: u32 = 100;

/// CPU the postmaster spends forking one backend. Source: [LOCAL] bare fork()+exit+wait 0.13 ms
/// (0.14–0.16 ms with 1–4 GiB of shared memory mapped) (H).
pub const FORK_CPU_NS: u64 = 130_000;

/// CPU a new backend spends initialising itself (catalog/relcache init, shared memory attach,
/// page faults) before it can serve queries. Source: [LOCAL] 3.6–4.1 ms per connection with
/// Unix socket + trust; minus fork and the non-CPU part below, ≈ 2.5 ms (M: the CPU/latency
/// split is our estimate; [LOCAL] 500 connections at once took ≈ 2 s on 2 vCPU, client included).
pub const BACKEND_INIT_CPU_NS: u64 = 2_500_000;

/// Non-CPU part of opening a connection (startup packet and auth messages going back and forth).
/// Source: derived from the [LOCAL] 3.6–4.1 ms total minus the CPU parts (M).
pub const CONNECT_LATENCY_NS: u64 = 1_000_000;

/// Server CPU for SCRAM-SHA-256. The server keeps StoredKey/ServerKey, so it only computes a few
/// HMACs and hashes; the 4,096 PBKDF2 iterations run on the *client*. Source: RFC 5802 (H for the
/// split); the size, 0.2 ms including the extra messages and TCP, is our estimate (L).
pub const SCRAM_SERVER_CPU_NS: u64 = 200_000;

/// Client-side part of SCRAM (the client's PBKDF2 and two extra round trips), seen by the server as
/// latency. Source: [LOCAL] TCP + SCRAM connects took 9.6–11.0 ms vs 3.6–4.1 ms for Unix + trust,
/// ≈ 6 ms more; we attribute ≈ 5 ms of it to the client side (M).
pub const SCRAM_CLIENT_LATENCY_NS: u64 = 5_000_000;

/// How long a client whose attempt failed (refused a connection, timed out in the pool, or
/// rejected by the pool mode) waits before its next attempt: the mean of an exponential delay.
/// libpq and the drivers do not retry by themselves; the application's retry layer does. Source:
/// Spring's retry support, `RetryTemplate` / `@Retryable` ("by default, a retryable operation
/// will be retried at most 3 times with a fixed backoff of 1 second", Spring Framework 7.0
/// javadoc; Spring Retry's `@Backoff` value defaults to 1000 ms) (H for the default; M for its
/// use as every application's delay). The exponential spread (instead of a fixed delay) stands
/// for the jitter applications add so that retries do not arrive in lockstep (L). A reconnect
/// after the back-off pays the connection start-up again (fork, init and authentication, or the
/// pooler's login).
pub const RETRY_BACKOFF_NS: u64 = 1_000_000_000;

/// The engine's livelock guard: events allowed at one simulated instant per entity that can have
/// an event pending (client, server connection, process, core). An entity's zero-delay steps at
/// one instant are a handful (a timer, its statement reaching the pooler and the backend, a
/// core's dispatch: ≈ 5 with zero round trip and zero overheads), so 64 per entity is a generous
/// ceiling that a correct model never reaches; a path that retries without letting time pass
/// reaches it in milliseconds of wall time. Source: design choice (a bound, not a cost).
pub const INSTANT_EVENTS_PER_ENTITY: u64 = 64;

/// The livelock guard's allowance at any instant on top of [`INSTANT_EVENTS_PER_ENTITY`]
/// (so small systems are not held to a tiny limit). Source: design choice.
pub const INSTANT_EVENTS_BASE: u64 = 65_536;

// ---------------------------------------------------------------------------------------------
// GetSnapshotData (DOMAIN §3)
// ---------------------------------------------------------------------------------------------

/// Fixed CPU cost of taking one MVCC snapshot. Source: order of magnitude of a short proc-array
/// scan under a shared lock (L); PG14+ cost is about this.
pub const SNAPSHOT_BASE_NS: f64 = 500.0;

/// ≤ PG13: extra snapshot CPU per existing backend (idle or not), from scanning the proc array:
/// entries nobody writes stay in the reader's cache, so each costs a cache hit. Source: [LOCAL]
/// PG13.23 on 2 vCPU, 1 busy `pgbench -S` client with 0 vs 1,000 idle connections, pinned:
/// 58.9k vs 58.0k TPS, inside ±2 % noise, i.e. < ≈ 0.3 ns per idle backend (17 µs per
/// transaction × 1.5 % / 1,000); DOMAIN §3 suggests 0.3–1 ns. A transaction takes
/// [`SNAPSHOTS_PER_STATEMENT`] = 2 snapshots, so the bound per snapshot is half: 0.15 ns (M).
pub const SNAPSHOT_NS_PER_BACKEND: f64 = 0.15;

/// ≤ PG13: extra snapshot CPU per active backend *running on another core* while the snapshot is
/// taken. Such a backend writes its PGXACT entry at every statement (its xmin is set when it takes
/// a snapshot and cleared when the statement ends; its xid at commit), so the reader must fetch
/// that cache line from the other core. Backends waiting for a core do not write their entry, so
/// after one fetch it is read from the local cache like an idle one: the expensive part grows with
/// the active backends only as far as there are other cores for them to run on. Source: DOMAIN §3
/// suggests 20–100 ns per active backend on another core (M, typical cross-core cache-line
/// transfer); we take 100 ns, about two such transfers (the xmin write and the clear) (L for
/// the exact value).
pub const SNAPSHOT_NS_PER_REMOTE_ACTIVE_BACKEND: f64 = 100.0;

// ---------------------------------------------------------------------------------------------
// OS scheduler and switching
// ---------------------------------------------------------------------------------------------

/// CFS `sched_latency` before scaling: the period within which every runnable task should run
/// once, 6 ms, scaled by [`sched_tunable_factor`] (24 ms on machines with ≥ 8 CPUs, 12 ms on
/// 2). Source: Linux kernel defaults (kernel/sched/fair.c, `sysctl_sched_latency`,
/// `sched_tunable_scaling = log`, `get_update_sysctl_factor`) (H).
pub const SCHED_TARGET_LATENCY_BASE_NS: u64 = 6_000_000;

/// CFS `sched_min_granularity` before scaling: the shortest slice, 0.75 ms, scaled by
/// [`sched_tunable_factor`] (3 ms on ≥ 8 CPUs, 1.5 ms on 2). EEVDF (Linux 6.6+) scales its base
/// slice (`sysctl_sched_base_slice`, 0.75 ms) the same way. Source: kernel defaults (H).
pub const SCHED_MIN_GRANULARITY_BASE_NS: u64 = 750_000;

/// The kernel's scaling of its scheduler tunables with the CPUs it runs on
/// (`sched_tunable_scaling = log`, the default): 1 + log2(min(cpus, 8)), so 1 on one CPU, 2 on
/// two, 4 from eight on. Source: kernel/sched/fair.c, `get_update_sysctl_factor` (H).
pub fn sched_tunable_factor(cpus: u32) -> u64 {
    1 + u64::from(cpus.clamp(1, 8).ilog2())
}

/// Direct cost of a process context switch (save/restore, kernel path, TLB flush).
/// Source: [LOCAL] pipe ping-pong pinned to one CPU: (4.2 − 0.96) µs / 2 ≈ 1.6 µs (H).
pub const SWITCH_DIRECT_PROCESS_NS: u64 = 1_600;

/// Direct cost of a thread switch within one process (no address-space change).
/// Source: ddumbying.vercel.app, 1.1 µs per thread switch vs 2.4 µs per process switch (M).
pub const SWITCH_DIRECT_THREAD_NS: u64 = 1_100;

/// Hot working set of one backend (or connection thread): the cache lines it needs again each
/// time it runs (stack, executor state, catalog cache entries, buffer headers). Source: none
/// measured; order of magnitude of a backend's private memory touched per query (L).
pub const HOT_WORKING_SET_BYTES: f64 = 512.0 * KIB;

/// Hot working set of PgBouncer (its event loop, client/server structs in use). Source: L.
pub const POOLER_WORKING_SET_BYTES: f64 = 256.0 * KIB;

/// Last-level cache per core (server CPUs ship 1.25–2.5 MiB of L3 per core). Source: vendor
/// specifications of current Xeon/EPYC parts (M).
pub const LLC_BYTES_PER_CORE: f64 = 2.0 * MIB;

/// Time to refill a whole hot working set from DRAM after it was evicted: 512 KiB = 8,192 lines
/// × ~80 ns / ~16 misses in flight ≈ 40 µs. Li, Ding & Shen (2007) measured indirect costs from
/// several µs to > 1 ms depending on the working set (M).
pub const CACHE_REFILL_FULL_NS: f64 = 40_000.0;

/// Shared last-level cache (L3) per core, when the `l3_cache_mb` parameter is 0 (auto): current
/// server parts ship 1.375–4 MiB of L3 per core (Xeon Scalable 1.375–1.875 MiB, EPYC 32 MiB per
/// 8-core CCX = 4 MiB; Xeon 6 "Granite Rapids" 504 MiB for 128 cores ≈ 4 MiB). Source: vendor
/// specifications (M); we take 4 MiB.
pub const L3_BYTES_PER_CORE: f64 = 4.0 * MIB;

/// Second tier of the refill after a switch: once the footprints of the runnable processes
/// (a backend's private memory, catalog caches and page tables) outgrow the shared L3, a
/// process's data and the page-table entries that map it come from DRAM each time it runs,
/// `fp × DRAM_REFILL_NS_PER_MIB × max(0, 1 − L3 / Σ fp_runnable)` per switch. On a VM every
/// TLB miss is a two-dimensional page walk (up to 24 memory references: Bhargava et al., 2008,
/// "Accelerating two-dimensional page walks for virtualized systems"), which makes this tier
/// dear there. Source: fitted to the lab (`bench/lab/results/select_only.csv`, direct route):
/// CPU per transaction is flat at 78–86 µs from 32 to 128 clients, then rises to 128 µs at 256
/// and 155–159 µs at 512–1,000, about 60 µs per transaction above the first tier; a backend's
/// footprint in the lab preset is ≈ 2.8 MiB, so ≈ 23 µs per MiB. A CPU profile (`perf record
/// -a`, no hardware counters on the VM) at 1,000 against 16 clients shows the same Postgres code
/// paths (hash lookups, parsing, B-tree descent) taking ≈ 2.7× the CPU per transaction, plus
/// first-touch page faults, which is what cache and TLB misses look like (L–M).
pub const DRAM_REFILL_NS_PER_MIB: f64 = 29_000.0;

/// Waking a process onto a core that has been idle: on bare metal the core leaves its idle
/// state (intel_idle's C1 exit latency is 2 µs on Skylake-SP, C1E 10 µs; Linux
/// `drivers/idle/intel_idle.c`), which is the default of the `idle_wake_us` parameter (M).
pub const IDLE_WAKE_DEFAULT_US: f64 = 2.0;

/// A core idle for less than this is still awake (it has not finished entering an idle
/// state), so waking a process onto it costs nothing extra: intel_idle's C1 target residency
/// on Skylake-SP, 2 µs (`drivers/idle/intel_idle.c`) (M).
pub const IDLE_WAKE_MIN_IDLE_NS: u64 = 2_000;

/// A wake-up that crosses cores costs an inter-processor interrupt (the `wake_ipi_us`
/// parameter's default, bare metal): about 1 µs to send and take a reschedule IPI on current
/// x86 servers (M).
pub const WAKE_IPI_DEFAULT_US: f64 = 1.0;

/// Share of an idle-core wake-up that is charged as CPU time on that core (the rest is delay
/// with the core idle). Source: lab, direct route at 1 client: 174 µs per transaction at 0.64
/// cores busy = 112 µs of CPU, against 37.4 µs of CPU per transaction at 2 clients, so the two
/// wake-ups per transaction cost ≈ 37 µs of CPU and ≈ 31 µs of idle delay each (M for this VM).
pub const IDLE_WAKE_CPU_SHARE: f64 = 0.55;

/// Lab preset: cost of waking a process onto an idle vCPU of the lab's VM (a halted vCPU: a VM
/// exit, an inter-processor interrupt and cold caches). Source: lab, direct at 1 client, as
/// above: (174 − 37.4) µs / 2 wake-ups ≈ 68 µs (M).
pub const LAB_IDLE_WAKE_US: f64 = 68.0;

/// Shape σ of the spread of an idle-core wake-up: each wake-up's cost (delay and CPU alike) is
/// the host's `idle_wake_us` times a lognormal factor of mean 1 and this σ. Waking a halted
/// vCPU is a VM exit, an inter-processor interrupt through the hypervisor and the host's own
/// scheduling of the vCPU thread, none of which takes the same time twice. Source: lab, direct
/// route at 1 client (`bench/lab/results/select_only.csv`), where nothing queues: p99 300 µs
/// against a mean of 174 µs, of which the two wake-ups per transaction are 2 × 68 µs
/// ([`LAB_IDLE_WAKE_US`]) and the rest (≈ 38 µs of CPU and delivery) nearly constant; the 99th
/// percentile of 38 µs + 68 µs × (L₁ + L₂), L lognormal of mean 1, is 300 µs at σ = 0.41
/// (Monte Carlo, 400,000 draws). On bare metal (`idle_wake_us` = 2 µs) the spread is the same
/// share of a cost 34× smaller. (M: one measured point; the split of the 1-client latency is
/// the model's.)
pub const IDLE_WAKE_SIGMA: f64 = 0.41;

/// Lab preset: cost of a wake-up that crosses vCPUs on the lab's VM. Source: lab, a CPU
/// profile (`perf record -a`) of select-only at 32 clients through PgBouncer against 2 clients
/// direct: the backends spend ≈ 15 µs more per transaction in the kernel's wake-up and switch
/// paths (`try_to_wake_up`'s unlock, `finish_task_switch`, interrupt exit), where the direct
/// pairs at 2 clients, each client and its backend on one vCPU, spend almost none (M).
pub const LAB_WAKE_IPI_US: f64 = 8.0;

/// Lab preset: the lab machine's L3 as `lscpu` reports it (260 MiB, shared with the host's
/// other tenants) (M for the size, L for the share this VM gets).
pub const LAB_L3_CACHE_MB: f64 = 260.0;

/// Indirect cost of a switch even when everything fits in cache (TLB refill after a process
/// switch; a thread switch keeps the TLB). Source: L, a few hundred ns of TLB misses.
pub const TLB_REFILL_PROCESS_NS: u64 = 500;

/// As above for a thread switch (address space kept). Source: L.
pub const TLB_REFILL_THREAD_NS: u64 = 100;

/// Penalty when a process resumes on another core than last time: its L1/L2 contents must come
/// from the shared L3 or the other core. Source: [LOCAL] cross-CPU wakeup hop on a VM 13–20 µs;
/// bare metal is lower, we take 5 µs (L).
pub const MIGRATION_PENALTY_NS: u64 = 5_000;

/// Relative spread of a "constant" statement's CPU time: with `stmt_cpu_dist = const` each
/// statement takes `stmt_cpu_ms × (1 + u)`, u uniform in [−J, +J] (the mean is kept; sd = J/√3
/// ≈ 2.9 %). Identical work never takes identical time on a real server: interrupts and softirqs
/// run on the interrupted task's time, timer ticks, cache and TLB state left by others, frequency
/// changes. Source: [LOCAL] a fixed CPU-bound loop of ≈ 145 µs timed 20,000 times with
/// CLOCK_THREAD_CPUTIME_ID: 5th percentile −1.5 %, 95th +25–28 % of the median (sd ≈ 10–12 %), on
/// the 2-vCPU VM shared with other work; a dedicated server is quieter, so we take ±5 % (M that
/// the spread is at least this, L for the exact value). Without it, constant statements and fixed
/// round trips let the scheduler lock into a perfectly periodic schedule (MODEL.md, Corrections).
/// Only with overheads on: `overheads = off` stays an exact queueing system.
pub const STMT_CPU_JITTER: f64 = 0.05;

/// Relative spread of one network leg (rtt/2, each way): `rtt/2 × (1 + u)`, u uniform in
/// [−J, +J] (mean kept). Delivery and the receiver's wake-up vary: [LOCAL] TCP loopback
/// round trips (64 B ping-pong, TCP_NODELAY, 20,000 of them) had quartiles ≈ −25 % and +15 %
/// around the median (63–74, 90–95, 105 µs), and the [LOCAL] cross-CPU wake-up hop ranged
/// 13–20 µs (±20 % around its middle) (M). A LAN adds its own variation. Only with overheads on;
/// a zero `rtt_ms` stays zero.
pub const NETWORK_JITTER: f64 = 0.2;

// ---------------------------------------------------------------------------------------------
// Other architectures (low confidence: DOMAIN.md has no measurements for these)
// ---------------------------------------------------------------------------------------------

/// CPU to create a connection thread (clone + stack). Source: typical pthread_create cost on
/// Linux, ~10–20 µs (L).
pub const THREAD_CREATE_CPU_NS: u64 = 20_000;

/// CPU a thread-per-connection server spends initialising a session (MySQL THD set-up).
/// Source: none measured; MySQL connects are commonly quoted well under a millisecond (L).
pub const THREAD_SESSION_INIT_CPU_NS: u64 = 200_000;

/// Private memory of one MySQL-style connection thread: touched part of the thread stack plus the
/// THD, network buffers (16 KiB net_buffer_length) and per-session caches. Source: MySQL manual,
/// "How MySQL Uses Memory" (thread_stack 1 MiB reserved, mostly untouched); our estimate ≈ 256 KiB (L).
pub const THREAD_CONNECTION_PRIVATE_BYTES: f64 = 256.0 * KIB;

/// Memory of a connection served by a thread pool (session state only, no thread).
/// Source: estimate, MySQL THD without its own stack (L).
pub const THREAD_POOL_CONNECTION_PRIVATE_BYTES: f64 = 64.0 * KIB;

// ---------------------------------------------------------------------------------------------
// PgBouncer behaviour (DOMAIN §5)
// ---------------------------------------------------------------------------------------------

/// PgBouncer CPU per simple (single-statement) transaction. Source: [LOCAL] 13–15 µs (M).
pub const PGB_CPU_PER_SIMPLE_TXN_US: f64 = 14.0;

/// Per-client state a PgBouncer process touches when it forwards a client's transaction: its
/// `PgSocket` (≈ 1 KiB with the `SBuf` and the client's variables), the packet buffer of that
/// client's socket (`pkt_buf`, default 4,096 B, PgBouncer config.md) and the kernel's side of the
/// TCP socket (`struct tcp_sock`, ≈ 2 KiB, plus the `epitem`, `file` and queued `sk_buff`
/// headers). Source: PgBouncer config.md for `pkt_buf` (H); the sizes of the structures, a
/// reading of PgBouncer's `include/bouncer.h` and Linux's `include/linux/tcp.h` (L):
/// ≈ 8 KiB in all.
pub const PGB_CLIENT_STATE_BYTES: f64 = 8.0 * KIB;

/// A cache line on x86-64 and arm64 servers, bytes. Source: Intel and Arm optimisation
/// manuals (H).
pub const CACHE_LINE_BYTES: f64 = 64.0;

/// What a PgBouncer process pays for each cache line of a client's state it has to fetch from
/// memory instead of its core's cache, ns: a DRAM access plus, on a VM, the nested (two-level)
/// page walk of a TLB miss. Source: DRAM latency on server Xeons 80–110 ns (Intel Memory
/// Latency Checker figures, widely reported), nested page walks add tens of ns (M for the
/// range); 125 ns was chosen within it so that the model follows Tembo 2024's fall of PgBouncer
/// from 50 to 2,500 clients (Fitted on `bench/published/tembo_2024_poolers.csv`).
pub const PGB_STATE_LINE_MISS_NS: f64 = 125.0;

/// Default of `pooler_cache_mb`: 0, which means the L3 of the host the pooler runs on (the
/// database server's `l3_cache_mb` with `pooler_host = db`; [`L3_BYTES_PER_CORE`] with
/// `pooler_host = own`, one core's share on a host sized for a single-threaded pooler).
pub const DEFAULT_POOLER_CACHE_MB: f64 = 0.0;

/// Default of `client_threads`: [`CLIENT_THREADS`], the lab's `pgbench -j 2`.
pub const DEFAULT_CLIENT_THREADS: u32 = CLIENT_THREADS;

/// PgBouncer CPU to accept a client login (startup packet, parameter status), without SCRAM.
/// Source: none measured; a few message round trips through its event loop (L).
pub const PGB_LOGIN_CPU_NS: u64 = 30_000;

/// PgBouncer `reserve_pool_timeout` default. Source: PgBouncer config.md (H).
pub const PGB_RESERVE_POOL_TIMEOUT_S: f64 = 5.0;

/// PgBouncer `query_wait_timeout` default. Source: PgBouncer config.md (H).
pub const PGB_QUERY_WAIT_TIMEOUT_S: f64 = 120.0;

/// PgBouncer `server_login_retry`: wait before trying to open a server connection again after a
/// failed login. Source: PgBouncer config.md, default 15 s (H).
pub const PGB_SERVER_LOGIN_RETRY_NS: u64 = 15_000_000_000;

/// Open-workload safety valve: at most this many arrivals in flight; further arrivals are dropped
/// and counted (keeps model memory bounded when the system is overloaded). Source: design choice.
pub const OPEN_MAX_IN_FLIGHT: u32 = 20_000;

// ---------------------------------------------------------------------------------------------
// Clients on the server's cores (`clients_on_server`) and the lab preset
// ---------------------------------------------------------------------------------------------
//
// Source for this section: `bench/lab/results/select_only.csv` (pgbench -S, PostgreSQL 15.18 +
// PgBouncer 1.18 on the 2-vCPU lab machine, pgbench on the same box over TCP loopback, medians of
// 3 × 6 s; `bench/lab/results/MACHINE.md`). "CPU per transaction" = a process's CPU seconds per
// second of the measurement window (`*_cpu_s_per_s_median`) divided by `tps_median` of the same
// point.

/// Client CPU per one-statement transaction, split half before the request is sent and half
/// after the reply arrives. Source: lab, direct route at 2 clients: pgbench 0.4565 CPU s/s at
/// 52,937 TPS = 8.6 µs (the same point as [`LAB_STMT_CPU_MS`]). The lab's pgbench spends more per
/// transaction with more connections (11 µs at 8–128 clients, 18 µs at 512–1,000 direct,
/// 15–22 µs through PgBouncer: its two threads poll every socket; see
/// [`CLIENT_CPU_PER_CONNECTION_NS`]) (M).
pub const CLIENT_CPU_PER_STMT_NS: u64 = 8_600;

/// Threads of the client program (`clients_on_server`): the lab runs pgbench with `-j 2`
/// (`-j` = min(clients, 2), MACHINE.md); each thread does the client-side work of its share of
/// the connections one job at a time. Source: lab settings (H).
pub const CLIENT_THREADS: u32 = 2;

/// Client CPU per transaction for each connection its thread holds: each pgbench thread waits
/// on all its own sockets at once (`ppoll`/`select` over the thread's connections, pgbench.c
/// `threadRun`), so each wait costs more with more connections per thread. Source: lab, pgbench
/// CPU per transaction rises from 8.6 µs at 2 clients to 18.3 µs (direct) and 21.7 µs
/// (PgBouncer) at 1,000 with 2 threads, ≈ 10 ns per connection of the program = 20 ns per
/// connection of the thread (M).
pub const CLIENT_CPU_PER_THREAD_CONNECTION_NS: f64 = 20.0;

/// Hot working set of a client process (pgbench's per-connection state, libpq buffers).
/// Source: none measured; small next to a backend's (L).
pub const CLIENT_WORKING_SET_BYTES: f64 = 64.0 * KIB;

/// Lab preset: server CPU per select-only transaction (one `SELECT abalance ... WHERE aid = ?`).
/// Source: lab, direct route at 2 clients (clients = cores, the least queueing and switching
/// among the points): postgres 1.526 CPU s/s at 52,937 TPS = 28.8 µs. It includes the kernel's
/// TCP loopback and wake-up work done in the backends' time, so the model's own switch costs
/// (≈ 2 µs per switch) are counted a second time (M).
pub const LAB_STMT_CPU_MS: f64 = 0.0288;

/// Lab preset: PgBouncer CPU per one-statement transaction. Source: lab, pgbouncer route at
/// 4–1,000 clients: 17.5–23.1 µs per transaction, median of the 9 points ≈ 20 µs (1–2 clients,
/// 31–50 µs, pay a wake-up per message and are left out) (M).
pub const LAB_POOLER_CPU_US: f64 = 20.0;

/// Lab preset: network round trip over TCP loopback, beyond the CPU already counted in the
/// processes. Source: lab, direct at 2 clients: mean latency 38 µs ≈ client + server CPU per
/// transaction (8.6 + 28.8 µs), so loopback adds no delay of its own; 1 µs stands for the
/// delivery (the wake-up hops are modelled apart: `LAB_IDLE_WAKE_US`, `LAB_WAKE_IPI_US`) (M).
pub const LAB_RTT_MS: f64 = 0.001;

/// Lab preset: cores, PgBouncer pool and `max_connections` as configured in the lab
/// (`MACHINE.md`: 2 vCPUs, `default_pool_size = 4`, `pool_mode = transaction`,
/// `max_connections = 1100`).
pub const LAB_CORES: u32 = 2;
/// See [`LAB_CORES`].
pub const LAB_POOL_SIZE: u32 = 4;
/// See [`LAB_CORES`].
pub const LAB_MAX_CONNECTIONS: u32 = 1100;

// ---------------------------------------------------------------------------------------------
// The Freund 2020 preset (`freund72`): a 72-vCPU server, held out
// ---------------------------------------------------------------------------------------------
//
// Source for this section: Andres Freund, pgsql-hackers, 2020-03-01, "Improving connection
// scalability: GetSnapshotData()", and his 2020-10 Azure blog posts naming the VM
// (`bench/published/README.md`). Settings of the machine and the benchmark only: nothing here is
// fitted to its throughput.

/// `freund72` preset: vCPUs of the Azure F72s_v2 (2 × Xeon Platinum 8168) (H).
pub const FREUND_CORES: u32 = 72;

/// `freund72` preset: the two sockets of the F72s_v2's Xeon Platinum 8168s (H).
pub const FREUND_SOCKETS: u32 = 2;

/// `freund72` preset: L3 of the two sockets, 2 × 33 MB (Intel's specification of the Xeon
/// Platinum 8168; the VM's share of each socket is unknown) (M).
pub const FREUND_L3_CACHE_MB: f64 = 66.0;

/// `freund72` preset: server CPU per `pgbench -M prepared -S` transaction. Source: the lab's
/// 28.8 µs per select-only transaction ([`LAB_STMT_CPU_MS`], simple protocol over TCP loopback)
/// less the parse and plan work the prepared protocol skips (L for the exact value; the checks on
/// this dataset are ratios and shapes, not the level).
pub const FREUND_STMT_CPU_MS: f64 = 0.025;

/// `freund72` preset: round trip between pgbench and Postgres on the same VM (Unix socket or
/// loopback): the delivery only, as [`LAB_RTT_MS`] (M).
pub const FREUND_RTT_MS: f64 = 0.01;

/// `freund72` preset: `max_connections`, above the benchmark's 5,000 clients (the post does not
/// give it; it must have been at least 5,000) (H that it was ≥ 5,000).
pub const FREUND_MAX_CONNECTIONS: u32 = 6_000;

// ---------------------------------------------------------------------------------------------
// Switching: what a transaction touches, the sockets' L3, and the host
// ---------------------------------------------------------------------------------------------

/// Default of `sockets`: one CPU socket (the page's servers of 8–16 cores).
pub const DEFAULT_SOCKETS: u32 = 1;

/// Default of `switch_refill_factor`: the lab's VM ([`LAB_SWITCH_REFILL_FACTOR`]), the only host
/// whose switching costs this project has measured, so the page's default server switches as
/// that VM does (and as the model did before the factor existed). 1 is bare metal, or a VM whose
/// guest memory the host maps with large pages (the `freund72` preset); whether the page's
/// story holds there is open (MODEL.md, "The host's refill factor") (L).
pub const DEFAULT_SWITCH_REFILL_FACTOR: f64 = LAB_SWITCH_REFILL_FACTOR;

/// `freund72` preset: `switch_refill_factor` of bare metal (an Azure F72s_v2's refill cost is not
/// known; nothing is fitted on this dataset) (L).
pub const FREUND_SWITCH_REFILL_FACTOR: f64 = 1.0;

/// The cache lines one backend touches in one short transaction and needs again in the next:
/// its stack, the executor's and the portal's memory contexts, the catalog and plan cache
/// entries of the tables it reads, the buffer headers and index pages of an indexed lookup.
/// Source: none measured; the order of magnitude of a `pgbench -S` transaction's touched private
/// memory (a few 8 KiB memory-context blocks, a few buffer pages, the relcache entries of one
/// table and its index) (L). What a switched-in backend refills, from the L3 when the hot sets
/// of the runnable processes fit there, else from DRAM (`Sim::switch_cost`).
pub const TXN_HOT_SET_BYTES: f64 = 128.0 * KIB;

/// Time to refill one KiB of a hot set from DRAM after a switch: [`CACHE_REFILL_FULL_NS`] for
/// [`HOT_WORKING_SET_BYTES`], i.e. 16 lines × ~80 ns with ~16 misses in flight (M).
pub const DRAM_REFILL_NS_PER_KIB: f64 = CACHE_REFILL_FULL_NS / (HOT_WORKING_SET_BYTES / KIB);

/// Time to refill one KiB of a hot set from the L3: the DRAM rate × L3 hit latency / DRAM
/// latency, ≈ 20 ns / 80 ns on current Xeon and EPYC parts (vendor optimisation manuals, M).
pub const L3_REFILL_NS_PER_KIB: f64 = DRAM_REFILL_NS_PER_KIB * 0.25;

/// The footprint tier of a switch's refill, per MiB of a process's whole footprint (private
/// memory, catalog caches, page tables) and per unit of `switch_refill_factor` above 1, once
/// the footprints of the runnable processes outgrow the L3. On bare metal (factor 1) a switch
/// refills only what the transaction touches (its hot set); on a VM with nested paging each
/// TLB miss walks the guest's and the host's page tables, whose lines for the whole footprint
/// are evicted with it, so this tier is `(factor − 1) × this × fp × (1 − L3 / Σ fp)`. Source:
/// the lab's fitted [`DRAM_REFILL_NS_PER_MIB`] divided by its factor − 1 (fitted on the lab, M;
/// L that it vanishes on bare metal).
pub const FOOTPRINT_REFILL_NS_PER_MIB: f64 =
    DRAM_REFILL_NS_PER_MIB / (LAB_SWITCH_REFILL_FACTOR - 1.0);

/// Lab preset: `switch_refill_factor`, how much dearer a switch's refill is on the lab's VM than
/// on bare metal. The lab is a KVM guest (a Firecracker-style microVM, kernel `-fc-`), whose
/// guest memory is mapped with 4 KiB host pages unless configured otherwise (Firecracker's
/// hugepages documentation), so each TLB miss is a two-dimensional walk of up to 24 memory
/// references instead of 4 (Bhargava et al., 2008, "Accelerating two-dimensional page walks for
/// virtualized systems"): up to 6× for the walks alone. Fitted on the lab: CPU per transaction
/// direct at 32–128 clients (78–86 µs) against 2 clients (37 µs) with the runnable hot sets
/// inside the L3, so the rise is the L3 refill of the hot set × this factor plus the wake-ups
/// (M for the fit, L for the attribution to nested paging beyond the 6×).
pub const LAB_SWITCH_REFILL_FACTOR: f64 = 16.0;

/// Private cache of one core (a vCPU) that keeps the hot sets of the last processes it ran:
/// while the hot sets of the runnable processes fit in the cores' private caches, a switch
/// refills nothing. A core's L2 is 1 MiB on Xeon Scalable (Skylake-SP and later), shared by its
/// two hyperthreads, and a cloud vCPU is one hyperthread (Azure's F72s_v2: 72 vCPUs on 36
/// cores), so 512 KiB per vCPU (vendor specifications, M).
pub const PRIVATE_CACHE_BYTES_PER_CORE: f64 = 512.0 * KIB;

// ---------------------------------------------------------------------------------------------
// GetSnapshotData before PostgreSQL 14: the proc array's cache lines
// ---------------------------------------------------------------------------------------------

/// PGXACT entries per 64-byte cache line in PostgreSQL ≤ 13: `PGXACT` is `xid`, `xmin` (4 bytes
/// each), `vacuumFlags`, `overflowed`, `nxids` (1 byte each), 12 bytes with alignment
/// (src/include/storage/proc.h, PG13), so 64 / 12 ≈ 5.3 entries share a line (H). A snapshot
/// reads every entry; it pays a transfer for each *line* written since its core last read it.
pub const PGXACT_ENTRIES_PER_LINE: f64 = 64.0 / 12.0;

/// ≤ PG13: a snapshot's read of one proc-array line written on another core of the same socket
/// since this core last read it: one transfer of a modified line between cores, ≈ 50–70 ns on
/// Xeon servers (Molka et al., 2015, below); we take 60 ns (M). (The older per-backend
/// [`SNAPSHOT_NS_PER_REMOTE_ACTIVE_BACKEND`] counted two such transfers per backend.)
pub const SNAPSHOT_NS_PER_LINE_TRANSFER: f64 = 65.0;

/// Reading a line last written on another socket costs this many times a same-socket transfer:
/// ≈ 2× on two-socket Xeons (Molka et al., 2015, "Cache Coherence Protocol and Memory Performance
/// of the Intel Haswell-EP Architecture": a modified line in another core ≈ 50–70 ns on the same
/// socket, ≈ 110–150 ns across the QPI) (M).
pub const SNAPSHOT_CROSS_SOCKET_FACTOR: f64 = 2.5;

/// Snapshots per statement: with the extended protocol `exec_bind_message` takes one to evaluate
/// the parameters and `PortalStart` another to run the query; the simple protocol one for parse
/// analysis and one to run (src/backend/tcop/postgres.c, read committed) (M).
pub const SNAPSHOTS_PER_STATEMENT: f64 = 2.0;

/// Largest utilisation of the proc array's lines by the transfers snapshots ask of them: the
/// lines are served one transfer at a time, so each transfer waits `1 / (1 − ρ)` times its own
/// time (an M/M/1 queue, Kleinrock 1975), ρ = the busy backends × snapshots per statement ×
/// transfer time / statement time; the cap keeps the wait finite where the closed loop would
/// slow the snapshots down (design choice).
pub const SNAPSHOT_LINE_UTILISATION_MAX: f64 = 0.9;

// ---------------------------------------------------------------------------------------------
// Tembo 2024 (`bench/published/tembo_2024_poolers.csv`, README there): the `tembo_pgbouncer` and
// `tembo_direct` presets
// ---------------------------------------------------------------------------------------------

/// Tembo preset: the database VM's vCPUs (GCP e2-standard-8: 8 vCPUs = 4 cores × 2
/// hyperthreads). Source: the benchmark's README (H).
pub const TEMBO_CORES: u32 = 8;

/// Tembo preset: PgBouncer's `default_pool_size` and Postgres's `max_connections`. Source: the
/// benchmark's `configs/pgbouncer.ini` and Postgres settings (H).
pub const TEMBO_POOL_SIZE: u32 = 100;
/// See [`TEMBO_POOL_SIZE`].
pub const TEMBO_MAX_CONNECTIONS: u32 = 150;

/// Tembo preset: PgBouncer's `max_client_conn`. Source: `configs/pgbouncer.ini` (H).
pub const TEMBO_MAX_CLIENT_CONN: u32 = 3_000;

/// Tembo preset: round trip between two VMs in one GCP zone, ms. Source: derived from Tembo's
/// own direct latency at 10 clients (0.319 ms mean with ≈ 0.1 ms of server work) and
/// PgBouncer's at 10 clients (0.592 ms: one more hop, ≈ 0.27 ms): ≈ 0.2 ms (M; Fitted on the
/// dataset's 10-client points).
pub const TEMBO_RTT_MS: f64 = 0.2;

/// Tembo preset: server CPU per select-only transaction on the database VM, ms, including what
/// the virtio network path costs there. Source: derived from the direct series' plateau
/// (≈ 62.7k TPS at 50–100 clients on 8 vCPUs of 4 hyperthreaded cores) (M; Fitted on the
/// dataset's direct series).
pub const TEMBO_STMT_CPU_MS: f64 = 0.1;

/// Tembo preset: PgBouncer's CPU per one-statement transaction with few clients (their state in
/// cache), µs. Source: derived from PgBouncer's peak, 44,096 TPS at 50 clients, with its one
/// process saturating one vCPU: 1 s / 44,096 = 22.7 µs (M; Fitted on the dataset's peak).
pub const TEMBO_POOLER_CPU_US: f64 = 22.7;

/// Tembo preset: cache left for PgBouncer's per-client state on its VM, MiB: one core's L2 on
/// the Intel hosts of E2 VMs (1 MiB on Skylake/Cascade Lake); the L3 is shared with other
/// tenants' VMs. Source: Intel's datasheets for the L2 (H); that the share of L3 left is small is
/// an assumption (L), and the value is the one that puts the start of PgBouncer's fall between
/// 100 and 250 clients as Tembo measured (Fitted on the dataset).
pub const TEMBO_POOLER_CACHE_MB: f64 = 1.0;

// ---------------------------------------------------------------------------------------------
// pg_doorman's CI benchmark, 2026 (`bench/published/pgdoorman_2026_pgbouncer.csv`, README there):
// the `doorman_fargate16` and `doorman_ubicloud60` presets. Held out: every value below is the
// benchmark's setting or another source's number; none was read off its latencies.
// ---------------------------------------------------------------------------------------------

/// `doorman_fargate16` preset: the host's vCPUs (AWS Fargate task of 16 vCPU, 32 GB). Source: the
/// benchmark page's environment, `documentation/en/src/benchmarks.md` at pg_doorman commit
/// `93bb92a6` (H).
pub const DOORMAN_FARGATE_CORES: u32 = 16;

/// `doorman_ubicloud60` preset: the host's vCPUs (Ubicloud `standard-60`, 60 vCPU). Source: the
/// benchmark page at pg_doorman commit `4a926663` (H).
pub const DOORMAN_UBICLOUD_CORES: u32 = 60;

/// pg_doorman presets: PgBouncer's `default_pool_size` (the 40-connection server-side pool).
/// Source: `tests/bdd/features/bench.feature` at both commits (H).
pub const DOORMAN_POOL_SIZE: u32 = 40;

/// pg_doorman presets: Postgres's `max_connections` (`-c max_connections=500`). Source:
/// `bench.feature` (H).
pub const DOORMAN_MAX_CONNECTIONS: u32 = 500;

/// pg_doorman presets: PgBouncer's `max_client_conn`. Source: `bench.feature` (H).
pub const DOORMAN_MAX_CLIENT_CONN: u32 = 11_000;

/// pg_doorman presets: pgbench threads (`-j`) for 40–10,000 clients. Source: the Fargate page
/// ("pgbench jobs: 4 (global override)") (H); for the Ubicloud run, the workflow's default for
/// those counts, as the run's own input is not printed (M).
pub const DOORMAN_CLIENT_THREADS: u32 = 4;

/// pg_doorman presets: server CPU per transaction of the benchmark's script (`select :aid`, no
/// table read), ms. Not measured by the source: the lab's measured `pgbench -S` transaction over
/// TCP loopback ([`LAB_STMT_CPU_MS`]), an upper bound for a statement that reads no table (L).
/// The presets' shapes do not hang on it: with pool 40 on 16 or 60 vCPUs, Postgres's capacity
/// (cores / this) is several times what one PgBouncer process forwards.
pub const DOORMAN_STMT_CPU_MS: f64 = LAB_STMT_CPU_MS;

/// pg_doorman presets: round trip over TCP loopback, ms: the lab's ([`LAB_RTT_MS`], measured on
/// the same kind of path, pgbench and Postgres on one host) (M).
pub const DOORMAN_RTT_MS: f64 = LAB_RTT_MS;

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
/// transaction × 1.5 % / 1,000); DOMAIN §3 suggests 0.3–1 ns. We take the measured bound (M).
pub const SNAPSHOT_NS_PER_BACKEND: f64 = 0.3;

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

/// CFS `sched_latency`: the period within which every runnable task should run once; 6 ms scaled
/// by 1 + log2(min(cpus, 8)) = 4 on machines with ≥ 8 CPUs. Source: Linux kernel defaults
/// (kernel/sched/fair.c, `sysctl_sched_latency`, `sched_tunable_scaling = log`) (H).
pub const SCHED_TARGET_LATENCY_NS: u64 = 24_000_000;

/// CFS `sched_min_granularity`: the shortest slice; 0.75 ms × 4 (≥ 8 CPUs). EEVDF (Linux 6.6+)
/// uses the same 3 ms base slice. Source: kernel defaults (H).
pub const SCHED_MIN_GRANULARITY_NS: u64 = 3_000_000;

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

/// Client CPU per transaction for each connection the client program holds: pgbench's threads
/// wait on all their sockets at once (`ppoll`/`select` over every connection, pgbench.c), so
/// each wait costs more with more connections. Source: lab, pgbench CPU per transaction rises
/// from 8.6 µs at 2 clients to 18.3 µs (direct) and 21.7 µs (PgBouncer) at 1,000, ≈ 10 ns per
/// connection (M).
pub const CLIENT_CPU_PER_CONNECTION_NS: f64 = 10.0;

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

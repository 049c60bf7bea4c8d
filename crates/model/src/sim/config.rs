//! The configuration: the parameters in force and the costs derived from them once, when they
//! are set, instead of at every event.
//!
//! Every derived figure is computed with the same floating-point operations, in the same order,
//! as it was computed where it is used, so a figure read from here has the same bits.

use crate::architecture::{self, ArchCosts};
use crate::calibration as cal;
use crate::memory::MemoryConfig;
use crate::params::{Auth, Params, PoolerHost};
use crate::rng::ns;

/// One network leg, precomputed from the parameters: `rtt/2` in ns and the half-width of its
/// jitter (`cal::NETWORK_JITTER` of it with overheads on, else 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Legs {
    /// Half the round trip, ns.
    pub half_rtt_ns: u64,
    /// Half-width of the uniform jitter around it, ns (0: no jitter).
    pub jitter_ns: u64,
}

impl Legs {
    fn of(p: &Params) -> Legs {
        let half_rtt_ns = ns(p.rtt_ms * 0.5e6);
        let jitter_ns = if p.overheads_on() {
            ns(half_rtt_ns as f64 * cal::NETWORK_JITTER).min(half_rtt_ns)
        } else {
            0
        };
        Legs {
            half_rtt_ns,
            jitter_ns,
        }
    }
}

/// What a core pays to leave its idle state before it runs a woken process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IdleExit {
    /// Delay with the core idle, ns.
    pub delay_ns: u64,
    /// CPU on the core, ns, counted with the switch.
    pub cpu_ns: u64,
}

impl IdleExit {
    /// Nothing to pay.
    pub const NONE: IdleExit = IdleExit {
        delay_ns: 0,
        cpu_ns: 0,
    };
}

/// The parameters in force and the costs derived from them.
pub(crate) struct Config {
    /// The parameters in force (clamped).
    pub params: Params,
    /// What a server connection costs to start, keep and switch to in the chosen architecture.
    pub arch: ArchCosts,
    /// The memory model's configuration.
    pub memory: MemoryConfig,
    /// Whether overhead costs are modelled (`overheads = on`).
    pub overheads: bool,
    /// One network leg (rtt/2) and its jitter (see `Sim::leg`).
    pub legs: Legs,
    /// Footprint of one connection process or thread in the shared L3 (its private memory,
    /// catalog caches and page tables; `Sim::switch_cost`), from the memory model.
    pub conn_footprint: f64,
    /// The acceptor's CPU for one new connection (fork or thread creation; in a thread pool the
    /// listener does the whole session set-up, authentication included), ns.
    pub accept_cpu_ns: u64,
    /// A new backend's CPU to initialise and authenticate, ns.
    pub init_cpu_ns: u64,
    /// Latency of the connection handshake outside the server's CPU, ns (0 with overheads off).
    pub connect_latency_ns: u64,
    /// Latency of a client's login to the pooler: one round trip plus the client's side of
    /// SCRAM with overheads on, ns.
    pub pooler_login_latency_ns: u64,
    /// A PgBouncer process's CPU for one client login, ns.
    pub pooler_login_cpu_ns: u64,
    /// A PgBouncer process's CPU to forward one message (a query or a result: half of
    /// `pooler_cpu_us`), ns.
    pub pooler_forward_cpu_ns: u64,
    /// Bytes of cache a PgBouncer process's per-client state fits in (`pooler_cache_mb`, or
    /// the L3 of its host when 0).
    pub pooler_cache_bytes: f64,
    /// Whether PgBouncer runs on a host of its own (`pooler_host = own`).
    pub pooler_own_host: bool,
    /// What a core idle for a while pays to wake up (`idle_wake_us`).
    pub idle_wake: IdleExit,
    /// The inter-processor interrupt of a wake-up queued while every core was busy, ns.
    pub wake_ipi_ns: u64,
    /// `query_wait_timeout`, ns.
    pub query_wait_timeout_ns: u64,
    /// `reserve_pool_timeout`, ns.
    pub reserve_pool_timeout_ns: u64,
    /// A switch's refill of one byte of hot set from the L3, ns (`switch_refill_factor` applied).
    pub refill_l3_ns_per_byte: f64,
    /// A switch's refill of one byte of hot set from DRAM, ns (`switch_refill_factor` applied).
    pub refill_dram_ns_per_byte: f64,
    /// A switch's refill per byte of footprint once the footprints outgrow the L3, ns
    /// (`switch_refill_factor − 1` times `cal::FOOTPRINT_REFILL_NS_PER_MIB`: none on bare metal).
    pub refill_footprint_ns_per_byte: f64,
    /// A switched-in connection's footprint refill once the footprints outgrow the L3, ns.
    pub conn_footprint_refill_ns: f64,
    /// Mean think time, ns.
    pub think_mean_ns: f64,
    /// Mean CPU demand of a statement, ns.
    pub stmt_cpu_mean_ns: f64,
    /// Mean time between open-workload arrivals, ns.
    pub arrival_mean_ns: f64,
}

impl Config {
    /// The configuration of `params` (already clamped).
    pub fn new(params: Params) -> Config {
        let p = &params;
        let arch = architecture::costs(p.arch);
        let memory = architecture::memory_config(p);
        let conn_footprint = conn_footprint(&memory);
        let overheads = p.overheads_on();
        // The server's CPU for one authentication (0 with `auth = trust`).
        let auth_cpu_ns = match p.auth {
            Auth::Trust => 0,
            Auth::Scram => cal::SCRAM_SERVER_CPU_NS,
        };
        let accept_cpu_ns = arch.accept_cpu_ns + if arch.own_task { 0 } else { auth_cpu_ns };
        let scram_client_ns = match p.auth {
            Auth::Trust => 0,
            Auth::Scram => cal::SCRAM_CLIENT_LATENCY_NS,
        };
        let connect_latency_ns = if overheads {
            cal::CONNECT_LATENCY_NS + scram_client_ns
        } else {
            0
        };
        let pooler_login_latency_ns =
            ns(p.rtt_ms * 1e6) + if overheads { scram_client_ns } else { 0 };
        let pooler_own_host = p.pooler_host == PoolerHost::Own;
        let pooler_cache_bytes = if p.pooler_cache_mb > 0.0 {
            p.pooler_cache_mb * cal::MIB
        } else if pooler_own_host {
            cal::L3_BYTES_PER_CORE
        } else if p.l3_cache_mb > 0.0 {
            p.l3_cache_mb * cal::MIB
        } else {
            f64::from(p.cores) * cal::L3_BYTES_PER_CORE
        };
        let idle_wake_ns = p.idle_wake_us * 1e3;
        let refill = p.switch_refill_factor;
        let refill_footprint_ns_per_byte =
            (refill - 1.0).max(0.0) * cal::FOOTPRINT_REFILL_NS_PER_MIB / cal::MIB;
        let idle_wake_cpu_ns = ns(idle_wake_ns * cal::IDLE_WAKE_CPU_SHARE);
        Config {
            arch,
            memory,
            overheads,
            legs: Legs::of(p),
            conn_footprint,
            accept_cpu_ns,
            init_cpu_ns: arch.init_cpu_ns + auth_cpu_ns,
            connect_latency_ns,
            pooler_login_latency_ns,
            pooler_login_cpu_ns: cal::PGB_LOGIN_CPU_NS + auth_cpu_ns,
            pooler_forward_cpu_ns: ns(p.pooler_cpu_us * 1e3 / 2.0),
            pooler_cache_bytes,
            pooler_own_host,
            idle_wake: IdleExit {
                delay_ns: ns(idle_wake_ns).saturating_sub(idle_wake_cpu_ns),
                cpu_ns: idle_wake_cpu_ns,
            },
            wake_ipi_ns: ns(p.wake_ipi_us * 1e3),
            query_wait_timeout_ns: ns(p.query_wait_timeout_s * 1e9),
            reserve_pool_timeout_ns: ns(p.reserve_pool_timeout_s * 1e9),
            refill_l3_ns_per_byte: refill * cal::L3_REFILL_NS_PER_KIB / cal::KIB,
            refill_dram_ns_per_byte: refill * cal::DRAM_REFILL_NS_PER_KIB / cal::KIB,
            refill_footprint_ns_per_byte,
            conn_footprint_refill_ns: refill_footprint_ns_per_byte * conn_footprint,
            think_mean_ns: p.think_ms * 1e6,
            stmt_cpu_mean_ns: p.stmt_cpu_ms * 1e6,
            arrival_mean_ns: 1e9 / p.arrival_rate.max(1e-9),
            params,
        }
    }

    /// The shared L3's size in bytes with `cores` cores: `l3_cache_mb` when set, else
    /// `cal::L3_BYTES_PER_CORE` per core.
    #[inline]
    pub fn l3_bytes(&self, cores: usize) -> f64 {
        if self.params.l3_cache_mb > 0.0 {
            self.params.l3_cache_mb * cal::MIB
        } else {
            cores as f64 * cal::L3_BYTES_PER_CORE
        }
    }
}

/// What one warm connection process or thread keeps in memory that is its own: private memory,
/// catalog caches and page tables (the memory model's per-connection figures).
fn conn_footprint(cfg: &MemoryConfig) -> f64 {
    let one = crate::memory::MemoryBreakdown::compute(
        cfg,
        &crate::memory::MemoryLoad {
            server_connections: 1,
            warm_server_connections: 1,
            ..Default::default()
        },
    );
    one.connections_private + one.relcache + one.page_tables
}

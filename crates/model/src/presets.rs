//! Named scenarios. Each changes only what its story needs from [`Params::default`]. Their words
//! (title, description) are not here but in `content/en/texts/presets.md`.

use crate::calibration as cal;
use crate::params::{Arch, Auth, Connect, Dist, OnOff, Params, PoolMode, PoolerHost, Workload};
use serde::Serialize;

/// A named scenario: its name and parameters (its words, a title and what it shows, are content:
/// `content/en/texts/presets.md`, read through `poolsim_content::preset_words`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Preset {
    /// Key (used by `--preset` and the URL).
    pub name: &'static str,
    /// Its parameters.
    pub params: Params,
}

crate::keyed! {
    /// Which named scenario: one variant per preset, in display order. Its key is what
    /// `--preset` and the URL's `preset=` take; [`PresetId::params`] matches every variant, so a
    /// new preset cannot lack parameters (nor, by a test of the page crate, words).
    #[derive(Hash)]
    pub enum PresetId {
        /// [`Params::default`]: a few thousand clients through PgBouncer.
        Default => "default";
        /// 10,000 application connections through PgBouncer on 16 cores.
        Fleet => "fleet";
        /// The fleet straight to Postgres.
        FleetDirect => "fleet_direct";
        /// A connection per transaction (serverless functions).
        ServerlessStorm => "serverless_storm";
        /// 10,000 idle connections beside 200 busy ones, PostgreSQL 13.
        IdleHeavyPg13 => "idle_heavy_pg13";
        /// The same on PostgreSQL 14.
        IdleHeavyPg14 => "idle_heavy_pg14";
        /// Long idle-in-transaction periods pinning pooled backends.
        LongTransactions => "long_transactions";
        /// 400 busy clients straight to Postgres on 8 cores.
        Oversubscribed => "oversubscribed";
        /// The fleet as threads (MySQL style).
        ThreadPerConnection => "thread_per_connection";
        /// Pure queueing, overheads off (M/M/c).
        Mmc => "mmc";
        /// The measurement lab: pgbench -S on 2 cores.
        Lab => "lab";
        /// Freund 2020: pgbench -S on 72 vCPUs.
        Freund72 => "freund72";
        /// Tembo 2024: PgBouncer on its own VM.
        TemboPgbouncer => "tembo_pgbouncer";
        /// Tembo 2024: direct.
        TemboDirect => "tembo_direct";
        /// pg_doorman's CI benchmark, 2026: one PgBouncer process, pool 40, on a 16-vCPU Fargate task.
        DoormanFargate16 => "doorman_fargate16";
        /// The same benchmark on a 60-vCPU Ubicloud VM.
        DoormanUbicloud60 => "doorman_ubicloud60";
    }
}

/// Names of every preset, in display order ([`PresetId::KEYS`]).
pub const PRESET_NAMES: &[&str] = PresetId::KEYS;

/// The fleet: 10,000 application connections, mostly idle, onto a 16-core server.
fn fleet() -> Params {
    Params {
        clients: 10_000,
        pool_size: 48,
        pool_mode: PoolMode::Transaction,
        cores: 16,
        max_connections: 200,
        max_client_conn: 12_000,
        // Peak hour: the 16 cores are just about saturated.
        think_ms: 750.0,
        stmt_cpu_ms: 0.4,
        stmts_per_txn: 3,
        rtt_ms: 0.3,
        ..Params::default()
    }
}

/// Idle-heavy fleet: 200 busy application workers (no think time, short statements) beside
/// 10,000 connections that application pools opened and left idle, on 32 cores.
fn idle_heavy(pg_version: u32) -> Params {
    Params {
        clients: 200,
        idle_connections: 10_000,
        pool_mode: PoolMode::None,
        max_connections: 10_300,
        // The pre-14 snapshot cost bites when many backends run on many cores (each snapshot
        // pulls the running ones' entries from other cores' caches); on a few cores idle
        // connections alone cost little (DOMAIN §3, measured).
        cores: 32,
        think_ms: 0.0,
        stmt_cpu_ms: 0.05,
        stmts_per_txn: 5,
        pg_version,
        ..Params::default()
    }
}

/// The measurement lab (`bench/lab`): `pgbench -S` on the lab's 2-core machine, pgbench on the
/// same box over TCP loopback, direct; `pool_mode = transaction` gives its PgBouncer route (pool
/// of 4). Every number is the lab's setting or is measured there (`calibration::LAB_*`).
fn lab() -> Params {
    Params {
        clients: 32,
        idle_connections: 0,
        pool_size: cal::LAB_POOL_SIZE,
        pool_mode: PoolMode::None,
        cores: cal::LAB_CORES,
        max_connections: cal::LAB_MAX_CONNECTIONS,
        max_client_conn: 2_000,
        reserve_pool_size: 0,
        think_ms: 0.0,
        stmt_cpu_ms: cal::LAB_STMT_CPU_MS,
        stmt_cpu_dist: Dist::Const,
        stmts_per_txn: 1,
        rtt_ms: cal::LAB_RTT_MS,
        connect: Connect::Persistent,
        auth: Auth::Trust,
        pg_version: 15,
        workload: Workload::Closed,
        overheads: OnOff::On,
        session_state_share: 0.0,
        pooler_cpu_us: cal::LAB_POOLER_CPU_US,
        shared_buffers_mb: 256.0,
        clients_on_server: OnOff::On,
        idle_wake_us: cal::LAB_IDLE_WAKE_US,
        l3_cache_mb: cal::LAB_L3_CACHE_MB,
        wake_ipi_us: cal::LAB_WAKE_IPI_US,
        switch_refill_factor: cal::LAB_SWITCH_REFILL_FACTOR,
        ..Params::default()
    }
}

/// Freund's 2020 GetSnapshotData benchmark (`bench/published/freund_2020_getsnapshotdata.csv`):
/// `pgbench -M prepared -S -c N -j N` straight to Postgres on an Azure F72s_v2 (72 vCPUs, two
/// sockets), PostgreSQL 14's snapshots; `pg_version = 13` gives the other series. Every number is
/// the machine's or the benchmark's setting (`calibration::FREUND_*`); pgbench's own CPU is not
/// put on the cores (it ran one thread per client, which the model's client program does not
/// mirror), so the absolute level is not the measured one: validate checks shapes.
fn freund72() -> Params {
    Params {
        clients: 100,
        idle_connections: 0,
        pool_mode: PoolMode::None,
        cores: cal::FREUND_CORES,
        max_connections: cal::FREUND_MAX_CONNECTIONS,
        max_client_conn: cal::FREUND_MAX_CONNECTIONS,
        think_ms: 0.0,
        stmt_cpu_ms: cal::FREUND_STMT_CPU_MS,
        stmt_cpu_dist: Dist::Const,
        stmts_per_txn: 1,
        rtt_ms: cal::FREUND_RTT_MS,
        connect: Connect::Persistent,
        auth: Auth::Trust,
        pg_version: 14,
        workload: Workload::Closed,
        overheads: OnOff::On,
        clients_on_server: OnOff::Off,
        l3_cache_mb: cal::FREUND_L3_CACHE_MB,
        sockets: cal::FREUND_SOCKETS,
        switch_refill_factor: cal::FREUND_SWITCH_REFILL_FACTOR,
        ..Params::default()
    }
}

/// Tembo's 2024 pooler benchmark (`bench/published/tembo_2024_poolers.csv`): `pgbench -S -j 8`
/// on its own VM, one PgBouncer process (transaction mode, pool 100) on a second VM
/// (`pooler_host = own`), Postgres 15 on a third; every VM an 8-vCPU GCP e2-standard-8. The
/// settings are the benchmark's (`calibration::TEMBO_*`); the statement CPU, the round trip,
/// PgBouncer's base CPU and its cache are derived from the dataset itself (it is a fitted
/// dataset, MODEL.md).
fn tembo_pgbouncer() -> Params {
    Params {
        clients: 500,
        idle_connections: 0,
        pool_mode: PoolMode::Transaction,
        pool_size: cal::TEMBO_POOL_SIZE,
        reserve_pool_size: 0,
        cores: cal::TEMBO_CORES,
        max_connections: cal::TEMBO_MAX_CONNECTIONS,
        max_client_conn: cal::TEMBO_MAX_CLIENT_CONN,
        think_ms: 0.0,
        stmt_cpu_ms: cal::TEMBO_STMT_CPU_MS,
        stmt_cpu_dist: Dist::Const,
        stmts_per_txn: 1,
        rtt_ms: cal::TEMBO_RTT_MS,
        connect: Connect::Persistent,
        auth: Auth::Trust,
        pg_version: 15,
        workload: Workload::Closed,
        overheads: OnOff::On,
        session_state_share: 0.0,
        clients_on_server: OnOff::Off,
        pooler_cpu_us: cal::TEMBO_POOLER_CPU_US,
        pooler_host: PoolerHost::Own,
        pooler_cache_mb: cal::TEMBO_POOLER_CACHE_MB,
        ..Params::default()
    }
}

/// pg_doorman's CI benchmark of 2026 (`bench/published/pgdoorman_2026_pgbouncer.csv`), its
/// PgBouncer series on a host of `cores` vCPUs: Postgres, one PgBouncer process (transaction
/// mode, pool 40) and `pgbench -j 4` on the same host over TCP loopback, a one-statement
/// transaction (`select :aid`) with no think time. Every number is the benchmark's setting or
/// another source's (`calibration::DOORMAN_*`); PgBouncer's CPU per transaction, the L3, the
/// wake-up costs and the switch refill factor are the model's defaults, because the source does
/// not give them for these hosts (a held-out dataset: nothing is fitted on it, MODEL.md).
fn doorman(cores: u32) -> Params {
    Params {
        clients: 500,
        idle_connections: 0,
        pool_mode: PoolMode::Transaction,
        pool_size: cal::DOORMAN_POOL_SIZE,
        reserve_pool_size: 0,
        pooler_processes: 1,
        cores,
        max_connections: cal::DOORMAN_MAX_CONNECTIONS,
        max_client_conn: cal::DOORMAN_MAX_CLIENT_CONN,
        think_ms: 0.0,
        stmt_cpu_ms: cal::DOORMAN_STMT_CPU_MS,
        stmt_cpu_dist: Dist::Const,
        stmts_per_txn: 1,
        rtt_ms: cal::DOORMAN_RTT_MS,
        connect: Connect::Persistent,
        auth: Auth::Trust,
        pg_version: 14,
        workload: Workload::Closed,
        overheads: OnOff::On,
        session_state_share: 0.0,
        clients_on_server: OnOff::On,
        client_threads: cal::DOORMAN_CLIENT_THREADS,
        pooler_host: PoolerHost::Db,
        ..Params::default()
    }
}

/// All presets, in display order.
pub fn all() -> Vec<Preset> {
    PresetId::ALL.into_iter().map(PresetId::preset).collect()
}

impl PresetId {
    /// Its parameters.
    pub fn params(self) -> Params {
        let d = Params::default();
        match self {
            PresetId::Default => d,
            PresetId::Fleet => fleet(),
            PresetId::FleetDirect => Params {
                pool_mode: PoolMode::None,
                max_connections: 10_100,
                ..fleet()
            },
            PresetId::ServerlessStorm => Params {
                clients: 400,
                pool_mode: PoolMode::None,
                connect: Connect::PerTxn,
                auth: Auth::Scram,
                max_connections: 500,
                think_ms: 100.0,
                stmts_per_txn: 2,
                stmt_cpu_ms: 0.2,
                ..d
            },
            PresetId::IdleHeavyPg13 => idle_heavy(13),
            PresetId::IdleHeavyPg14 => idle_heavy(14),
            PresetId::LongTransactions => Params {
                clients: 500,
                pool_size: 32,
                think_ms: 1_000.0,
                stmts_per_txn: 4,
                rtt_ms: 20.0,
                query_wait_timeout_s: 5.0,
                ..d
            },
            PresetId::Oversubscribed => Params {
                clients: 400,
                pool_mode: PoolMode::None,
                max_connections: 500,
                think_ms: 0.0,
                stmt_cpu_ms: 0.1,
                stmts_per_txn: 1,
                rtt_ms: 0.2,
                ..d
            },
            PresetId::ThreadPerConnection => Params {
                pool_mode: PoolMode::None,
                max_connections: 10_100,
                arch: Arch::Thread,
                ..fleet()
            },
            PresetId::Mmc => Params {
                pool_mode: PoolMode::Transaction,
                pool_size: 8,
                workload: Workload::Open,
                arrival_rate: 3_200.0,
                stmt_cpu_ms: 2.0,
                stmt_cpu_dist: Dist::Exp,
                stmts_per_txn: 1,
                rtt_ms: 0.0,
                overheads: OnOff::Off,
                query_wait_timeout_s: 0.0,
                ..d
            },
            PresetId::Lab => lab(),
            PresetId::Freund72 => freund72(),
            PresetId::TemboPgbouncer => tembo_pgbouncer(),
            PresetId::TemboDirect => Params {
                clients: 50,
                pool_mode: PoolMode::None,
                ..tembo_pgbouncer()
            },
            PresetId::DoormanFargate16 => doorman(cal::DOORMAN_FARGATE_CORES),
            PresetId::DoormanUbicloud60 => doorman(cal::DOORMAN_UBICLOUD_CORES),
        }
    }

    /// This preset with its name.
    pub fn preset(self) -> Preset {
        Preset {
            name: self.key(),
            params: self.params(),
        }
    }
}

/// The parameters of the preset called `name`.
pub fn preset_params(name: &str) -> Option<Params> {
    PresetId::from_key(name).map(PresetId::params)
}

/// The preset called `name`.
pub fn preset(name: &str) -> Option<Preset> {
    PresetId::from_key(name).map(PresetId::preset)
}

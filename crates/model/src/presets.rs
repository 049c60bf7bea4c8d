//! Named scenarios. Each changes only what its story needs from [`Params::default`].

use crate::calibration as cal;
use crate::params::{Arch, Auth, Connect, Dist, OnOff, Params, PoolMode, PoolerHost, Workload};
use serde::Serialize;

/// A named scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Preset {
    /// Key (used by `--preset` and the URL).
    pub name: &'static str,
    /// Short title.
    pub title: &'static str,
    /// What it shows.
    pub description: &'static str,
    /// Its parameters.
    pub params: Params,
}

/// Names of every preset, in display order.
pub const PRESET_NAMES: &[&str] = &[
    "default",
    "fleet",
    "fleet_direct",
    "serverless_storm",
    "idle_heavy_pg13",
    "idle_heavy_pg14",
    "long_transactions",
    "oversubscribed",
    "thread_per_connection",
    "mmc",
    "lab",
    "freund72",
    "tembo_pgbouncer",
    "tembo_direct",
];

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

/// All presets, in display order.
pub fn all() -> Vec<Preset> {
    PRESET_NAMES.iter().filter_map(|n| preset(n)).collect()
}

/// The parameters of the preset called `name`, without its words (what links and the live
/// figure need; its title and description are only linked into code that shows them).
pub fn preset_params(name: &str) -> Option<Params> {
    let d = Params::default();
    Some(match name {
        "default" => d,
        "fleet" => fleet(),
        "fleet_direct" => Params {
            pool_mode: PoolMode::None,
            max_connections: 10_100,
            ..fleet()
        },
        "serverless_storm" => Params {
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
        "idle_heavy_pg13" => idle_heavy(13),
        "idle_heavy_pg14" => idle_heavy(14),
        "long_transactions" => Params {
            clients: 500,
            pool_size: 32,
            think_ms: 1_000.0,
            stmts_per_txn: 4,
            rtt_ms: 20.0,
            query_wait_timeout_s: 5.0,
            ..d
        },
        "oversubscribed" => Params {
            clients: 400,
            pool_mode: PoolMode::None,
            max_connections: 500,
            think_ms: 0.0,
            stmt_cpu_ms: 0.1,
            stmts_per_txn: 1,
            rtt_ms: 0.2,
            ..d
        },
        "thread_per_connection" => Params {
            pool_mode: PoolMode::None,
            max_connections: 10_100,
            arch: Arch::Thread,
            ..fleet()
        },
        "mmc" => Params {
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
        "lab" => lab(),
        "freund72" => freund72(),
        "tembo_pgbouncer" => tembo_pgbouncer(),
        "tembo_direct" => Params {
            clients: 50,
            pool_mode: PoolMode::None,
            ..tembo_pgbouncer()
        },
        _ => return None,
    })
}

/// The title and description of the preset called `name`.
fn preset_text(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "default" => ("A few thousand clients through PgBouncer", "2,000 app connections in transaction mode share 24 server connections on 8 cores."),
        "fleet" => ("10,000 connections through PgBouncer", "A Kubernetes fleet's 10,000 connections multiplexed onto 48 backends on 16 cores."),
        "fleet_direct" => ("10,000 connections straight to Postgres", "The same load with one backend per connection (max_connections raised to fit)."),
        "serverless_storm" => ("Serverless: connect per transaction", "Short-lived functions open a connection for every transaction: fork + auth each time."),
        "idle_heavy_pg13" => ("Many idle connections, PostgreSQL 13", "200 busy connections and 10,000 idle ones on 32 saturated cores, direct: every snapshot scans all 10,200 backends and reads the running ones' entries from other cores."),
        "idle_heavy_pg14" => ("Many idle connections, PostgreSQL 14", "The same 10,200 connections on PG14: snapshots no longer scan the backends."),
        "long_transactions" => ("Long idle-in-transaction periods", "Transactions wait on the application between statements, pinning pooled backends."),
        "oversubscribed" => ("Too many active connections", "400 busy clients straight to Postgres on 8 cores: switches and cache misses."),
        "thread_per_connection" => ("Thread per connection (MySQL style)", "The fleet's 10,000 connections as threads: cheaper, but the same scheduling problem."),
        "mmc" => ("Pure queueing (M/M/c)", "Overheads off: Poisson arrivals, exponential service, a pool of c = 8 servers. Compare with Erlang C."),
        "lab" => ("The measurement lab: pgbench -S on 2 cores", "pgbench -S on the same 2-core box as Postgres (clients on the server), direct; set pool_mode=transaction for the lab's PgBouncer route (pool of 4). Compare with `poolsim validate`."),
        "freund72" => ("A 72-vCPU server, pgbench -S direct (Freund 2020)", "Freund's GetSnapshotData benchmark: select-only pgbench straight to Postgres on 72 vCPUs in two sockets, up to 5,000 connections; set pg_version=13 for the snapshots before PostgreSQL 14. Compare with `poolsim validate`."),
        "tembo_pgbouncer" => ("PgBouncer on its own VM (Tembo 2024)", "Tembo's pooler benchmark: pgbench -S -j 8, one PgBouncer process on a VM of its own in front of an 8-vCPU Postgres, 10 to 2,500 clients. Its cost per transaction grows with the clients it holds. Compare with `poolsim validate`."),
        "tembo_direct" => ("Direct, three VMs apart (Tembo 2024)", "Tembo's direct series: pgbench -S straight to the 8-vCPU Postgres VM, 10 to 100 clients."),
        _ => return None,
    })
}

/// The preset called `name`.
pub fn preset(name: &str) -> Option<Preset> {
    let name = PRESET_NAMES.iter().find(|n| **n == name)?;
    let (title, description) = preset_text(name)?;
    Some(Preset {
        name,
        title,
        description,
        params: preset_params(name)?,
    })
}

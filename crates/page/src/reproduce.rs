//! A "reproduce this for real" kit: the configuration files and the load-generator command line
//! that set up, on a real server, the scenario a [`Params`] simulates, with the caveats that say
//! where reality will differ from the model.
//!
//! The kit targets PostgreSQL, PgBouncer and `pgbench` on one host (`127.0.0.1`, database and user
//! `app`). Statements are made CPU-bound by counting `generate_series` rows, with the row count
//! estimated from `stmt_cpu_ms` (see [`Reproduction::caveats`] for the rate assumed). Pure text
//! generation: deterministic, no I/O.

use poolsim_content::{fill, texts::reproduce as texts};
use poolsim_model::params::{Arch, Auth, Connect, Dist, OnOff, Params, PoolMode, Workload};

/// Config files and a load-generator command line that set up, on a real server, what `params`
/// simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reproduction {
    /// `pgbouncer.ini`: a `[databases]` line and the `[pgbouncer]` settings of the pool. `None`
    /// when the scenario has no pooler (`pool_mode = none`): clients connect to Postgres directly.
    pub pgbouncer_ini: Option<String>,
    /// Lines to add to `postgresql.conf` (`max_connections`, `work_mem`, `shared_buffers`,
    /// `huge_pages`, ...), with set-up notes in `#` comments.
    pub postgresql_conf: String,
    /// A custom pgbench script (save it as `transaction.sql`): one transaction of
    /// `stmts_per_txn` CPU-bound `SELECT` statements, then the think time.
    pub pgbench_script: String,
    /// One shell command line that runs the script with pgbench for 60 s.
    pub pgbench_command: String,
    /// What the model simplifies, or what differs in reality, for these parameters.
    pub caveats: Vec<String>,
}

/// Rows per millisecond of one core that `SELECT count(*) FROM (SELECT generate_series(1, N)) s`
/// counts: 30 million rows/s. An assumption: typical cores count 20–50 M rows/s; a short run on
/// a 2-vCPU VM (PostgreSQL 15) counted ≈ 40 M/s at the margin, and the lower figure leaves room
/// for each statement's parse/plan/protocol overhead.
const ROWS_PER_CPU_MS: f64 = 30_000.0;

/// Connections added to what the pool (or the clients) need: Postgres's default
/// `superuser_reserved_connections` (3) plus 7 for psql, monitoring and maintenance.
const MAX_CONNECTIONS_MARGIN: u32 = 10;

/// Postgres's port in the kit.
const PG_PORT: u32 = 5432;
/// PgBouncer's port in the kit.
const PGB_PORT: u32 = 6432;
/// pgbench run length, seconds.
const RUN_S: u32 = 60;

/// Builds the kit that reproduces `params` (clamped first, as the model does) on a real server.
pub fn reproduce(params: &Params) -> Reproduction {
    let (p, _) = params.clone().clamped();
    let rows = rows_for(p.stmt_cpu_ms);
    Reproduction {
        pgbouncer_ini: p.pooled().then(|| pgbouncer_ini(&p)),
        postgresql_conf: postgresql_conf(&p),
        pgbench_script: pgbench_script(&p, rows),
        pgbench_command: pgbench_command(&p),
        caveats: caveats(&p, rows),
    }
}

/// `generate_series` rows that cost about `cpu_ms` of one core.
fn rows_for(cpu_ms: f64) -> u64 {
    libm::round(cpu_ms * ROWS_PER_CPU_MS).max(1.0) as u64
}

/// A number as an integer when it is one, else with at most 3 decimals (trailing zeros cut).
fn num(v: f64) -> String {
    let r = libm::round(v * 1000.0) / 1000.0;
    if r == libm::round(r) && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn port(p: &Params) -> u32 {
    if p.pooled() {
        PGB_PORT
    } else {
        PG_PORT
    }
}

/// pgbench worker threads: one per core, at most one per client.
fn threads(p: &Params, clients: u32) -> u32 {
    p.cores.min(clients).max(1)
}

/// One line describing the scenario, for the files' header comments.
fn scenario(p: &Params) -> String {
    let load = match p.workload {
        Workload::Closed => format!("{} clients (think {} ms)", p.clients, num(p.think_ms)),
        Workload::Open => format!("Poisson arrivals at {}/s", num(p.arrival_rate)),
    };
    let idle = if p.idle_connections > 0 {
        format!(" + {} idle connections", p.idle_connections)
    } else {
        String::new()
    };
    let connect = match p.connect {
        Connect::Persistent => "",
        Connect::PerTxn => ", connecting per transaction",
    };
    let path = if p.pooled() {
        format!(
            "through PgBouncer ({} mode, pool {})",
            p.pool_mode.key(),
            p.pool_size
        )
    } else {
        "straight to Postgres".to_string()
    };
    format!(
        "{load}{idle}{connect}, {} x {} ms CPU statements per transaction, {path}, \
         PostgreSQL {} on {} cores",
        p.stmts_per_txn,
        num(p.stmt_cpu_ms),
        p.pg_version,
        p.cores
    )
}

fn pgbouncer_ini(p: &Params) -> String {
    let mut s = String::new();
    let mut line = |l: &str| {
        s.push_str(l);
        s.push('\n');
    };
    line(&format!("; pgbouncer.ini for poolsim: {}", scenario(p)));
    line("; auth_file lists the user: \"app\" \"<password>\" (plain text or its SCRAM secret)");
    line("[databases]");
    line(&format!("app = host=127.0.0.1 port={PG_PORT} dbname=app"));
    line("");
    line("[pgbouncer]");
    line("; pgbench on another host? use listen_addr = * and pgbench -h <this host>");
    line("listen_addr = 127.0.0.1");
    line(&format!("listen_port = {PGB_PORT}"));
    if p.pooler_processes > 1 {
        line(&format!(
            "; {} PgBouncer processes share the port: start each with this file and its own \
             pidfile and unix_socket_dir (or unix_socket_dir empty); pool_size and \
             max_client_conn apply to each process",
            p.pooler_processes
        ));
        line("so_reuseport = 1");
    }
    match p.auth {
        Auth::Scram => {
            line("; clients log in with SCRAM, as in the model");
            line("auth_type = scram-sha-256");
        }
        Auth::Trust => {
            line("; no password check (the user must still be listed in auth_file)");
            line("auth_type = trust");
        }
    }
    line("auth_file = /etc/pgbouncer/userlist.txt");
    line(&format!("pool_mode = {}", p.pool_mode.key()));
    line("; server connections of the one database/user pair (the model's pool_size)");
    line(&format!("default_pool_size = {}", p.pool_size));
    line("; extra servers once a client has waited reserve_pool_timeout seconds");
    line(&format!("reserve_pool_size = {}", p.reserve_pool_size));
    line(&format!(
        "reserve_pool_timeout = {}",
        num(p.reserve_pool_timeout_s)
    ));
    line("; further clients are refused (the model's max_client_conn errors)");
    line(&format!("max_client_conn = {}", p.max_client_conn));
    line("; seconds a client may wait for a server before an error; 0 = forever");
    line(&format!(
        "query_wait_timeout = {}",
        num(p.query_wait_timeout_s)
    ));
    s
}

/// Postgres `max_connections` the kit sets, and the comment explaining it.
fn max_connections(p: &Params) -> (u32, String) {
    let (need, why) = if p.pooled() && p.pooler_processes > 1 {
        (
            p.pool_size
                .saturating_add(p.reserve_pool_size)
                .saturating_mul(p.pooler_processes)
                .saturating_add(MAX_CONNECTIONS_MARGIN),
            format!(
                "{} processes × (pool_size {} + reserve_pool_size {})",
                p.pooler_processes, p.pool_size, p.reserve_pool_size
            ),
        )
    } else if p.pooled() {
        (
            p.pool_size
                .saturating_add(p.reserve_pool_size)
                .saturating_add(MAX_CONNECTIONS_MARGIN),
            format!(
                "pool_size {} + reserve_pool_size {}",
                p.pool_size, p.reserve_pool_size
            ),
        )
    } else {
        (
            p.clients
                .saturating_add(p.idle_connections)
                .saturating_add(MAX_CONNECTIONS_MARGIN),
            format!(
                "clients {} + idle_connections {}",
                p.clients, p.idle_connections
            ),
        )
    };
    let margin = format!(
        "{why} + {MAX_CONNECTIONS_MARGIN} margin (3 superuser_reserved_connections + 7 for psql, \
         monitoring, maintenance) = {need}"
    );
    if p.max_connections > need {
        (
            p.max_connections,
            format!(
                "{margin}; the scenario's max_connections {} is larger",
                p.max_connections
            ),
        )
    } else {
        (need, margin)
    }
}

/// A memory size in MB as Postgres reads it: `<n>GB` for whole GB when `allow_gb`, `<n>MB` for
/// whole MB, else `<n>kB`.
fn mem_size(mb: f64, allow_gb: bool) -> String {
    let kb = libm::round(mb * 1024.0) as u64;
    if allow_gb && kb % (1024 * 1024) == 0 {
        format!("{}GB", kb / (1024 * 1024))
    } else if kb % 1024 == 0 {
        format!("{}MB", kb / 1024)
    } else {
        format!("{kb}kB")
    }
}

fn postgresql_conf(p: &Params) -> String {
    let mut s = String::new();
    let mut line = |l: &str| {
        s.push_str(l);
        s.push('\n');
    };
    line(&format!("# postgresql.conf for poolsim: {}", scenario(p)));
    line("# Set-up: createuser -P app && createdb -O app app");
    let method = match p.auth {
        Auth::Scram => "scram-sha-256",
        Auth::Trust => "trust",
    };
    line(&format!(
        "# pg_hba.conf: host  app  app  127.0.0.1/32  {method}"
    ));
    line(&format!("port = {PG_PORT}"));
    let (max_conn, why) = max_connections(p);
    line(&format!("# {why}"));
    line(&format!("max_connections = {max_conn}"));
    line("# per sort/hash node of each backend");
    line(&format!("work_mem = {}", mem_size(p.work_mem_mb, false)));
    line(&format!(
        "shared_buffers = {}",
        mem_size(p.shared_buffers_mb, true)
    ));
    match p.huge_pages {
        OnOff::On => {
            line("# Postgres's default is try; on refuses to start without enough vm.nr_hugepages");
            line("huge_pages = on");
        }
        OnOff::Off => {
            line("# Postgres's default is try; off matches the model's 4 kB page tables");
            line("huge_pages = off");
        }
    }
    if p.auth == Auth::Scram && p.pg_version >= 10 {
        line("# store the app password as a SCRAM secret (the default from PostgreSQL 14)");
        line("password_encryption = 'scram-sha-256'");
    }
    line("# the model runs each statement on one core: no parallel query");
    line("max_parallel_workers_per_gather = 0");
    if p.pg_version >= 11 {
        line("# JIT compilation would add CPU the model does not have");
        line("jit = off");
    }
    s
}

/// The statement whose CPU cost stands for `stmt_cpu_ms`.
fn statement(n: &str) -> String {
    format!("SELECT count(*) FROM (SELECT generate_series(1, {n})) AS s;")
}

/// The think time as a pgbench `\sleep` argument (`\sleep` takes an integer).
fn sleep_arg(think_ms: f64) -> Option<String> {
    if think_ms == libm::round(think_ms) {
        return (think_ms >= 1.0).then(|| format!("{} ms", think_ms as u64));
    }
    let us = libm::round(think_ms * 1000.0) as u64;
    (us > 0).then(|| format!("{us} us"))
}

fn pgbench_script(p: &Params, rows: u64) -> String {
    let mut s = String::new();
    let mut line = |l: &str| {
        s.push_str(l);
        s.push('\n');
    };
    line(&format!("-- transaction.sql for poolsim: {}", scenario(p)));
    line(&format!(
        "-- Each statement must cost stmt_cpu_ms = {} ms of server CPU. SELECT pg_sleep(...) is \
         NOT CPU:",
        num(p.stmt_cpu_ms)
    ));
    line(&format!(
        "-- it only waits. Counting {rows} generate_series rows is CPU-bound (assumes about 30 \
         million"
    ));
    line("-- rows/s per core): time it on your server with EXPLAIN ANALYZE and adjust N.");
    let n = rows.to_string();
    let multi = p.stmts_per_txn > 1;
    if multi {
        line("BEGIN;");
    }
    for _ in 0..p.stmts_per_txn {
        line(&statement(&n));
    }
    if multi {
        line("END;");
    }
    if p.workload == Workload::Closed {
        if let Some(arg) = sleep_arg(p.think_ms) {
            line("-- think time before the next transaction (the model's: exponential, this mean)");
            line(&format!("\\sleep {arg}"));
        }
    }
    s
}

fn pgbench_command(p: &Params) -> String {
    let mut c = format!(
        "pgbench -n -h 127.0.0.1 -p {} -U app -c {} -j {} -T {RUN_S} -P 5",
        port(p),
        p.clients,
        threads(p, p.clients)
    );
    if p.connect == Connect::PerTxn {
        c.push_str(" -C");
    }
    c.push_str(" -f transaction.sql");
    if p.workload == Workload::Open {
        c.push_str(&format!(" --rate={}", num(p.arrival_rate)));
    }
    c.push_str(" app");
    c
}

/// The caveats that apply to `p` (their texts: `content/en/texts/reproduce.md`).
fn caveats(p: &Params, rows: u64) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    let cpu = num(p.stmt_cpu_ms);
    v.push(texts::NO_LOCKS.to_string());
    v.push(fill(
        texts::STATEMENT_CPU,
        &[("rows", &rows), ("cpu", &cpu)],
    ));
    match p.stmt_cpu_dist {
        Dist::Const => {}
        Dist::Exp => v.push(fill(
            texts::EXPONENTIAL,
            &[
                ("cpu", &cpu),
                ("max", &rows.saturating_mul(10).saturating_sub(1)),
                ("rows", &rows),
            ],
        )),
        Dist::Lognormal => {
            let sigma = p.stmt_cpu_sigma;
            v.push(fill(
                texts::LOGNORMAL,
                &[
                    ("cpu", &cpu),
                    ("sigma", &num(sigma)),
                    ("rows", &rows),
                    ("half_variance", &num(sigma * sigma / 2.0)),
                ],
            ));
        }
    }
    if p.workload == Workload::Closed {
        if let Some(sleep) = sleep_arg(p.think_ms) {
            let us = libm::round(p.think_ms * 1000.0) as u64;
            v.push(fill(
                texts::THINK_TIME,
                &[
                    ("think_ms", &num(p.think_ms)),
                    ("sleep", &sleep),
                    ("max_us", &us.saturating_mul(10).saturating_sub(1)),
                ],
            ));
        }
    } else {
        let text = if !p.pooled() && p.connect == Connect::Persistent {
            texts::OPEN_APPLICATION_POOL
        } else {
            texts::OPEN_CLIENTS
        };
        v.push(fill(
            text,
            &[("rate", &num(p.arrival_rate)), ("clients", &p.clients)],
        ));
    }
    if p.stmts_per_txn > 1 {
        v.push(texts::BEGIN_END.to_string());
    }
    v.push(fill(
        if p.pooled() {
            texts::CLIENT_CPU_POOLED
        } else {
            texts::CLIENT_CPU_DIRECT
        },
        &[("cores", &p.cores), ("threads", &threads(p, p.clients))],
    ));
    if p.rtt_ms > 0.0 {
        v.push(fill(texts::ROUND_TRIP, &[("rtt_ms", &num(p.rtt_ms))]));
    }
    if p.connect == Connect::Persistent {
        v.push(texts::CONNECTED_AT_START.to_string());
    }
    let errors = if p.pooled() {
        texts::ERRORS_POOLED
    } else {
        texts::ERRORS_DIRECT
    };
    v.push(fill(texts::ERRORS, &[("errors", &errors)]));
    if p.clients > 1000 {
        let limits = if p.pooled() {
            fill(
                texts::MANY_CLIENTS_POOLED,
                &[("max_client_conn", &p.max_client_conn)],
            )
        } else {
            texts::MANY_CLIENTS_DIRECT.to_string()
        };
        v.push(fill(
            texts::MANY_CLIENTS,
            &[("clients", &p.clients), ("limits", &limits)],
        ));
    }
    if p.idle_connections > 0 {
        v.push(fill(
            texts::IDLE,
            &[
                ("idle", &p.idle_connections),
                ("port", &port(p)),
                ("threads", &threads(p, p.idle_connections)),
                ("seconds", &(RUN_S + 30)),
            ],
        ));
    }
    let (max_conn, _) = max_connections(p);
    if max_conn > p.max_connections {
        let what = if p.pooled() {
            texts::MAX_CONNECTIONS_POOL
        } else {
            texts::MAX_CONNECTIONS_CLIENTS
        };
        v.push(fill(
            texts::MAX_CONNECTIONS,
            &[
                ("max_connections", &p.max_connections),
                ("what", &what),
                ("kit", &max_conn),
            ],
        ));
    }
    if p.pooled() {
        let conns = u64::from(p.clients) + u64::from(p.idle_connections);
        let limits: [(&str, &dyn std::fmt::Display); 2] = [
            ("processes", &p.pooler_processes),
            ("max_client_conn", &p.max_client_conn),
        ];
        if p.pooler_processes > 1 {
            v.push(fill(texts::POOLER_PROCESSES, &limits));
        }
        if conns > u64::from(p.max_client_conn) * u64::from(p.pooler_processes) {
            let limit = if p.pooler_processes > 1 {
                fill(texts::CLIENT_LIMIT_PROCESSES, &limits)
            } else {
                fill(texts::CLIENT_LIMIT_ONE, &limits)
            };
            v.push(fill(
                texts::CLIENT_LIMIT,
                &[("connections", &conns), ("limit", &limit)],
            ));
        }
        v.push(fill(
            texts::POOLER_CPU,
            &[("pooler_cpu_us", &num(p.pooler_cpu_us))],
        ));
        if p.reserve_pool_size > 0 && p.reserve_pool_timeout_s == 0.0 {
            v.push(texts::RESERVE_POOL.to_string());
        }
    }
    if p.pool_mode == PoolMode::Statement && p.stmts_per_txn > 1 {
        v.push(texts::STATEMENT_MODE.to_string());
    }
    if p.session_state_share > 0.0
        && matches!(p.pool_mode, PoolMode::Transaction | PoolMode::Statement)
    {
        v.push(fill(
            texts::SESSION_STATE,
            &[
                ("share", &num(p.session_state_share)),
                ("percent", &num(p.session_state_share * 100.0)),
                ("mode", &p.pool_mode.key()),
            ],
        ));
    }
    if p.arch != Arch::Process {
        let what_if = match p.arch {
            Arch::Thread => texts::ARCH_THREAD,
            _ => texts::ARCH_THREAD_POOL,
        };
        v.push(fill(
            texts::ARCH,
            &[("arch", &p.arch.key()), ("what_if", &what_if)],
        ));
    }
    if p.pg_version <= 13 {
        v.push(fill(texts::OLD_SNAPSHOTS, &[("version", &p.pg_version)]));
    }
    if p.pg_version < 10 && p.auth == Auth::Scram {
        v.push(texts::SCRAM_OLD.to_string());
    }
    if p.overheads == OnOff::Off {
        v.push(texts::NO_OVERHEADS.to_string());
    }
    if p.relations_touched > 0.0 {
        v.push(fill(
            texts::RELATIONS,
            &[("relations", &num(p.relations_touched))],
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolsim_model::presets::PRESET_NAMES;

    /// `(section, key, value)` of every `key = value` line; `;` and `#` lines are comments.
    fn parse_ini(text: &str) -> Vec<(String, String, String)> {
        let mut section = String::new();
        let mut out = Vec::new();
        for l in text.lines().map(str::trim) {
            if l.is_empty() || l.starts_with(';') || l.starts_with('#') {
                continue;
            }
            if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                section = name.to_string();
                continue;
            }
            let (k, v) = l.split_once('=').expect("key = value");
            out.push((section.clone(), k.trim().to_string(), v.trim().to_string()));
        }
        out
    }

    fn ini_get(text: &str, section: &str, key: &str) -> Option<String> {
        parse_ini(text)
            .into_iter()
            .find(|(s, k, _)| s == section && k == key)
            .map(|(_, _, v)| v)
    }

    /// `key = value` lines of postgresql.conf (`#` comments skipped).
    fn parse_conf(text: &str) -> Vec<(String, String)> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (k, v) = l.split_once('=').expect("key = value");
                (k.trim().to_string(), v.trim().to_string())
            })
            .collect()
    }

    fn conf_get(text: &str, key: &str) -> String {
        parse_conf(text)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("{key} missing in\n{text}"))
    }

    fn select_lines(script: &str) -> usize {
        script
            .lines()
            .filter(|l| l.trim_start().starts_with("SELECT"))
            .count()
    }

    #[test]
    fn ini_round_trips_the_pool_settings() {
        for (mode, name) in [
            (PoolMode::Session, "session"),
            (PoolMode::Transaction, "transaction"),
            (PoolMode::Statement, "statement"),
        ] {
            for (auth, auth_name) in [(Auth::Scram, "scram-sha-256"), (Auth::Trust, "trust")] {
                let p = Params {
                    pool_mode: mode,
                    auth,
                    pool_size: 37,
                    max_client_conn: 12_345,
                    reserve_pool_size: 4,
                    reserve_pool_timeout_s: 0.5,
                    query_wait_timeout_s: 7.0,
                    ..Params::default()
                };
                let ini = reproduce(&p).pgbouncer_ini.expect("pooled");
                let get = |k: &str| ini_get(&ini, "pgbouncer", k).unwrap_or_default();
                assert_eq!(get("pool_mode"), name);
                assert_eq!(get("auth_type"), auth_name);
                assert_eq!(get("default_pool_size"), "37");
                assert_eq!(get("max_client_conn"), "12345");
                assert_eq!(get("reserve_pool_size"), "4");
                assert_eq!(get("reserve_pool_timeout"), "0.5");
                assert_eq!(get("query_wait_timeout"), "7");
                assert_eq!(get("listen_port"), "6432");
                assert_eq!(
                    ini_get(&ini, "databases", "app").as_deref(),
                    Some("host=127.0.0.1 port=5432 dbname=app")
                );
            }
        }
        let d = reproduce(&Params::default()).pgbouncer_ini.unwrap();
        assert_eq!(
            ini_get(&d, "pgbouncer", "query_wait_timeout").unwrap(),
            "120"
        );
        assert_eq!(
            ini_get(&d, "pgbouncer", "reserve_pool_timeout").unwrap(),
            "5"
        );
    }

    #[test]
    fn no_pooler_no_ini() {
        let p = Params {
            pool_mode: PoolMode::None,
            ..Params::default()
        };
        assert_eq!(reproduce(&p).pgbouncer_ini, None);
    }

    #[test]
    fn several_pooler_processes_share_the_port_and_multiply_the_pools() {
        let one = reproduce(&Params::default());
        assert!(!one.pgbouncer_ini.unwrap().contains("so_reuseport"));
        let p = Params {
            pooler_processes: 4,
            pool_size: 30,
            ..Params::default()
        };
        let r = reproduce(&p);
        assert!(r.pgbouncer_ini.unwrap().contains("\nso_reuseport = 1\n"));
        // Four pools of 30 need 120 server connections, plus the margin.
        assert!(r.postgresql_conf.contains(&format!(
            "max_connections = {}",
            120 + MAX_CONNECTIONS_MARGIN
        )));
        assert!(r
            .caveats
            .iter()
            .any(|c| c.contains("4 PgBouncer processes")));
    }

    #[test]
    fn max_connections_fits_the_pool_or_the_clients() {
        let pooled = Params {
            pool_size: 300,
            reserve_pool_size: 20,
            max_connections: 100,
            ..Params::default()
        };
        let mc: u32 = conf_get(&reproduce(&pooled).postgresql_conf, "max_connections")
            .parse()
            .unwrap();
        assert!(mc >= 320, "{mc}");
        let direct = Params {
            pool_mode: PoolMode::None,
            clients: 2000,
            idle_connections: 500,
            max_connections: 100,
            ..Params::default()
        };
        let mc: u32 = conf_get(&reproduce(&direct).postgresql_conf, "max_connections")
            .parse()
            .unwrap();
        assert!(mc >= 2500, "{mc}");
        // A larger max_connections in the scenario is kept.
        let big = Params {
            max_connections: 5000,
            ..Params::default()
        };
        assert_eq!(
            conf_get(&reproduce(&big).postgresql_conf, "max_connections"),
            "5000"
        );
    }

    #[test]
    fn memory_settings_use_postgres_units() {
        let conf = |work: f64, shared: f64| {
            let p = Params {
                work_mem_mb: work,
                shared_buffers_mb: shared,
                ..Params::default()
            };
            let c = reproduce(&p).postgresql_conf;
            (conf_get(&c, "work_mem"), conf_get(&c, "shared_buffers"))
        };
        assert_eq!(conf(4.0, 128.0), ("4MB".to_string(), "128MB".to_string()));
        assert_eq!(conf(0.5, 2048.0), ("512kB".to_string(), "2GB".to_string()));
        assert_eq!(conf(0.0625, 1536.0).0, "64kB");
        assert_eq!(conf(0.0625, 1536.0).1, "1536MB");
        let on = Params {
            huge_pages: OnOff::On,
            ..Params::default()
        };
        assert_eq!(
            conf_get(&reproduce(&on).postgresql_conf, "huge_pages"),
            "on"
        );
        assert_eq!(
            conf_get(&reproduce(&Params::default()).postgresql_conf, "huge_pages"),
            "off"
        );
    }

    #[test]
    fn pgbench_command_follows_the_params() {
        let d = reproduce(&Params::default()).pgbench_command;
        assert!(d.contains("-c 2000"), "{d}");
        assert!(d.contains("-j 8"), "{d}");
        assert!(d.contains("-p 6432"), "{d}");
        assert!(!d.contains(" -C"), "{d}");
        assert!(!d.contains("--rate"), "{d}");
        assert!(d.starts_with("pgbench ") && d.ends_with(" app"), "{d}");

        let direct = Params {
            pool_mode: PoolMode::None,
            connect: Connect::PerTxn,
            ..Params::default()
        };
        let c = reproduce(&direct).pgbench_command;
        assert!(c.contains("-p 5432") && !c.contains("6432"), "{c}");
        assert!(c.contains(" -C "), "{c}");

        let open = Params {
            workload: Workload::Open,
            arrival_rate: 3200.0,
            clients: 3,
            ..Params::default()
        };
        let c = reproduce(&open).pgbench_command;
        assert!(c.contains("--rate=3200"), "{c}");
        assert!(c.contains("-j 3"), "{c}");
        assert!(!reproduce(&open).pgbench_script.contains("\\sleep"));
    }

    #[test]
    fn script_has_one_select_per_statement() {
        for n in [1, 2, 3, 10] {
            let p = Params {
                stmts_per_txn: n,
                ..Params::default()
            };
            let s = reproduce(&p).pgbench_script;
            assert_eq!(select_lines(&s), n as usize, "{s}");
            assert_eq!(s.contains("BEGIN;"), n > 1, "{s}");
            assert_eq!(s.contains("END;"), n > 1, "{s}");
        }
        let s = reproduce(&Params::default()).pgbench_script;
        assert!(s.contains("generate_series(1, 6000)"), "{s}");
        assert!(s.contains("\\sleep 500 ms"), "{s}");
        let fractional = Params {
            think_ms: 0.5,
            ..Params::default()
        };
        assert!(reproduce(&fractional)
            .pgbench_script
            .contains("\\sleep 500 us"));
        let zero = Params {
            think_ms: 0.0,
            ..Params::default()
        };
        assert!(!reproduce(&zero).pgbench_script.contains("\\sleep"));
    }

    #[test]
    fn caveats_follow_the_params() {
        let has = |p: &Params, word: &str| reproduce(p).caveats.iter().any(|c| c.contains(word));
        let d = Params::default();
        assert!(has(&d, "no locks"));
        assert!(!has(&d, "idle.sql"));
        assert!(!has(&d, "no thread mode"));
        assert!(!has(&d, "PostgreSQL 13"));
        assert!(has(&d, "ulimit"));
        let p = Params {
            idle_connections: 300,
            arch: Arch::Thread,
            pg_version: 13,
            session_state_share: 0.1,
            clients: 50,
            ..d.clone()
        };
        assert!(has(&p, "-c 300 -j 8 -T 90 -f idle.sql"));
        assert!(has(&p, "`\\sleep 90 s`"));
        assert!(has(&p, "no thread mode"));
        assert!(has(&p, "PostgreSQL 13"));
        assert!(has(&p, "advisory locks"));
        assert!(!has(&p, "ulimit"));
        let session = Params {
            pool_mode: PoolMode::Session,
            ..p
        };
        assert!(!has(&session, "advisory locks"));
    }

    #[test]
    fn every_preset_gives_a_kit() {
        for name in PRESET_NAMES {
            let preset = poolsim_model::preset(name).expect(name);
            let r = reproduce(&preset.params);
            assert_eq!(r.pgbouncer_ini.is_some(), preset.params.pooled(), "{name}");
            if let Some(ini) = &r.pgbouncer_ini {
                assert!(!parse_ini(ini).is_empty(), "{name}");
            }
            assert!(!parse_conf(&r.postgresql_conf).is_empty(), "{name}");
            assert_eq!(
                select_lines(&r.pgbench_script),
                preset.params.stmts_per_txn as usize,
                "{name}"
            );
            assert!(r.pgbench_command.starts_with("pgbench "), "{name}");
            assert!(!r.caveats.is_empty(), "{name}");
            assert!(r.caveats.iter().all(|c| !c.is_empty()), "{name}");
            // Every `{placeholder}` of the content's texts is filled.
            assert!(r.caveats.iter().all(|c| !c.contains('{')), "{name}");
        }
    }

    #[test]
    fn deterministic_and_robust() {
        let p = poolsim_model::PresetId::Fleet.params();
        assert_eq!(reproduce(&p), reproduce(&p));
        // Out-of-range input is clamped as the model does, never a panic.
        let wild = Params {
            clients: 0,
            cores: 0,
            think_ms: f64::NAN,
            stmt_cpu_ms: f64::INFINITY,
            work_mem_mb: -3.0,
            reserve_pool_timeout_s: f64::NAN,
            ..Params::default()
        };
        let r = reproduce(&wild);
        assert!(
            r.pgbench_command.contains("-c 1 -j 1"),
            "{}",
            r.pgbench_command
        );
        assert_eq!(conf_get(&r.postgresql_conf, "work_mem"), "64kB");
    }
}

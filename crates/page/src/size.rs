//! "Size it for my server": a reader's server and load in, a pool size, a pool mode, PgBouncer and
//! Postgres settings and their reasons out. This module is the pure part — the inputs, their
//! clamps and notices, the pool mode the session features allow, the model parameters a load
//! means, the recommendation read from a sweep of pool sizes, and the configuration lines. The
//! sweep itself is run by `crate::sim::size` (the only place models are stepped). `poolsim size`
//! and the page use both, so they give the same numbers for the same inputs.

use poolsim_model::{Connect, OnOff, Params, PoolMode, PoolerHost, Workload};

/// Where the load comes from: a rate, or the application's own pools.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Load {
    /// Peak transactions per second offered by `connections` client connections (open arrivals).
    Rate {
        /// Transactions per second at peak.
        tps: f64,
        /// Client connections the application keeps open to the pooler.
        connections: u32,
    },
    /// `instances` application instances, each with a client-side pool of `pool` connections
    /// whose clients wait `think_ms` between transactions (a closed loop).
    Instances {
        /// Application instances (pods, processes).
        instances: u32,
        /// Each instance's client-side pool size.
        pool: u32,
        /// Time a client spends between its transactions, ms.
        think_ms: f64,
    },
}

/// The session features an application uses: what decides the pool mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// Protocol-level (named) prepared statements: JDBC, Npgsql, pgx, asyncpg by default.
    pub prepared_statements: bool,
    /// Session-level `SET` / `RESET` (not `SET LOCAL`).
    pub set_reset: bool,
    /// `LISTEN` (waiting for `NOTIFY`).
    pub listen: bool,
    /// Session-level advisory locks (`pg_advisory_lock`).
    pub advisory_locks: bool,
    /// Temporary tables that outlive a transaction (`ON COMMIT PRESERVE ROWS` / `DELETE ROWS`).
    pub temp_tables: bool,
    /// `WITH HOLD` cursors.
    pub with_hold_cursors: bool,
}

/// One session feature: its name, and whether it works in transaction mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feature {
    /// What the application uses.
    pub name: &'static str,
    /// Whether the application uses it.
    pub used: bool,
    /// Whether PgBouncer's transaction mode keeps it working (with `max_prepared_statements` for
    /// prepared statements).
    pub works_in_transaction_mode: bool,
}

impl Features {
    /// Every feature, in the order the tool lists them. Source: PgBouncer's feature matrix
    /// (pgbouncer.org/features.html): SET/RESET, LISTEN, WITH HOLD cursors, session advisory
    /// locks and PRESERVE/DELETE ROWS temp tables "never" work in transaction mode; protocol-level
    /// prepared statements do since 1.21 when `max_prepared_statements` > 0.
    pub fn all(&self) -> [Feature; 6] {
        let f = |name, used, works_in_transaction_mode| Feature {
            name,
            used,
            works_in_transaction_mode,
        };
        [
            f(
                "protocol-level prepared statements",
                self.prepared_statements,
                true,
            ),
            f("SET / RESET", self.set_reset, false),
            f("LISTEN / NOTIFY", self.listen, false),
            f("session advisory locks", self.advisory_locks, false),
            f(
                "temporary tables across transactions",
                self.temp_tables,
                false,
            ),
            f("WITH HOLD cursors", self.with_hold_cursors, false),
        ]
    }
}

/// Everything the reader tells the tool.
#[derive(Clone, Debug, PartialEq)]
pub struct Inputs {
    /// vCPUs of the database server.
    pub vcpus: u32,
    /// RAM of the database server, GiB.
    pub ram_gib: f64,
    /// `shared_buffers`, MiB.
    pub shared_buffers_mb: f64,
    /// Whether Postgres uses huge pages.
    pub huge_pages: bool,
    /// PostgreSQL major version.
    pub pg_version: u32,
    /// Today's `max_connections`.
    pub max_connections: u32,
    /// Where PgBouncer runs.
    pub pooler_host: PoolerHost,
    /// PgBouncer processes (`so_reuseport`).
    pub pooler_processes: u32,
    /// The load.
    pub load: Load,
    /// Statements per transaction.
    pub stmts_per_txn: u32,
    /// Mean time of one statement on the server, ms (`pg_stat_statements.mean_exec_time`).
    pub stmt_ms: f64,
    /// Network round trip between the application and the database, ms.
    pub rtt_ms: f64,
    /// Whether the application opens a connection per request (serverless).
    pub connect_per_request: bool,
    /// Session features the application uses.
    pub features: Features,
}

impl Default for Inputs {
    /// A mid-sized server under a web fleet: 8 vCPUs, 32 GiB, PG16; 20 instances with pools of
    /// 10 connections; 3 statements of 0.5 ms each per transaction, 0.5 ms round trip.
    fn default() -> Inputs {
        Inputs {
            vcpus: 8,
            ram_gib: 32.0,
            shared_buffers_mb: 8192.0,
            huge_pages: false,
            pg_version: 16,
            max_connections: 100,
            pooler_host: PoolerHost::Db,
            pooler_processes: 1,
            load: Load::Instances {
                instances: 20,
                pool: 10,
                think_ms: 20.0,
            },
            stmts_per_txn: 3,
            stmt_ms: 0.5,
            rtt_ms: 0.5,
            connect_per_request: false,
            features: Features::default(),
        }
    }
}

/// One numeric input: its key, unit, range and where a reader finds its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputSpec {
    /// Key (`poolsim size --set KEY=VALUE`, the link).
    pub key: &'static str,
    /// What it is.
    pub label: &'static str,
    /// Unit ("" for a count).
    pub unit: &'static str,
    /// Smallest value taken.
    pub min: f64,
    /// Largest value taken.
    pub max: f64,
    /// Whether only whole numbers make sense.
    pub whole: bool,
    /// Where to find this number on a running system.
    pub where_to_find: &'static str,
}

const fn spec(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    range: (f64, f64),
    whole: bool,
    where_to_find: &'static str,
) -> InputSpec {
    InputSpec {
        key,
        label,
        unit,
        min: range.0,
        max: range.1,
        whole,
        where_to_find,
    }
}

/// Every numeric input, in the order the tool shows them.
pub const INPUTS: &[InputSpec] = &[
    spec("vcpus", "vCPUs of the database server", "", (1.0, 256.0), true, "`nproc` on the server, or the instance type's vCPUs"),
    spec("ram_gib", "RAM of the database server", "GiB", (1.0, 4096.0), false, "`free -g`, or the instance type"),
    spec("shared_buffers_mb", "shared_buffers", "MiB", (16.0, 1_048_576.0), false, "`SHOW shared_buffers;`"),
    spec("pg_version", "PostgreSQL major version", "", (9.0, 18.0), true, "`SHOW server_version;`"),
    spec("max_connections", "max_connections today", "", (10.0, 20_000.0), true, "`SHOW max_connections;`"),
    spec("pooler_processes", "PgBouncer processes", "", (1.0, 64.0), true, "`pgrep -c pgbouncer`; more than one needs `so_reuseport = 1`"),
    spec("tps", "peak transactions per second", "/s", (1.0, 500_000.0), false, "`xact_commit` in `pg_stat_database`, sampled twice at peak: the difference over the seconds between"),
    spec("connections", "client connections the application keeps open", "", (1.0, 20_000.0), true, "`SHOW POOLS;` in PgBouncer (`cl_active` + `cl_idle`), or `count(*)` from `pg_stat_activity` without one"),
    spec("instances", "application instances", "", (1.0, 2_000.0), true, "pods or processes of the application at peak"),
    spec("pool", "client-side pool size per instance", "", (1.0, 500.0), true, "the driver's pool setting (HikariCP `maximumPoolSize`, SQLAlchemy `pool_size`, …)"),
    spec("think_ms", "time between a client's transactions", "ms", (0.0, 60_000.0), false, "the application's own timing; 0 for a loop that never waits"),
    spec("stmts_per_txn", "statements per transaction", "", (1.0, 100.0), true, "`pg_stat_statements`: `sum(calls)` over `xact_commit` in the same interval"),
    spec("stmt_ms", "mean statement time", "ms", (0.01, 10_000.0), false, "`pg_stat_statements`: `sum(total_exec_time) / sum(calls)` (`mean_exec_time` weighted by `calls`)"),
    spec("rtt_ms", "round trip application ↔ database", "ms", (0.0, 500.0), false, "`ping` from an application host to the database host"),
];

/// A number as the reader typed it, or close: whole numbers with separators, huge ones in
/// exponent form, others as Rust writes them shortest.
fn shown(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{v:e}")
    } else if v.fract() == 0.0 && v >= 0.0 {
        crate::format::count(v as u64)
    } else {
        format!("{v}").replacen('-', "−", 1)
    }
}

/// What a value the reader gave became, said to the reader.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The input's key.
    pub key: &'static str,
    /// The sentence shown.
    pub text: String,
}

impl Inputs {
    /// The value of the numeric input `key` (`None` for an unknown key, or a load field the
    /// current load does not have).
    pub fn get(&self, key: &str) -> Option<f64> {
        let (rate, inst) = match self.load {
            Load::Rate { tps, connections } => (Some((tps, connections)), None),
            Load::Instances {
                instances,
                pool,
                think_ms,
            } => (None, Some((instances, pool, think_ms))),
        };
        Some(match key {
            "vcpus" => f64::from(self.vcpus),
            "ram_gib" => self.ram_gib,
            "shared_buffers_mb" => self.shared_buffers_mb,
            "pg_version" => f64::from(self.pg_version),
            "max_connections" => f64::from(self.max_connections),
            "pooler_processes" => f64::from(self.pooler_processes),
            "tps" => rate?.0,
            "connections" => f64::from(rate?.1),
            "instances" => f64::from(inst?.0),
            "pool" => f64::from(inst?.1),
            "think_ms" => inst?.2,
            "stmts_per_txn" => f64::from(self.stmts_per_txn),
            "stmt_ms" => self.stmt_ms,
            "rtt_ms" => self.rtt_ms,
            _ => return None,
        })
    }

    /// Sets input `key` from the reader's text. Numbers outside their range are clamped with a
    /// notice; `tps`/`connections` switch the load to a rate and `instances`/`pool`/`think_ms` to
    /// instances (keeping the other kind's defaults). Switches take `on`/`off`, `true`/`false`,
    /// `1`/`0`; `pooler_host` takes `db` or `own`. An unreadable value or key is an error and
    /// changes nothing.
    pub fn set(&mut self, key: &str, text: &str) -> Result<Option<Notice>, String> {
        let text = text.trim();
        let switch = |t: &str| match t.to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "yes" => Ok(true),
            "off" | "false" | "0" | "no" => Ok(false),
            _ => Err(format!("{key} wants on or off, got “{t}”")),
        };
        let f = &mut self.features;
        let flag = match key {
            "huge_pages" => Some(&mut self.huge_pages),
            "connect_per_request" => Some(&mut self.connect_per_request),
            "prepared_statements" => Some(&mut f.prepared_statements),
            "set_reset" => Some(&mut f.set_reset),
            "listen" => Some(&mut f.listen),
            "advisory_locks" => Some(&mut f.advisory_locks),
            "temp_tables" => Some(&mut f.temp_tables),
            "with_hold_cursors" => Some(&mut f.with_hold_cursors),
            _ => None,
        };
        if let Some(flag) = flag {
            *flag = switch(text)?;
            return Ok(None);
        }
        if key == "pooler_host" {
            self.pooler_host = PoolerHost::from_key(&text.to_ascii_lowercase())
                .ok_or_else(|| format!("pooler_host wants db or own, got “{text}”"))?;
            return Ok(None);
        }
        let spec = INPUTS
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| format!("unknown input “{key}”"))?;
        let asked: f64 = poolsim_model::decimal::parse_f64(text)
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{key} wants a number, got “{text}”"))?;
        let mut v = asked.clamp(spec.min, spec.max);
        if spec.whole {
            v = v.round();
        }
        self.put(key, v);
        Ok((v != asked).then(|| Notice {
            key: spec.key,
            text: format!(
                "{} {} is outside what the tool takes: {} used ({}–{})",
                spec.label,
                shown(asked),
                shown(v),
                shown(spec.min),
                shown(spec.max)
            ),
        }))
    }

    /// Stores an in-range value (see [`Inputs::set`]).
    fn put(&mut self, key: &str, v: f64) {
        let whole = v as u32;
        let (mut rate, mut inst) = match self.load {
            Load::Rate { tps, connections } => ((tps, connections), (20, 10, 20.0)),
            Load::Instances {
                instances,
                pool,
                think_ms,
            } => ((2_000.0, instances * pool), (instances, pool, think_ms)),
        };
        match key {
            "vcpus" => self.vcpus = whole,
            "ram_gib" => self.ram_gib = v,
            "shared_buffers_mb" => self.shared_buffers_mb = v,
            "pg_version" => self.pg_version = whole,
            "max_connections" => self.max_connections = whole,
            "pooler_processes" => self.pooler_processes = whole,
            "stmts_per_txn" => self.stmts_per_txn = whole,
            "stmt_ms" => self.stmt_ms = v,
            "rtt_ms" => self.rtt_ms = v,
            "tps" | "connections" => {
                if key == "tps" {
                    rate.0 = v;
                } else {
                    rate.1 = whole;
                }
                self.load = Load::Rate {
                    tps: rate.0,
                    connections: rate.1,
                };
            }
            "instances" | "pool" | "think_ms" => {
                match key {
                    "instances" => inst.0 = whole,
                    "pool" => inst.1 = whole,
                    _ => inst.2 = v,
                }
                self.load = Load::Instances {
                    instances: inst.0,
                    pool: inst.1,
                    think_ms: inst.2,
                };
            }
            _ => {}
        }
    }

    /// Client connections the application holds open to the pooler.
    pub fn client_connections(&self) -> u32 {
        match self.load {
            Load::Rate { connections, .. } => connections,
            Load::Instances {
                instances, pool, ..
            } => instances.saturating_mul(pool),
        }
    }

    /// The model's parameters for this server and load through PgBouncer in `mode` with a pool
    /// of `pool_size` (per PgBouncer process). Direct runs take the same with `pool_mode = none`.
    /// The model has no disk I/O and no locks: the statement time is taken as CPU.
    pub fn params(&self, mode: PoolMode, pool_size: u32) -> Params {
        let clients = self.client_connections();
        let (workload, arrival_rate, think_ms) = match self.load {
            Load::Rate { tps, .. } => (Workload::Open, tps, 0.0),
            Load::Instances { think_ms, .. } => (Workload::Closed, 1.0, think_ms),
        };
        let base = Params::default();
        Params {
            clients,
            idle_connections: 0,
            pool_size,
            pool_mode: mode,
            cores: self.vcpus,
            max_connections: self.max_connections,
            max_client_conn: clients.max(1),
            reserve_pool_size: 0,
            pooler_processes: self.pooler_processes,
            pooler_host: self.pooler_host,
            think_ms,
            workload,
            arrival_rate: if workload == Workload::Open {
                arrival_rate
            } else {
                base.arrival_rate
            },
            stmt_cpu_ms: self.stmt_ms,
            stmts_per_txn: self.stmts_per_txn,
            rtt_ms: self.rtt_ms,
            connect: if self.connect_per_request {
                Connect::PerTxn
            } else {
                Connect::Persistent
            },
            pg_version: self.pg_version,
            shared_buffers_mb: self.shared_buffers_mb,
            huge_pages: if self.huge_pages {
                OnOff::On
            } else {
                OnOff::Off
            },
            session_state_share: 0.0,
            ..base
        }
        .clamped()
        .0
    }

    /// Combinations the tool explains rather than fixes: each a sentence.
    pub fn conflicts(&self) -> Vec<String> {
        let mut out = Vec::new();
        let shared_gib = self.shared_buffers_mb / 1024.0;
        if shared_gib >= self.ram_gib {
            out.push(format!(
                "shared_buffers ({}) is not smaller than the server's RAM ({} GiB): Postgres would not start; the memory figures below assume it does",
                crate::format::bytes(self.shared_buffers_mb * 1_048_576.0),
                shown(self.ram_gib)
            ));
        }
        if self.pooler_processes > self.vcpus && self.pooler_host == PoolerHost::Db {
            out.push(format!(
                "{} PgBouncer processes on {} vCPUs: more processes than cores only share the same cores",
                self.pooler_processes, self.vcpus
            ));
        }
        out
    }
}

/// The pool mode the features allow, and what each other mode would break.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeAdvice {
    /// The mode to run.
    pub mode: PoolMode,
    /// `max_prepared_statements` to set (PgBouncer ≥ 1.21), when prepared statements are used in
    /// transaction mode.
    pub max_prepared_statements: Option<u32>,
    /// For each mode not chosen: the mode and what it would break (or cost) this application.
    pub other_modes: Vec<(PoolMode, String)>,
}

/// `max_prepared_statements` the tool sets: PgBouncer 1.24's default (its docs: 200; 0 before).
pub const MAX_PREPARED_STATEMENTS: u32 = 200;

/// The pool mode for `features` with `stmts_per_txn` statements per transaction: transaction
/// mode unless a feature needs the session; statement mode never (it refuses multi-statement
/// transactions and breaks what transaction mode breaks).
pub fn mode_advice(features: &Features, stmts_per_txn: u32) -> ModeAdvice {
    let all = features.all();
    let broken_in_transaction: Vec<&'static str> = all
        .iter()
        .filter(|f| f.used && !f.works_in_transaction_mode)
        .map(|f| f.name)
        .collect();
    let mut broken_in_statement = broken_in_transaction.clone();
    if stmts_per_txn > 1 {
        broken_in_statement.push("transactions of more than one statement");
    }
    if features.prepared_statements {
        broken_in_statement.push("protocol-level prepared statements (statement mode)");
    }
    let breaks = |what: &[&str]| format!("breaks {}", what.join(", "));
    if broken_in_transaction.is_empty() {
        ModeAdvice {
            mode: PoolMode::Transaction,
            max_prepared_statements: features
                .prepared_statements
                .then_some(MAX_PREPARED_STATEMENTS),
            other_modes: vec![
                (
                    PoolMode::Session,
                    "breaks nothing, but holds a server connection for every connected client: nothing is shared".to_string(),
                ),
                (
                    PoolMode::Statement,
                    if broken_in_statement.is_empty() {
                        "breaks nothing here, and gains nothing over transaction mode for one-statement transactions".to_string()
                    } else {
                        breaks(&broken_in_statement)
                    },
                ),
            ],
        }
    } else {
        ModeAdvice {
            mode: PoolMode::Session,
            max_prepared_statements: None,
            other_modes: vec![
                (PoolMode::Transaction, breaks(&broken_in_transaction)),
                (PoolMode::Statement, breaks(&broken_in_statement)),
            ],
        }
    }
}

/// The pool sizes the sweep tries for `vcpus` and a ceiling: 1, 2, 3, 4, 6, 8, 12, 16, … (about
/// √2 apart), up to the smaller of `ceiling` and 16 per vCPU, and always the ceiling itself when it
/// is below that.
pub fn candidates(vcpus: u32, ceiling: u32) -> Vec<u32> {
    let top = ceiling.min(vcpus.saturating_mul(16)).max(1);
    let mut out = Vec::new();
    let mut a = 1u32;
    while a <= top {
        out.push(a);
        // The half-way value between doublings: 3, 6, 12, 24, …
        let mid = a + a / 2;
        if mid > a && mid <= top {
            out.push(mid);
        }
        a *= 2;
    }
    if *out.last().unwrap_or(&0) != top {
        out.push(top);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// What the model gave at one pool size.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    /// Pool size (per PgBouncer process).
    pub pool_size: u32,
    /// Transactions per second completed.
    pub tps: f64,
    /// 99th percentile latency, s.
    pub p99_s: f64,
    /// Errors per second (any kind).
    pub errors_per_s: f64,
    /// Share of all cores' time spent switching and on snapshots.
    pub overhead_share: f64,
    /// Private memory of the server connections, bytes.
    pub memory_private: f64,
}

/// A point counts as giving full throughput when it completes at least this share of the best
/// point's transactions.
pub const FULL_THROUGHPUT_SHARE: f64 = 0.98;

/// The recommendation's margin: the smallest pool whose p99 is within this share above the best
/// p99 among the full-throughput points.
pub const P99_MARGIN: f64 = 0.10;

/// The recommended pool: the size, and the range of sizes that also meet the rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// The smallest pool size meeting the rule.
    pub pool_size: u32,
    /// Every size meeting the rule, smallest to largest.
    pub range: (u32, u32),
    /// The best p99 among the full-throughput points, s.
    pub best_p99_s: f64,
    /// The recommended point itself.
    pub point: SweepPoint,
}

/// Reads the recommendation off a finished sweep: among the points within
/// [`FULL_THROUGHPUT_SHARE`] of the best throughput, and without errors beyond a tenth of the
/// fewest, the smallest pool whose p99 is within [`P99_MARGIN`] of the best p99 there. `None`
/// for an empty sweep.
pub fn recommend(points: &[SweepPoint]) -> Option<Recommendation> {
    let best_tps = points.iter().map(|p| p.tps).fold(0.0, f64::max);
    let fewest_errors = points
        .iter()
        .map(|p| p.errors_per_s)
        .fold(f64::INFINITY, f64::min);
    let full: Vec<&SweepPoint> = points
        .iter()
        .filter(|p| p.tps >= FULL_THROUGHPUT_SHARE * best_tps)
        .filter(|p| p.errors_per_s <= fewest_errors + 0.1 * fewest_errors.max(1.0))
        .collect();
    let best_p99_s = full.iter().map(|p| p.p99_s).fold(f64::INFINITY, f64::min);
    let meets = |p: &&&SweepPoint| p.p99_s <= (1.0 + P99_MARGIN) * best_p99_s;
    let chosen = full.iter().filter(meets).min_by_key(|p| p.pool_size)?;
    let largest = full
        .iter()
        .filter(meets)
        .map(|p| p.pool_size)
        .max()
        .unwrap_or(chosen.pool_size);
    Some(Recommendation {
        pool_size: chosen.pool_size,
        range: (chosen.pool_size, largest),
        best_p99_s,
        point: (*chosen).clone(),
    })
}

/// Server connections Postgres keeps for superusers (`superuser_reserved_connections`, default 3,
/// PostgreSQL docs) plus room for replication, monitoring and an administrator's psql: what the
/// tool adds to `max_connections` above what PgBouncer may open.
pub const CONNECTION_HEADROOM: u32 = 3 + 10;

/// `reserve_pool_size` as a share of the pool: extra connections PgBouncer opens only for clients
/// that waited `reserve_pool_timeout` (5 s by default), to ride out a burst.
pub const RESERVE_SHARE: f64 = 0.25;

/// One line of configuration and why it has that value.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigLine {
    /// The file it goes into: `pgbouncer.ini`, `postgresql.conf` or `application`.
    pub file: &'static str,
    /// The setting as written in that file.
    pub line: String,
    /// Why it has that value.
    pub reason: String,
}

/// The configuration for `inputs` with `advice` and the recommended pool.
pub fn config(inputs: &Inputs, advice: &ModeAdvice, rec: &Recommendation) -> Vec<ConfigLine> {
    let processes = inputs.pooler_processes.max(1);
    let pool = rec.pool_size;
    let reserve = ((f64::from(pool) * RESERVE_SHARE).ceil() as u32).max(1);
    let per_process_db = pool + reserve;
    let server_side = per_process_db * processes;
    let clients = inputs.client_connections();
    let max_client_conn = clients.div_ceil(processes) + clients.div_ceil(processes) / 5 + 10;
    let line = |file, line: String, reason: String| ConfigLine { file, line, reason };
    let mut out = vec![
        line(
            "pgbouncer.ini",
            format!("pool_mode = {}", advice.mode.key()),
            match advice.mode {
                PoolMode::Session => "a session feature the application uses breaks in transaction mode (see the modes)".to_string(),
                _ => "no feature the application uses needs the session: a server connection is held only for a transaction".to_string(),
            },
        ),
        line(
            "pgbouncer.ini",
            format!("default_pool_size = {pool}"),
            format!(
                "the smallest pool within {:.0} % of the best p99 at full throughput in the model's sweep{}",
                P99_MARGIN * 100.0,
                if processes > 1 { ", per process" } else { "" }
            ),
        ),
        line(
            "pgbouncer.ini",
            format!("reserve_pool_size = {reserve}"),
            "a quarter of the pool, opened only for clients that waited reserve_pool_timeout = 5 s: a burst, not the steady state".to_string(),
        ),
        line(
            "pgbouncer.ini",
            format!("max_db_connections = {per_process_db}"),
            "the pool and its reserve: PgBouncer never opens more server connections than this".to_string(),
        ),
        line(
            "pgbouncer.ini",
            format!("max_client_conn = {max_client_conn}"),
            format!(
                "the application's {} client connections{}, a fifth more for reconnects and deploys, and 10 for administration",
                crate::format::count(u64::from(clients)),
                if processes > 1 { " split over the processes" } else { "" }
            ),
        ),
        line(
            "pgbouncer.ini",
            "query_wait_timeout = 120".to_string(),
            "PgBouncer's default: a client that waited two minutes for a server connection is told so instead of hanging".to_string(),
        ),
    ];
    if let Some(n) = advice.max_prepared_statements {
        out.push(line(
            "pgbouncer.ini",
            format!("max_prepared_statements = {n}"),
            "the application uses protocol-level prepared statements: PgBouncer ≥ 1.21 re-prepares them on whichever server connection a client gets (200 is 1.24's default)".to_string(),
        ));
    }
    if processes > 1 {
        out.push(line(
            "pgbouncer.ini",
            "so_reuseport = 1".to_string(),
            format!("{processes} PgBouncer processes share one port; each has its own pool"),
        ));
    }
    out.push(line(
        "postgresql.conf",
        format!("max_connections = {}", server_side + CONNECTION_HEADROOM),
        format!(
            "what PgBouncer may open ({server_side}{}) plus 3 for superusers (superuser_reserved_connections) and 10 for replication, monitoring and administration",
            if processes > 1 {
                format!(" = {processes} processes × {per_process_db}")
            } else {
                String::new()
            }
        ),
    ));
    if let Load::Instances {
        pool: client_pool, ..
    } = inputs.load
    {
        out.push(line(
            "application",
            format!("client-side pool per instance = {client_pool}"),
            "unchanged: PgBouncer holds the client connections cheaply; what reaches Postgres is bounded by default_pool_size".to_string(),
        ));
    }
    out
}

/// The rule of thumb the tool shows beside the model's answer: PostgreSQL wiki, "Number Of
/// Database Connections" (also HikariCP's "About Pool Sizing"): `connections = cores × 2 +
/// effective_spindle_count`, taken with one spindle (an SSD or a cached working set).
pub fn rule_of_thumb(vcpus: u32) -> u32 {
    vcpus * 2 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(pool_size: u32, tps: f64, p99_ms: f64) -> SweepPoint {
        SweepPoint {
            pool_size,
            tps,
            p99_s: p99_ms / 1e3,
            errors_per_s: 0.0,
            overhead_share: 0.0,
            memory_private: 0.0,
        }
    }

    #[test]
    fn the_recommendation_is_the_smallest_full_throughput_pool_within_the_margin() {
        let points = [
            point(1, 500.0, 900.0),
            point(2, 990.0, 30.0),
            point(4, 1_000.0, 10.5),
            point(8, 1_000.0, 10.0),
            point(16, 995.0, 12.0),
        ];
        let r = recommend(&points).unwrap();
        assert_eq!((r.pool_size, r.range), (4, (4, 8)));
        assert!(r.point.p99_s <= (1.0 + P99_MARGIN) * r.best_p99_s);
        assert_eq!(recommend(&[]), None);
    }

    #[test]
    fn features_that_need_the_session_never_get_transaction_mode() {
        for i in 0..64u32 {
            let bit = |n: u32| i & (1 << n) != 0;
            let f = Features {
                prepared_statements: bit(0),
                set_reset: bit(1),
                listen: bit(2),
                advisory_locks: bit(3),
                temp_tables: bit(4),
                with_hold_cursors: bit(5),
            };
            let advice = mode_advice(&f, 3);
            let needs_session =
                f.set_reset || f.listen || f.advisory_locks || f.temp_tables || f.with_hold_cursors;
            assert_eq!(advice.mode == PoolMode::Session, needs_session, "{f:?}");
            assert_ne!(advice.mode, PoolMode::Statement);
            assert_eq!(
                advice.max_prepared_statements.is_some(),
                f.prepared_statements && !needs_session
            );
        }
    }

    #[test]
    fn candidates_grow_by_about_root_two_and_end_at_the_ceiling() {
        assert_eq!(
            candidates(8, 100),
            [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 100]
        );
        assert_eq!(candidates(1, 1000), [1, 2, 3, 4, 6, 8, 12, 16]);
        assert_eq!(candidates(4, 5), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn the_configuration_agrees_with_itself() {
        let inputs = Inputs {
            pooler_processes: 3,
            ..Inputs::default()
        };
        let advice = mode_advice(&Features::default(), 3);
        let rec = recommend(&[point(12, 1_000.0, 5.0)]).unwrap();
        let lines = config(&inputs, &advice, &rec);
        let value = |name: &str| -> u32 {
            let l = lines
                .iter()
                .find(|l| l.line.starts_with(&format!("{name} = ")))
                .unwrap_or_else(|| panic!("{name}"));
            l.line.rsplit(' ').next().unwrap().parse().unwrap()
        };
        let db = value("max_db_connections");
        assert_eq!(value("default_pool_size"), 12);
        assert!(db >= 12 + value("reserve_pool_size"));
        assert!(value("max_connections") >= 3 * db + CONNECTION_HEADROOM);
        assert!(value("max_client_conn") * 3 >= inputs.client_connections());
        assert!(lines.iter().any(|l| l.line == "so_reuseport = 1"));
        assert!(lines.iter().all(|l| !l.reason.is_empty()));
    }

    #[test]
    fn bad_values_are_clamped_with_a_notice_and_garbage_changes_nothing() {
        let mut i = Inputs::default();
        let n = i.set("vcpus", "100000").unwrap().expect("a notice");
        assert_eq!((i.vcpus, n.key), (256, "vcpus"));
        assert!(n.text.contains("256"), "{}", n.text);
        let before = i.clone();
        assert!(i.set("vcpus", "lots").is_err());
        assert!(i.set("nonsense", "1").is_err());
        assert!(i.set("listen", "maybe").is_err());
        assert_eq!(i, before);
        assert_eq!(i.set("tps", "5000"), Ok(None));
        assert!(matches!(i.load, Load::Rate { tps, .. } if tps == 5000.0));
        assert_eq!(i.set("listen", "on"), Ok(None));
        assert!(i.features.listen);
        for spec in INPUTS {
            let mut j = Inputs::default();
            j.set(spec.key, "-1e30").unwrap();
            assert_eq!(j.get(spec.key), Some(spec.min), "{}", spec.key);
            j.set(spec.key, "1e30").unwrap();
            assert_eq!(j.get(spec.key), Some(spec.max), "{}", spec.key);
        }
    }
}

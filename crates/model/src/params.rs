//! The one parameter struct, its registry of keys (units, ranges, meanings) and clamping.
//!
//! The command line, the URL and the page share the snake_case keys listed in [`PARAMS`].
//! Every value that reaches the model goes through [`Params::clamped`] (or [`Params::set`]), so
//! out-of-range input is clamped and reported, never a panic.

use crate::calibration as cal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How PgBouncer hands out server connections (`none` = clients connect straight to Postgres).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PoolMode {
    /// No pooler: one server connection per client connection.
    None,
    /// A server is bound to the client for its whole connection.
    Session,
    /// A server is bound for one transaction.
    Transaction,
    /// A server is bound for one statement; multi-statement transactions are refused.
    Statement,
}

/// Distribution of a statement's CPU demand.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    /// Exponential (memoryless; what queueing theory assumes).
    Exp,
    /// Constant, up to the small jitter of a real server (±5 % uniform with overheads on; see
    /// `calibration::STMT_CPU_JITTER`).
    Const,
    /// Lognormal with shape `stmt_cpu_sigma` (heavy-tailed, like real query mixes).
    Lognormal,
}

/// Connection lifetime of a client.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Connect {
    /// Connect once, keep the connection.
    Persistent,
    /// Connect before every transaction, disconnect after (ORM / serverless pattern).
    PerTxn,
}

/// Server-side authentication.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// No password exchange.
    Trust,
    /// SCRAM-SHA-256 (PBKDF2 on both sides).
    Scram,
}

/// How the database serves connections.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    /// One OS process per connection (Postgres).
    Process,
    /// One OS thread per connection (MySQL / MongoDB default style).
    Thread,
    /// A fixed pool of worker threads (≈ cores) executes statements of all connections.
    ThreadPool,
}

/// Where the load comes from.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// `clients` closed loops: think, transaction, think, ...
    Closed,
    /// Poisson arrivals at `arrival_rate`; each arrival runs one transaction and leaves.
    Open,
}

/// An on/off switch.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OnOff {
    /// Enabled.
    On,
    /// Disabled.
    Off,
}

/// Every knob of the model. Field names are the registry keys; units are in the names.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub struct Params {
    /// Client connections (closed workload).
    pub clients: u32,
    /// Extra connections that are opened and then left idle (application pools sized for peaks):
    /// they hold a backend (direct) or a pooler slot (pooled) and never send a statement.
    pub idle_connections: u32,
    /// PgBouncer `default_pool_size`: server connections per pool.
    pub pool_size: u32,
    /// PgBouncer `pool_mode`, or `none` for no pooler.
    pub pool_mode: PoolMode,
    /// CPU cores of the database server (the pooler runs on the same cores).
    pub cores: u32,
    /// Postgres `max_connections`.
    pub max_connections: u32,
    /// PgBouncer `max_client_conn`.
    pub max_client_conn: u32,
    /// PgBouncer `reserve_pool_size`.
    pub reserve_pool_size: u32,
    /// PgBouncer processes sharing the listening port (`so_reuseport = 1`). Each is independent:
    /// its own clients (up to `max_client_conn`), its own pool of up to `pool_size` (+ reserve)
    /// server connections, its own single-threaded event loop on the cores.
    pub pooler_processes: u32,
    /// PgBouncer `reserve_pool_timeout` in seconds.
    pub reserve_pool_timeout_s: f64,
    /// PgBouncer `query_wait_timeout` in seconds (0 = wait forever).
    pub query_wait_timeout_s: f64,
    /// Mean think time between transactions, ms (exponential).
    pub think_ms: f64,
    /// Mean CPU demand of one statement, ms.
    pub stmt_cpu_ms: f64,
    /// Distribution of statement CPU demand.
    pub stmt_cpu_dist: Dist,
    /// Shape σ of the lognormal statement distribution.
    pub stmt_cpu_sigma: f64,
    /// Statements per transaction.
    pub stmts_per_txn: u32,
    /// Client ↔ server network round trip, ms.
    pub rtt_ms: f64,
    /// Connection lifetime.
    pub connect: Connect,
    /// Authentication method.
    pub auth: Auth,
    /// Postgres major version (≤ 13 means the O(connections) snapshot scan).
    pub pg_version: u32,
    /// Connection architecture.
    pub arch: Arch,
    /// Closed loops or open (Poisson) arrivals.
    pub workload: Workload,
    /// Open workload arrival rate, transactions per second.
    pub arrival_rate: f64,
    /// `off` zeroes every overhead and gives unlimited cores: a pure queueing system.
    pub overheads: OnOff,
    /// Share of clients relying on session state (SET, LISTEN, advisory locks, prepared statements).
    pub session_state_share: f64,
    /// PgBouncer CPU per simple (one-statement) transaction, µs.
    pub pooler_cpu_us: f64,
    /// Postgres `work_mem`, MB.
    pub work_mem_mb: f64,
    /// Relations each backend has touched (catalog cache growth).
    pub relations_touched: f64,
    /// Postgres `shared_buffers`, MB.
    pub shared_buffers_mb: f64,
    /// Huge pages for shared memory.
    pub huge_pages: OnOff,
    /// The clients (e.g. pgbench) run on the server's cores: each statement's client-side CPU
    /// (`calibration::CLIENT_CPU_PER_STMT_NS`) is scheduled beside the backends and the pooler.
    pub clients_on_server: OnOff,
    /// Cost of waking a process onto a core that has been idle (its idle-state exit; on a VM a
    /// halted vCPU's wake-up), µs: part CPU on that core, part delay
    /// (`calibration::IDLE_WAKE_CPU_SHARE`).
    pub idle_wake_us: f64,
    /// Cost of a wake-up that crosses cores (the woken process waits in a run queue while the
    /// waker runs elsewhere: an inter-processor interrupt, on a VM a VM exit), µs.
    pub wake_ipi_us: f64,
    /// Shared last-level cache (L3) of the server, MiB; 0 = `calibration::L3_BYTES_PER_CORE` × cores.
    pub l3_cache_mb: f64,
}

impl Default for Params {
    /// The default scenario tells the story: a few thousand app connections through PgBouncer in
    /// transaction mode, onto a small pool on an 8-core server.
    fn default() -> Self {
        Params {
            clients: 2000,
            idle_connections: 0,
            pool_size: 24,
            pool_mode: PoolMode::Transaction,
            cores: 8,
            max_connections: cal::PG_MAX_CONNECTIONS_DEFAULT,
            max_client_conn: 10_000,
            reserve_pool_size: 0,
            pooler_processes: 1,
            reserve_pool_timeout_s: cal::PGB_RESERVE_POOL_TIMEOUT_S,
            query_wait_timeout_s: cal::PGB_QUERY_WAIT_TIMEOUT_S,
            think_ms: 500.0,
            stmt_cpu_ms: 0.2,
            stmt_cpu_dist: Dist::Exp,
            stmt_cpu_sigma: 1.0,
            stmts_per_txn: 3,
            rtt_ms: 0.3,
            connect: Connect::Persistent,
            auth: Auth::Scram,
            pg_version: 16,
            arch: Arch::Process,
            workload: Workload::Closed,
            arrival_rate: 2000.0,
            overheads: OnOff::On,
            session_state_share: 0.0,
            pooler_cpu_us: cal::PGB_CPU_PER_SIMPLE_TXN_US,
            work_mem_mb: 4.0,
            relations_touched: 50.0,
            shared_buffers_mb: 128.0,
            huge_pages: OnOff::Off,
            clients_on_server: OnOff::Off,
            idle_wake_us: cal::IDLE_WAKE_DEFAULT_US,
            wake_ipi_us: cal::WAKE_IPI_DEFAULT_US,
            l3_cache_mb: 0.0,
        }
    }
}

/// What kind of value a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum ParamKind {
    /// An integer in `[min, max]`.
    Int,
    /// A real number in `[min, max]`.
    Float,
    /// One of the listed choices (`min`/`max`/`default` are indices).
    Enum(&'static [&'static str]),
}

/// The registry entry of one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParamSpec {
    /// snake_case key shared by CLI, URL and UI.
    pub key: &'static str,
    /// Unit (empty for counts and enums).
    pub unit: &'static str,
    /// Default value (for enums: index of the default choice).
    pub default: f64,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Whether a slider should use a log scale.
    pub log_scale: bool,
    /// One-line meaning.
    pub help: &'static str,
    /// Kind and, for enums, the choices.
    pub kind: ParamKind,
}

const POOL_MODES: &[&str] = &["none", "session", "transaction", "statement"];
const DISTS: &[&str] = &["exp", "const", "lognormal"];
const CONNECTS: &[&str] = &["persistent", "per_txn"];
const AUTHS: &[&str] = &["trust", "scram"];
const ARCHS: &[&str] = &["process", "thread", "thread_pool"];
const WORKLOADS: &[&str] = &["closed", "open"];
const ON_OFF: &[&str] = &["on", "off"];

macro_rules! spec {
    ($key:expr, $unit:expr, $def:expr, $min:expr, $max:expr, $log:expr, $kind:expr, $help:expr) => {
        ParamSpec {
            key: $key,
            unit: $unit,
            default: $def,
            min: $min,
            max: $max,
            log_scale: $log,
            help: $help,
            kind: $kind,
        }
    };
}

/// The registry of every parameter: key, unit, default, range, scale hint, meaning, kind.
/// Defaults here equal `Params::default()` (a test checks it).
pub const PARAMS: &[ParamSpec] = &[
    spec!(
        "clients",
        "",
        2000.0,
        1.0,
        20000.0,
        true,
        ParamKind::Int,
        "client connections (closed workload)"
    ),
    spec!(
        "idle_connections",
        "",
        0.0,
        0.0,
        20000.0,
        false,
        ParamKind::Int,
        "extra connections opened once and left idle"
    ),
    spec!(
        "pool_size",
        "",
        24.0,
        1.0,
        1000.0,
        true,
        ParamKind::Int,
        "PgBouncer default_pool_size: server connections"
    ),
    spec!(
        "pool_mode",
        "",
        2.0,
        0.0,
        3.0,
        false,
        ParamKind::Enum(POOL_MODES),
        "PgBouncer pool mode, or none for direct connections"
    ),
    spec!(
        "cores",
        "",
        8.0,
        1.0,
        256.0,
        true,
        ParamKind::Int,
        "CPU cores of the database server"
    ),
    spec!(
        "max_connections",
        "",
        100.0,
        1.0,
        30000.0,
        true,
        ParamKind::Int,
        "Postgres max_connections"
    ),
    spec!(
        "max_client_conn",
        "",
        10000.0,
        1.0,
        100000.0,
        true,
        ParamKind::Int,
        "PgBouncer max_client_conn"
    ),
    spec!(
        "reserve_pool_size",
        "",
        0.0,
        0.0,
        1000.0,
        false,
        ParamKind::Int,
        "PgBouncer reserve_pool_size"
    ),
    spec!(
        "pooler_processes",
        "",
        1.0,
        1.0,
        64.0,
        false,
        ParamKind::Int,
        "PgBouncer processes on one port (so_reuseport); pool_size and max_client_conn are per process"
    ),
    spec!(
        "reserve_pool_timeout_s",
        "s",
        5.0,
        0.0,
        3600.0,
        false,
        ParamKind::Float,
        "wait after which a client may use the reserve pool"
    ),
    spec!(
        "query_wait_timeout_s",
        "s",
        120.0,
        0.0,
        3600.0,
        false,
        ParamKind::Float,
        "PgBouncer query_wait_timeout (0 = forever)"
    ),
    spec!(
        "think_ms",
        "ms",
        500.0,
        0.0,
        600000.0,
        true,
        ParamKind::Float,
        "mean think time between transactions (exponential)"
    ),
    spec!(
        "stmt_cpu_ms",
        "ms",
        0.2,
        0.001,
        10000.0,
        true,
        ParamKind::Float,
        "mean server CPU per statement"
    ),
    spec!(
        "stmt_cpu_dist",
        "",
        0.0,
        0.0,
        2.0,
        false,
        ParamKind::Enum(DISTS),
        "distribution of statement CPU"
    ),
    spec!(
        "stmt_cpu_sigma",
        "",
        1.0,
        0.05,
        3.0,
        false,
        ParamKind::Float,
        "lognormal shape sigma"
    ),
    spec!(
        "stmts_per_txn",
        "",
        3.0,
        1.0,
        1000.0,
        true,
        ParamKind::Int,
        "statements per transaction"
    ),
    spec!(
        "rtt_ms",
        "ms",
        0.3,
        0.0,
        1000.0,
        true,
        ParamKind::Float,
        "client/server network round trip between statements"
    ),
    spec!(
        "connect",
        "",
        0.0,
        0.0,
        1.0,
        false,
        ParamKind::Enum(CONNECTS),
        "keep connections, or connect per transaction"
    ),
    spec!(
        "auth",
        "",
        1.0,
        0.0,
        1.0,
        false,
        ParamKind::Enum(AUTHS),
        "authentication: trust or SCRAM-SHA-256"
    ),
    spec!(
        "pg_version",
        "",
        16.0,
        9.0,
        18.0,
        false,
        ParamKind::Int,
        "Postgres major version (<=13: O(N) snapshots)"
    ),
    spec!(
        "arch",
        "",
        0.0,
        0.0,
        2.0,
        false,
        ParamKind::Enum(ARCHS),
        "process per connection, thread per connection, or thread pool"
    ),
    spec!(
        "workload",
        "",
        0.0,
        0.0,
        1.0,
        false,
        ParamKind::Enum(WORKLOADS),
        "closed client loops or open Poisson arrivals"
    ),
    spec!(
        "arrival_rate",
        "1/s",
        2000.0,
        0.001,
        1000000.0,
        true,
        ParamKind::Float,
        "open workload: transactions arriving per second"
    ),
    spec!(
        "overheads",
        "",
        0.0,
        0.0,
        1.0,
        false,
        ParamKind::Enum(ON_OFF),
        "off: no overheads, unlimited cores (pure queueing)"
    ),
    spec!(
        "session_state_share",
        "",
        0.0,
        0.0,
        1.0,
        false,
        ParamKind::Float,
        "share of clients relying on session state"
    ),
    spec!(
        "pooler_cpu_us",
        "us",
        14.0,
        0.0,
        1000.0,
        true,
        ParamKind::Float,
        "PgBouncer CPU per one-statement transaction"
    ),
    spec!(
        "work_mem_mb",
        "MB",
        4.0,
        0.0625,
        65536.0,
        true,
        ParamKind::Float,
        "Postgres work_mem per sort/hash node"
    ),
    spec!(
        "relations_touched",
        "",
        50.0,
        0.0,
        100000.0,
        true,
        ParamKind::Float,
        "relations each backend has touched (catalog caches)"
    ),
    spec!(
        "shared_buffers_mb",
        "MB",
        128.0,
        1.0,
        1048576.0,
        true,
        ParamKind::Float,
        "Postgres shared_buffers"
    ),
    spec!(
        "huge_pages",
        "",
        1.0,
        0.0,
        1.0,
        false,
        ParamKind::Enum(ON_OFF),
        "huge pages for shared memory"
    ),
    spec!(
        "clients_on_server",
        "",
        1.0,
        0.0,
        1.0,
        false,
        ParamKind::Enum(ON_OFF),
        "clients run on the server's cores (pgbench on the same box)"
    ),
    spec!(
        "idle_wake_us",
        "us",
        2.0,
        0.0,
        1000.0,
        true,
        ParamKind::Float,
        "cost of waking a process onto an idle core (idle-state exit; a halted vCPU on a VM)"
    ),
    spec!(
        "wake_ipi_us",
        "us",
        1.0,
        0.0,
        1000.0,
        true,
        ParamKind::Float,
        "cost of a wake-up that crosses cores (inter-processor interrupt; a VM exit on a VM)"
    ),
    spec!(
        "l3_cache_mb",
        "MB",
        0.0,
        0.0,
        65536.0,
        true,
        ParamKind::Float,
        "shared last-level cache of the server (0 = 4 MiB per core)"
    ),
];

/// Looks up a parameter's registry entry.
pub fn spec(key: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|s| s.key == key)
}

/// A value that was changed to fit the allowed range.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Adjustment {
    /// Parameter key.
    pub key: String,
    /// What was asked for.
    pub requested: String,
    /// What was applied.
    pub applied: String,
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} is out of range, using {}",
            self.key, self.requested, self.applied
        )
    }
}

/// Why a value could not be set.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamError {
    /// No parameter has this key.
    UnknownKey(String),
    /// The value cannot be read as the parameter's kind.
    BadValue {
        /// Parameter key.
        key: String,
        /// The text given.
        value: String,
        /// What was expected.
        expected: String,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::UnknownKey(k) => {
                write!(f, "unknown parameter '{k}' (see `poolsim params`)")
            }
            ParamError::BadValue {
                key,
                value,
                expected,
            } => write!(f, "{key}: cannot read '{value}', expected {expected}"),
        }
    }
}

impl std::error::Error for ParamError {}

fn fmt_num(v: f64) -> String {
    if v.is_finite() && v == libm::round(v) && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl Params {
    fn enum_index(&self, key: &str) -> Option<usize> {
        Some(match key {
            "pool_mode" => self.pool_mode as usize,
            "stmt_cpu_dist" => self.stmt_cpu_dist as usize,
            "connect" => self.connect as usize,
            "auth" => self.auth as usize,
            "arch" => self.arch as usize,
            "workload" => self.workload as usize,
            "overheads" => self.overheads as usize,
            "huge_pages" => self.huge_pages as usize,
            "clients_on_server" => self.clients_on_server as usize,
            _ => return None,
        })
    }

    fn set_enum_index(&mut self, key: &str, i: usize) {
        match key {
            "pool_mode" => {
                self.pool_mode = [
                    PoolMode::None,
                    PoolMode::Session,
                    PoolMode::Transaction,
                    PoolMode::Statement,
                ][i]
            }
            "stmt_cpu_dist" => self.stmt_cpu_dist = [Dist::Exp, Dist::Const, Dist::Lognormal][i],
            "connect" => self.connect = [Connect::Persistent, Connect::PerTxn][i],
            "auth" => self.auth = [Auth::Trust, Auth::Scram][i],
            "arch" => self.arch = [Arch::Process, Arch::Thread, Arch::ThreadPool][i],
            "workload" => self.workload = [Workload::Closed, Workload::Open][i],
            "overheads" => self.overheads = [OnOff::On, OnOff::Off][i],
            "huge_pages" => self.huge_pages = [OnOff::On, OnOff::Off][i],
            "clients_on_server" => self.clients_on_server = [OnOff::On, OnOff::Off][i],
            _ => {}
        }
    }

    fn num_mut(&mut self, key: &str) -> Option<NumRef<'_>> {
        Some(match key {
            "clients" => NumRef::U(&mut self.clients),
            "idle_connections" => NumRef::U(&mut self.idle_connections),
            "pool_size" => NumRef::U(&mut self.pool_size),
            "cores" => NumRef::U(&mut self.cores),
            "max_connections" => NumRef::U(&mut self.max_connections),
            "max_client_conn" => NumRef::U(&mut self.max_client_conn),
            "reserve_pool_size" => NumRef::U(&mut self.reserve_pool_size),
            "pooler_processes" => NumRef::U(&mut self.pooler_processes),
            "stmts_per_txn" => NumRef::U(&mut self.stmts_per_txn),
            "pg_version" => NumRef::U(&mut self.pg_version),
            "reserve_pool_timeout_s" => NumRef::F(&mut self.reserve_pool_timeout_s),
            "query_wait_timeout_s" => NumRef::F(&mut self.query_wait_timeout_s),
            "think_ms" => NumRef::F(&mut self.think_ms),
            "stmt_cpu_ms" => NumRef::F(&mut self.stmt_cpu_ms),
            "stmt_cpu_sigma" => NumRef::F(&mut self.stmt_cpu_sigma),
            "rtt_ms" => NumRef::F(&mut self.rtt_ms),
            "arrival_rate" => NumRef::F(&mut self.arrival_rate),
            "session_state_share" => NumRef::F(&mut self.session_state_share),
            "pooler_cpu_us" => NumRef::F(&mut self.pooler_cpu_us),
            "work_mem_mb" => NumRef::F(&mut self.work_mem_mb),
            "relations_touched" => NumRef::F(&mut self.relations_touched),
            "shared_buffers_mb" => NumRef::F(&mut self.shared_buffers_mb),
            "idle_wake_us" => NumRef::F(&mut self.idle_wake_us),
            "l3_cache_mb" => NumRef::F(&mut self.l3_cache_mb),
            "wake_ipi_us" => NumRef::F(&mut self.wake_ipi_us),
            _ => return None,
        })
    }

    /// The value of `key` as text (enum choice names, numbers in the registry's unit).
    pub fn get(&self, key: &str) -> Option<String> {
        let s = spec(key)?;
        if let ParamKind::Enum(choices) = s.kind {
            return Some(choices[self.enum_index(key)?].to_string());
        }
        self.get_f64(key).map(fmt_num)
    }

    /// The value of `key` as a number (enums: the choice index).
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        if let Some(i) = self.enum_index(key) {
            return Some(i as f64);
        }
        let mut copy = self.clone();
        let v = match copy.num_mut(key)? {
            NumRef::U(u) => f64::from(*u),
            NumRef::F(f) => *f,
        };
        Some(v)
    }

    /// Parses `value` for `key`, clamps it into range and stores it. Returns the adjustment made
    /// when the value was out of range. Unknown keys and unreadable values are errors.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Option<Adjustment>, ParamError> {
        let s = spec(key).ok_or_else(|| ParamError::UnknownKey(key.to_string()))?;
        let value_t = value.trim();
        if let ParamKind::Enum(choices) = s.kind {
            let lower = value_t.to_ascii_lowercase();
            // Accept the names, and for on/off switches the usual boolean spellings.
            let alias = match lower.as_str() {
                "true" | "yes" | "1" if choices == ON_OFF => "on",
                "false" | "no" | "0" if choices == ON_OFF => "off",
                "per-txn" | "pertxn" => "per_txn",
                "thread-pool" | "threadpool" => "thread_pool",
                "exponential" => "exp",
                "constant" => "const",
                other => other,
            };
            return match choices.iter().position(|c| *c == alias) {
                Some(i) => {
                    self.set_enum_index(key, i);
                    Ok(None)
                }
                None => Err(ParamError::BadValue {
                    key: key.to_string(),
                    value: value.to_string(),
                    expected: format!("one of {}", choices.join("|")),
                }),
            };
        }
        let expected = if s.kind == ParamKind::Int {
            "an integer"
        } else {
            "a number"
        };
        let bad = || ParamError::BadValue {
            key: key.to_string(),
            value: value.to_string(),
            expected: format!("{expected} in {}..{}", fmt_num(s.min), fmt_num(s.max)),
        };
        let v = crate::decimal::parse_f64(value_t).ok_or_else(bad)?;
        if v.is_nan() {
            return Err(bad());
        }
        let applied = clamp_num(s, v);
        match self.num_mut(key) {
            Some(NumRef::U(u)) => *u = applied as u32,
            Some(NumRef::F(f)) => *f = applied,
            None => return Err(ParamError::UnknownKey(key.to_string())),
        }
        if applied != v {
            Ok(Some(Adjustment {
                key: key.to_string(),
                requested: value_t.to_string(),
                applied: fmt_num(applied),
            }))
        } else {
            Ok(None)
        }
    }

    /// Returns these parameters with every value inside its range (NaN becomes the default),
    /// and the list of changes made.
    pub fn clamped(mut self) -> (Params, Vec<Adjustment>) {
        let mut adj = Vec::new();
        for s in PARAMS {
            if matches!(s.kind, ParamKind::Enum(_)) {
                continue;
            }
            let Some(r) = self.num_mut(s.key) else {
                continue;
            };
            let v = match &r {
                NumRef::U(u) => f64::from(**u),
                NumRef::F(f) => **f,
            };
            let applied = if v.is_nan() {
                s.default
            } else {
                clamp_num(s, v)
            };
            if applied != v {
                match r {
                    NumRef::U(u) => *u = applied as u32,
                    NumRef::F(f) => *f = applied,
                }
                adj.push(Adjustment {
                    key: s.key.to_string(),
                    requested: fmt_num(v),
                    applied: fmt_num(applied),
                });
            }
        }
        (self, adj)
    }

    /// Whether the ≤ PG13 O(connections) snapshot scan applies.
    pub fn old_snapshots(&self) -> bool {
        self.pg_version <= 13
    }

    /// Whether a pooler sits between clients and the server.
    pub fn pooled(&self) -> bool {
        self.pool_mode != PoolMode::None
    }

    /// Whether overhead costs are modelled.
    pub fn overheads_on(&self) -> bool {
        self.overheads == OnOff::On
    }

    /// Whether the clients' own CPU runs on the server's cores (`clients_on_server = on`, with
    /// overheads on: with overheads off the model is a pure queueing system without client CPU).
    pub fn clients_on_cores(&self) -> bool {
        self.clients_on_server == OnOff::On && self.overheads_on()
    }
}

enum NumRef<'a> {
    U(&'a mut u32),
    F(&'a mut f64),
}

fn clamp_num(s: &ParamSpec, v: f64) -> f64 {
    let mut x = v.clamp(s.min, s.max);
    if s.kind == ParamKind::Int {
        x = libm::round(x).clamp(s.min, s.max);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_defaults_match_struct_default() {
        let d = Params::default();
        for s in PARAMS {
            assert_eq!(d.get_f64(s.key), Some(s.default), "{}", s.key);
            assert!(s.min <= s.default && s.default <= s.max, "{}", s.key);
        }
        assert_eq!(d.clone().clamped(), (d, vec![]));
    }

    #[test]
    fn set_parses_clamps_and_rejects() {
        let mut p = Params::default();
        assert_eq!(p.set("clients", "500"), Ok(None));
        assert_eq!(p.clients, 500);
        let a = p.set("clients", "1e9").unwrap().unwrap();
        assert_eq!(a.applied, "20000");
        assert_eq!(p.clients, 20000);
        assert!(p.set("clients", "-5").unwrap().is_some());
        assert_eq!(p.clients, 1);
        assert!(p.set("clients", "NaN").is_err());
        assert!(p.set("clients", "abc").is_err());
        assert!(p.set("think_ms", "inf").unwrap().is_some());
        assert!(matches!(p.set("nope", "1"), Err(ParamError::UnknownKey(_))));
        assert_eq!(p.set("pool_mode", "session"), Ok(None));
        assert_eq!(p.pool_mode, PoolMode::Session);
        assert!(p.set("pool_mode", "bogus").is_err());
        assert_eq!(p.set("connect", "per_txn"), Ok(None));
        assert_eq!(p.get("connect").unwrap(), "per_txn");
        assert_eq!(p.set("huge_pages", "true"), Ok(None));
        assert_eq!(p.huge_pages, OnOff::On);
    }

    #[test]
    fn clamped_fixes_nan_and_infinities() {
        let p = Params {
            think_ms: f64::NAN,
            rtt_ms: f64::INFINITY,
            stmt_cpu_ms: -1.0,
            ..Params::default()
        };
        let (c, adj) = p.clamped();
        assert_eq!(c.think_ms, 500.0);
        assert_eq!(c.rtt_ms, 1000.0);
        assert_eq!(c.stmt_cpu_ms, 0.001);
        assert_eq!(adj.len(), 3);
    }
}

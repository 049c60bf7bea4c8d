//! The one parameter struct, its registry of keys (units, ranges, meanings) and clamping.
//!
//! The command line, the URL and the page share the snake_case keys listed in [`PARAMS`].
//! Every value that reaches the model goes through [`Params::clamped`] (or [`Params::set`]), so
//! out-of-range input is clamped and reported, never a panic.
//!
//! Each parameter is declared once, as one row of the table in `params!`'s invocation below:
//! its field and documentation, its default (a constant of [`crate::calibration`], or for a
//! choice one of its variants), its unit, range, scale and one-line meaning. The struct, its
//! `Default`, the registry and the accessors are generated from that row. Each choice enum
//! declares its variants' names once, in `choices!`.

use crate::calibration as cal;
use serde::Serialize;
use std::fmt;

/// A type a parameter can take: a count (`u32`), a real number (`f64`) or a choice enum. The
/// registry carries every value as an `f64` (a choice as its index).
trait ParamValue: Copy {
    /// The registry's kind for this type.
    const KIND: ParamKind;
    /// The value as the registry's number.
    fn to_f64(self) -> f64;
    /// The value from the registry's number, which is already in range.
    fn from_f64(value: f64) -> Self;
    /// For a choice: the index of the choice spelled `name` (lower-case); `None` for numbers.
    fn index_of(_name: &str) -> Option<usize> {
        None
    }
}

impl ParamValue for u32 {
    const KIND: ParamKind = ParamKind::Int;
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(value: f64) -> Self {
        value as u32
    }
}

impl ParamValue for f64 {
    const KIND: ParamKind = ParamKind::Float;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(value: f64) -> Self {
        value
    }
}

/// Declares a choice enum from one list of variants. Each variant gives its key (the snake_case
/// name the CLI, the URL and the JSON output use), after `|` other spellings [`Params::set`]
/// accepts, and after `label` what the page calls it (its key when absent). The enum, `ALL`,
/// `KEYS`, `key`, `label` and `from_key` come from [`keyed!`](crate::keyed); this adds `index`,
/// the other spellings, its `Serialize` (the key) and its registry kind.
macro_rules! choices {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_attr:meta])*
                $variant:ident => $key:literal $(| $alias:literal)* $(, label $label:literal)? ;
            )+
        }
    ) => {
        $crate::keyed! {
            $(#[$attr])*
            pub enum $name {
                $( $(#[$variant_attr])* $variant => $key $(, label $label)? ; )+
            }
        }

        impl $name {
            /// Position of this choice in [`Self::ALL`] (its value in the registry).
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The choice spelled `name` (lower-case): its key or another accepted spelling.
            fn from_name(name: &str) -> Option<$name> {
                match name {
                    $( $key $(| $alias)* => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_unit_variant(stringify!($name), self.index() as u32, self.key())
            }
        }

        impl ParamValue for $name {
            const KIND: ParamKind = ParamKind::Enum($name::KEYS);
            fn to_f64(self) -> f64 {
                self.index() as f64
            }
            fn from_f64(value: f64) -> Self {
                $name::ALL[(value as usize).min($name::ALL.len() - 1)]
            }
            fn index_of(name: &str) -> Option<usize> {
                $name::from_name(name).map($name::index)
            }
        }
    };
}

choices! {
    /// How PgBouncer hands out server connections (`none` = clients connect straight to Postgres).
    pub enum PoolMode {
        /// No pooler: one server connection per client connection.
        None => "none";
        /// A server is bound to the client for its whole connection.
        Session => "session";
        /// A server is bound for one transaction.
        Transaction => "transaction";
        /// A server is bound for one statement; multi-statement transactions are refused.
        Statement => "statement";
    }
}

choices! {
    /// Distribution of a statement's CPU demand.
    pub enum Dist {
        /// Exponential (memoryless; what queueing theory assumes).
        Exp => "exp" | "exponential";
        /// Constant, up to the small jitter of a real server (±5 % uniform with overheads on; see
        /// `calibration::STMT_CPU_JITTER`).
        Const => "const" | "constant";
        /// Lognormal with shape `stmt_cpu_sigma` (heavy-tailed, like real query mixes).
        Lognormal => "lognormal";
    }
}

choices! {
    /// Connection lifetime of a client.
    pub enum Connect {
        /// Connect once, keep the connection.
        Persistent => "persistent";
        /// Connect before every transaction, disconnect after (ORM / serverless pattern).
        PerTxn => "per_txn" | "per-txn" | "pertxn";
    }
}

choices! {
    /// Server-side authentication.
    pub enum Auth {
        /// No password exchange.
        Trust => "trust";
        /// SCRAM-SHA-256 (PBKDF2 on both sides).
        Scram => "scram";
    }
}

choices! {
    /// How the database serves connections.
    pub enum Arch {
        /// One OS process per connection (Postgres).
        Process => "process", label "process per connection";
        /// One OS thread per connection (MySQL / MongoDB default style).
        Thread => "thread", label "thread per connection";
        /// A fixed pool of worker threads (≈ cores) executes statements of all connections.
        ThreadPool => "thread_pool" | "thread-pool" | "threadpool", label "thread pool";
    }
}

choices! {
    /// Where the load comes from.
    pub enum Workload {
        /// `clients` closed loops: think, transaction, think, ...
        Closed => "closed";
        /// Poisson arrivals at `arrival_rate`; each arrival runs one transaction and leaves.
        Open => "open";
    }
}

choices! {
    /// An on/off switch.
    pub enum OnOff {
        /// Enabled.
        On => "on" | "true" | "yes" | "1";
        /// Disabled.
        Off => "off" | "false" | "no" | "0";
    }
}

choices! {
    /// Where the PgBouncer processes run.
    pub enum PoolerHost {
        /// On the database server's cores, one network hop from the clients (as most guides
        /// install it).
        Db => "db" | "server" | "same";
        /// On a host of their own (a VM or Kubernetes pod beside the database): their CPU is not
        /// the server's, and every statement and result crosses one more network leg.
        Own => "own" | "separate" | "dedicated";
    }
}

/// Declares every parameter from one table. A row reads
///
/// ```text
/// /// Field documentation.
/// key: type = default, unit "ms", range min..=max log|linear, help "one-line meaning";
/// ```
///
/// where `type` is `u32`, `f64` or a `choices!` enum (a choice has no unit and no range: its
/// range is its indices). Generates [`Params`] with its `Default`, the registry [`PARAMS`], and
/// [`Params::get_f64`] and the numeric store behind [`Params::set`] and [`Params::clamped`].
macro_rules! params {
    (@unit) => { "" };
    (@unit $unit:literal) => { $unit };
    (@min $ty:ident) => { 0.0 };
    (@min $ty:ident, $min:literal) => { $min };
    (@max $ty:ident) => { ($ty::ALL.len() - 1) as f64 };
    (@max $ty:ident, $max:literal) => { $max };
    (@log) => { false };
    (@log log) => { true };
    (@log linear) => { false };
    (@number u32, $value:expr) => { $value as f64 };
    (@number f64, $value:expr) => { $value };
    (@number $choice:ident, $value:expr) => { $value.index() as f64 };
    (
        $(
            $(#[$field_attr:meta])*
            $field:ident : $ty:ident = $default:expr,
            $( unit $unit:literal, )?
            $( range $min:literal ..= $max:literal $scale:ident, )?
            help $help:literal;
        )+
    ) => {
        /// Every knob of the model. Field names are the registry keys; units are in the names.
        #[derive(Serialize, Clone, Debug, PartialEq)]
        pub struct Params {
            $( $(#[$field_attr])* pub $field: $ty, )+
        }

        impl Default for Params {
            /// The default scenario tells the story: a few thousand app connections through
            /// PgBouncer in transaction mode, onto a small pool on an 8-core server.
            fn default() -> Self {
                Params {
                    $( $field: $default, )+
                }
            }
        }

        /// The registry of every parameter: key, unit, default, range, scale hint, meaning,
        /// kind, in the order of [`Params`]'s fields. Its defaults are `Params::default()`'s.
        pub const PARAMS: &[ParamSpec] = &[
            $(
                ParamSpec {
                    key: stringify!($field),
                    unit: params!(@unit $($unit)?),
                    default: params!(@number $ty, $default),
                    min: params!(@min $ty $(, $min)?),
                    max: params!(@max $ty $(, $max)?),
                    log_scale: params!(@log $($scale)?),
                    help: $help,
                    kind: <$ty as ParamValue>::KIND,
                },
            )+
        ];

        impl Params {
            /// The value of `key` as a number (enums: the choice index).
            pub fn get_f64(&self, key: &str) -> Option<f64> {
                match key {
                    $( stringify!($field) => Some(ParamValue::to_f64(self.$field)), )+
                    _ => None,
                }
            }

            /// Stores `value` (already in range; a choice's index) under `key`. Returns whether
            /// `key` is a parameter.
            fn store(&mut self, key: &str, value: f64) -> bool {
                match key {
                    $( stringify!($field) => self.$field = ParamValue::from_f64(value), )+
                    _ => return false,
                }
                true
            }

            /// For a choice parameter: the index of the choice spelled `name` (lower-case).
            fn choice_index(key: &str, name: &str) -> Option<usize> {
                match key {
                    $( stringify!($field) => <$ty as ParamValue>::index_of(name), )+
                    _ => None,
                }
            }
        }
    };
}

params! {
    /// Client connections (closed workload).
    clients: u32 = cal::DEFAULT_CLIENTS,
        range 1.0..=20000.0 log,
        help "client connections (closed workload)";
    /// Extra connections that are opened and then left idle (application pools sized for peaks):
    /// they hold a backend (direct) or a pooler slot (pooled) and never send a statement.
    idle_connections: u32 = cal::DEFAULT_IDLE_CONNECTIONS,
        range 0.0..=20000.0 linear,
        help "extra connections opened once and left idle";
    /// PgBouncer `default_pool_size`: server connections per pool.
    pool_size: u32 = cal::DEFAULT_POOL_SIZE,
        range 1.0..=1000.0 log,
        help "PgBouncer default_pool_size: server connections";
    /// PgBouncer `pool_mode`, or `none` for no pooler.
    pool_mode: PoolMode = PoolMode::Transaction,
        help "PgBouncer pool mode, or none for direct connections";
    /// CPU cores of the database server (the pooler runs on the same cores).
    cores: u32 = cal::DEFAULT_CORES,
        range 1.0..=256.0 log,
        help "CPU cores of the database server";
    /// Postgres `max_connections`.
    max_connections: u32 = cal::PG_MAX_CONNECTIONS_DEFAULT,
        range 1.0..=30000.0 log,
        help "Postgres max_connections";
    /// PgBouncer `max_client_conn`.
    max_client_conn: u32 = cal::DEFAULT_MAX_CLIENT_CONN,
        range 1.0..=100000.0 log,
        help "PgBouncer max_client_conn";
    /// PgBouncer `reserve_pool_size`.
    reserve_pool_size: u32 = cal::PGB_RESERVE_POOL_SIZE_DEFAULT,
        range 0.0..=1000.0 linear,
        help "PgBouncer reserve_pool_size";
    /// PgBouncer processes sharing the listening port (`so_reuseport = 1`). Each is independent:
    /// its own clients (up to `max_client_conn`), its own pool of up to `pool_size` (+ reserve)
    /// server connections, its own single-threaded event loop on the cores.
    pooler_processes: u32 = cal::DEFAULT_POOLER_PROCESSES,
        range 1.0..=64.0 linear,
        help "PgBouncer processes on one port (so_reuseport); pool_size and max_client_conn are per process";
    /// PgBouncer `reserve_pool_timeout` in seconds.
    reserve_pool_timeout_s: f64 = cal::PGB_RESERVE_POOL_TIMEOUT_S,
        unit "s",
        range 0.0..=3600.0 linear,
        help "wait after which a client may use the reserve pool";
    /// PgBouncer `query_wait_timeout` in seconds (0 = wait forever).
    query_wait_timeout_s: f64 = cal::PGB_QUERY_WAIT_TIMEOUT_S,
        unit "s",
        range 0.0..=3600.0 linear,
        help "PgBouncer query_wait_timeout (0 = forever)";
    /// Mean think time between transactions, ms (exponential).
    think_ms: f64 = cal::DEFAULT_THINK_MS,
        unit "ms",
        range 0.0..=600000.0 log,
        help "mean think time between transactions (exponential)";
    /// Mean CPU demand of one statement, ms.
    stmt_cpu_ms: f64 = cal::DEFAULT_STMT_CPU_MS,
        unit "ms",
        range 0.001..=10000.0 log,
        help "mean server CPU per statement";
    /// Distribution of statement CPU demand.
    stmt_cpu_dist: Dist = Dist::Exp,
        help "distribution of statement CPU";
    /// Shape σ of the lognormal statement distribution.
    stmt_cpu_sigma: f64 = cal::DEFAULT_STMT_CPU_SIGMA,
        range 0.05..=3.0 linear,
        help "lognormal shape sigma";
    /// Statements per transaction.
    stmts_per_txn: u32 = cal::DEFAULT_STMTS_PER_TXN,
        range 1.0..=1000.0 log,
        help "statements per transaction";
    /// Client ↔ server network round trip, ms.
    rtt_ms: f64 = cal::DEFAULT_RTT_MS,
        unit "ms",
        range 0.0..=1000.0 log,
        help "client/server network round trip between statements";
    /// Connection lifetime.
    connect: Connect = Connect::Persistent,
        help "keep connections, or connect per transaction";
    /// Authentication method.
    auth: Auth = Auth::Scram,
        help "authentication: trust or SCRAM-SHA-256";
    /// Postgres major version (≤ 13 means the O(connections) snapshot scan).
    pg_version: u32 = cal::DEFAULT_PG_VERSION,
        range 9.0..=18.0 linear,
        help "Postgres major version (<=13: O(N) snapshots)";
    /// Connection architecture.
    arch: Arch = Arch::Process,
        help "process per connection, thread per connection, or thread pool";
    /// Closed loops or open (Poisson) arrivals.
    workload: Workload = Workload::Closed,
        help "closed client loops or open Poisson arrivals";
    /// Open workload arrival rate, transactions per second.
    arrival_rate: f64 = cal::DEFAULT_ARRIVAL_RATE,
        unit "1/s",
        range 0.001..=1000000.0 log,
        help "open workload: transactions arriving per second";
    /// `off` zeroes every overhead and gives unlimited cores: a pure queueing system.
    overheads: OnOff = OnOff::On,
        help "off: no overheads, unlimited cores (pure queueing)";
    /// Share of clients relying on session state (SET, LISTEN, advisory locks, prepared statements).
    session_state_share: f64 = cal::DEFAULT_SESSION_STATE_SHARE,
        range 0.0..=1.0 linear,
        help "share of clients relying on session state";
    /// PgBouncer CPU per simple (one-statement) transaction, µs.
    pooler_cpu_us: f64 = cal::PGB_CPU_PER_SIMPLE_TXN_US,
        unit "us",
        range 0.0..=1000.0 log,
        help "PgBouncer CPU per one-statement transaction";
    /// Postgres `work_mem`, MB.
    work_mem_mb: f64 = cal::WORK_MEM_DEFAULT_BYTES / cal::MIB,
        unit "MB",
        range 0.0625..=65536.0 log,
        help "Postgres work_mem per sort/hash node";
    /// Relations each backend has touched (catalog cache growth).
    relations_touched: f64 = cal::DEFAULT_RELATIONS_TOUCHED,
        range 0.0..=100000.0 log,
        help "relations each backend has touched (catalog caches)";
    /// Postgres `shared_buffers`, MB.
    shared_buffers_mb: f64 = cal::SHARED_BUFFERS_DEFAULT_BYTES / cal::MIB,
        unit "MB",
        range 1.0..=1048576.0 log,
        help "Postgres shared_buffers";
    /// Huge pages for shared memory.
    huge_pages: OnOff = OnOff::Off,
        help "huge pages for shared memory";
    /// The clients (e.g. pgbench) run on the server's cores: each statement's client-side CPU
    /// (`calibration::CLIENT_CPU_PER_STMT_NS`) is scheduled beside the backends and the pooler.
    clients_on_server: OnOff = OnOff::Off,
        help "clients run on the server's cores (pgbench on the same box)";
    /// Cost of waking a process onto a core that has been idle (its idle-state exit; on a VM a
    /// halted vCPU's wake-up), µs: part CPU on that core, part delay
    /// (`calibration::IDLE_WAKE_CPU_SHARE`).
    idle_wake_us: f64 = cal::IDLE_WAKE_DEFAULT_US,
        unit "us",
        range 0.0..=1000.0 log,
        help "cost of waking a process onto an idle core (idle-state exit; a halted vCPU on a VM)";
    /// Cost of a wake-up that crosses cores (the woken process waits in a run queue while the
    /// waker runs elsewhere: an inter-processor interrupt, on a VM a VM exit), µs.
    wake_ipi_us: f64 = cal::WAKE_IPI_DEFAULT_US,
        unit "us",
        range 0.0..=1000.0 log,
        help "cost of a wake-up that crosses cores (inter-processor interrupt; a VM exit on a VM)";
    /// Shared last-level cache (L3) of the server, MiB; 0 = `calibration::L3_BYTES_PER_CORE` × cores.
    l3_cache_mb: f64 = cal::DEFAULT_L3_CACHE_MB,
        unit "MB",
        range 0.0..=65536.0 log,
        help "shared last-level cache of the server (0 = 4 MiB per core)";
    /// CPU sockets of the server: the cores and the L3 are split evenly between them, and a
    /// cache line written on another socket costs more to read
    /// (`calibration::SNAPSHOT_CROSS_SOCKET_FACTOR`).
    sockets: u32 = cal::DEFAULT_SOCKETS,
        range 1.0..=8.0 linear,
        help "CPU sockets of the server (cores and L3 split between them)";
    /// How much dearer than on bare metal a switch's cache and TLB refill is on this host
    /// (1 = bare metal; a VM with nested paging pays two-dimensional page walks).
    switch_refill_factor: f64 = cal::DEFAULT_SWITCH_REFILL_FACTOR,
        range 0.0..=100.0 linear,
        help "switch refill cost against bare metal (nested paging on a VM: > 1)";
    // The pooler's host and cache, and the client program.
    /// Where PgBouncer runs: on the database server's cores (`db`), or on a host of its own
    /// (`own`: its own cores, and one more network leg, `rtt_ms / 2`, each way between it and
    /// the server).
    pooler_host: PoolerHost = PoolerHost::Db,
        help "where PgBouncer runs: on the database server's cores, or on its own host (one more network hop)";
    /// Cache the PgBouncer process's per-client state competes for, MiB: once its clients' state
    /// (`calibration::PGB_CLIENT_STATE_BYTES` each) outgrows it, forwarding a transaction misses
    /// in proportion. 0 = the L3 of the host it runs on.
    pooler_cache_mb: f64 = cal::DEFAULT_POOLER_CACHE_MB,
        unit "MB",
        range 0.0..=65536.0 log,
        help "cache for PgBouncer's per-client state (0 = its host's L3); beyond it each transaction misses";
    /// Threads of the client program (pgbench `-j`) with `clients_on_server`: each serves
    /// `clients / client_threads` connections and polls only those.
    client_threads: u32 = cal::DEFAULT_CLIENT_THREADS,
        range 1.0..=256.0 log,
        help "threads of the client program (pgbench -j) when it runs on the server's cores";
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

/// Looks up a parameter's registry entry.
pub fn spec(key: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|s| s.key == key)
}

/// A value that was changed to fit the allowed range.
#[derive(Serialize, Clone, Debug, PartialEq)]
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
    /// The value of `key` as text (enum choice names, numbers in the registry's unit).
    pub fn get(&self, key: &str) -> Option<String> {
        let s = spec(key)?;
        let v = self.get_f64(key)?;
        Some(match s.kind {
            ParamKind::Enum(choices) => choices[v as usize].to_string(),
            ParamKind::Int | ParamKind::Float => fmt_num(v),
        })
    }

    /// Parses `value` for `key`, clamps it into range and stores it. Returns the adjustment made
    /// when the value was out of range. Unknown keys and unreadable values are errors.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Option<Adjustment>, ParamError> {
        let s = spec(key).ok_or_else(|| ParamError::UnknownKey(key.to_string()))?;
        let value_t = value.trim();
        if let ParamKind::Enum(choices) = s.kind {
            // The choices' keys, and the other spellings each choice declares.
            return match Self::choice_index(key, &value_t.to_ascii_lowercase()) {
                Some(i) => {
                    self.store(key, i as f64);
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
        self.store(key, applied);
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
            let Some(v) = self.get_f64(s.key) else {
                continue;
            };
            let applied = if v.is_nan() {
                s.default
            } else {
                clamp_num(s, v)
            };
            if applied != v {
                self.store(s.key, applied);
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
    fn choices_round_trip_their_keys() {
        fn check<T: ParamValue + Serialize + fmt::Debug + PartialEq>(
            all: &[T],
            keys: &[&str],
            key: fn(T) -> &'static str,
            from_key: fn(&str) -> Option<T>,
        ) {
            assert_eq!(all.len(), keys.len());
            for (i, (&choice, &k)) in all.iter().zip(keys).enumerate() {
                assert_eq!(key(choice), k);
                assert_eq!(from_key(k), Some(choice));
                assert_eq!(choice.to_f64(), i as f64);
                assert_eq!(T::from_f64(i as f64), choice);
                assert_eq!(T::index_of(k), Some(i));
                assert_eq!(serde_json::to_string(&choice).unwrap(), format!("\"{k}\""));
            }
            assert_eq!(from_key("bogus"), None);
        }
        check(
            &PoolMode::ALL,
            PoolMode::KEYS,
            PoolMode::key,
            PoolMode::from_key,
        );
        check(&Dist::ALL, Dist::KEYS, Dist::key, Dist::from_key);
        check(
            &Connect::ALL,
            Connect::KEYS,
            Connect::key,
            Connect::from_key,
        );
        check(&Auth::ALL, Auth::KEYS, Auth::key, Auth::from_key);
        check(&Arch::ALL, Arch::KEYS, Arch::key, Arch::from_key);
        check(
            &Workload::ALL,
            Workload::KEYS,
            Workload::key,
            Workload::from_key,
        );
        check(&OnOff::ALL, OnOff::KEYS, OnOff::key, OnOff::from_key);
        check(
            &PoolerHost::ALL,
            PoolerHost::KEYS,
            PoolerHost::key,
            PoolerHost::from_key,
        );
        assert_eq!(Arch::ThreadPool.label(), "thread pool");
        assert_eq!(PoolMode::Session.label(), "session");
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
        assert_eq!(p.set("huge_pages", "No"), Ok(None));
        assert_eq!(p.huge_pages, OnOff::Off);
        assert_eq!(p.set("arch", " Thread-Pool "), Ok(None));
        assert_eq!(p.arch, Arch::ThreadPool);
        assert_eq!(p.set("stmt_cpu_dist", "constant"), Ok(None));
        assert_eq!(p.stmt_cpu_dist, Dist::Const);
        // Another choice's spelling is not accepted.
        assert!(p.set("pool_mode", "true").is_err());
        assert!(p.set("connect", "exponential").is_err());
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

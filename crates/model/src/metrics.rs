//! What the model measures: counters, latency histograms, rings of 100 ms buckets, and the
//! serialisable readouts built from them ([`Summary`], [`SeriesPoint`]).
//!
//! Counters are kept per 100 ms bucket (for windows and series) and summed since the last reset
//! (for [`Summary`]) as buckets close. Closed buckets live in fixed-size rings, so memory does
//! not grow with simulated time. Histograms record microseconds.

use crate::hist::Hist;
use crate::memory::MemoryBreakdown;
use hdrhistogram::Counter;
use serde::Serialize;

/// Length of one series/window bucket.
pub const BUCKET_NS: u64 = 100_000_000;
/// Buckets kept with histograms for [`crate::Model::window`] (5 s).
pub const WINDOW_BUCKETS: usize = 50;
/// Points kept in the series ring (60 s).
pub const SERIES_POINTS: usize = 600;

/// Error kinds, in the order of [`Errors`]' fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorKind {
    /// Postgres refused a client connection ("sorry, too many clients already").
    Refused = 0,
    /// PgBouncer refused a client (`max_client_conn`).
    MaxClientConn,
    /// A client waited longer than `query_wait_timeout` for a server.
    QueryWaitTimeout,
    /// A client relying on session state ran in transaction or statement mode.
    ModeIncompatible,
    /// A multi-statement transaction in statement mode.
    StatementModeMultiStmt,
    /// Postgres refused a connection the pooler tried to open.
    ServerRefused,
    /// An open-workload arrival dropped because too many were in flight.
    Dropped,
}
/// Number of error kinds.
pub const N_ERRORS: usize = 7;

/// Where CPU time goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CpuCat {
    /// Executing statements.
    Work = 0,
    /// Context switches, cache refills, migrations.
    Switching,
    /// GetSnapshotData.
    Snapshots,
    /// fork, backend start-up, authentication.
    ForkAuth,
    /// The pooler's own CPU.
    Pooler,
    /// Clients running on the server's cores (`clients_on_server`).
    Clients,
}
/// Number of CPU categories.
pub const N_CPU: usize = 6;

/// Raw counters over an interval.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Counters {
    pub elapsed_ns: u64,
    pub core_time_ns: u128,
    pub txns: u64,
    pub stmts: u64,
    pub lat_sum_ns: u128,
    pub lat_max_ns: u64,
    pub query_time_ns: u128,
    pub pool_entries: u64,
    pub pool_waited: u64,
    pub pool_wait_ns: u128,
    pub pool_wait_max_ns: u64,
    pub errors: [u64; N_ERRORS],
    pub cs_vol: u64,
    pub cs_invol: u64,
    pub migrations: u64,
    pub cpu_ns: [u64; N_CPU],
    pub int_pool: u128,
    pub int_runq: u128,
    pub int_sys: u128,
    pub runq_entries: u64,
    pub runq_wait_ns: u128,
    pub sys_departures: u64,
    pub sys_sojourn_ns: u128,
}

impl Counters {
    fn add(&mut self, o: &Counters) {
        self.add_delta(o, &Counters::default());
        self.lat_max_ns = self.lat_max_ns.max(o.lat_max_ns);
        self.pool_wait_max_ns = self.pool_wait_max_ns.max(o.pool_wait_max_ns);
    }

    /// Adds `o − base` to every summed field (`base`: an earlier state of `o`); maxima are
    /// left alone (they cannot be subtracted).
    fn add_delta(&mut self, o: &Counters, base: &Counters) {
        self.elapsed_ns += o.elapsed_ns - base.elapsed_ns;
        self.core_time_ns += o.core_time_ns - base.core_time_ns;
        self.txns += o.txns - base.txns;
        self.stmts += o.stmts - base.stmts;
        self.lat_sum_ns += o.lat_sum_ns - base.lat_sum_ns;
        self.query_time_ns += o.query_time_ns - base.query_time_ns;
        self.pool_entries += o.pool_entries - base.pool_entries;
        self.pool_waited += o.pool_waited - base.pool_waited;
        self.pool_wait_ns += o.pool_wait_ns - base.pool_wait_ns;
        for i in 0..N_ERRORS {
            self.errors[i] += o.errors[i] - base.errors[i];
        }
        self.cs_vol += o.cs_vol - base.cs_vol;
        self.cs_invol += o.cs_invol - base.cs_invol;
        self.migrations += o.migrations - base.migrations;
        for i in 0..N_CPU {
            self.cpu_ns[i] += o.cpu_ns[i] - base.cpu_ns[i];
        }
        self.int_pool += o.int_pool - base.int_pool;
        self.int_runq += o.int_runq - base.int_runq;
        self.int_sys += o.int_sys - base.int_sys;
        self.runq_entries += o.runq_entries - base.runq_entries;
        self.runq_wait_ns += o.runq_wait_ns - base.runq_wait_ns;
        self.sys_departures += o.sys_departures - base.sys_departures;
        self.sys_sojourn_ns += o.sys_sojourn_ns - base.sys_sojourn_ns;
    }
}

/// Levels integrated over time (for time averages and Little's law).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Levels {
    pub cores: u64,
    pub pool_waiting: u64,
    pub runq: u64,
    pub in_system: u64,
}

struct Bucket {
    c: Counters,
    lat: Hist<u32>,
    wait: Hist<u32>,
}

/// Per-bucket histograms: 2 significant figures, u32 counts.
fn small_hist() -> Hist<u32> {
    Hist::new(2)
}

/// Since-reset histograms: 3 significant figures.
fn big_hist() -> Hist<u64> {
    Hist::new(3)
}

fn us(ns: u64) -> u64 {
    ns / 1000
}

/// Right-censored observations: attempts still in progress when a readout is taken, each counted
/// with the time it has taken so far (its final value will be at least that). Without them a
/// readout taken while clients are stuck (waiting for a server that never comes) would describe
/// only the lucky transactions that completed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Censored {
    pub n: u64,
    pub sum_ns: u128,
    pub max_ns: u64,
}

impl Censored {
    /// Counts one observation of `ns` here and in `h` (µs, like every latency histogram).
    #[inline]
    pub fn record<C: Counter>(&mut self, h: &mut Hist<C>, ns: u64) {
        self.n += 1;
        self.sum_ns += u128::from(ns);
        self.max_ns = self.max_ns.max(ns);
        h.record(us(ns));
    }
}

/// The censored observations of one readout: transactions in flight and waits for a server in
/// progress.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct InFlight {
    pub txn: Censored,
    pub wait: Censored,
}

/// Extra figures stored with each closed bucket of the series (read from the model state).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BucketExtras {
    pub mem_private: f64,
    pub mem_rss: f64,
    pub server_connections: u32,
}

/// Events update only the current bucket's counters (`cur`); the since-reset counters (`total`)
/// take a bucket's sums when it closes, and [`Metrics::totals`] adds the open bucket on read.
/// That halves the bookkeeping of every event (notably the time integrals of `clock_to`) and,
/// the counters being integers, gives the same sums.
pub(crate) struct Metrics {
    pub reset_at: u64,
    /// Closed buckets since the reset; maxima are kept here directly, as they cannot be split.
    total: Counters,
    /// What `cur` held at the reset, when the reset fell inside the open bucket.
    cur_base: Counters,
    lat: Hist<u64>,
    wait: Hist<u64>,
    pub cur: Counters,
    cur_lat: Hist<u32>,
    cur_wait: Hist<u32>,
    pub bucket_start: u64,
    ring: Vec<Bucket>,
    ring_next: usize,
    ring_len: usize,
    series: Vec<SeriesPoint>,
    series_next: usize,
    series_len: usize,
}

/// Applies `$body` to the current bucket's counters as `$c`.
macro_rules! cur {
    ($m:expr, |$c:ident| $body:expr) => {{
        let $c = &mut $m.cur;
        $body;
    }};
}

impl Metrics {
    pub fn new(now: u64) -> Metrics {
        Metrics {
            reset_at: now,
            total: Counters::default(),
            cur_base: Counters::default(),
            lat: big_hist(),
            wait: big_hist(),
            cur: Counters::default(),
            cur_lat: small_hist(),
            cur_wait: small_hist(),
            bucket_start: now,
            ring: Vec::new(),
            ring_next: 0,
            ring_len: 0,
            series: Vec::new(),
            series_next: 0,
            series_len: 0,
        }
    }

    pub fn reset(&mut self, now: u64) {
        self.reset_at = now;
        self.total = Counters::default();
        self.cur_base = self.cur;
        self.lat.reset();
        self.wait.reset();
    }

    #[inline]
    pub fn integrate(&mut self, dt: u64, l: &Levels) {
        if dt == 0 {
            return;
        }
        let d = u128::from(dt);
        cur!(self, |c| {
            c.elapsed_ns += dt;
            c.core_time_ns += d * u128::from(l.cores);
            c.int_pool += d * u128::from(l.pool_waiting);
            c.int_runq += d * u128::from(l.runq);
            c.int_sys += d * u128::from(l.in_system);
        });
    }

    pub fn txn_done(&mut self, lat_ns: u64) {
        cur!(self, |c| {
            c.txns += 1;
            c.lat_sum_ns += u128::from(lat_ns);
            c.lat_max_ns = c.lat_max_ns.max(lat_ns);
        });
        self.total.lat_max_ns = self.total.lat_max_ns.max(lat_ns);
        self.lat.record(us(lat_ns));
        self.cur_lat.record(us(lat_ns));
    }

    pub fn stmt_done(&mut self, q_ns: u64) {
        cur!(self, |c| {
            c.stmts += 1;
            c.query_time_ns += u128::from(q_ns);
        });
    }

    pub fn pool_assigned(&mut self, wait_ns: u64, waited: bool) {
        cur!(self, |c| {
            c.pool_entries += 1;
            c.pool_waited += u64::from(waited);
            c.pool_wait_ns += u128::from(wait_ns);
            c.pool_wait_max_ns = c.pool_wait_max_ns.max(wait_ns);
        });
        self.total.pool_wait_max_ns = self.total.pool_wait_max_ns.max(wait_ns);
        self.wait.record(us(wait_ns));
        self.cur_wait.record(us(wait_ns));
    }

    pub fn error(&mut self, k: ErrorKind) {
        cur!(self, |c| c.errors[k as usize] += 1);
    }

    pub fn switch(&mut self, voluntary: bool) {
        if voluntary {
            cur!(self, |c| c.cs_vol += 1);
        } else {
            cur!(self, |c| c.cs_invol += 1);
        }
    }

    pub fn migration(&mut self) {
        cur!(self, |c| c.migrations += 1);
    }

    #[inline]
    pub fn cpu(&mut self, cat: CpuCat, ns: u64) {
        cur!(self, |c| c.cpu_ns[cat as usize] += ns);
    }

    pub fn runq_enter(&mut self) {
        cur!(self, |c| c.runq_entries += 1);
    }

    pub fn runq_leave(&mut self, wait_ns: u64) {
        cur!(self, |c| c.runq_wait_ns += u128::from(wait_ns));
    }

    pub fn sys_leave(&mut self, sojourn_ns: u64) {
        cur!(self, |c| {
            c.sys_departures += 1;
            c.sys_sojourn_ns += u128::from(sojourn_ns);
        });
    }

    /// Closes the current bucket (which must end at `bucket_start + BUCKET_NS`). `in_flight`:
    /// the elapsed time (ns) of every transaction attempt still in progress at the bucket's end,
    /// counted in the point's latency figures as censored observations (reordered here).
    pub fn close_bucket(
        &mut self,
        extras: BucketExtras,
        cl_waiting_now: u32,
        in_flight: &mut [u64],
    ) {
        let c = self.cur;
        let secs = c.elapsed_ns as f64 / 1e9;
        let per_s = |x: u64| if secs > 0.0 { x as f64 / secs } else { 0.0 };
        let (p99, lat_n, lat_sum) = if in_flight.is_empty() {
            let p99 = if self.cur_lat.is_empty() {
                0.0
            } else {
                (self.cur_lat.value_at_quantile(0.99) as f64 / 1e6).min(c.lat_max_ns as f64 / 1e9)
            };
            (p99, c.txns, c.lat_sum_ns)
        } else {
            let p99 = p99_with(&self.cur_lat, in_flight);
            let max_s = c
                .lat_max_ns
                .max(in_flight.iter().copied().max().unwrap_or(0)) as f64
                / 1e9;
            let sum: u128 = in_flight.iter().map(|&e| u128::from(e)).sum();
            (
                p99.min(max_s),
                c.txns + in_flight.len() as u64,
                c.lat_sum_ns + sum,
            )
        };
        let end = self.bucket_start + BUCKET_NS;
        let point = SeriesPoint {
            t_s: end as f64 / 1e9,
            throughput_tps: per_s(c.txns),
            latency_p99_s: p99,
            latency_mean_s: if lat_n > 0 {
                lat_sum as f64 / lat_n as f64 / 1e9
            } else {
                0.0
            },
            memory_private_bytes: extras.mem_private,
            memory_rss_bytes: extras.mem_rss,
            context_switches_per_s: per_s(c.cs_vol + c.cs_invol),
            cpu_migrations_per_s: per_s(c.migrations),
            cl_waiting: if c.elapsed_ns > 0 {
                c.int_pool as f64 / c.elapsed_ns as f64
            } else {
                f64::from(cl_waiting_now)
            },
            errors_per_s: per_s(c.errors.iter().sum()),
            cpu_busy: if c.core_time_ns > 0 {
                c.cpu_ns.iter().sum::<u64>() as f64 / c.core_time_ns as f64
            } else {
                0.0
            },
            server_connections: extras.server_connections,
        };
        if self.series.len() < SERIES_POINTS {
            self.series.push(point);
        } else {
            self.series[self.series_next] = point;
        }
        self.series_next = (self.series_next + 1) % SERIES_POINTS;
        self.series_len = (self.series_len + 1).min(SERIES_POINTS);

        // Move the bucket into the window ring, recycling the oldest bucket's histograms.
        if self.ring.len() < WINDOW_BUCKETS {
            self.ring.push(Bucket {
                c,
                lat: std::mem::replace(&mut self.cur_lat, small_hist()),
                wait: std::mem::replace(&mut self.cur_wait, small_hist()),
            });
        } else {
            let b = &mut self.ring[self.ring_next];
            b.c = c;
            std::mem::swap(&mut b.lat, &mut self.cur_lat);
            std::mem::swap(&mut b.wait, &mut self.cur_wait);
            self.cur_lat.reset();
            self.cur_wait.reset();
        }
        self.ring_next = (self.ring_next + 1) % WINDOW_BUCKETS;
        self.ring_len = (self.ring_len + 1).min(WINDOW_BUCKETS);
        self.total.add_delta(&c, &self.cur_base);
        self.cur_base = Counters::default();
        self.cur = Counters::default();
        self.bucket_start = end;
    }

    /// The series, oldest first.
    pub fn series(&self) -> Vec<SeriesPoint> {
        let n = self.series_len;
        let cap = self.series.len();
        (0..n)
            .map(|i| self.series[(self.series_next + cap - n + i) % cap])
            .collect()
    }

    /// Counters and histograms since the last reset.
    pub fn totals(&self) -> (Counters, &Hist<u64>, &Hist<u64>) {
        let mut t = self.total;
        t.add_delta(&self.cur, &self.cur_base);
        (t, &self.lat, &self.wait)
    }

    /// Counters and merged histograms over the last `buckets` closed buckets plus the open one.
    pub fn window(&self, buckets: usize) -> (Counters, Hist<u64>, Hist<u64>) {
        let mut c = self.cur;
        // Same bins as the buckets' (2 significant figures), so merging adds counts.
        let mut lat = Hist::<u64>::new(2);
        let mut wait = Hist::<u64>::new(2);
        lat.add(&self.cur_lat);
        wait.add(&self.cur_wait);
        let n = buckets.min(self.ring_len);
        let cap = self.ring.len();
        for i in 0..n {
            let b = &self.ring[(self.ring_next + cap - 1 - i) % cap];
            c.add(&b.c);
            lat.add(&b.lat);
            wait.add(&b.wait);
        }
        (c, lat, wait)
    }
}

/// The 99th percentile (s) of the values in `h` (µs) together with `extra` (ns), as
/// `value_at_quantile(0.99)` of one histogram holding both would give it, but recording only the
/// `extra` values that can reach the top 1 % (a bucket may close with 10,000 attempts in flight
/// and a hundred completions). `extra` is reordered.
fn p99_with(h: &Hist<u32>, extra: &mut [u64]) -> f64 {
    let n = h.len() + extra.len() as u64;
    // hdrhistogram's rank of a quantile: ceil(q·n), at least 1.
    let rank = (libm::ceil(0.99 * n as f64) as u64).clamp(1, n);
    // The answer is the m-th largest value; only the m largest extra values can be among the m
    // largest of the union.
    let m = (n - rank + 1) as usize;
    let top = if extra.len() > m {
        extra.select_nth_unstable_by(m - 1, |a, b| b.cmp(a));
        &mut extra[..m]
    } else {
        &mut extra[..]
    };
    // In µs, ascending (`us` keeps the order), merged with `h`'s bins as they are walked. An
    // insertion sort: `top` is about 1 % of the values, and `sort_unstable` would add 4 KB to the
    // first-load wasm (docs/SIZE.md).
    for i in 1..top.len() {
        let mut j = i;
        while j > 0 && top[j - 1] > top[j] {
            top.swap(j - 1, j);
            j -= 1;
        }
    }
    for e in top.iter_mut() {
        *e = us(*e);
    }
    // Same m-th largest among `h` and the top extra values, which left out the smaller ones.
    let rank_in_both = h.len() + top.len() as u64 - m as u64 + 1;
    h.value_at_rank_with(top, rank_in_both) as f64 / 1e6
}

/// One 100 ms point of the live charts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SeriesPoint {
    /// Simulated time at the end of the bucket, s.
    pub t_s: f64,
    /// Transactions completed per second.
    pub throughput_tps: f64,
    /// 99th percentile of transaction latency in the bucket, s: transactions completed in the
    /// bucket plus attempts in flight at its end, counted with their elapsed time so far.
    pub latency_p99_s: f64,
    /// Mean transaction latency in the bucket, s (same observations as `latency_p99_s`).
    pub latency_mean_s: f64,
    /// Private memory (what connections truly cost) at the bucket's end, bytes.
    pub memory_private_bytes: f64,
    /// Sum of `top`'s RSS column at the bucket's end, bytes.
    pub memory_rss_bytes: f64,
    /// Context switches per second.
    pub context_switches_per_s: f64,
    /// CPU migrations per second.
    pub cpu_migrations_per_s: f64,
    /// Time-average of clients waiting for a server.
    pub cl_waiting: f64,
    /// Errors per second (all kinds).
    pub errors_per_s: f64,
    /// Busy share of the cores (0..1).
    pub cpu_busy: f64,
    /// Server connections at the bucket's end.
    pub server_connections: u32,
}

/// Mean, percentiles and maximum, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
}

/// Time spent waiting for a server in the pool, s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PoolWait {
    /// Mean over all statements that needed a server (zero waits included).
    pub mean: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Share of requests that had to wait (Erlang C's probability of waiting).
    pub p_wait: f64,
}

/// Context switches per second on the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Switches {
    /// A process blocked (waiting for its client, or idle).
    pub voluntary: f64,
    /// A process was preempted at the end of its time slice.
    pub involuntary: f64,
    /// Both.
    pub total: f64,
}

/// Shares of core time (cores × elapsed); the seven fields sum to 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CpuShare {
    /// Executing statements.
    pub work: f64,
    /// Context switches, cache/TLB refills and migrations.
    pub switching: f64,
    /// GetSnapshotData.
    pub snapshots: f64,
    /// fork, backend start-up and authentication.
    pub fork_auth: f64,
    /// The pooler process.
    pub pooler: f64,
    /// Client processes on the server's cores (`clients_on_server`; 0 otherwise).
    pub clients: f64,
    /// Nothing to run.
    pub idle: f64,
}

/// Error counts (over the interval).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Errors {
    /// "sorry, too many clients already" to a client (max_connections).
    pub refused: u64,
    /// PgBouncer's max_client_conn reached.
    pub max_client_conn: u64,
    /// Waited longer than query_wait_timeout for a server.
    pub query_wait_timeout: u64,
    /// Session state used in transaction/statement mode.
    pub mode_incompatible: u64,
    /// Multi-statement transaction in statement mode.
    pub statement_mode_multi_stmt: u64,
    /// The pooler's own server connection was refused by Postgres.
    pub server_refused: u64,
    /// Open-workload arrivals dropped (too many in flight).
    pub dropped: u64,
    /// All of the above.
    pub total: u64,
}

/// PgBouncer's `SHOW POOLS` row for the one pool (counts now; maxwait in s).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ShowPools {
    /// Clients linked to a server or idle with no pending query.
    pub cl_active: u64,
    /// Clients that sent a query and wait for a server.
    pub cl_waiting: u64,
    /// Servers linked to a client.
    pub sv_active: u64,
    /// Servers unused and immediately usable.
    pub sv_idle: u64,
    /// Servers idle longer than server_check_delay (not modelled: always 0).
    pub sv_used: u64,
    /// Servers logging in (being forked and authenticated).
    pub sv_login: u64,
    /// Age of the oldest waiting client, s.
    pub maxwait_s: f64,
}

/// PgBouncer's `SHOW STATS` (over the interval; times in µs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ShowStats {
    /// Transactions completed.
    pub total_xact_count: u64,
    /// Statements completed.
    pub total_query_count: u64,
    /// Sum of transaction times, µs.
    pub total_xact_time_us: f64,
    /// Sum of statement times, µs.
    pub total_query_time_us: f64,
    /// Sum of time clients waited for a server, µs.
    pub total_wait_time_us: f64,
    /// Mean transaction time, µs.
    pub avg_xact_time_us: f64,
    /// Mean statement time, µs.
    pub avg_query_time_us: f64,
    /// Mean wait for a server per request, µs.
    pub avg_wait_time_us: f64,
}

/// Little's law terms for one queue: L (time average), λ, W and λ·W.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LittleTerm {
    /// Time-average number in the queue.
    #[serde(rename = "L")]
    pub l: f64,
    /// Arrival (entry) rate, per s.
    pub lambda: f64,
    /// Mean time in the queue, s.
    #[serde(rename = "W")]
    pub w: f64,
    /// λ·W, which Little's law says equals L.
    #[serde(rename = "L_from_law")]
    pub l_from_law: f64,
}

/// Little's law on each queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Little {
    /// Clients waiting for a server in the pool.
    pub pool_queue: LittleTerm,
    /// Processes waiting for a core.
    pub cpu_run_queue: LittleTerm,
    /// Clients inside a transaction (connect included), the whole system.
    pub system: LittleTerm,
}

/// Steady-state figures over an interval. Field names are stable; units are base units
/// (seconds, bytes, per second) and named in the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Simulated time covered, s.
    pub elapsed_s: f64,
    /// Time-average number of cores.
    pub cores: f64,
    /// Transactions completed per second.
    pub throughput_tps: f64,
    /// Statements completed per second.
    pub statements_per_s: f64,
    /// Transaction latency as the client sees it (connect included for per_txn), s. Over the
    /// transactions completed in the interval plus the attempts still in flight when the
    /// readout is taken, each counted with its elapsed time so far (a lower bound): so clients
    /// stuck waiting show up instead of vanishing from the percentiles.
    pub latency_s: Percentiles,
    /// Wait for a server in the pool, s: waits that ended in the interval plus waits still in
    /// progress, counted with their elapsed time so far.
    pub pool_wait_s: PoolWait,
    /// Memory now, bytes.
    pub memory_bytes: MemoryBreakdown,
    /// Context switches per second.
    pub context_switches_per_s: Switches,
    /// CPU migrations per second.
    pub cpu_migrations_per_s: f64,
    /// Where core time went.
    pub cpu_time: CpuShare,
    /// Errors by kind.
    pub errors: Errors,
    /// Errors per second (all kinds).
    pub errors_per_s: f64,
    /// `SHOW POOLS` now.
    pub show_pools: ShowPools,
    /// `SHOW STATS` over the interval.
    pub show_stats: ShowStats,
    /// Little's law per queue.
    pub little: Little,
    /// Server connections now (backends, connection threads or pooled sessions).
    pub server_connections: u64,
    /// Client connections now (connected to Postgres or to the pooler).
    pub client_connections: u64,
}

impl Summary {
    /// Visits every numeric field with its stable dotted name, in a fixed order.
    pub fn visit(&self, f: &mut dyn FnMut(&'static str, f64)) {
        f("elapsed_s", self.elapsed_s);
        f("cores", self.cores);
        f("throughput_tps", self.throughput_tps);
        f("statements_per_s", self.statements_per_s);
        let l = &self.latency_s;
        f("latency_s.mean", l.mean);
        f("latency_s.p50", l.p50);
        f("latency_s.p95", l.p95);
        f("latency_s.p99", l.p99);
        f("latency_s.max", l.max);
        f("pool_wait_s.mean", self.pool_wait_s.mean);
        f("pool_wait_s.p99", self.pool_wait_s.p99);
        f("pool_wait_s.p_wait", self.pool_wait_s.p_wait);
        let m = &self.memory_bytes;
        f("memory_bytes.connections_private", m.connections_private);
        f("memory_bytes.relcache", m.relcache);
        f("memory_bytes.page_tables", m.page_tables);
        f("memory_bytes.work_mem", m.work_mem);
        f("memory_bytes.pooler", m.pooler);
        f("memory_bytes.private_total", m.private_total);
        f("memory_bytes.rss_shared_counted", m.rss_shared_counted);
        f("memory_bytes.rss_total", m.rss_total);
        f("memory_bytes.shared_buffers", m.shared_buffers);
        let s = &self.context_switches_per_s;
        f("context_switches_per_s.voluntary", s.voluntary);
        f("context_switches_per_s.involuntary", s.involuntary);
        f("context_switches_per_s.total", s.total);
        f("cpu_migrations_per_s", self.cpu_migrations_per_s);
        let c = &self.cpu_time;
        f("cpu_time.work", c.work);
        f("cpu_time.switching", c.switching);
        f("cpu_time.snapshots", c.snapshots);
        f("cpu_time.fork_auth", c.fork_auth);
        f("cpu_time.pooler", c.pooler);
        // Visited only when clients run on the server, so every summary without them (and its
        // digest) is what it was before the field existed.
        if c.clients != 0.0 {
            f("cpu_time.clients", c.clients);
        }
        f("cpu_time.idle", c.idle);
        let e = &self.errors;
        f("errors.refused", e.refused as f64);
        f("errors.max_client_conn", e.max_client_conn as f64);
        f("errors.query_wait_timeout", e.query_wait_timeout as f64);
        f("errors.mode_incompatible", e.mode_incompatible as f64);
        f(
            "errors.statement_mode_multi_stmt",
            e.statement_mode_multi_stmt as f64,
        );
        f("errors.server_refused", e.server_refused as f64);
        f("errors.dropped", e.dropped as f64);
        f("errors.total", e.total as f64);
        f("errors_per_s", self.errors_per_s);
        let p = &self.show_pools;
        f("show_pools.cl_active", p.cl_active as f64);
        f("show_pools.cl_waiting", p.cl_waiting as f64);
        f("show_pools.sv_active", p.sv_active as f64);
        f("show_pools.sv_idle", p.sv_idle as f64);
        f("show_pools.sv_used", p.sv_used as f64);
        f("show_pools.sv_login", p.sv_login as f64);
        f("show_pools.maxwait_s", p.maxwait_s);
        let t = &self.show_stats;
        f("show_stats.total_xact_count", t.total_xact_count as f64);
        f("show_stats.total_query_count", t.total_query_count as f64);
        f("show_stats.total_xact_time_us", t.total_xact_time_us);
        f("show_stats.total_query_time_us", t.total_query_time_us);
        f("show_stats.total_wait_time_us", t.total_wait_time_us);
        f("show_stats.avg_xact_time_us", t.avg_xact_time_us);
        f("show_stats.avg_query_time_us", t.avg_query_time_us);
        f("show_stats.avg_wait_time_us", t.avg_wait_time_us);
        let names: [[&'static str; 4]; 3] = [
            [
                "little.pool_queue.L",
                "little.pool_queue.lambda",
                "little.pool_queue.W",
                "little.pool_queue.L_from_law",
            ],
            [
                "little.cpu_run_queue.L",
                "little.cpu_run_queue.lambda",
                "little.cpu_run_queue.W",
                "little.cpu_run_queue.L_from_law",
            ],
            [
                "little.system.L",
                "little.system.lambda",
                "little.system.W",
                "little.system.L_from_law",
            ],
        ];
        let terms = [
            &self.little.pool_queue,
            &self.little.cpu_run_queue,
            &self.little.system,
        ];
        for (n, t) in names.iter().zip(terms) {
            f(n[0], t.l);
            f(n[1], t.lambda);
            f(n[2], t.w);
            f(n[3], t.l_from_law);
        }
        f("server_connections", self.server_connections as f64);
        f("client_connections", self.client_connections as f64);
    }

    /// FNV-1a (64-bit) over the bit patterns of every numeric field in [`Summary::visit`] order:
    /// equal digests mean bit-identical summaries (used by the golden determinism tests).
    pub fn digest(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        self.visit(&mut |_, v| {
            for b in v.to_bits().to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        });
        h
    }
}

/// Current-state figures the summary needs from the model.
pub(crate) struct StateView {
    pub memory: MemoryBreakdown,
    pub pools: ShowPools,
    pub server_connections: u64,
    pub client_connections: u64,
}

fn q(h: &Hist<u64>, quantile: f64) -> f64 {
    if h.is_empty() {
        0.0
    } else {
        h.value_at_quantile(quantile) as f64 / 1e6
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

/// Builds a summary from raw counters.
///
/// `lat` and `wait` must already hold the censored observations `fl` (see [`Censored`]); the
/// mean, maximum and share of waits take them in too. `show_stats` and the Little's law terms
/// stay over completed entries only (PgBouncer's counters; the law's departures).
pub(crate) fn build_summary(
    c: &Counters,
    lat: &Hist<u64>,
    wait: &Hist<u64>,
    fl: &InFlight,
    st: &StateView,
) -> Summary {
    let secs = c.elapsed_ns as f64 / 1e9;
    let per_s = |x: f64| ratio(x, secs);
    let core_time = c.core_time_ns as f64;
    let share = |i: CpuCat| ratio(c.cpu_ns[i as usize] as f64, core_time);
    let busy: f64 = c.cpu_ns.iter().map(|&x| x as f64).sum();
    let errs = c.errors;
    let total_err: u64 = errs.iter().sum();
    let el = c.elapsed_ns as f64;
    let term = |int: u128, entries: u64, wait_ns: u128, departures: u64| {
        let l = ratio(int as f64, el);
        let lambda = per_s(entries as f64);
        let w = ratio(wait_ns as f64, departures as f64) / 1e9;
        LittleTerm {
            l,
            lambda,
            w,
            l_from_law: lambda * w,
        }
    };
    // A histogram quantile is the top of its bin (up to 0.1 % above the values in it): never
    // report one above the largest value actually seen.
    let lat_max_s = c.lat_max_ns.max(fl.txn.max_ns) as f64 / 1e9;
    let pct = |quantile: f64| q(lat, quantile).min(lat_max_s);
    Summary {
        elapsed_s: secs,
        cores: ratio(core_time, el),
        throughput_tps: per_s(c.txns as f64),
        statements_per_s: per_s(c.stmts as f64),
        latency_s: Percentiles {
            mean: ratio(
                (c.lat_sum_ns + fl.txn.sum_ns) as f64,
                (c.txns + fl.txn.n) as f64,
            ) / 1e9,
            p50: pct(0.5),
            p95: pct(0.95),
            p99: pct(0.99),
            max: lat_max_s,
        },
        pool_wait_s: PoolWait {
            mean: ratio(
                (c.pool_wait_ns + fl.wait.sum_ns) as f64,
                (c.pool_entries + fl.wait.n) as f64,
            ) / 1e9,
            p99: q(wait, 0.99).min(c.pool_wait_max_ns.max(fl.wait.max_ns) as f64 / 1e9),
            p_wait: ratio(
                (c.pool_waited + fl.wait.n) as f64,
                (c.pool_entries + fl.wait.n) as f64,
            ),
        },
        memory_bytes: st.memory,
        context_switches_per_s: Switches {
            voluntary: per_s(c.cs_vol as f64),
            involuntary: per_s(c.cs_invol as f64),
            total: per_s((c.cs_vol + c.cs_invol) as f64),
        },
        cpu_migrations_per_s: per_s(c.migrations as f64),
        cpu_time: CpuShare {
            work: share(CpuCat::Work),
            switching: share(CpuCat::Switching),
            snapshots: share(CpuCat::Snapshots),
            fork_auth: share(CpuCat::ForkAuth),
            pooler: share(CpuCat::Pooler),
            clients: share(CpuCat::Clients),
            idle: if core_time > 0.0 {
                (1.0 - busy / core_time).max(0.0)
            } else {
                0.0
            },
        },
        errors: Errors {
            refused: errs[ErrorKind::Refused as usize],
            max_client_conn: errs[ErrorKind::MaxClientConn as usize],
            query_wait_timeout: errs[ErrorKind::QueryWaitTimeout as usize],
            mode_incompatible: errs[ErrorKind::ModeIncompatible as usize],
            statement_mode_multi_stmt: errs[ErrorKind::StatementModeMultiStmt as usize],
            server_refused: errs[ErrorKind::ServerRefused as usize],
            dropped: errs[ErrorKind::Dropped as usize],
            total: total_err,
        },
        errors_per_s: per_s(total_err as f64),
        show_pools: st.pools,
        show_stats: ShowStats {
            total_xact_count: c.txns,
            total_query_count: c.stmts,
            total_xact_time_us: c.lat_sum_ns as f64 / 1e3,
            total_query_time_us: c.query_time_ns as f64 / 1e3,
            total_wait_time_us: c.pool_wait_ns as f64 / 1e3,
            avg_xact_time_us: ratio(c.lat_sum_ns as f64, c.txns as f64) / 1e3,
            avg_query_time_us: ratio(c.query_time_ns as f64, c.stmts as f64) / 1e3,
            avg_wait_time_us: ratio(c.pool_wait_ns as f64, c.pool_entries as f64) / 1e3,
        },
        little: Little {
            pool_queue: term(c.int_pool, c.pool_entries, c.pool_wait_ns, c.pool_entries),
            cpu_run_queue: term(c.int_runq, c.runq_entries, c.runq_wait_ns, c.runq_entries),
            system: term(
                c.int_sys,
                c.sys_departures,
                c.sys_sojourn_ns,
                c.sys_departures,
            ),
        },
        server_connections: st.server_connections,
        client_connections: st.client_connections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn p99_with_in_flight_equals_the_p99_of_one_merged_histogram() {
        let mut r = Rng::new(9, 0);
        for (completed, in_flight) in [(0, 1), (1, 0), (5, 3), (100, 10_000), (1_350, 25), (3, 500)]
        {
            for scale in [1e5, 1e7, 1e10] {
                let mut h = Hist::<u32>::new(2);
                let mut all = Hist::<u64>::new(2);
                for _ in 0..completed {
                    let v = us(r.exp(scale) as u64);
                    h.record(v);
                    all.record(v);
                }
                let mut extra: Vec<u64> = (0..in_flight).map(|_| r.exp(scale) as u64).collect();
                for &e in &extra {
                    all.record(us(e));
                }
                let want = all.value_at_quantile(0.99) as f64 / 1e6;
                let got = p99_with(&h, &mut extra);
                assert_eq!(got, want, "{completed} + {in_flight} at {scale}");
            }
        }
    }
}

//! The event queue and the clock.
//!
//! A min-heap of (time, sequence number, event): the sequence number breaks ties in insertion
//! order, so simultaneous events always run in the same order. Events are small `Copy` values
//! naming entities by id plus a generation counter; an event whose generation no longer matches
//! its entity is stale and ignored (cheaper than removing it from the heap).

use super::Sim;
use crate::metrics::{BucketExtras, Levels, BUCKET_NS};
use std::collections::VecDeque;

/// What a client timer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CTimer {
    /// Think time or back-off over.
    Wake,
    /// The login handshake reached the pooler.
    Login,
    /// A statement reached the server (or pooler).
    StmtArrive,
    /// A result reached the client.
    ResultArrive,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    Core(u32, u32),
    Client(u32, u32, CTimer),
    /// The oldest waiting client of a PgBouncer process may have reached `query_wait_timeout`.
    WaitTimer(u32),
    /// The oldest waiting client of a PgBouncer process may have reached `reserve_pool_timeout`.
    ReserveTimer(u32),
    ConnReady(u32),
    Arrival,
    /// A PgBouncer process may try to open server connections again (`server_login_retry`).
    PoolRetry(u32),
}

/// A pending event. `key` packs (time, sequence number) as `t << 64 | seq`, so one `u128`
/// comparison orders entries by time and then by insertion order (seq is unique).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    key: u128,
    pub ev: Ev,
}

impl Entry {
    #[inline]
    pub fn t(&self) -> u64 {
        (self.key >> 64) as u64
    }
}

/// Children per heap node: a 4-ary heap is half as deep as a binary one, and a node's children
/// sit side by side in memory.
const ARITY: usize = 4;

/// Events due at least this far ahead go to the far heap (see [`EventQueue`]).
const FAR_NS: u64 = 10_000_000;

/// A 4-ary min-heap of entries on `key`.
struct Heap {
    v: Vec<Entry>,
}

impl Heap {
    #[inline]
    fn first_key(&self) -> Option<u128> {
        self.v.first().map(|e| e.key)
    }

    /// Inserts `e` by moving a hole at the end up past every parent that is later than `e`.
    #[inline]
    fn push(&mut self, e: Entry) {
        let h = &mut self.v;
        let mut pos = h.len();
        h.push(e);
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if h[parent].key <= e.key {
                break;
            }
            h[pos] = h[parent];
            pos = parent;
        }
        h[pos] = e;
    }

    /// Removes the earliest entry (the heap must not be empty).
    #[inline]
    fn pop(&mut self) -> Entry {
        let top = self.v[0];
        let last = self.v.pop().expect("non-empty");
        if !self.v.is_empty() {
            self.sift_down(last);
        }
        top
    }

    /// Re-inserts `e` from the root's hole, moving the earliest child up while it is earlier
    /// than `e`.
    #[inline]
    fn sift_down(&mut self, e: Entry) {
        let h = &mut self.v;
        let n = h.len();
        let mut pos = 0;
        loop {
            let first = pos * ARITY + 1;
            let (best, best_key) = if first + ARITY <= n {
                // A full node: one bounds check, the four keys compared pairwise.
                let c = &h[first..first + ARITY];
                let (a, ka) = if c[1].key < c[0].key {
                    (1, c[1].key)
                } else {
                    (0, c[0].key)
                };
                let (b, kb) = if c[3].key < c[2].key {
                    (3, c[3].key)
                } else {
                    (2, c[2].key)
                };
                if kb < ka {
                    (first + b, kb)
                } else {
                    (first + a, ka)
                }
            } else if first < n {
                let mut best = first;
                for c in first + 1..n {
                    if h[c].key < h[best].key {
                        best = c;
                    }
                }
                (best, h[best].key)
            } else {
                break;
            };
            if best_key >= e.key {
                break;
            }
            h[pos] = h[best];
            pos = best;
        }
        h[pos] = e;
    }
}

/// The pending events, in three stores whose heads are compared on every pop, so together they
/// give exactly the (time, seq) order of a single priority queue:
/// * a FIFO for events scheduled at the current time (zero delays: a zero round trip, a job that
///   needs no CPU), already in seq order and due before any later heap event;
/// * a near heap for events due within [`FAR_NS`] (CPU bursts, round trips);
/// * a far heap for the rest (think times, timeouts).
///
/// The split is for speed only: with 10,000 thinking clients (the fleet preset) their timers sit
/// in the far heap, touched once per transaction, while the dozen events of each transaction move
/// through a near heap of a few dozen entries instead of sifting through 10,000.
pub(crate) struct EventQueue {
    now: VecDeque<Entry>,
    near: Heap,
    far: Heap,
    pub seq: u64,
}

/// Which store holds the earliest event.
#[derive(Clone, Copy)]
enum Head {
    Now,
    Near,
    Far,
}

impl EventQueue {
    pub fn new() -> EventQueue {
        EventQueue {
            now: VecDeque::new(),
            near: Heap { v: Vec::new() },
            far: Heap { v: Vec::new() },
            seq: 0,
        }
    }

    /// Schedules `ev` at `t`; `now` is the current time (`t >= now`).
    #[inline]
    pub fn push(&mut self, t: u64, now: u64, ev: Ev) {
        self.seq += 1;
        let e = Entry {
            key: (u128::from(t) << 64) | u128::from(self.seq),
            ev,
        };
        if t == now {
            self.now.push_back(e);
        } else if t - now < FAR_NS {
            self.near.push(e);
        } else {
            self.far.push(e);
        }
    }

    /// The store holding the earliest event, and its key.
    #[inline]
    fn head(&self) -> Option<(Head, u128)> {
        let mut best = self.now.front().map(|e| (Head::Now, e.key));
        for (which, key) in [
            (Head::Near, self.near.first_key()),
            (Head::Far, self.far.first_key()),
        ] {
            if let Some(k) = key {
                if best.is_none_or(|(_, b)| k < b) {
                    best = Some((which, k));
                }
            }
        }
        best
    }

    /// Removes and returns the earliest event if it is due at or before `until`.
    #[inline]
    pub fn pop_due(&mut self, until: u64) -> Option<Entry> {
        let (which, key) = self.head()?;
        if (key >> 64) as u64 > until {
            return None;
        }
        Some(match which {
            Head::Now => self.now.pop_front().expect("non-empty"),
            Head::Near => self.near.pop(),
            Head::Far => self.far.pop(),
        })
    }

    pub fn len(&self) -> usize {
        self.now.len() + self.near.v.len() + self.far.v.len()
    }
}

impl Sim {
    #[inline]
    pub fn at(&mut self, delay: u64, ev: Ev) {
        let t = self.now.saturating_add(delay);
        self.events.push(t, self.now, ev);
    }

    fn levels(&self) -> Levels {
        Levels {
            cores: self.cores.len() as u64,
            pool_waiting: u64::from(self.cl_waiting),
            runq: self.runq.len() as u64,
            in_system: u64::from(self.in_system),
        }
    }

    /// Moves the clock to `t`, integrating levels and closing 100 ms buckets on the way.
    pub fn clock_to(&mut self, t: u64) {
        if t <= self.now {
            return;
        }
        let lv = self.levels();
        loop {
            let bucket_end = self.metrics.bucket_start + BUCKET_NS;
            if bucket_end > t {
                break;
            }
            self.metrics.integrate(bucket_end - self.now, &lv);
            self.now = bucket_end;
            let m = self.memory();
            let extras = BucketExtras {
                mem_private: m.private_total,
                mem_rss: m.rss_total,
                server_connections: self.live_backends(),
            };
            let mut in_flight = std::mem::take(&mut self.censored_scratch);
            in_flight.clear();
            let now = self.now;
            in_flight.extend(self.in_flight.iter().map(|f| now - f.start));
            self.metrics
                .close_bucket(extras, self.cl_waiting, &mut in_flight);
            self.censored_scratch = in_flight;
        }
        self.metrics.integrate(t - self.now, &lv);
        self.now = t;
    }

    /// Processes at most `max_events` events with time ≤ `until`; if the queue runs dry or the
    /// next event lies beyond `until`, the clock moves to `until`. Returns events processed.
    pub fn advance(&mut self, max_events: u64, until: u64) -> u64 {
        let mut n = 0;
        while n < max_events {
            let Some(e) = self.events.pop_due(until) else {
                self.clock_to(until);
                break;
            };
            self.clock_to(e.t());
            self.handle(e.ev);
            n += 1;
        }
        n
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Core(c, gen) => self.on_core_event(c, gen),
            Ev::Client(id, gen, what) => {
                let ok = self.clients.get(id as usize).is_some_and(|c| c.gen == gen);
                if ok {
                    self.on_client_timer(id, what);
                }
            }
            Ev::WaitTimer(g) => self.on_wait_timer(g),
            Ev::ReserveTimer(g) => self.on_reserve_timer(g),
            Ev::ConnReady(conn) => self.on_conn_ready(conn),
            Ev::Arrival => self.on_arrival(),
            Ev::PoolRetry(g) => {
                if (g as usize) < self.pgbs.len() {
                    self.maybe_open_servers(g);
                }
            }
        }
    }

    /// Number of pending events (bounded by entities: each holds at most a few timers).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }
}

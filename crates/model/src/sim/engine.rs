//! The event queue and the clock.
//!
//! A min-heap of (time, sequence number, event): the sequence number breaks ties in insertion
//! order, so simultaneous events always run in the same order. Events are small `Copy` values
//! naming entities by id plus a generation counter; an event whose generation no longer matches
//! its entity is stale and ignored (cheaper than removing it from the heap).

use super::ids::{ClientId, ConnId, CoreId, PoolerId};
use super::Sim;
use crate::calibration as cal;
use crate::metrics::{BucketExtras, Levels, BUCKET_NS};
use std::collections::VecDeque;
use std::fmt;

/// The livelock guard's settings: at most `base + per_entity × entities` events at one instant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Guard {
    /// Events any instant may hold ([`cal::INSTANT_EVENTS_BASE`]).
    pub base: u64,
    /// Events per entity ([`cal::INSTANT_EVENTS_PER_ENTITY`]).
    pub per_entity: u64,
    /// Whether tripping it also fails a debug assertion (in debug builds; the guard's own tests
    /// turn it off to see the release behaviour).
    pub assert_on_stall: bool,
}

impl Guard {
    /// The calibrated limits; the assertion in debug builds.
    pub fn new() -> Guard {
        Guard {
            base: cal::INSTANT_EVENTS_BASE,
            per_entity: cal::INSTANT_EVENTS_PER_ENTITY,
            assert_on_stall: cfg!(debug_assertions),
        }
    }
}

/// The model stopped because too many events ran at one simulated instant (a livelock: some
/// path retries without letting time pass). A bug of the model, never of the parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stall {
    /// The simulated instant, ns.
    pub at_ns: u64,
    /// Events that ran at it before the model stopped.
    pub events: u64,
}

impl fmt::Display for Stall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the simulation stopped: {} events at the one instant t = {} ns without simulated \
             time advancing (a livelock in the model; please report the parameters)",
            self.events, self.at_ns
        )
    }
}

/// What a client timer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientTimer {
    /// Think time or back-off over.
    Wake,
    /// The login handshake reached the pooler.
    Login,
    /// A statement reached the server (or pooler).
    StatementArrives,
    /// A result reached the client.
    ResultArrives,
    /// With `pooler_host = own`: a statement PgBouncer forwarded reached the server.
    ReachesServer,
    /// With `pooler_host = own`: a server's result reached PgBouncer.
    ReachesPooler,
}

/// Something that happens at a point in simulated time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// A core's running process reaches the end of its job or of its slice; stale unless the
    /// core's generation is still the one given.
    Core(CoreId, u32),
    /// A client's timer; stale unless the client's generation is still the one given.
    Client(ClientId, u32, ClientTimer),
    /// The oldest waiting client of a PgBouncer process may have reached `query_wait_timeout`.
    WaitTimer(PoolerId),
    /// The oldest waiting client of a PgBouncer process may have reached `reserve_pool_timeout`.
    ReserveTimer(PoolerId),
    /// A new server connection's handshake is complete.
    ConnReady(ConnId),
    /// The next open-workload arrival.
    Arrival,
    /// A PgBouncer process may try to open server connections again (`server_login_retry`).
    PoolRetry(PoolerId),
    /// With `pooler_host = own`: a PgBouncer process on its own host finished its message.
    PoolerDone(PoolerId),
}

/// A pending event. `key` packs (time, sequence number) as `t << 64 | seq`, so one `u128`
/// comparison orders entries by time and then by insertion order (seq is unique).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    /// `time << 64 | sequence number`.
    key: u128,
    /// The event.
    pub event: Event,
}

impl Entry {
    /// When it is due, ns.
    #[inline]
    pub fn time(&self) -> u64 {
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
    /// The entries, in heap order (each node's children at `ARITY·i + 1..`).
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
    /// Events due at the time they were scheduled, in order.
    now: VecDeque<Entry>,
    /// Events due within [`FAR_NS`] of when they were scheduled.
    near: Heap,
    /// Events due later.
    far: Heap,
    /// The last sequence number given (carried over when the system is rebuilt).
    pub seq: u64,
    /// Events processed at the current instant so far (the guard against a livelock: see
    /// [`Sim::advance`]).
    instant_events: u64,
    /// The instant `instant_events` counts at.
    instant_at: u64,
}

/// Which store holds the earliest event.
#[derive(Clone, Copy)]
enum Head {
    /// The FIFO of events due now.
    Now,
    /// The near heap.
    Near,
    /// The far heap.
    Far,
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> EventQueue {
        EventQueue {
            now: VecDeque::new(),
            near: Heap { v: Vec::new() },
            far: Heap { v: Vec::new() },
            seq: 0,
            instant_events: 0,
            instant_at: 0,
        }
    }

    /// Schedules `event` at `t`; `now` is the current time (`t >= now`).
    #[inline]
    pub fn push(&mut self, t: u64, now: u64, event: Event) {
        self.seq += 1;
        let e = Entry {
            key: (u128::from(t) << 64) | u128::from(self.seq),
            event,
        };
        if t == now {
            self.now.push_back(e);
        } else if t - now < FAR_NS {
            self.near.push(e);
        } else {
            self.far.push(e);
        }
    }

    /// The store holding the earliest event, and its key: the earlier of the two heaps' heads
    /// (keys are unique), then the FIFO's head if it is earlier still.
    #[inline]
    fn head(&self) -> Option<(Head, u128)> {
        let heap = match (self.near.first_key(), self.far.first_key()) {
            (Some(near), Some(far)) if far < near => Some((Head::Far, far)),
            (Some(near), _) => Some((Head::Near, near)),
            (None, far) => far.map(|k| (Head::Far, k)),
        };
        match (self.now.front(), heap) {
            (Some(e), Some((_, k))) if e.key < k => Some((Head::Now, e.key)),
            (Some(e), None) => Some((Head::Now, e.key)),
            (_, heap) => heap,
        }
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

    /// The number of pending events (stale ones included).
    pub fn len(&self) -> usize {
        self.now.len() + self.near.v.len() + self.far.v.len()
    }
}

impl Sim {
    /// Schedules `event` after `delay` ns.
    #[inline]
    pub fn at(&mut self, delay: u64, event: Event) {
        let t = self.now.saturating_add(delay);
        self.events.push(t, self.now, event);
    }

    /// The levels integrated over time (time-weighted averages: Little's law's terms).
    fn levels(&self) -> Levels {
        Levels {
            cores: self.scheduler.cores.len() as u64,
            pool_waiting: u64::from(self.poolers.waiting),
            runq: self.scheduler.run_queue.len() as u64,
            in_system: self.clients.in_system(),
        }
    }

    /// Moves the clock to `t`, integrating levels and closing 100 ms buckets on the way.
    pub fn clock_to(&mut self, t: u64) {
        if t <= self.now {
            return;
        }
        let levels = self.levels();
        loop {
            let bucket_end = self.metrics.bucket_start + BUCKET_NS;
            if bucket_end > t {
                break;
            }
            self.metrics.integrate(bucket_end - self.now, &levels);
            self.now = bucket_end;
            let m = self.memory();
            let extras = BucketExtras {
                mem_private: m.private_total,
                mem_rss: m.rss_total,
                server_connections: self.backends.live(),
            };
            let in_flight = self.clients.elapsed_in_flight(self.now);
            self.metrics
                .close_bucket(extras, self.poolers.waiting, in_flight);
        }
        self.metrics.integrate(t - self.now, &levels);
        self.now = t;
    }

    /// Processes at most `max_events` events with time ≤ `until`; if the queue runs dry or the
    /// next event lies beyond `until`, the clock moves to `until`. Returns events processed.
    ///
    /// The guard against a livelock: no more than [`Sim::instant_event_limit`] events may run
    /// at one instant. Every mechanism advances time when a client fails and tries again, so
    /// the limit is never reached by a correct model; if it is, the model stops (a debug
    /// assertion in debug builds; in release the model records a [`Stall`] and from then on
    /// only its clock moves, so no caller hangs).
    pub fn advance(&mut self, max_events: u64, until: u64) -> u64 {
        if self.stall.is_some() {
            self.clock_to(until);
            return 0;
        }
        let mut n = 0;
        while n < max_events {
            let Some(e) = self.events.pop_due(until) else {
                self.clock_to(until);
                break;
            };
            let t = e.time();
            self.clock_to(t);
            if t != self.events.instant_at {
                self.events.instant_at = t;
                self.events.instant_events = 0;
            }
            self.events.instant_events += 1;
            if self.events.instant_events > self.guard.base
                && self.events.instant_events > self.instant_event_limit()
            {
                self.stalled();
                self.clock_to(until);
                break;
            }
            self.handle(e.event);
            n += 1;
        }
        n
    }

    /// The most events one instant may hold: the guard's allowance per entity that can have an
    /// event pending (client, server connection, process, core), plus its base.
    fn instant_event_limit(&self) -> u64 {
        let entities = self.clients.slots.len()
            + self.backends.conns.len()
            + self.scheduler.procs.len()
            + self.scheduler.cores.len();
        self.guard.base + self.guard.per_entity * entities as u64
    }

    /// The guard tripped: records the stall (and fails the debug assertion when enabled).
    #[cold]
    fn stalled(&mut self) {
        let stall = Stall {
            at_ns: self.now,
            events: self.events.instant_events,
        };
        debug_assert!(!self.guard.assert_on_stall, "{stall}");
        self.stall = Some(stall);
    }

    /// Dispatches `event` to its mechanism.
    fn handle(&mut self, event: Event) {
        match event {
            Event::Core(core, generation) => self.on_core_event(core, generation),
            Event::Client(c, generation, timer) => {
                if self.clients.is_current(c, generation) {
                    self.on_client_timer(c, timer);
                }
            }
            Event::WaitTimer(g) => self.on_wait_timer(g),
            Event::ReserveTimer(g) => self.on_reserve_timer(g),
            Event::ConnReady(conn) => self.on_conn_ready(conn),
            Event::Arrival => self.on_arrival(),
            Event::PoolRetry(g) => {
                if self.poolers.processes.contains(g) {
                    self.maybe_open_servers(g);
                }
            }
            Event::PoolerDone(g) => self.on_own_host_pooler_done(g),
        }
    }

    /// Number of pending events (bounded by entities: each holds at most a few timers).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{Dist, OnOff, Params, PoolMode};

    /// Every client in lockstep: no think time, no round trip, no overheads, constant statements,
    /// so each client's steps of one transaction fall on the same instants as every other's.
    fn lockstep(clients: u32) -> Params {
        Params {
            clients,
            think_ms: 0.0,
            rtt_ms: 0.0,
            overheads: OnOff::Off,
            stmt_cpu_dist: Dist::Const,
            stmt_cpu_ms: 0.001,
            pool_mode: PoolMode::None,
            max_connections: 30_000,
            ..Params::default()
        }
    }

    #[test]
    fn a_correct_model_stays_under_the_guard_with_every_client_in_lockstep() {
        // The most clients the registry allows, each statement of each one at the same instant.
        let mut sim = Sim::new(lockstep(20_000), 1);
        let events = sim.advance(u64::MAX, 5_000);
        assert_eq!(sim.now(), 5_000);
        assert!(
            sim.events.instant_events >= 20_000,
            "{}",
            sim.events.instant_events
        );
        assert!(events > 100_000, "{events} events");
        assert_eq!(sim.stall(), None);
    }

    #[test]
    fn the_guard_stops_the_model_with_an_error_and_its_clock_still_reaches_the_end() {
        let mut sim = Sim::new(lockstep(100), 1);
        // Far below what 100 clients in lockstep legitimately run at one instant.
        sim.guard = Guard {
            base: 50,
            per_entity: 0,
            assert_on_stall: false,
        };
        sim.advance(u64::MAX, 1_000_000_000);
        let stall = sim.stall().expect("the guard tripped");
        assert_eq!(stall.at_ns, 0);
        assert!(stall.to_string().contains("livelock"), "{stall}");
        // Stopped, never hanging: the clock moves to any requested time, no event runs.
        assert_eq!(sim.now(), 1_000_000_000);
        assert_eq!(sim.advance(u64::MAX, 2_000_000_000), 0);
        assert_eq!(sim.now(), 2_000_000_000);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "livelock")]
    fn in_debug_builds_the_guard_is_an_assertion() {
        let mut sim = Sim::new(lockstep(100), 1);
        sim.guard.base = 50;
        sim.guard.per_entity = 0;
        sim.advance(u64::MAX, 1_000_000_000);
    }
}

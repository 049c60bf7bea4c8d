//! The event queue and the clock.
//!
//! A binary heap of (time, sequence number, event): the sequence number breaks ties in insertion
//! order, so simultaneous events always run in the same order. Events are small `Copy` values
//! naming entities by id plus a generation counter; an event whose generation no longer matches
//! its entity is stale and ignored (cheaper than removing it from the heap).

use super::Sim;
use crate::metrics::{BucketExtras, Levels, BUCKET_NS};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

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
    /// The oldest waiting client may have reached `query_wait_timeout`.
    WaitTimer,
    /// The oldest waiting client may have reached `reserve_pool_timeout`.
    ReserveTimer,
    ConnReady(u32),
    Arrival,
    PoolRetry,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub t: u64,
    pub seq: u64,
    pub ev: Ev,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.t == o.t && self.seq == o.seq
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    /// Reversed, so the max-heap pops the earliest (time, seq).
    fn cmp(&self, o: &Self) -> Ordering {
        (o.t, o.seq).cmp(&(self.t, self.seq))
    }
}

pub(crate) struct EventQueue {
    heap: BinaryHeap<Entry>,
    pub seq: u64,
}

impl EventQueue {
    pub fn new() -> EventQueue {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
    #[inline]
    pub fn push(&mut self, t: u64, ev: Ev) {
        self.seq += 1;
        self.heap.push(Entry {
            t,
            seq: self.seq,
            ev,
        });
    }
    #[inline]
    pub fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|e| e.t)
    }
    #[inline]
    pub fn pop(&mut self) -> Option<Entry> {
        self.heap.pop()
    }
    pub fn len(&self) -> usize {
        self.heap.len()
    }
}

impl Sim {
    #[inline]
    pub fn at(&mut self, delay: u64, ev: Ev) {
        let t = self.now.saturating_add(delay);
        self.events.push(t, ev);
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
            self.metrics.close_bucket(extras, self.cl_waiting);
        }
        self.metrics.integrate(t - self.now, &lv);
        self.now = t;
    }

    /// Processes at most `max_events` events with time ≤ `until`; if the queue runs dry or the
    /// next event lies beyond `until`, the clock moves to `until`. Returns events processed.
    pub fn advance(&mut self, max_events: u64, until: u64) -> u64 {
        let mut n = 0;
        while n < max_events {
            match self.events.peek_time() {
                Some(t) if t <= until => {
                    let e = self.events.pop().expect("peeked");
                    self.clock_to(e.t);
                    self.handle(e.ev);
                    n += 1;
                }
                _ => {
                    self.clock_to(until);
                    break;
                }
            }
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
            Ev::WaitTimer => self.on_wait_timer(),
            Ev::ReserveTimer => self.on_reserve_timer(),
            Ev::ConnReady(conn) => self.on_conn_ready(conn),
            Ev::Arrival => self.on_arrival(),
            Ev::PoolRetry => self.maybe_open_servers(),
        }
    }

    /// Number of pending events (bounded by entities: each holds at most a few timers).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }
}

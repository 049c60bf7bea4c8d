//! Server connections: backends (process per connection), connection threads, or a thread
//! pool's sessions, with their states and the counts the memory model and the snapshot cost read.

use super::ids::{ClientId, ConnId, IdVec, PoolerId, ProcId};

/// What a server connection is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ConnState {
    /// Waiting for the postmaster to fork it.
    ForkQueued = 0,
    /// Forked, initialising and authenticating.
    Forking,
    /// Connected, no transaction.
    Idle,
    /// A statement is executing or waiting for a core.
    Busy,
    /// Inside a transaction, waiting for its client.
    IdleInTransaction,
    /// A free slot.
    Free,
}

impl ConnState {
    /// The number of states.
    pub const COUNT: usize = 6;
}

/// A server connection.
pub(crate) struct Conn {
    /// What it is doing.
    pub state: ConnState,
    /// The client it serves now (`None`: a pooled server not lent, an application pool's idle
    /// connection, or a free slot).
    pub client: Option<ClientId>,
    /// Its own process or thread (`None` in a thread pool, or before its fork).
    pub proc: Option<ProcId>,
    /// The process executing its statement right now (`None` when queued for a worker).
    pub executor: Option<ProcId>,
    /// Its statement has started executing (has been given a core) and not finished: only such
    /// a statement holds `work_mem` (one queued for a core or a worker holds none yet).
    pub executing: bool,
    /// Opened by PgBouncer.
    pub pooled: bool,
    /// Owned by the application's pool of persistent direct connections (open workload).
    pub application_pool: bool,
    /// Serves a long-lived connection and has run a statement: it has mapped its share of
    /// shared_buffers (memory model).
    pub warm: bool,
    /// The PgBouncer process whose pool owns it (`None` when direct).
    pub pooler: Option<PoolerId>,
}

/// The server connections.
pub(crate) struct Backends {
    /// The connection slots, live or free.
    pub conns: IdVec<ConnId, Conn>,
    /// Free slots, reused LIFO.
    free: Vec<ConnId>,
    /// Connection slots per state (`ConnState as usize`).
    state_counts: [u32; ConnState::COUNT],
    /// Statements that have started executing and not finished (`Conn::executing`).
    executing: u32,
    /// Server connections with `Conn::warm` set.
    warm: u32,
}

impl Backends {
    /// No connection.
    pub fn new() -> Backends {
        Backends {
            conns: IdVec::new(),
            free: Vec::new(),
            state_counts: [0; ConnState::COUNT],
            executing: 0,
            warm: 0,
        }
    }

    /// A new connection for `client` (pooled: opened by PgBouncer), waiting for its fork.
    pub fn new_conn(&mut self, client: Option<ClientId>, pooled: bool) -> ConnId {
        let conn = Conn {
            state: ConnState::ForkQueued,
            client,
            proc: None,
            executor: None,
            executing: false,
            pooled,
            application_pool: false,
            warm: false,
            pooler: None,
        };
        self.state_counts[ConnState::ForkQueued as usize] += 1;
        if let Some(id) = self.free.pop() {
            self.state_counts[ConnState::Free as usize] -= 1;
            self.conns[id] = conn;
            id
        } else {
            self.conns.push(conn)
        }
    }

    /// Moves `conn` to state `state`.
    #[inline]
    pub fn set_state(&mut self, conn: ConnId, state: ConnState) {
        let c = &mut self.conns[conn];
        self.state_counts[c.state as usize] -= 1;
        self.state_counts[state as usize] += 1;
        c.state = state;
    }

    /// The client `conn` serves (it must serve one).
    #[inline]
    pub fn client_of(&self, conn: ConnId) -> ClientId {
        self.conns[conn]
            .client
            .expect("a connection serving a client")
    }

    /// Frees `conn`: it leaves the warm count and its pool, and its slot is reused. Returns its
    /// process (which exits) and whether it belonged to the application's pool.
    pub fn release(&mut self, conn: ConnId) -> (Option<ProcId>, bool) {
        let c = &mut self.conns[conn];
        if c.warm {
            c.warm = false;
            self.warm -= 1;
        }
        let application_pool = std::mem::take(&mut c.application_pool);
        self.set_state(conn, ConnState::Free);
        let c = &mut self.conns[conn];
        let proc = c.proc.take();
        c.client = None;
        c.pooler = None;
        self.free.push(conn);
        (proc, application_pool)
    }

    /// Connections in state `state`.
    #[inline]
    pub fn count(&self, state: ConnState) -> u32 {
        self.state_counts[state as usize]
    }

    /// Server connections that exist as processes/threads/sessions (fork done).
    #[inline]
    pub fn live(&self) -> u32 {
        let c = &self.state_counts;
        c[ConnState::Forking as usize]
            + c[ConnState::Idle as usize]
            + c[ConnState::Busy as usize]
            + c[ConnState::IdleInTransaction as usize]
    }

    /// Statements executing now.
    #[inline]
    pub fn executing(&self) -> u32 {
        self.executing
    }

    /// Warm connections now.
    #[inline]
    pub fn warm(&self) -> u32 {
        self.warm
    }

    /// The statement of `conn` gets a core for the first time: it starts executing.
    #[inline]
    pub fn start_executing(&mut self, conn: ConnId) {
        let c = &mut self.conns[conn];
        if !c.executing {
            c.executing = true;
            self.executing += 1;
        }
    }

    /// The statement of `conn` is done; a connection that serves a long-lived connection
    /// (`long_lived`) becomes warm: it has mapped the shared buffers it read. `clear_executor`:
    /// it ran on a thread-pool worker, which it leaves.
    pub fn finish_statement(&mut self, conn: ConnId, clear_executor: bool, long_lived: bool) {
        let c = &mut self.conns[conn];
        if clear_executor {
            c.executor = None;
        }
        if c.executing {
            c.executing = false;
            self.executing -= 1;
        }
        if !c.warm && (c.pooled || long_lived) {
            c.warm = true;
            self.warm += 1;
        }
    }

    /// Its counts match its connections.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (i, n) in self.state_counts.iter().enumerate() {
            let actual = self.conns.iter().filter(|c| c.state as usize == i).count() as u32;
            if actual != *n {
                return Err(format!("conn state {i}: count {n} != {actual}"));
            }
        }
        let warm = self.conns.iter().filter(|c| c.warm).count() as u32;
        if warm != self.warm {
            return Err(format!("warm backends {} != {warm}", self.warm));
        }
        if self
            .conns
            .iter()
            .any(|c| (c.warm || c.application_pool) && c.state == ConnState::Free)
        {
            return Err(
                "a closed connection still counted as warm or in the application pool".into(),
            );
        }
        let executing = self.conns.iter().filter(|c| c.executing).count() as u32;
        if executing != self.executing {
            return Err(format!(
                "executing statements {} != {executing}",
                self.executing
            ));
        }
        if self
            .conns
            .iter()
            .any(|c| c.executing && c.state != ConnState::Busy)
        {
            return Err("an executing statement on a connection that is not busy".into());
        }
        if self.free.len() as u32 != self.count(ConnState::Free) {
            return Err(format!(
                "{} free connection slots, {} in the free list",
                self.count(ConnState::Free),
                self.free.len()
            ));
        }
        Ok(())
    }
}

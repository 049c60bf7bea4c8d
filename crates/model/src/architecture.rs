//! How the database serves connections: process per connection (Postgres), thread per connection
//! (MySQL / MongoDB style) or a thread pool. The pooler's behaviour does not depend on this; only
//! what a server connection costs to start, to keep and to switch between.
//!
//! Assumptions (see MODEL.md): a connection thread has the same hot working set as a backend (it
//! runs the same kind of executor), so it suffers the same cache refills once many are runnable;
//! it switches more cheaply (no address-space change) and starts without fork or per-process
//! catalog initialisation. A thread pool runs statements of all connections on a fixed number of
//! worker threads (one per core, like MySQL's `thread_pool_size` default); a connection there is
//! only session state.

use crate::calibration as cal;
use crate::memory::{ConnectionFootprint, MemoryConfig};
use crate::params::{Arch, OnOff, Params};

/// Per-architecture costs of a server connection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArchCosts {
    /// CPU of the acceptor (postmaster / listener thread) per new connection.
    pub accept_cpu_ns: u64,
    /// CPU the new connection's own process/thread spends initialising (before auth).
    pub init_cpu_ns: u64,
    /// Direct cost of switching to one of its processes/threads.
    pub switch_direct_ns: u64,
    /// TLB refill after the switch.
    pub tlb_refill_ns: u64,
    /// Whether each connection has its own schedulable process/thread.
    pub own_task: bool,
    /// Whether tasks are threads (cheaper switches).
    pub threads: bool,
    /// Memory footprint of one connection.
    pub footprint: ConnectionFootprint,
    /// Whether catalog caches are per connection (true for Postgres backends only).
    pub private_catalog: bool,
}

/// The costs of `arch`.
pub fn costs(arch: Arch) -> ArchCosts {
    match arch {
        Arch::Process => ArchCosts {
            accept_cpu_ns: cal::FORK_CPU_NS,
            init_cpu_ns: cal::BACKEND_INIT_CPU_NS,
            switch_direct_ns: cal::SWITCH_DIRECT_PROCESS_NS,
            tlb_refill_ns: cal::TLB_REFILL_PROCESS_NS,
            own_task: true,
            threads: false,
            footprint: ConnectionFootprint::POSTGRES_BACKEND,
            private_catalog: true,
        },
        Arch::Thread => ArchCosts {
            accept_cpu_ns: cal::THREAD_CREATE_CPU_NS,
            init_cpu_ns: cal::THREAD_SESSION_INIT_CPU_NS,
            switch_direct_ns: cal::SWITCH_DIRECT_THREAD_NS,
            tlb_refill_ns: cal::TLB_REFILL_THREAD_NS,
            own_task: true,
            threads: true,
            footprint: ConnectionFootprint::THREAD,
            private_catalog: false,
        },
        Arch::ThreadPool => ArchCosts {
            // The listener thread sets up the session itself; no thread is created.
            accept_cpu_ns: cal::THREAD_SESSION_INIT_CPU_NS,
            init_cpu_ns: 0,
            switch_direct_ns: cal::SWITCH_DIRECT_THREAD_NS,
            tlb_refill_ns: cal::TLB_REFILL_THREAD_NS,
            own_task: false,
            threads: true,
            footprint: ConnectionFootprint::THREAD_POOL_CONNECTION,
            private_catalog: false,
        },
    }
}

/// The memory model's configuration for these parameters.
pub fn memory_config(p: &Params) -> MemoryConfig {
    let c = costs(p.arch);
    let shared_buffers = p.shared_buffers_mb * cal::MIB;
    MemoryConfig {
        footprint: c.footprint,
        relations_touched: if c.private_catalog {
            p.relations_touched
        } else {
            0.0
        },
        // Threads share one address space: `top` shows one RSS for the whole server, so shared
        // pages are not counted again per connection.
        shared_touched_bytes: if c.threads {
            0.0
        } else {
            cal::BACKEND_SHARED_TOUCHED_IDLE_BYTES.min(shared_buffers)
        },
        // A backend that has served a long-lived connection has mapped part of shared_buffers.
        shared_touched_warm_bytes: if c.threads {
            0.0
        } else {
            crate::memory::shared_buffers_mapped_when_warm(shared_buffers)
        },
        shared_buffers_bytes: shared_buffers,
        work_mem_bytes: p.work_mem_mb * cal::MIB,
        work_mem_nodes_per_statement: cal::WORK_MEM_NODES_PER_STATEMENT,
        huge_pages: p.huge_pages == OnOff::On,
    }
}

//! Section 1: one process per connection, forked by the postmaster.

use super::common::{sig, Num};
use crate::components::IntSlider;
use crate::format::{bytes, count};
use poolsim_model::{idle_memory, MemoryConfig};
use yew::prelude::*;

/// Backends drawn one by one; beyond this the figure says how many more there are.
const DRAWN: u32 = 120;

/// Connections in section 1 before the reader moves its slider.
pub const PROCESS_CLIENTS: u32 = 40;

#[component]
pub fn ProcessSection() -> Html {
    let clients = use_state(|| PROCESS_CLIENTS);
    let n = *clients;
    let cores = crate::state::page_default().cores;
    let mem = idle_memory(&MemoryConfig::default(), n, None);
    let per_core = f64::from(n) / f64::from(cores);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    let shown = n.min(DRAWN);
    let cols = 20u32;
    let rows = shown.div_ceil(cols).max(1);
    let height = 70 + rows * 16;
    html! {
        <section class="explain" id="process" aria-labelledby="process-h">
            { super::common::heading("process") }
            <p>
                { "Postgres does not serve connections with threads or an event loop. One process, the " }
                <em>{ "postmaster" }</em>
                { ", listens on the port. For every client that connects it calls " }<code>{ "fork()" }</code>
                { ", and the new child — a " }<em>{ "backend" }</em>
                { " — authenticates the client and then serves that one client, and only it, until the client \
                   disconnects. The design is decades old and it is robust: each backend has its own address space, \
                   so a backend that crashes or scribbles over its memory cannot corrupt another session’s state, \
                   and the postmaster can clean up and carry on." }
            </p>
            <figure class="explain-figure">
                <svg class="forks" viewBox={format!("0 0 340 {height}")} role="img"
                     aria-label={format!("The postmaster with {} backend processes, one per client", count(n.into()))}>
                    <rect x="120" y="4" width="100" height="26" rx="5" class="pm" />
                    <text x="170" y="21" text-anchor="middle" class="pm-text">{ "postmaster" }</text>
                    { for (0..shown).map(|i| {
                        let x = 15 + (i % cols) * 16;
                        let y = 62 + (i / cols) * 16;
                        html! { <>
                            if i < cols { <line x1="170" y1="30" x2={x.to_string()} y2={(y - 6).to_string()} class="fork-line" /> }
                            <circle cx={x.to_string()} cy={y.to_string()} r="5.5" class="backend-dot" />
                        </> }
                    }) }
                </svg>
                <figcaption>
                    { format!("{} backend processes", count(n.into())) }
                    if n > DRAWN { { format!(" (the first {DRAWN} drawn)") } }
                    { format!(" on a {cores}-core server") }
                </figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="proc-clients" label="Connections" unit="connections" min={1} max={20_000}
                           value={n} log=true on_change={on_clients} />
            </div>
            <p>
                { "So " }<Num metric="s1_clients" value={f64::from(n)} text={count(n.into())} />
                { " connections mean " }<Num metric="s1_processes" value={f64::from(n)} text={count(n.into())} />
                { " backend processes, " }<Num metric="s1_per_core" value={per_core} text={sig(per_core)} />
                { " for each of the " }{ cores }{ " cores, holding " }
                <Num metric="s1_private" value={mem.private_total} text={bytes(mem.private_total)} />
                { " of private memory even while idle. Each process has to be created, scheduled, switched to and \
                   cleaned up by the operating system, and each one appears in structures Postgres scans while it \
                   works. The sections below take these costs one at a time." }
            </p>
        </section>
    }
}

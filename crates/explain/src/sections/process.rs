//! Section 1: one process per connection, forked by the postmaster.

use super::common::{sig, use_live};
use poolsim_model::{idle_memory, MemoryConfig};
use poolsim_page::format::{bytes, count};
use poolsim_page::live::{num, word, Live};
use poolsim_ui::components::IntSlider;
use yew::prelude::*;

/// Backends drawn one by one; beyond this the figure says how many more there are.
const DRAWN: u32 = 120;

/// Connections in section 1 before the reader moves its slider.
pub const PROCESS_CLIENTS: u32 = 40;

/// Section 1's live numbers with `n` connections on `cores` cores.
pub fn live(n: u32, cores: u32) -> Vec<Live> {
    let mem = idle_memory(&MemoryConfig::default(), n, None);
    let per_core = f64::from(n) / f64::from(cores);
    vec![
        num("process_clients", f64::from(n), count(n.into())),
        num("process_processes", f64::from(n), count(n.into())),
        num("process_per_core", per_core, sig(per_core)),
        word("process_cores", cores.to_string()),
        num(
            "process_private",
            mem.private_total,
            bytes(mem.private_total),
        ),
    ]
}

/// Section 1's live numbers before the reader touches it.
pub fn defaults() -> Vec<Live> {
    live(PROCESS_CLIENTS, poolsim_page::state::page_default().cores)
}

/// Section 1's figure: the postmaster and its backends, and the connections slider.
#[component]
pub fn ProcessSection() -> Html {
    let clients = use_state(|| PROCESS_CLIENTS);
    let n = *clients;
    let cores = poolsim_page::state::page_default().cores;
    use_live(live(n, cores), true);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    let shown = n.min(DRAWN);
    let cols = 20u32;
    let rows = shown.div_ceil(cols).max(1);
    let height = 70 + rows * 16;
    html! {
        <>
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
        </>
    }
}

/// Section `process`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "process",
    view: |_| html! { <ProcessSection /> },
    defaults: |_| defaults(),
    prerender: super::Prerender::Component,
    shown: &["process_clients"],
};

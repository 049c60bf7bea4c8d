//! The page: the memory figure with its controls and readouts, and the prose around it.

use crate::components::{IntSlider, MemoryChart, Readout};
use crate::format;
use poolsim_model::calibration::FOLKLORE_BYTES_PER_CONNECTION;
use poolsim_model::{idle_memory, MemoryConfig};
use yew::prelude::*;

/// Slider ranges. Clients span what a fleet of application pods opens; pool sizes what a
/// PgBouncer is usually given.
pub const CLIENTS_MIN: u32 = 1;
pub const CLIENTS_MAX: u32 = 20_000;
pub const POOL_MIN: u32 = 1;
pub const POOL_MAX: u32 = 1_000;
/// The first view: a fleet's worth of clients over a typical pool.
pub const DEFAULT_CLIENTS: u32 = 2_000;
pub const DEFAULT_POOL: u32 = 40;

#[component]
pub fn App() -> Html {
    let clients = use_state(|| DEFAULT_CLIENTS);
    let pool = use_state(|| DEFAULT_POOL);
    let config = MemoryConfig::default();
    let direct = idle_memory(&config, *clients, None);
    let pooled = idle_memory(&config, *clients, Some(*pool));
    let folk = f64::from(*clients) * FOLKLORE_BYTES_PER_CONNECTION;
    let backends_pooled = (*pool).min(*clients);

    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v: u32| clients.set(v))
    };
    let on_pool = {
        let pool = pool.clone();
        Callback::from(move |v: u32| pool.set(v))
    };

    html! {
        <main class="page">
            <header class="masthead">
                <h1>{ "Why does Postgres need a connection pooler?" }</h1>
                <p class="lede">
                    { "Postgres serves every client connection with its own operating-system process, forked by the postmaster. \
                       Drag the number of clients and watch what those processes cost — straight to Postgres, or through a \
                       pooler such as PgBouncer that shares a small pool of server connections among them." }
                </p>
            </header>

            <section class="figure" aria-labelledby="memory-title">
                <h2 id="memory-title">{ "Memory held by server connections" }</h2>
                <MemoryChart clients={*clients} pool_size={*pool} max_clients={CLIENTS_MAX} />
                <div class="controls">
                    <IntSlider id="clients" label="Clients" unit="clients"
                               min={CLIENTS_MIN} max={CLIENTS_MAX} value={*clients} log=true
                               on_change={on_clients}
                               help="Application connections (logarithmic: each step is about 2.5 % more)" />
                    <IntSlider id="pool-size" label="Pool size" unit="server connections"
                               min={POOL_MIN} max={POOL_MAX} value={*pool}
                               on_change={on_pool}
                               help="Server connections the pooler keeps open to Postgres" />
                </div>
                <div class="readouts" aria-live="off">
                    <Readout metric="memory_private_direct" class="direct"
                             label="Direct — private memory" value={direct.private_total}
                             text={format::bytes(direct.private_total)}
                             note={format!("{} backend processes", format::count((*clients).into()))} />
                    <Readout metric="memory_rss_direct" class="direct"
                             label="Direct — what top shows" value={direct.rss_total}
                             text={format::bytes(direct.rss_total)}
                             note="sum of the RSS column" />
                    <Readout metric="memory_private_pooled" class="pooled"
                             label="Pooled — private memory" value={pooled.private_total}
                             text={format::bytes(pooled.private_total)}
                             note={format!("{} backends + PgBouncer", format::count(backends_pooled.into()))} />
                    <Readout metric="memory_pooler" class="pooled"
                             label="PgBouncer's own memory" value={pooled.pooler}
                             text={format::bytes(pooled.pooler)}
                             note="about 2 kB per client connection" />
                </div>
            </section>

            <section class="prose">
                <p>
                    { "With " }<strong>{ format::count((*clients).into()) }</strong>{ " clients connected directly, Postgres runs " }
                    <strong>{ format::count((*clients).into()) }</strong>{ " backend processes. Their private memory — what each one really adds — is " }
                    <strong>{ format::bytes(direct.private_total) }</strong>
                    { ", but adding up the RSS column in " }<code>{ "top" }</code>{ " gives " }
                    <strong>{ format::bytes(direct.rss_total) }</strong>
                    { ", because every backend counts the shared binary and every page of shared_buffers it has touched. \
                       The folk rule of 10 MB per connection would say " }
                    <strong>{ format::bytes(folk) }</strong>{ "." }
                </p>
                <p>
                    { "Through a pooler with " }<strong>{ format::count((*pool).into()) }</strong>
                    { " server connections, the same clients need " }<strong>{ format::count(backends_pooled.into()) }</strong>
                    { " backends and " }<strong>{ format::bytes(pooled.private_total) }</strong>
                    { " of private memory, of which PgBouncer itself holds " }<strong>{ format::bytes(pooled.pooler) }</strong>
                    { ". Shared memory (shared_buffers, " }<strong>{ format::bytes(direct.shared_buffers) }</strong>
                    { " by default) is allocated once either way." }
                </p>
                <p class="sources">
                    { "Sources: idle-backend smaps measured on PostgreSQL 15 (private dirty ≈ 1.07 MiB, RSS ≈ 15.6 MiB); \
                       Andres Freund, " }
                    <a href="https://blog.anarazel.de/2020/10/07/measuring-the-memory-overhead-of-a-postgres-connection/">
                        { "“Measuring the Memory Overhead of a Postgres Connection”" }</a>
                    { " (2020); PgBouncer documentation (“2 kB per connection”). Memory shown is for idle connections \
                       touching 50 relations; statements holding work_mem add to it." }
                </p>
            </section>
        </main>
    }
}

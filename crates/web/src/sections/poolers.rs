//! Section 7: why poolers exist — many application connections over a few server connections.

use super::common::{times, Num};
use crate::components::IntSlider;
use crate::format::{bytes, count};
use poolsim_model::{idle_memory, MemoryConfig};
use yew::prelude::*;

#[component]
pub fn PoolerSection() -> Html {
    let clients = use_state(|| 10_000u32);
    let pool = use_state(|| 200u32);
    let (n, k) = (*clients, *pool);
    let cfg = MemoryConfig::default();
    let direct = idle_memory(&cfg, n, None);
    let pooled = idle_memory(&cfg, n, Some(k));
    let backends = k.min(n);
    let saving = direct.private_total / pooled.private_total.max(1.0);
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    let on_pool = {
        let pool = pool.clone();
        Callback::from(move |v| pool.set(v))
    };
    html! {
        <section class="explain" id="poolers" aria-labelledby="poolers-h">
            <h2 id="poolers-h">{ "7. Why poolers exist" }</h2>
            <p>
                { "Put these costs together and the usual architecture follows. An application fleet — dozens of pods, \
                   each with its own client-side pool — easily opens ten thousand connections. Rather than giving each \
                   one a backend, they connect to a pooler such as PgBouncer, a small single-threaded event loop that \
                   costs about 2 kB per client. It keeps a modest set of real server connections open and lends one to \
                   a client only while the client needs it. Postgres sees a steady, tuned number of backends, typically \
                   a few hundred at most. To the application it looks as if every client had its own backend; in \
                   reality a few hundred processes do all the work. " }
                <a href="https://engineering.zalando.com/posts/2020/06/postgresql-connection-poolers.html">
                    { "Zalando’s engineers" }</a>
                { ", explaining why they built a pooler into their Kubernetes operator, put the alternative plainly: too \
                   many connections means too many processes fighting over the same cores and drowning in context \
                   switches and CPU migrations." }
            </p>
            <figure class="explain-figure tiers" role="img"
                    aria-label={format!("{} application connections into PgBouncer, which uses {} server connections",
                                        count(n.into()), count(backends.into()))}>
                <div class="tier tier-app">
                    <span class="tier-count">{ count(n.into()) }</span>
                    <span class="tier-name">{ "application connections" }</span>
                </div>
                <div class="tier-arrow" aria-hidden="true">{ "→" }</div>
                <div class="tier tier-pooler">
                    <span class="tier-count">{ "PgBouncer" }</span>
                    <span class="tier-name">{ format!("{} of client state", bytes(pooled.pooler)) }</span>
                </div>
                <div class="tier-arrow" aria-hidden="true">{ "→" }</div>
                <div class="tier tier-pg">
                    <span class="tier-count">{ count(backends.into()) }</span>
                    <span class="tier-name">{ "Postgres backends" }</span>
                </div>
            </figure>
            <div class="explain-controls">
                <IntSlider id="tier-clients" label="Application connections" unit="connections" min={1} max={20_000}
                           value={n} log=true on_change={on_clients} />
                <IntSlider id="tier-pool" label="Server connections" unit="server connections" min={1} max={1_000}
                           value={k} on_change={on_pool} />
            </div>
            <p>
                { "Direct, " }<Num metric="s7_clients" value={f64::from(n)} text={count(n.into())} />
                { " connections would be " }{ count(n.into()) }{ " backends holding " }
                <Num metric="s7_memory_direct" value={direct.private_total} text={bytes(direct.private_total)} />
                { " of private memory. Through the pooler, Postgres runs " }
                <Num metric="s7_backends_pooled" value={f64::from(backends)} text={count(backends.into())} />
                { " backends and everything together holds " }
                <Num metric="s7_memory_pooled" value={pooled.private_total} text={bytes(pooled.private_total)} />
                { " (" }<Num metric="s7_saving" value={saving} text={times(saving)} />{ " less). More importantly, the number \
                   of processes competing for the cores, and the number of entries every snapshot has to look at, \
                   stays fixed however many clients arrive. The price is that a client no longer owns a backend — \
                   the next section is about what that breaks." }
            </p>
        </section>
    }
}

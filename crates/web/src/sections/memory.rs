//! Section 2: memory per backend, and why `top` overstates it. Closed-form memory model.

use super::common::{Choice, Num};
use crate::components::IntSlider;
use crate::components::Toggle;
use crate::format::{bytes, count};
use poolsim_model::calibration::{FOLKLORE_BYTES_PER_CONNECTION, MIB};
use poolsim_model::{idle_memory, MemoryConfig};
use yew::prelude::*;

/// How much of shared_buffers each backend has touched (and so maps, and shows in RSS).
const TOUCHED: [(&str, &str, f64); 3] = [
    ("idle", "a few MiB (idle)", 0.0),
    ("1g", "1 GiB", 1024.0 * MIB),
    ("16g", "16 GiB", 16.0 * 1024.0 * MIB),
];

/// Idle connections in section 2 before the reader moves its slider.
pub const MEMORY_CLIENTS: u32 = 2_000;

/// Page tables of one backend that has touched all of a 16 GiB shared_buffers: with 4 KiB pages,
/// the part that maps it (the difference to a backend that maps none); with huge pages, all of them.
pub fn page_tables_for_16_gib() -> (f64, f64) {
    let unmapped = MemoryConfig {
        shared_touched_bytes: 0.0,
        ..MemoryConfig::default()
    };
    let base = idle_memory(&unmapped, 1, None).page_tables;
    (
        idle_memory(&config("16g", false), 1, None).page_tables - base,
        idle_memory(&config("16g", true), 1, None).page_tables,
    )
}

/// The memory model for a backend that has touched `touched_key` of `TOUCHED` (`"idle"`, `"1g"`,
/// `"16g"`) of shared buffers, with or without huge pages.
pub fn config(touched_key: &str, huge_pages: bool) -> MemoryConfig {
    let mut c = MemoryConfig::default();
    if let Some((_, _, b)) = TOUCHED
        .iter()
        .find(|(k, _, b)| *k == touched_key && *b > 0.0)
    {
        c.shared_touched_bytes = *b;
        c.shared_buffers_bytes = c.shared_buffers_bytes.max(*b);
    }
    c.huge_pages = huge_pages;
    c
}

#[component]
pub fn MemorySection() -> Html {
    let clients = use_state(|| MEMORY_CLIENTS);
    let touched = use_state(|| AttrValue::from("idle"));
    let huge = use_state(|| false);
    let cfg = config(touched.as_str(), *huge);
    let n = *clients;
    let m = idle_memory(&cfg, n, None);
    let one = idle_memory(&cfg, 1, None);
    let folk = f64::from(n) * FOLKLORE_BYTES_PER_CONNECTION;

    // Side facts, each computed from the same model with one knob changed.
    let fresh = idle_memory(
        &MemoryConfig {
            relations_touched: 0.0,
            ..MemoryConfig::default()
        },
        1,
        None,
    );
    let many_rel = idle_memory(
        &MemoryConfig {
            relations_touched: 2_000.0,
            ..MemoryConfig::default()
        },
        1,
        None,
    );
    let (big_pt, big_pt_huge) = page_tables_for_16_gib();
    let work_mem = cfg.work_mem_bytes;

    let scale = m.rss_total.max(folk).max(1.0);
    let w = |v: f64| format!("width: {:.3}%", (v / scale * 100.0).clamp(0.0, 100.0));
    let on_clients = {
        let clients = clients.clone();
        Callback::from(move |v| clients.set(v))
    };
    let on_touched = {
        let touched = touched.clone();
        Callback::from(move |v| touched.set(v))
    };
    let on_huge = {
        let huge = huge.clone();
        Callback::from(move |v| huge.set(v))
    };
    let touched_label = TOUCHED
        .iter()
        .find(|(k, _, _)| *k == touched.as_str())
        .map(|t| t.1)
        .unwrap_or("");

    html! {
        <section class="explain" id="memory" aria-labelledby="memory-h">
            { super::common::heading("memory") }
            <p>
                { "Open " }<code>{ "top" }</code>{ " on a busy database server and add up the RSS column of the postgres \
                   processes: with " }<Num metric="s2_clients" value={f64::from(n)} text={count(n.into())} />
                { " idle connections you get " }<Num metric="s2_rss_total" value={m.rss_total} text={bytes(m.rss_total)} />
                { ", about " }<Num metric="s2_rss_each" value={one.rss_total} text={bytes(one.rss_total)} />
                { " per backend. That is where the folk rule of “5–10 MB per connection” comes from — by which a \
                   thousand connections would need " }
                <Num metric="s2_folk_1000" value={1000.0 * FOLKLORE_BYTES_PER_CONNECTION}
                     text={bytes(1000.0 * FOLKLORE_BYTES_PER_CONNECTION)} />
                { ". But RSS counts pages \
                   that are shared: the postgres binary and its libraries, and every page of " }<code>{ "shared_buffers" }</code>
                { " the backend has ever touched. Those exist once, however many processes map them." }
            </p>
            <figure class="explain-figure">
                <div class="bars" role="img"
                     aria-label={format!("Bar chart for {} clients: sum of RSS {}, folk rule {}, private memory {}",
                                         count(n.into()), bytes(m.rss_total), bytes(folk), bytes(m.private_total))}>
                    <div class="bar-row">
                        <span class="bar-label">{ "Sum of top’s RSS column" }</span>
                        <span class="bar-track">
                            <span class="bar seg-private" style={w(m.rss_total - m.rss_shared_counted)} />
                            <span class="bar seg-shared" style={w(m.rss_shared_counted)} />
                        </span>
                        <span class="bar-value">{ bytes(m.rss_total) }</span>
                    </div>
                    <div class="bar-row">
                        <span class="bar-label">{ "Folk rule: 10 MB each" }</span>
                        <span class="bar-track"><span class="bar seg-folk" style={w(folk)} /></span>
                        <span class="bar-value">{ bytes(folk) }</span>
                    </div>
                    <div class="bar-row">
                        <span class="bar-label">{ "What connections really cost" }</span>
                        <span class="bar-track">
                            <span class="bar seg-private" style={w(m.connections_private)} />
                            <span class="bar seg-cache" style={w(m.relcache)} />
                            <span class="bar seg-pt" style={w(m.page_tables)} />
                        </span>
                        <span class="bar-value">{ bytes(m.private_total) }</span>
                    </div>
                </div>
                <figcaption class="legend">
                    <span class="sw seg-private">{ "private heap and stack" }</span>
                    <span class="sw seg-cache">{ "catalog caches" }</span>
                    <span class="sw seg-pt">{ "page tables" }</span>
                    <span class="sw seg-shared">{ "shared pages counted again in every backend" }</span>
                </figcaption>
            </figure>
            <div class="explain-controls">
                <IntSlider id="mem-clients" label="Idle connections" unit="connections" min={1} max={20_000}
                           value={n} log=true on_change={on_clients} />
                <Choice name="mem-touched" legend="Shared buffers each backend has touched"
                        options={TOUCHED.iter().map(|(k, l, _)| (AttrValue::from(*k), AttrValue::from(*l))).collect::<Vec<_>>()}
                        value={(*touched).clone()} on_change={on_touched} />
                <Toggle id="mem-huge" label="Huge pages (2 MiB)" checked={*huge} on_change={on_huge} />
            </div>
            <p>
                { "Counted properly — private dirty pages plus page tables — a backend that has touched " }
                { touched_label }{ " of shared buffers costs " }
                <Num metric="s2_private_each" value={one.private_total} text={bytes(one.private_total)} />
                { ", so the " }{ count(n.into()) }{ " connections really hold " }
                <Num metric="s2_private_total" value={m.private_total} text={bytes(m.private_total)} />
                { ": " }<Num metric="s2_overstatement" value={m.rss_total / m.private_total.max(1.0)}
                              text={format!("{:.1}×", m.rss_total / m.private_total.max(1.0))} />
                { " less than top suggests. A brand-new backend is only " }
                <Num metric="s2_fresh" value={fresh.private_total} text={bytes(fresh.private_total)} />
                { ", in line with Andres Freund’s measurement of under 2 MiB." }
            </p>
            <p>
                { "Three things make a long-lived backend grow. " }<strong>{ "Catalog caches" }</strong>
                { ": each table or index a session touches leaves cached metadata behind that is never freed while the \
                   session lives; after 2,000 relations one backend holds " }
                <Num metric="s2_relcache_2000" value={many_rel.relcache} text={bytes(many_rel.relcache)} />
                { " of it. " }<strong>{ "Page tables" }</strong>
                { ": every process has its own, so a backend that has touched all of a 16 GiB shared_buffers with \
                   ordinary 4 KiB pages needs " }
                <Num metric="s2_pt_16g" value={big_pt} text={bytes(big_pt)} />
                { " of page tables just to map it — per backend. With 2 MiB huge pages that mapping all but \
                   disappears and the backend’s page tables stay at " }
                <Num metric="s2_pt_16g_huge" value={big_pt_huge} text={bytes(big_pt_huge)} />
                { ". Try the 16 GiB setting above with and without huge pages. " }<strong>{ "Query memory" }</strong>
                { ": " }<code>{ "work_mem" }</code>{ " (" }
                <Num metric="s2_work_mem" value={work_mem} text={bytes(work_mem)} />
                { " by default) is a budget per sort or hash node, not per connection — hash nodes may take twice that \
                   (hash_mem_multiplier) — so a hundred backends each running a query with two sorts may hold " }
                <Num metric="s2_work_mem_100x2" value={200.0 * work_mem} text={bytes(200.0 * work_mem)} />
                { " at once." }
            </p>
            <p class="takeaway">
                { "Idle connections are cheaper than their reputation; the real costs of many connections lie elsewhere — \
                   in the scheduler and in the snapshot, below. Memory does become serious with many busy, long-lived \
                   backends on a large shared_buffers without huge pages." }
            </p>
        </section>
    }
}

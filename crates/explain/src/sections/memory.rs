//! Section 2: memory per backend, and why `top` overstates it. Closed-form memory model.

use super::common::{use_live, Choice};
use poolsim_model::calibration::{FOLKLORE_BYTES_PER_CONNECTION, MIB};
use poolsim_model::{idle_memory, MemoryConfig};
use poolsim_page::format::{bytes, count};
use poolsim_page::live::{num, word, Live};
use poolsim_ui::components::IntSlider;
use poolsim_ui::components::Toggle;
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

/// Section 2's live numbers: `n` idle connections, each having touched `touched_key` of shared
/// buffers, with or without huge pages.
pub fn live(n: u32, touched_key: &str, huge: bool) -> Vec<Live> {
    let cfg = config(touched_key, huge);
    let m = idle_memory(&cfg, n, None);
    let one = idle_memory(&cfg, 1, None);
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
    let folk_1000 = 1000.0 * FOLKLORE_BYTES_PER_CONNECTION;
    let over = m.rss_total / m.private_total.max(1.0);
    let touched_label = TOUCHED
        .iter()
        .find(|(k, _, _)| *k == touched_key)
        .map(|t| t.1)
        .unwrap_or("");
    vec![
        num("memory_clients", f64::from(n), count(n.into())),
        num("memory_rss_total", m.rss_total, bytes(m.rss_total)),
        num("memory_rss_each", one.rss_total, bytes(one.rss_total)),
        num("memory_folk_1000", folk_1000, bytes(folk_1000)),
        word("memory_touched", touched_label),
        num(
            "memory_private_each",
            one.private_total,
            bytes(one.private_total),
        ),
        word("memory_clients_again", count(n.into())),
        num(
            "memory_private_total",
            m.private_total,
            bytes(m.private_total),
        ),
        num("memory_overstatement", over, format!("{over:.1}×")),
        num(
            "memory_fresh",
            fresh.private_total,
            bytes(fresh.private_total),
        ),
        num(
            "memory_relcache_2000",
            many_rel.relcache,
            bytes(many_rel.relcache),
        ),
        num("memory_pt_16g", big_pt, bytes(big_pt)),
        num("memory_pt_16g_huge", big_pt_huge, bytes(big_pt_huge)),
        num("memory_work_mem", work_mem, bytes(work_mem)),
        num(
            "memory_work_mem_100x2",
            200.0 * work_mem,
            bytes(200.0 * work_mem),
        ),
    ]
}

/// Section 2's live numbers before the reader touches it.
pub fn defaults() -> Vec<Live> {
    live(MEMORY_CLIENTS, "idle", false)
}

/// Section 2's figure: top's sum against what connections really hold, and its controls.
#[component]
pub fn MemorySection() -> Html {
    let clients = use_state(|| MEMORY_CLIENTS);
    let touched = use_state(|| AttrValue::from("idle"));
    let huge = use_state(|| false);
    let cfg = config(touched.as_str(), *huge);
    let n = *clients;
    let m = idle_memory(&cfg, n, None);
    let folk = f64::from(n) * FOLKLORE_BYTES_PER_CONNECTION;
    use_live(live(n, touched.as_str(), *huge), true);

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

    html! {
        <>
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
        </>
    }
}

/// Section `memory`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "memory",
    view: |_| html! { <MemorySection /> },
    defaults: |_| defaults(),
    prerender: super::Prerender::Component,
    shown: &[
        "memory_clients",
        "memory_rss_total",
        "memory_touched",
        "memory_private_total",
    ],
};

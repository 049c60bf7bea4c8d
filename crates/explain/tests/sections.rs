//! The explanation's sections in a real browser: each renders live numbers that change when its
//! own control changes.
#![cfg(target_arch = "wasm32")]

use poolsim_explain::sections::Explanation;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

// The helpers the figure's browser tests use too (one file, shared by path).
#[path = "../../web/tests/common/mod.rs"]
mod common;
use common::{fire, metric, sleep};

fn mount() -> Element {
    common::mount::<Explanation>()
}

/// Polls of [`runs_done`] and [`changes`] (every 50 ms) before they give up: generous, so that
/// a slow, loaded machine fails only on behaviour (how fast the runs are is not tested here).
const POLLS: u32 = 2_400;

/// Whether every small simulated run on the page has finished.
fn all_done(root: &Element) -> bool {
    let list = root.query_selector_all("[data-metric$='_run']").unwrap();
    (0..list.length()).all(|i| {
        let el: Element = list.item(i).unwrap().dyn_into().unwrap();
        el.get_attribute("data-value").as_deref() == Some("1")
    })
}

/// Waits until every small simulated run on the page has finished.
async fn runs_done(root: &Element) {
    for _ in 0..POLLS {
        sleep(50).await;
        if all_done(root) {
            return;
        }
    }
    panic!("small runs did not finish in {POLLS} polls");
}

fn input(root: &Element, selector: &str) -> HtmlInputElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no input {selector}"))
        .dyn_into()
        .unwrap()
}

/// Moves a range input to its minimum or maximum position.
fn slide(root: &Element, id: &str, to_max: bool) {
    let el = input(root, &format!("input#{id}"));
    let v = if to_max { el.max() } else { el.min() };
    el.set_value(&v);
    fire(&el, "input");
}

fn pick(root: &Element, id: &str) {
    let el = input(root, &format!("input#{id}"));
    el.set_checked(true);
    fire(&el, "change");
}

/// Changes a control and checks that a live number moved: waits until the runs it started have
/// finished with a different value.
async fn changes(root: &Element, name: &str, act: impl FnOnce(&Element)) -> (f64, f64) {
    runs_done(root).await;
    let before = metric(root, name);
    act(root);
    let mut after = before;
    for _ in 0..POLLS {
        sleep(50).await;
        if all_done(root) {
            after = metric(root, name);
            if after != before {
                break;
            }
        }
    }
    assert!(
        before.is_finite() && after.is_finite() && before != after,
        "{name}: {before} -> {after}"
    );
    (before, after)
}

#[wasm_bindgen_test]
async fn every_section_has_a_heading_and_live_numbers() {
    let root = mount();
    runs_done(&root).await;
    let headings = root
        .query_selector_all("section.explain h2")
        .unwrap()
        .length();
    assert!(headings >= 12, "{headings} section headings");
    for name in [
        "process_processes",
        "memory_private_total",
        "memory_rss_total",
        "switches_cs_direct",
        "migration_migrations_direct",
        "connect_tps_persistent",
        "connect_tps_reconnect",
        "snapshots_tps",
        "poolers_memory_pooled",
        "modes_tps",
        "threads_memory",
        "theory_L",
        "theory_lambda_W",
        "theory_rule",
    ] {
        assert!(metric(&root, name) > 0.0, "{name} should be positive");
    }
    // Private memory is far below what top adds up.
    assert!(metric(&root, "memory_rss_total") > 3.0 * metric(&root, "memory_private_total"));
    // Reconnecting for every transaction costs throughput.
    assert!(metric(&root, "connect_tps_persistent") > 5.0 * metric(&root, "connect_tps_reconnect"));
}

#[wasm_bindgen_test]
async fn section_1_processes_follow_connections() {
    let root = mount();
    let (_, after) = changes(&root, "process_processes", |r| {
        slide(r, "proc-clients", true)
    })
    .await;
    assert_eq!(after, 20_000.0);
}

#[wasm_bindgen_test]
async fn section_2_memory_follows_connections_and_huge_pages() {
    let root = mount();
    changes(&root, "memory_private_total", |r| {
        slide(r, "mem-clients", false)
    })
    .await;
    changes(&root, "memory_private_each", |r| pick(r, "mem-touched-16g")).await;
    let (without, with) = changes(&root, "memory_private_each", |r| {
        let t = input(r, "input#mem-huge");
        t.set_checked(true);
        fire(&t, "change");
    })
    .await;
    assert!(with < without, "huge pages: {without} -> {with}");
}

#[wasm_bindgen_test]
async fn sections_3_and_4_switches_and_migrations_follow_their_controls() {
    let root = mount();
    changes(&root, "switches_cs_direct", |r| {
        slide(r, "cs-clients", false)
    })
    .await;
    changes(&root, "migration_migrations_direct", |r| {
        slide(r, "mig-cores", false)
    })
    .await;
}

#[wasm_bindgen_test]
async fn section_5_connect_cost_follows_clients() {
    let root = mount();
    changes(&root, "connect_tps_reconnect", |r| {
        slide(r, "conn-clients", true)
    })
    .await;
}

#[wasm_bindgen_test]
async fn section_6_pg14_is_faster_than_pg13_with_many_connections() {
    let root = mount();
    let (pg13, pg14) = changes(&root, "snapshots_tps", |r| pick(r, "snap-version-14")).await;
    assert!(pg14 > pg13, "PG13 {pg13} vs PG14 {pg14}");
}

#[wasm_bindgen_test]
async fn sections_7_8_and_theory_follow_their_controls() {
    let root = mount();
    changes(&root, "poolers_backends_pooled", |r| {
        slide(r, "tier-pool", false)
    })
    .await;
    changes(&root, "poolers_memory_direct", |r| {
        slide(r, "tier-clients", false)
    })
    .await;
    changes(&root, "modes_errors", |r| pick(r, "mode-transaction")).await;
    changes(&root, "theory_wait_sim", |r| slide(r, "theory-pool", false)).await;
}

#[wasm_bindgen_test]
async fn section_9_threads_use_less_memory_than_processes() {
    let root = mount();
    changes(&root, "threads_memory", |r| pick(r, "arch-thread_pool")).await;
    assert!(metric(&root, "threads_memory") < metric(&root, "threads_memory_process"));
}

/// Whether the canvas holds anything: its pixels differ from those of a blank canvas of its size.
fn drawn(canvas: &web_sys::HtmlCanvasElement) -> bool {
    let blank: web_sys::HtmlCanvasElement = gloo::utils::document()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    blank.set_width(canvas.width());
    blank.set_height(canvas.height());
    canvas.to_data_url().unwrap() != blank.to_data_url().unwrap()
}

#[wasm_bindgen_test]
async fn the_realism_figure_draws_the_lab_and_fills_its_table_with_the_model() {
    let root = mount();
    let lab = poolsim_explain::sections::realism::lab_points().unwrap();
    let mut finished = false;
    for _ in 0..POLLS {
        sleep(50).await;
        if root
            .query_selector("[data-metric='realism_progress'][data-value='1']")
            .unwrap()
            .is_some()
        {
            finished = true;
            break;
        }
    }
    assert!(finished, "the lab's runs did not finish in {POLLS} polls");
    sleep(100).await;
    // Every lab point has its row, with the model's throughput in it.
    let cells = root
        .query_selector_all("#realism td[data-metric^='realism_tps_']")
        .unwrap();
    assert_eq!(cells.length() as usize, lab.len());
    for p in &lab {
        let name = format!("realism_tps_{}_{}", p.route.key(), p.clients);
        assert!(metric(&root, &name) > 0.0, "{name}");
    }
    assert!(root
        .query_selector("#realism td.pending")
        .unwrap()
        .is_none());
    // Both charts are drawn.
    let canvases = root.query_selector_all("#realism canvas").unwrap();
    assert_eq!(canvases.length(), 2);
    for i in 0..canvases.length() {
        let c: web_sys::HtmlCanvasElement = canvases.item(i).unwrap().dyn_into().unwrap();
        assert!(c.width() > 0 && drawn(&c), "canvas {i} is blank");
    }
    // The words are read from the same runs.
    let checks = metric(&root, "realism_checks_passed");
    // The lab's checks: TPS, peak, fall and p99 for each of its two routes.
    assert!((0.0..=8.0).contains(&checks), "{checks}");
    assert!(metric(&root, "realism_direct_points") == 11.0);
    assert!(metric(&root, "realism_pgbouncer_worst").is_finite());
}

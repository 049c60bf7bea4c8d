//! The theory panel: Little's law checked on the running model, utilisation, the Erlang C
//! prediction of the pool wait next to the simulated one, and the pool-size rule of thumb.

use super::common::{rate_digits, sig, use_live, Num};
use super::figures::RunStatus;
use super::lab::{base, use_run};
use poolsim_model::Params;
use poolsim_page::format::duration;
use poolsim_page::format::percent;
use poolsim_page::live::{num, word, Live};
use poolsim_page::sim::SideView;
use poolsim_ui::components::IntSlider;
use yew::prelude::*;

/// Mean wait in queue of an M/M/c queue with `c` servers, arrival rate `lambda` and service time
/// `s`, from the model's Erlang C; infinite when the queue is unstable.
fn erlang_wait(c: u32, lambda: f64, s: f64) -> f64 {
    poolsim_model::theory::erlang_c(c, lambda, 1.0 / s).map_or(f64::INFINITY, |e| e.wq)
}

/// The pooled side as an M/M/c queue: c = pool size, arrivals at the throughput, service = the
/// time a transaction holds a server connection. Returns (offered load A, Erlang C's mean wait).
pub fn erlang_prediction(p: &SideView, pool: u32) -> (f64, f64) {
    let lambda = p.throughput_tps;
    let service = (p.latency.mean - p.pool_wait_s).max(1e-9);
    (lambda * service, erlang_wait(pool, lambda, service))
}

/// Erlang C assumes an endless population. It is shown only while fewer than this share of the
/// clients is inside a transaction at once (a near-open population: the rest keep arriving as
/// if nothing waited).
pub const NEAR_OPEN_SHARE: f64 = 0.1;

/// Whether the pooled side's population is near-open: few of its `clients` inside at once.
pub fn near_open(p: &SideView, clients: u32) -> bool {
    p.in_transaction < NEAR_OPEN_SHARE * f64::from(clients.max(1))
}

/// The theory panel's pool before the reader moves its slider.
pub const THEORY_POOL: u32 = 12;

/// The theory panel's workload: 1,000 clients thinking 300 ms, over a pool of `pool`.
pub fn workload(pool: u32) -> Params {
    Params {
        pool_size: pool,
        clients: 1_000,
        think_ms: 300.0,
        ..base()
    }
}

/// The theory panel's live numbers in the prose, for workload `w`.
pub fn live(w: &Params) -> Vec<Live> {
    let rule = w.cores * 2 + 1;
    vec![
        word(
            "theory_clients",
            poolsim_page::format::count(w.clients.into()),
        ),
        word("theory_cores", w.cores.to_string()),
        num("theory_rule", f64::from(rule), rule.to_string()),
    ]
}

/// The theory panel's live numbers before the reader touches it.
pub fn defaults() -> Vec<Live> {
    live(&workload(THEORY_POOL))
}

/// The theory panel's figure: Little's law, utilisation and Erlang C on the running model.
#[component]
pub fn TheorySection() -> Html {
    let pool = use_state(|| THEORY_POOL);
    let w = workload(*pool);
    let run = use_run(w.clone());
    let p = run.output.pooled.clone().unwrap_or_default();
    // Little's law over the whole transaction: the time-average number of clients inside one
    // (counted by the model as it runs) = throughput × response time.
    let l_measured = p.in_transaction;
    let lambda = p.throughput_tps;
    let wait = p.latency.mean;
    let l_predicted = lambda * wait;
    let (offered, predicted_wait) = erlang_prediction(&p, w.pool_size);
    let open = near_open(&p, w.clients);
    let inside_share = p.in_transaction / f64::from(w.clients.max(1));
    let rho = offered / f64::from(w.pool_size);
    use_live(live(&w), true);
    let utilisation = 1.0 - p.cpu.idle;
    let on_pool = {
        let pool = pool.clone();
        Callback::from(move |v| pool.set(v))
    };
    html! {
        <>
            <div class="theory-grid explain-figure">
                <div><span class="t-label">{ "L, clients inside a transaction (counted, time average)" }</span>
                    <Num metric="theory_L" value={l_measured} text={sig(l_measured)} /></div>
                <div><span class="t-label">{ "λ × W, throughput × response time" }</span>
                    <Num metric="theory_lambda_W" value={l_predicted} text={sig(l_predicted)} />
                    <span class="t-label">{ format!("{}/s × {}", rate_digits(lambda), duration(wait)) }</span></div>
                <div><span class="t-label">{ "Pool utilisation ρ = λ·S / c" }</span>
                    <Num metric="theory_rho" value={rho} text={percent(rho)} /></div>
                <div><span class="t-label">{ "CPU utilisation" }</span>
                    <Num metric="theory_cpu" value={utilisation} text={percent(utilisation)} /></div>
                <div><span class="t-label">{ "Pool wait, Erlang C prediction (endless population)" }</span>
                    if open {
                        <Num metric="theory_wait_erlang" value={if predicted_wait.is_finite() { predicted_wait } else { -1.0 }}
                             text={if predicted_wait.is_finite() { duration(predicted_wait) } else { "unbounded".to_string() }} />
                    } else {
                        <span class="t-note" data-metric="theory_wait_erlang" data-value="-2">
                            { format!("not comparable: {} of the clients are inside at once", percent(inside_share)) }
                        </span>
                    }
                </div>
                <div><span class="t-label">{ "Pool wait, simulated" }</span>
                    <Num metric="theory_wait_sim" value={p.pool_wait_s} text={duration(p.pool_wait_s)} /></div>
            </div>
            <div class="explain-controls">
                <IntSlider id="theory-pool" label="Pool size" unit="server connections" min={1} max={64}
                           value={w.pool_size} on_change={on_pool} />
            </div>
            <RunStatus metric="theory_run" run={run.clone()} />
        </>
    }
}

/// Section `theory`'s figure, as the registry (`super::FIGURES`) lists it.
pub const FIGURE: super::Figure = super::Figure {
    id: "theory",
    view: |_| html! { <TheorySection /> },
    defaults: |_| defaults(),
    prerender: super::Prerender::Component,
    // The theory panel's numbers are its run's, not the prose's: its own prerender test.
    shown: &[],
};

//! A one-line text summary of the figure: shown as it is now, and read out to screen readers at
//! most every 2 s (a visually hidden copy with `aria-live=polite`), so what is on screen is never
//! stale while a screen reader is not flooded.

use gloo::timers::callback::{Interval, Timeout};
use poolsim_page::format;
use poolsim_page::sim::LiveView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LiveSummaryProps {
    pub view: std::rc::Rc<LiveView>,
    pub clients: u32,
}

/// The sentence for the current figures, e.g. "2,000 clients, 24 server connections, 1,960
/// waiting, p99 120 ms, 1.1 GiB".
pub fn sentence(view: &LiveView, clients: u32) -> String {
    let side = view.pooled.as_ref().unwrap_or(&view.direct);
    let o = &side.occupancy;
    let direct = &view.direct;
    let mut s = format!(
        "{} clients, {} server connections, {} waiting, p99 {}, {}",
        format::count(clients.into()),
        format::count(o.backends().into()),
        format::count(o.clients_waiting.into()),
        format::duration(side.latency.p99),
        format::bytes(side.memory_private),
    );
    if side.pooled {
        s.push_str(&format!(
            "; direct: p99 {}, {}",
            format::duration(direct.latency.p99),
            format::bytes(direct.memory_private)
        ));
    }
    s
}

#[component]
pub fn LiveSummary(props: &LiveSummaryProps) -> Html {
    // The newest sentence is kept aside; a 2 s interval copies it into what is read out, so a
    // screen reader is not flooded while the model runs or a slider is dragged.
    let now = sentence(&props.view, props.clients);
    let latest = use_mut_ref(String::new);
    latest.borrow_mut().clone_from(&now);
    let shown = use_state_eq(|| latest.borrow().clone());
    {
        let shown = shown.clone();
        use_effect_with((), move |_| {
            // A first reading once the model has warmed up, then every 2 s.
            let first = {
                let (shown, latest) = (shown.clone(), latest.clone());
                Timeout::new(600, move || shown.set(latest.borrow().clone()))
            };
            let interval = Interval::new(2_000, move || shown.set(latest.borrow().clone()));
            move || drop((first, interval))
        });
    }
    html! {
        <>
            <p class="live-summary" aria-hidden="true" data-metric="summary">{ now }</p>
            <p class="visually-hidden" aria-live="polite">{ (*shown).clone() }</p>
        </>
    }
}

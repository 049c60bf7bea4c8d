//! Where the cores' time goes: one stacked bar (work / clients / switching / snapshots / fork /
//! pooler / idle; clients only when they run on the server).

use poolsim_model::CpuShare;
use poolsim_page::format;
use poolsim_page::sim::cpu_parts;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CpuBarProps {
    pub cpu: CpuShare,
    /// `direct` or `pooled`: suffix of the metric names.
    pub side: AttrValue,
}

#[component]
pub fn CpuBar(props: &CpuBarProps) -> Html {
    let parts = cpu_parts(&props.cpu);
    let text = parts
        .iter()
        .filter(|p| p.2 >= 0.005)
        .map(|(_, label, share)| format!("{label} {}", format::percent(*share)))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <div class="cpu">
            <span class="readout-label">{ "CPU time" }</span>
            <div class="cpu-bar" role="img" aria-label={format!("CPU time: {text}")}>
                { for parts.iter().map(|(class, label, share)| html! {
                    <span class={classes!("cpu-part", *class)}
                          style={format!("width: {:.2}%", share.clamp(0.0, 1.0) * 100.0)}
                          title={format!("{label}: {}", format::percent(*share))}
                          data-metric={format!("cpu_{class}_{}", props.side)}
                          data-value={share.to_string()} />
                }) }
            </div>
            <ul class="cpu-key">
                { for parts.iter().filter(|p| p.2 >= 0.005).map(|(class, label, share)| html! {
                    <li class={*class}>{ format!("{label} {}", format::percent(*share)) }</li>
                }) }
            </ul>
        </div>
    }
}

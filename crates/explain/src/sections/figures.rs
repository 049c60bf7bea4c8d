//! Small figures shared by the sections: where the cores' time goes, and direct-vs-pooled bars.

use super::common::RunBar;
use super::job::JobView;
use poolsim_model::CpuShare;
use poolsim_page::sim::{cpu_parts, LiveView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CpuBarsProps {
    pub direct: CpuShare,
    #[prop_or_default]
    pub pooled: Option<CpuShare>,
    /// Row labels (defaults: "Direct", "Through PgBouncer").
    #[prop_or(AttrValue::from("Direct"))]
    pub direct_label: AttrValue,
    #[prop_or(AttrValue::from("Through PgBouncer"))]
    pub pooled_label: AttrValue,
}

fn cpu_row(label: &AttrValue, s: &CpuShare) -> Html {
    let summary = cpu_parts(s)
        .iter()
        .filter(|p| p.2 >= 0.005)
        .map(|(_, l, v)| format!("{l} {:.0} %", v * 100.0))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <div class="bar-row">
            <span class="bar-label">{ label }</span>
            <span class="bar-track" role="img" aria-label={format!("{label}: {summary}")}>
                { for cpu_parts(s).iter().map(|(class, name, v)| html! {
                    <span class={classes!("bar", format!("cpu-{class}"))}
                          style={format!("width: {:.3}%", (v * 100.0).clamp(0.0, 100.0))}
                          title={format!("{name}: {:.1} %", v * 100.0)} />
                }) }
            </span>
        </div>
    }
}

/// Where all cores' time goes: one stacked bar per side.
#[component]
pub fn CpuBars(props: &CpuBarsProps) -> Html {
    html! {
        <div class="bars cpu-bars">
            { cpu_row(&props.direct_label, &props.direct) }
            if let Some(p) = &props.pooled { { cpu_row(&props.pooled_label, p) } }
            <div class="legend">
                { for cpu_parts(&props.direct).iter().map(|(class, name, _)| html! {
                    <span class={classes!("sw", format!("cpu-{class}"))}>{ *name }</span>
                }) }
            </div>
        </div>
    }
}

/// One pair of bars: the same metric direct and pooled.
#[derive(Clone, PartialEq)]
pub struct Pair {
    pub label: AttrValue,
    pub direct: f64,
    pub pooled: f64,
    pub direct_text: String,
    pub pooled_text: String,
}

#[derive(Properties, PartialEq)]
pub struct PairBarsProps {
    pub pairs: Vec<Pair>,
    #[prop_or(AttrValue::from("direct"))]
    pub direct_label: AttrValue,
    #[prop_or(AttrValue::from("pooled"))]
    pub pooled_label: AttrValue,
}

/// Each metric as two bars on its own scale (the larger of the two fills the track).
#[component]
pub fn PairBars(props: &PairBarsProps) -> Html {
    html! {
        <div class="bars pair-bars">
            { for props.pairs.iter().map(|p| {
                let max = p.direct.max(p.pooled).max(1e-300);
                let w = |v: f64| format!("width: {:.3}%", (v / max * 100.0).clamp(0.0, 100.0));
                html! {
                    <div class="pair" role="img"
                         aria-label={format!("{}: {} {}, {} {}", p.label, props.direct_label, p.direct_text,
                                             props.pooled_label, p.pooled_text)}>
                        <span class="pair-label">{ &p.label }</span>
                        <span class="bar-track"><span class="bar direct" style={w(p.direct)} /></span>
                        <span class="bar-value">{ format!("{} {}", props.direct_label, p.direct_text) }</span>
                        <span class="bar-track"><span class="bar pooled" style={w(p.pooled)} /></span>
                        <span class="bar-value">{ format!("{} {}", props.pooled_label, p.pooled_text) }</span>
                    </div>
                }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct RunStatusProps {
    pub metric: AttrValue,
    pub run: JobView<LiveView>,
}

/// The small run's progress while it computes; its simulated length once done.
#[component]
pub fn RunStatus(props: &RunStatusProps) -> Html {
    if props.run.done {
        html! {
            <p class="run-note" data-metric={props.metric.clone()} data-value="1">
                { format!("Simulated {:.1} s of this case (same seed every time).", props.run.output.now_s) }
            </p>
        }
    } else {
        html! { <RunBar metric={props.metric.clone()} label="Simulating" progress={props.run.progress} /> }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule of `www/sections.css` whose selector list names `selector`, if any: its body.
    fn rule_for<'a>(css: &'a str, selector: &str) -> Option<&'a str> {
        css.split('}').find_map(|rule| {
            let (selectors, body) = rule.split_once('{')?;
            selectors
                .split(',')
                .any(|s| s.trim() == selector)
                .then_some(body)
        })
    }

    #[test]
    fn every_part_of_the_cpu_bars_has_a_colour_in_the_bar_and_its_legend_swatch() {
        let css = include_str!("../../../../www/sections.css");
        for (class, name, _) in cpu_parts(&CpuShare::default()) {
            for selector in [
                format!(".bar.cpu-{class}"),
                format!(".sw.cpu-{class}::before"),
            ] {
                let body = rule_for(css, &selector)
                    .unwrap_or_else(|| panic!("no rule for {selector} (the legend's “{name}”)"));
                assert!(
                    body.contains("background"),
                    "{selector} has no colour: {body}"
                );
            }
        }
    }
}

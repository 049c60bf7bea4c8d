//! Small pieces shared by the sections: live numbers in prose, a labelled choice, a toggle, a
//! progress bar, and number formats the live figure's `format` module does not have.

use poolsim_page::live::Live;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Attribute set on a live element once a figure has written its number (the prerendered one
/// until then).
pub const LIVE_WRITTEN: &str = "data-live-written";

/// Writes a section's live values into the prose, in place: each element with its `data-live`
/// name gets the text (and `data-value`). Only when `ready` (the section's runs have finished), so
/// the prerendered numbers stay until the figure has the same or newer ones.
///
/// Natively, where the prerender renders a figure once with its runs done
/// (`super::static_html`), the values are kept instead, for the prerender to fill the prose with.
#[hook]
pub fn use_live(values: Vec<Live>, ready: bool) {
    #[cfg(feature = "ssr")]
    if ready {
        RENDERED_LIVE.with(|kept| kept.borrow_mut().extend(values.iter().cloned()));
    }
    use_effect_with((values, ready), |(values, ready)| {
        if *ready {
            values.iter().for_each(write_live);
        }
    });
}

#[cfg(feature = "ssr")]
thread_local! {
    /// The live values of the figures rendered natively on this thread (`super::static_html`).
    pub(super) static RENDERED_LIVE: std::cell::RefCell<Vec<Live>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Marks the prose's elements of the live values `names` as written only when the reader asks for
/// them (a figure's choice that starts heavy runs): until then they keep the prerendered digits,
/// which are the model's for the same runs. Tests read the mark, `data-live-on-demand`.
#[hook]
pub fn use_live_on_demand(names: &'static [&'static str]) {
    use_effect_with((), move |_| {
        for name in names {
            let Ok(list) =
                gloo::utils::document().query_selector_all(&format!("[data-live=\"{name}\"]"))
            else {
                continue;
            };
            for i in 0..list.length() {
                if let Some(el) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = el.set_attribute("data-live-on-demand", "");
                }
            }
        }
    });
}

/// Writes one live value into every element named by it.
pub fn write_live(v: &Live) {
    let Ok(list) =
        gloo::utils::document().query_selector_all(&format!("[data-live=\"{}\"]", v.name))
    else {
        return;
    };
    for i in 0..list.length() {
        let Some(el) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        if el.text_content().as_deref() != Some(v.text.as_str()) {
            el.set_text_content(Some(&v.text));
        }
        if let Some(value) = v.value {
            let _ = el.set_attribute("data-value", &value.to_string());
        }
        let _ = el.set_attribute(LIVE_WRITTEN, "");
    }
}

/// A section's `<h2>`, numbered and worded as the outline says (`poolsim_page::outline`).
pub fn heading(id: &'static str) -> Html {
    let title = poolsim_page::outline::section(id)
        .map(|s| s.heading())
        .unwrap_or_default();
    html! { <h2 id={format!("{id}-h")}>{ title }</h2> }
}

#[derive(Properties, PartialEq)]
pub struct NumProps {
    /// Stable metric name (unique on the page), e.g. `memory_private_total`.
    pub metric: AttrValue,
    /// The value in base units (bytes, seconds, per second, a plain count or ratio).
    pub value: f64,
    /// The value formatted for people.
    pub text: AttrValue,
    #[prop_or_default]
    pub class: Classes,
}

/// A live number inside prose. It carries `data-metric` and `data-value` like the readouts above.
#[component]
pub fn Num(props: &NumProps) -> Html {
    html! {
        <strong class={classes!("live", props.class.clone())}
                data-metric={props.metric.clone()}
                data-value={props.value.to_string()}>{ &props.text }</strong>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChoiceProps {
    /// Group name, also the prefix of each option's id.
    pub name: AttrValue,
    /// Visible legend; the group's accessible name.
    pub legend: AttrValue,
    /// (key, label) of each option.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub value: AttrValue,
    pub on_change: Callback<AttrValue>,
}

/// A row of radio buttons in a fieldset: keyboard (arrow keys) and touch work natively.
#[component]
pub fn Choice(props: &ChoiceProps) -> Html {
    html! {
        <fieldset class="choice">
            <legend>{ &props.legend }</legend>
            { for props.options.iter().map(|(key, label)| {
                let id = format!("{}-{}", props.name, key);
                let on_change = props.on_change.clone();
                let key2 = key.clone();
                html! {
                    <label for={id.clone()}>
                        <input type="radio" id={id} name={props.name.clone()} value={key.clone()}
                               checked={*key == props.value}
                               onchange={Callback::from(move |_| on_change.emit(key2.clone()))} />
                        { label }
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// Two or three significant digits, with thousands separators above 1,000.
pub fn sig(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v.abs() >= 100.0 {
        poolsim_page::format::count(v.round().max(0.0) as u64)
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        // Two decimals, without trailing zeros: "2.47", "2.5", "5".
        let t = format!("{v:.2}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A rate's digits without its unit ("72,400", "12.5"): the prose writes "per second" after
/// them ([`poolsim_page::format::per_second`] writes "72.4k/s").
pub fn rate_digits(v: f64) -> String {
    if v >= 1000.0 {
        poolsim_page::format::count(v.round() as u64)
    } else {
        sig(v)
    }
}

/// A ratio as "×12" or "×1.4".
pub fn times(v: f64) -> String {
    format!("{}×", sig(v))
}

#[derive(Properties, PartialEq)]
pub struct RunBarProps {
    /// Metric name for the progress value (0–1).
    pub metric: AttrValue,
    /// What is being computed, e.g. "Simulating 8 client counts".
    pub label: AttrValue,
    pub progress: f64,
}

/// A `<progress>` bar for a progressive computation, with its label and a percentage.
#[component]
pub fn RunBar(props: &RunBarProps) -> Html {
    let pct = (props.progress.clamp(0.0, 1.0) * 100.0).round();
    html! {
        <div class="runbar">
            <progress max="100" value={pct.to_string()} aria-label={props.label.clone()}
                      data-metric={props.metric.clone()} data-value={props.progress.to_string()} />
            <span class="runbar-text">{ format!("{} — {pct:.0} %", props.label) }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_rates() {
        assert_eq!(times(300.4), "300×");
        assert_eq!(rate_digits(72_400.0), "72,400");
        assert_eq!(sig(5.0), "5");
        assert_eq!(sig(2.5), "2.5");
        assert_eq!(sig(0.004), "0");
        assert_eq!(sig(12.34), "12.3");
    }
}

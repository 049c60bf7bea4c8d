//! A labelled integer control: a real `<input type=range>` (mouse, touch, keyboard) plus a number
//! field for typing an exact value. Out-of-range or garbled typed values are clamped and the
//! clamping is said next to the field; nothing panics.

use poolsim_page::format;
use poolsim_page::scale::LogScale;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct IntSliderProps {
    /// DOM id of the range input (the number field gets `<id>-number`).
    pub id: AttrValue,
    /// Visible label; also the start of the accessible name.
    pub label: AttrValue,
    /// Unit word for the spoken value, e.g. "clients".
    pub unit: AttrValue,
    pub min: u32,
    pub max: u32,
    pub value: u32,
    /// Logarithmic feel (positions spaced geometrically).
    #[prop_or_default]
    pub log: bool,
    pub on_change: Callback<u32>,
    /// One line of help under the control.
    #[prop_or_default]
    pub help: Option<AttrValue>,
}

/// Parses what a person typed into the number field: digits with optional separators. Returns the
/// clamped value and, when it had to change what was typed, a short note saying so.
pub fn parse_typed(text: &str, min: u32, max: u32) -> (Option<u32>, Option<String>) {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
        .collect();
    match poolsim_model::decimal::parse_f64(&cleaned) {
        Some(v) if v.is_finite() => {
            let rounded = v.round();
            let clamped = rounded.clamp(f64::from(min), f64::from(max)) as u32;
            let note = (rounded != f64::from(clamped)).then(|| {
                format!(
                    "{} is outside {}–{}; using {}",
                    text.trim(),
                    format::count(min.into()),
                    format::count(max.into()),
                    format::count(clamped.into())
                )
            });
            (Some(clamped), note)
        }
        _ => (
            None,
            Some(format!(
                "“{}” is not a number; kept the previous value",
                text.trim()
            )),
        ),
    }
}

#[component]
pub fn IntSlider(props: &IntSliderProps) -> Html {
    let notice = use_state(|| None::<String>);
    let scale = use_memo((props.min, props.max, props.log), |&(min, max, log)| {
        if log {
            Some(LogScale::new(min, max, 400))
        } else {
            None
        }
    });
    let value = props.value.clamp(props.min, props.max);
    let (pos_max, pos) = match scale.as_ref() {
        Some(s) => (s.max_position(), s.position_of(value)),
        None => (props.max, value),
    };

    let on_range = {
        let on_change = props.on_change.clone();
        let scale = scale.clone();
        let notice = notice.clone();
        let (min, max) = (props.min, props.max);
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Ok(p) = input.value().parse::<u32>() else {
                return;
            };
            let v = match scale.as_ref() {
                Some(s) => s.value_at(p),
                None => p.clamp(min, max),
            };
            notice.set(None);
            on_change.emit(v);
        })
    };
    let on_number = {
        let on_change = props.on_change.clone();
        let notice = notice.clone();
        let (min, max) = (props.min, props.max);
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let (v, note) = parse_typed(&input.value(), min, max);
            notice.set(note);
            if let Some(v) = v {
                input.set_value(&v.to_string());
                on_change.emit(v);
            }
        })
    };

    let number_id = format!("{}-number", props.id);
    let help_id = format!("{}-help", props.id);
    let spoken = format!("{} {}", format::count(value.into()), props.unit);
    html! {
        <div class="control">
            <div class="control-head">
                <label for={props.id.clone()}>{ &props.label }</label>
                <input type="text" inputmode="numeric" id={number_id} class="control-number"
                       aria-label={format!("{} (exact value)", props.label)}
                       value={value.to_string()} onchange={on_number} />
            </div>
            <input type="range" id={props.id.clone()}
                   min="0" max={pos_max.to_string()} step="1" value={pos.to_string()}
                   aria-valuetext={spoken}
                   aria-describedby={help_id.clone()}
                   oninput={on_range} />
            <div class="control-help" id={help_id}>
                if let Some(n) = &*notice {
                    <span class="notice" role="status">{ n }</span>
                } else if let Some(h) = &props.help {
                    { h }
                }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_typed;

    #[test]
    fn typed_values_are_clamped_with_a_note() {
        assert_eq!(parse_typed("2000", 1, 20_000), (Some(2000), None));
        assert_eq!(parse_typed(" 2,000 ", 1, 20_000), (Some(2000), None));
        let (v, note) = parse_typed("99999999999", 1, 20_000);
        assert_eq!(v, Some(20_000));
        assert!(note.unwrap().contains("using 20,000"));
        let (v, note) = parse_typed("-5", 1, 20_000);
        assert_eq!(v, Some(1));
        assert!(note.is_some());
        let (v, note) = parse_typed("NaN", 1, 20_000);
        assert_eq!(v, None);
        assert!(note.unwrap().contains("not a number"));
        assert_eq!(parse_typed("", 1, 10).0, None);
    }
}

//! The reader-facing texts that are not a section's prose: the challenges, the predict-first
//! questions, the reproduce kit's caveats, the prerender's fixed notes and the presets'
//! descriptions. Each lives in `content/<language>/texts/<group>.md` as front matter lines
//! `key: value` and is compiled in by `build.rs` as a constant `texts::<group>::<KEY>`, so a
//! missing text fails the build and a sentence is edited in the content, not in Rust. A text with
//! `{name}` placeholders is filled with [`fill`]. (`step`, `text` and `scenario` are the presenter
//! steps' keys: a text file uses none of them.)
//!
//! [`front_matter`] is the parser every content file is read with (here, by the page library's
//! build script and natively by its Markdown rendering).

pub mod front_matter;

/// The texts of `content/en/texts/`, one module per file, one constant per key.
pub mod texts {
    include!(concat!(env!("OUT_DIR"), "/texts.rs"));
}

/// `template` with each `{name}` replaced by the value `values` gives for `name`; a `{…}` naming
/// no value is left as it is (a test of each text's user holds that none is left).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| Some((close, values.iter().find(|(k, _)| *k == &after[..close])?)));
        match value {
            Some((close, (_, value))) => {
                let _ = write!(out, "{value}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A preset's words (`content/en/texts/presets.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresetWords {
    /// Its short title (`<name>_title:`).
    pub title: &'static str,
    /// What it shows (`<name>_description:`).
    pub description: &'static str,
}

/// The words of the preset called `name` (its name in `poolsim_model::presets`), if the content
/// has both; the page library's tests hold that every preset has them.
pub fn preset_words(name: &str) -> Option<PresetWords> {
    Some(PresetWords {
        title: texts::presets::get(&format!("{name}_title"))?,
        description: texts::presets::get(&format!("{name}_description"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_values_and_keeps_the_rest() {
        assert_eq!(
            fill("{a} and {b}, {c}{", &[("a", &1), ("b", &"two")]),
            "1 and two, {c}{"
        );
    }
}

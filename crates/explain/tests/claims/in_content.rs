//! The sentences the claims quote are the page's own: each claim's quote must be found, as the
//! reader reads it at the section's default state, in that section's Markdown (`content/en`) with
//! every live number filled in, or in the presenter's steps. An ellipsis (…) in a quote stands
//! for a number the claim checks by direction only. When a sentence of the content changes, its
//! claim fails here until its quote (and, if needed, its check) follows.

use crate::claim::Place;
use poolsim_page::content::{english, placeholders};
use std::collections::HashMap;

/// Text as a reader sees it: Markdown and HTML syntax gone, whitespace collapsed.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '`' | '*' | '[' => {}
            ']' if chars.peek() == Some(&'(') => {
                for c in chars.by_ref() {
                    if c == ')' {
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each section's text with its live values at the default state, and the sentences a section
/// shows in another state (section 9 with the thread pool picked).
fn shown() -> HashMap<&'static str, String> {
    let mut values = poolsim_explain::sections::default_values();
    values
        .get_mut("threads")
        .expect("section 9")
        .extend(crate::threads::shown_in_other_states());
    english()
        .sections
        .into_iter()
        .map(|(s, md)| {
            let mut text = md.clone();
            for name in placeholders(&md) {
                let v = values[s.id]
                    .iter()
                    .find(|v| v.name == name)
                    .expect("a value");
                text = text.replacen(&format!("{{{{ {name} }}}}"), &v.text, 1);
            }
            // Values shown in other states only.
            for v in values[s.id].iter().skip(placeholders(&md).len()) {
                text.push(' ');
                text.push_str(&v.text);
            }
            (s.id, plain(&text))
        })
        .collect()
}

#[test]
fn every_quoted_sentence_is_in_the_content() {
    let shown = shown();
    let steps = plain(
        &poolsim_page::outline::STEPS
            .iter()
            .map(|s| s.text)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let mut checked = 0;
    let mut missing = Vec::new();
    for claim in crate::ALL.iter().flat_map(|claims| claims.iter()) {
        let text = match claim.place {
            Place::Section(id) => shown
                .get(id)
                .unwrap_or_else(|| panic!("{}: no section {id}", claim.name)),
            Place::Steps => &steps,
            Place::NotLookedUp => continue,
        };
        for fragment in plain(claim.quote).split('…').map(str::trim) {
            let fragment = fragment.trim_matches(|c: char| c == ',' || c == '.' || c == ' ');
            if fragment.chars().count() < 4 {
                continue;
            }
            checked += 1;
            if !text.contains(fragment) {
                missing.push(format!("{}: “{fragment}”", claim.name));
            }
        }
    }
    println!("{checked} quoted fragments checked");
    assert!(checked > 50, "only {checked} quoted fragments found");
    assert!(
        missing.is_empty(),
        "not in the content:\n{}",
        missing.join("\n")
    );
}

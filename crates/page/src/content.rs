//! The explanation's prose as content: one Markdown file per section of the outline, rendered to
//! HTML at build time (natively, never in the wasm modules) with pulldown-cmark.
//!
//! # The files
//!
//! `content/<language>/<id>.md`, named by the section's id; their order is the outline's
//! ([`outline::SECTIONS`]), so inserting a section renames no file. `intro.md` is the paragraph
//! above the table of contents. A file starts
//! with its front matter (`poolsim_content::front_matter`: its heading, table-of-contents entry, numbering
//! and presenter steps, which `build.rs` compiles into the outline), then holds the section's
//! prose: its anchor and its heading's number come from the outline. Besides ordinary Markdown (tables included) a file may hold:
//!
//! * **live numbers**, `{{ connect_tps_persistent }}`: a name the section's figure computes (see
//!   `crate::live`). The prerender writes the number the model gives at the section's default state;
//!   in the browser the figure updates it in place. Every name a section computes must appear in
//!   its file, and every placeholder must be a name it computes;
//! * **the figure**, a line of its own `::: figure <id>`: where the section's interactive figure
//!   (its island) goes. On the built page it is a `<div class="island" data-island="<id>">` holding
//!   a static rendering of the figure's default state, which the explanation's module replaces.
//!
//! Raw HTML passes through (e.g. `<p class="takeaway">…</p>`).
//!
//! [`outline::SECTIONS`]: crate::outline::SECTIONS

use crate::live::Live;
use crate::outline::{Section, INTRO_TITLE, SECTIONS};
use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::path::Path;

/// The Markdown of every section, in outline order, and the intro.
pub struct Content {
    pub intro: String,
    pub sections: Vec<(&'static Section, String)>,
}

/// The file of the section with this id: `<id>.md`.
pub fn file_name(id: &str) -> String {
    format!("{id}.md")
}

/// The file of the paragraph above the table of contents.
pub const INTRO_FILE: &str = "intro.md";

/// Reads the content of one language, e.g. `content/en`.
pub fn load(dir: &Path) -> Result<Content, String> {
    // A file's Markdown, after its front matter (which the outline compiled in at build time).
    let read = |name: &str| {
        let path = dir.join(name);
        let file =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (_, markdown) = poolsim_content::front_matter::split(&file)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok::<String, String>(markdown.to_string())
    };
    let intro = read(INTRO_FILE)?;
    let sections = SECTIONS
        .iter()
        .map(|s| Ok((s, read(&file_name(s.id))?)))
        .collect::<Result<_, String>>()?;
    Ok(Content { intro, sections })
}

/// The content of the repository's `content/en`.
pub fn english() -> Content {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/en");
    load(&dir).unwrap_or_else(|e| panic!("{e}"))
}

const FIGURE: &str = "::: figure ";

fn island_marker(id: &str) -> String {
    format!("<!--poolsim:island:{id}-->")
}

/// The island names a section's Markdown places, in order.
pub fn islands(markdown: &str) -> Vec<&str> {
    markdown
        .lines()
        .filter_map(|l| l.trim().strip_prefix(FIGURE))
        .map(str::trim)
        .collect()
}

/// The placeholder names a section's Markdown uses, in order.
pub fn placeholders(markdown: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        names.push(rest[start + 2..start + len].trim());
        rest = &rest[start + len + 2..];
    }
    names
}

/// Markdown to HTML, with each `::: figure <id>` line turned into a marker for [`fill`].
fn to_html(markdown: &str) -> String {
    let mut source = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        match line.trim().strip_prefix(FIGURE) {
            // An HTML block of its own (blank lines around it), so Markdown passes it through.
            Some(id) => {
                let _ = write!(source, "\n{}\n\n", island_marker(id.trim()));
            }
            None => {
                source.push_str(line);
                source.push('\n');
            }
        }
    }
    let mut out = String::with_capacity(source.len() * 5 / 4);
    let events: Vec<Event> = Parser::new_ext(&source, Options::ENABLE_TABLES).collect();
    html::push_html(&mut out, scrollable_tables(events).into_iter());
    out
}

/// Wraps every table in a region that scrolls sideways on a narrow screen: focusable, so a
/// keyboard can scroll it, and named after the table's column headings.
fn scrollable_tables(events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len() + 4);
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Table(_)) => {
                let mut headings = Vec::new();
                let mut cell = String::new();
                for e in &events[i + 1..] {
                    match e {
                        Event::Text(t) | Event::Code(t) => cell.push_str(t),
                        Event::End(TagEnd::TableCell) => headings.push(std::mem::take(&mut cell)),
                        Event::End(TagEnd::TableHead) => break,
                        _ => {}
                    }
                }
                let name = escape(&format!("Table: {}", headings.join(", ")));
                out.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{name}\">"
                    )
                    .into(),
                ));
                out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html("</div>".into()));
            }
            _ => out.push(event.clone()),
        }
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The element a live value is written in.
pub fn live_element(v: &Live) -> String {
    match v.value {
        Some(value) => format!(
            "<strong class=\"live\" data-live=\"{n}\" data-metric=\"{n}\" data-value=\"{value}\">{}</strong>",
            escape(&v.text),
            n = v.name
        ),
        None => format!(
            "<span class=\"live-word\" data-live=\"{}\">{}</span>",
            v.name,
            escape(&v.text)
        ),
    }
}

/// Replaces the placeholders and island markers of rendered HTML. Every placeholder must have a
/// value, and every value a placeholder.
fn fill(html: &str, values: &[Live], island: &dyn Fn(&str) -> String) -> Result<String, String> {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    let mut used = Vec::new();
    while let Some(start) = rest.find("{{") {
        let len = rest[start..].find("}}").ok_or_else(|| {
            format!(
                "unclosed placeholder at “{}”",
                &rest[start..].chars().take(40).collect::<String>()
            )
        })?;
        let name = rest[start + 2..start + len].trim();
        let v = values
            .iter()
            .find(|v| v.name == name)
            .ok_or_else(|| format!("{{{{ {name} }}}}: no such live value"))?;
        used.push(v.name);
        out.push_str(&rest[..start]);
        out.push_str(&live_element(v));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    if let Some(unused) = values.iter().find(|v| !used.contains(&v.name)) {
        return Err(format!("{}: computed but not in the text", unused.name));
    }
    let mut html = out;
    while let Some(start) = html.find("<!--poolsim:island:") {
        let end = start + html[start..].find("-->").ok_or("unclosed island marker")? + 3;
        let id = html[start + "<!--poolsim:island:".len()..end - 3].to_string();
        let body = island(&id);
        html.replace_range(
            start..end,
            &format!("<div class=\"island\" data-island=\"{id}\">{body}</div>"),
        );
    }
    Ok(html)
}

/// One section as HTML: its numbered heading with a link to itself, and its prose with `values`
/// filled in and each figure's static rendering (`island(id)`) in place.
pub fn render_section(
    section: &Section,
    markdown: &str,
    values: &[Live],
    island: &dyn Fn(&str) -> String,
) -> Result<String, String> {
    let id = section.id;
    let body = fill(&to_html(markdown), values, island).map_err(|e| format!("{id}: {e}"))?;
    Ok(format!(
        "<section class=\"explain\" id=\"{id}\" aria-labelledby=\"{id}-h\">\n\
         <h2 id=\"{id}-h\">{} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h2>\n\
         {body}</section>\n",
        escape(&section.heading())
    ))
}

/// The table of contents: every section the outline lists in it.
pub fn toc() -> String {
    let mut out = String::from("<ol class=\"toc\">\n");
    for s in SECTIONS.iter() {
        if let Some(entry) = s.toc {
            let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", s.id, escape(entry));
        }
    }
    out.push_str("</ol>\n");
    out
}

/// The whole explanation: the intro with the table of contents, then every section.
/// `values(id)` gives a section's live values, `island(id)` its figure's static rendering.
pub fn render(
    content: &Content,
    values: &dyn Fn(&str) -> Vec<Live>,
    island: &dyn Fn(&str) -> String,
) -> Result<String, String> {
    let mut out = format!(
        "<div class=\"explanation\">\n<nav class=\"explain-intro\" aria-labelledby=\"explain-h\">\n\
         <h2 id=\"explain-h\">{}</h2>\n{}{}</nav>\n",
        escape(INTRO_TITLE),
        to_html(&content.intro),
        toc()
    );
    for (section, markdown) in &content.sections {
        out.push_str(&render_section(
            section,
            markdown,
            &values(section.id),
            island,
        )?);
    }
    out.push_str("</div>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{num, word};

    /// A table scrolls sideways on a phone: its wrapper is focusable and named (axe-core's
    /// `scrollable-region-focusable`).
    #[test]
    fn a_markdown_table_is_wrapped_in_a_focusable_named_region() {
        let html = to_html("| mode | `SET` works |\n| --- | --- |\n| session | yes |\n");
        let wrap = "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" \
                    aria-label=\"Table: mode, SET works\"><table>";
        assert!(html.contains(wrap), "{html}");
        assert!(
            html.trim_end().ends_with("</table></div>") || html.contains("</table>\n</div>"),
            "{html}"
        );
    }

    #[test]
    fn placeholders_become_live_elements_and_figures_islands() {
        let s = crate::outline::section("connect").unwrap();
        let md = "With {{ a }} clients, *{{b}}*.\n\n::: figure connect\n\nMore `code`.\n";
        let html = render_section(
            s,
            md,
            &[num("a", 1000.0, "1,000"), word("b", "fewer")],
            &|id| format!("static {id}"),
        )
        .unwrap();
        assert!(html.contains(
            "<strong class=\"live\" data-live=\"a\" data-metric=\"a\" data-value=\"1000\">1,000</strong>"
        ));
        assert!(html.contains("<em><span class=\"live-word\" data-live=\"b\">fewer</span></em>"));
        assert!(html.contains("<div class=\"island\" data-island=\"connect\">static connect</div>"));
        assert!(html.contains("<code>code</code>"));
        assert!(html.contains("<h2 id=\"connect-h\">5. Connecting is expensive"));
        assert!(html.contains("href=\"#connect\""));
    }

    #[test]
    fn a_missing_or_an_unused_value_is_an_error() {
        let s = &SECTIONS[0];
        let none = |_: &str| String::new();
        assert!(render_section(s, "{{ a }}", &[], &none).is_err());
        assert!(render_section(s, "text", &[num("a", 1.0, "1")], &none).is_err());
    }

    /// The table of contents is the outline's: every entry, in order, linking to its section.
    #[test]
    fn the_table_of_contents_comes_from_the_outline() {
        let toc = toc();
        let links: Vec<&str> = toc
            .split("href=\"#")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let outline: Vec<&str> = SECTIONS
            .iter()
            .filter(|s| s.toc.is_some())
            .map(|s| s.id)
            .collect();
        assert_eq!(links, outline);
        assert!(links.len() >= 13);
    }

    /// Every file of the content is the intro or a section's (or the `texts` directory,
    /// `poolsim_content`'s): a file the outline does not list
    /// (a misspelt id, a section left out of the order) would never be shown.
    #[test]
    fn every_content_file_is_a_section_of_the_outline() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/en");
        for entry in std::fs::read_dir(&dir).expect("content/en") {
            let name = entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                name == INTRO_FILE
                    || name == "texts"
                    || SECTIONS.iter().any(|s| file_name(s.id) == name),
                "{name}: not a section of the outline"
            );
        }
    }

    #[test]
    fn every_section_has_a_file_with_its_figure_at_most_once() {
        let content = english();
        assert!(!content.intro.trim().is_empty(), "the intro's paragraph");
        assert_eq!(content.sections.len(), SECTIONS.len());
        for (s, md) in &content.sections {
            let islands = islands(md);
            assert!(islands.len() <= 1, "{}: {islands:?}", s.id);
            assert!(islands.iter().all(|i| *i == s.id), "{}: {islands:?}", s.id);
            assert!(!md.trim().is_empty(), "{}", s.id);
        }
    }
}

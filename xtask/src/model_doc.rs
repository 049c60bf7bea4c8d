//! The model document ships with the site: [`write`] renders `crates/model/MODEL.md` into
//! `model.html` beside `index.html`, with the images it shows (`validation.svg`) copied next to it,
//! so the page's "model document" link works offline and on any host.
//!
//! The page is static (no script) and reads with the site's own stylesheets (`style-*.css`,
//! `sections-*.css`, named as `index.html` links them) and `www/model.css`, written as
//! `model-<16 hex digits>.css` from a digest of its contents. Running it twice changes nothing.

use crate::files::{read, read_text, write as write_file};
use crate::{Failure, Result};
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use sha2::{Digest, Sha384};
use std::path::Path;

/// The model document, relative to the root.
pub const SOURCE: &str = "crates/model/MODEL.md";

/// The rendered document's file, next to `index.html`.
pub const PAGE: &str = "model.html";

/// The document's own stylesheet (tables, code blocks, the chart), relative to the root.
const STYLESHEET: &str = "www/model.css";

/// The site's stylesheets the document uses too, by the name Trunk hashes (`style-<hash>.css`).
const SITE_STYLESHEETS: &[&str] = &["style", "sections"];

/// Whether `name` (a file of `dist/`) is one the model document brings: its page and its
/// stylesheet (the page's first load fetches neither).
pub fn is_document_file(name: &str) -> bool {
    name == PAGE || (name.starts_with("model-") && name.ends_with(".css"))
}

const DESCRIPTION: &str = "The poolsim model: every mechanism of the simulation of \
process-per-connection Postgres and PgBouncer, every constant with its source, and the model \
against a real server.";

/// Writes `model.html` (and the files it needs) into `dist` from the repository at `root`.
pub fn write(dist: &Path, root: &Path) -> Result<()> {
    let source = root.join(SOURCE);
    let markdown = read_text(&source)?;
    let rendered =
        render(&markdown).map_err(|e| Failure::Failed(format!("{}: {e}", source.display())))?;
    let model_dir = source.parent().unwrap_or(root);
    for image in &rendered.images {
        write_file(&dist.join(image), read(&model_dir.join(image))?)?;
    }
    let css = read_text(&root.join(STYLESHEET))?;
    let css = crate::minify::stylesheet(&css).unwrap_or(css).into_bytes();
    let css_name = hashed_name("model", &css, ".css");
    // A stylesheet of an earlier run on the same `dist/` goes: only the page's own is linked.
    if let Ok(entries) = std::fs::read_dir(dist) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_document_file(&name) && name != PAGE && name != css_name {
                crate::files::remove(&entry.path())?;
            }
        }
    }
    write_file(&dist.join(&css_name), &css)?;
    let index = read_text(&dist.join("index.html"))?;
    let mut stylesheets =
        site_stylesheets(&index).map_err(|e| Failure::Failed(format!("index.html: {e}")))?;
    stylesheets.push(css_name);
    write_file(&dist.join(PAGE), page(&rendered, &stylesheets))?;
    Ok(())
}

/// MODEL.md as HTML: its title (the first heading), its body, and the local images it shows.
#[derive(Debug)]
struct Rendered {
    title: String,
    body: String,
    images: Vec<String>,
}

/// Renders the Markdown (with tables, as the page's content is) and gives every heading an `id`
/// from its text (`## 4. Validation` is `#4-validation`), so a section can be linked. A local image
/// must be a plain file name next to MODEL.md; a link to a local file is an error (the site would
/// not have it).
fn render(markdown: &str) -> std::result::Result<Rendered, String> {
    let mut events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    let mut title = None;
    let mut images = Vec::new();
    let mut ids = Vec::new();
    let mut heading: Option<(usize, String)> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some((i, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some((start, text)) = heading.take() else {
                    continue;
                };
                if *level == HeadingLevel::H1 && title.is_none() {
                    title = Some(text.clone());
                }
                let mut id = slug(&text);
                let mut n = 1;
                while ids.iter().any(|(_, taken): &(usize, String)| *taken == id) {
                    n += 1;
                    id = format!("{}-{n}", slug(&text));
                }
                ids.push((start, id));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let url = dest_url.as_ref();
                if !is_remote(url) {
                    if url.contains('/') || url.contains('\\') || url.starts_with('.') {
                        return Err(format!(
                            "the image `{url}` is not a file beside MODEL.md: the site copies only those"
                        ));
                    }
                    images.push(url.to_string());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let url = dest_url.as_ref();
                if !is_remote(url) && !url.starts_with('#') && !url.starts_with("mailto:") {
                    return Err(format!(
                        "links to `{url}`, which the site does not have: link to a section \
                         (#…) or an absolute address"
                    ));
                }
            }
            _ => {}
        }
    }
    for (at, id) in ids {
        if let Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) = &events[at]
        {
            events[at] = Event::Start(Tag::Heading {
                level: *level,
                id: Some(CowStr::from(id)),
                classes: classes.clone(),
                attrs: attrs.clone(),
            });
        }
    }
    let mut body = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut body, events.into_iter());
    Ok(Rendered {
        title: title.ok_or("no `# title` heading")?,
        body,
        images,
    })
}

fn is_remote(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A heading's anchor: lowercase letters and digits, words joined by `-` (GitHub's way, less its
/// keeping of `_`).
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `<stem>-<16 hex digits of the contents' SHA-384><suffix>`.
fn hashed_name(stem: &str, contents: &[u8], suffix: &str) -> String {
    let digest = Sha384::digest(contents);
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{stem}-{hex}{suffix}")
}

/// The file names of the site's stylesheets the document uses, as `index.html` links them.
fn site_stylesheets(index: &str) -> std::result::Result<Vec<String>, String> {
    let links = crate::html::find(index, "link")?;
    let names: Vec<String> = links
        .iter()
        .filter(|l| l.attribute_is("rel", "stylesheet"))
        .filter_map(|l| l.attribute("href"))
        .map(|href| href.rsplit('/').next().unwrap_or(href).to_string())
        .filter(|name| {
            SITE_STYLESHEETS.iter().any(|stem| {
                name.strip_prefix(stem)
                    .is_some_and(|rest| rest.starts_with('-') && rest.ends_with(".css"))
            })
        })
        .collect();
    if names.len() != SITE_STYLESHEETS.len() {
        return Err(format!(
            "links {names:?}, not one stylesheet of each of {SITE_STYLESHEETS:?}"
        ));
    }
    Ok(names)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole page: the same policy as `index.html`, the site's look, a way back to the page.
fn page(rendered: &Rendered, stylesheets: &[String]) -> String {
    let links: String = stylesheets
        .iter()
        .map(|name| format!("  <link rel=\"stylesheet\" href=\"{}\">\n", escape(name)))
        .collect();
    format!(
        "<!doctype html>\n\
         <html lang=\"en\">\n\
         <head>\n  \
         <meta charset=\"utf-8\">\n  \
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n  \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
         <meta name=\"color-scheme\" content=\"light dark\">\n  \
         <title>{title} — poolsim</title>\n  \
         <meta name=\"description\" content=\"{description}\">\n  \
         <link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">\n\
         {links}\
         </head>\n\
         <body>\n\
         <div class=\"page model-document\">\n\
         <nav class=\"model-back\"><a href=\"./\">← poolsim: why does Postgres need a connection \
         pooler?</a></nav>\n\
         <main class=\"prose explain\">\n\
         {body}\
         </main>\n\
         </div>\n\
         </body>\n\
         </html>\n",
        csp = crate::csp::CSP,
        title = escape(&rendered.title),
        description = escape(DESCRIPTION),
        body = rendered.body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_ids_the_title_is_the_first_and_images_are_collected() {
        let md = "# The model\n\nText with `code`.\n\n## 1. Mechanisms\n\n### Clients (`sim/clients.rs`)\n\n\
                  ## 1. Mechanisms\n\n![chart](validation.svg)\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n\
                  <!-- a marker -->\n[remote](https://example.org/) and [a section](#1-mechanisms)\n";
        let r = render(md).unwrap();
        assert_eq!(r.title, "The model");
        assert!(
            r.body.contains("<h1 id=\"the-model\">The model</h1>"),
            "{}",
            r.body
        );
        assert!(r
            .body
            .contains("<h2 id=\"1-mechanisms\">1. Mechanisms</h2>"));
        assert!(
            r.body.contains("<h3 id=\"clients-simclientsrs\">"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("<h2 id=\"1-mechanisms-2\">"),
            "a repeated heading"
        );
        assert!(r.body.contains("<table>"));
        assert!(r.body.contains("<img src=\"validation.svg\" alt=\"chart\""));
        assert_eq!(r.images, ["validation.svg"]);
    }

    #[test]
    fn links_and_images_the_site_does_not_have_are_errors() {
        let err = render("# T\n\n[calibration](src/calibration.rs)\n").unwrap_err();
        assert!(err.contains("src/calibration.rs"), "{err}");
        let err = render("# T\n\n![x](../../docs/a.svg)\n").unwrap_err();
        assert!(err.contains("beside MODEL.md"), "{err}");
        assert!(render("no title\n").unwrap_err().contains("title"));
    }

    #[test]
    fn the_site_stylesheets_are_found_by_their_hashed_names() {
        let index =
            "<head><link rel=\"stylesheet\" href=\"./style-8503a983769e8fb.css\" integrity=\"x\"/>\
                     <link rel=\"stylesheet\" href=\"/sub/sections-4fb23f86083d63d5.css\"/>\
                     <link rel=\"stylesheet\" href=\"./share-bfb3e2fe0ed7cc4e.css\"/>\
                     <link rel=\"icon\" href=\"favicon.svg\"></head>";
        assert_eq!(
            site_stylesheets(index).unwrap(),
            ["style-8503a983769e8fb.css", "sections-4fb23f86083d63d5.css"]
        );
        assert!(site_stylesheets("<head></head>").is_err());
    }

    #[test]
    fn the_real_document_renders_into_a_page_that_links_its_chart() {
        let root = crate::run::root();
        let markdown = std::fs::read_to_string(root.join(SOURCE)).unwrap();
        let r = render(&markdown).unwrap();
        assert_eq!(r.title, "The poolsim model");
        assert!(r.images.iter().any(|i| i == "validation.svg"));
        let page = page(&r, &["style-1.css".to_string()]);
        assert!(page.contains(&format!("content=\"{}\"", crate::csp::CSP)));
        assert!(page.contains("<title>The poolsim model — poolsim</title>"));
        assert!(
            page.contains(
                "<h2 id=\"4-validation-numbers-from-cargo-test-p-poolsim-model-nocapture\">"
            ),
            "ids"
        );
        assert!(!page.contains("<script"), "a static page");
        // The realism figure links this section (crates/explain/src/sections/realism.rs).
        assert!(page.contains("<h3 id=\"validation-against-a-real-server\">"));
    }
}

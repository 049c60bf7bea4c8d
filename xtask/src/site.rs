//! Post-processing of the built site, run right after Trunk: the page runs under a strict
//! Content-Security-Policy and advertises oEmbed.
//!
//! Trunk writes its loader as an inline `<script type="module">` into `index.html`, which
//! `script-src 'self'` forbids. [`finish_dist`] moves every inline module script into
//! `init-<hash>.js` (loaded with Subresource Integrity), puts the policy in a `<meta>` right after
//! `<meta charset>`, drops the source's HTML comments, writes `oembed.json` and links it from the
//! page, and writes the model document beside it ([`crate::model_doc`]); last, the page itself is
//! minified ([`crate::minify::page`]). First, the scripts and
//! stylesheets are minified ([`crate::minify`]), the loader too when it moves, and the
//! explanation's module gets hashed file names ([`crate::deferred`]). Tags are found and edited with an HTML rewriter
//! ([`crate::html`]), which copies every other byte as Trunk wrote it. Running it twice changes
//! nothing.

use crate::files::{read_text, write};
use crate::html::{self, Edit, StartTag};
use crate::{Failure, Result};
use base64::Engine as _;
use sha2::{Digest, Sha384};
use std::path::Path;

/// The oEmbed response, next to `index.html`.
pub const OEMBED_FILE: &str = "oembed.json";

/// Environment variable naming the site's absolute URL when `--public-url` is relative.
pub const SITE_URL_VAR: &str = "POOLSIM_SITE_URL";

const EMBED_TITLE: &str = "Why does Postgres need a connection pooler?";
const EMBED_FRAME_TITLE: &str = "poolsim: Postgres connections with and without PgBouncer";
/// The oEmbed frame's width, and its height: the compact embed's at that width, at most.
const EMBED_WIDTH: u32 = 720;
const EMBED_HEIGHT: u32 = 560;

/// Applies the CSP and oEmbed post-processing to the site Trunk built into `dist`, whose assets
/// Trunk prefixed with `public_url` (`./` by default). The oEmbed URLs use `public_url` when it is
/// absolute, else `$POOLSIM_SITE_URL`, else the relative `public_url`.
pub fn finish_dist(dist: &Path, public_url: &str) -> Result<()> {
    let site_url = std::env::var(SITE_URL_VAR).ok();
    finish_dist_with(dist, public_url, site_url.as_deref())
}

fn finish_dist_with(dist: &Path, public_url: &str, site_url: Option<&str>) -> Result<()> {
    let minified = crate::minify::minify_dist(dist)?;
    if !minified.is_empty() {
        let before: usize = minified.iter().map(|file| file.before).sum();
        let after: usize = minified.iter().map(|file| file.after).sum();
        let names: Vec<&str> = minified.iter().map(|file| file.renamed.as_str()).collect();
        println!(
            "poolsim: minified {} ({:.1} KB to {:.1} KB)",
            names.join(", "),
            before as f64 / 1000.0,
            after as f64 / 1000.0
        );
    }
    crate::deferred::hash_names(dist, public_url)?;
    let index = dist.join("index.html");
    let html = read_text(&index)?;
    let finished = finish_html(&html, public_url)
        .map_err(|e| Failure::Failed(format!("{}: {e}", index.display())))?;
    for (name, body) in &finished.scripts {
        write(&dist.join(name), body)?;
    }
    if finished.html != html {
        write(&index, &finished.html)?;
    }
    crate::model_doc::write(dist, &crate::run::root())?;
    let base = oembed_base(public_url, site_url);
    write(&dist.join(OEMBED_FILE), oembed_json(&base))?;
    write(&dist.join(HEADERS_FILE), HEADERS)?;
    let html = read_text(&index)?;
    let with_metadata = insert_metadata(&html, &base)
        .map_err(|e| Failure::Failed(format!("{}: {e}", index.display())))?;
    let minified_page = crate::minify::page(&with_metadata);
    if minified_page != html {
        write(&index, &minified_page)?;
    }
    if is_absolute(&base) {
        write(&dist.join(SITEMAP_FILE), sitemap_xml(&base))?;
        let robots = dist.join("robots.txt");
        if let Ok(text) = read_text(&robots) {
            if !text.contains("Sitemap:") {
                write(
                    &robots,
                    format!("{}\nSitemap: {base}{SITEMAP_FILE}\n", text.trim_end()),
                )?;
            }
        }
    }
    let moved: Vec<&str> = finished.scripts.iter().map(|(n, _)| n.as_str()).collect();
    if !moved.is_empty() {
        println!(
            "poolsim: inline loader moved to {}; CSP meta and oEmbed link set",
            moved.join(", ")
        );
    }
    if !is_absolute(&base) {
        println!(
            "poolsim: {OEMBED_FILE} uses the relative URL `{base}`; pass an absolute --public-url \
             or set {SITE_URL_VAR} for oEmbed consumers that need absolute URLs"
        );
    }
    Ok(())
}

/// `index.html` after post-processing, and the scripts to write next to it (name, contents).
#[derive(Debug)]
struct Finished {
    html: String,
    scripts: Vec<(String, String)>,
}

fn finish_html(html: &str, public_url: &str) -> std::result::Result<Finished, String> {
    let mut scripts = Vec::new();
    let mut tags = Vec::new();
    for body in inline_modules(html)? {
        let body = crate::minify::module(&body).unwrap_or(body);
        let (name, tag) = external_script(&body, public_url);
        tags.push(tag);
        scripts.push((name, body));
    }
    let mut tags = tags.into_iter();
    let html = html::edit(html, "script", |script| {
        let tag = if is_inline_module(script) {
            tags.next()
        } else {
            None
        };
        Ok(tag.map_or(Edit::Keep, Edit::Replace))
    })?;
    let html = insert_csp(&html)?;
    let html = insert_oembed_link(&html, public_url)?;
    let html = cors_stylesheets(&html)?;
    // The source's comments are notes for whoever edits `www/index.html`, not for the reader.
    // The metadata's mark stays: it tells a second run the metadata is already there.
    let html = html::without_comments(&html, |text| format!("<!--{text}-->") == METADATA_MARK)?;
    Ok(Finished { html, scripts })
}

/// Adds `crossorigin="anonymous"` to every stylesheet `<link>` with an `integrity` (Trunk writes
/// none). In a sandboxed frame (an opaque origin, as WordPress makes) every file is cross-origin:
/// without the attribute the stylesheet is fetched in no-cors mode, and an opaque response always
/// fails its integrity check. With it, the site's `Access-Control-Allow-Origin: *` lets it load;
/// on the site's own origin nothing changes.
///
/// The attribute goes first (`<link crossorigin="anonymous" rel=…`) and the rest of the tag is
/// copied as Trunk wrote it: re-serialising the tag would move the attribute to the end and put a
/// space before `/>`, changing bytes of the page for nothing.
fn cors_stylesheets(html: &str) -> std::result::Result<String, String> {
    html::edit(html, "link", |link| {
        let wanted = link.attribute_is("rel", "stylesheet")
            && link.attribute("integrity").is_some()
            && link.attribute("crossorigin").is_none();
        Ok(if wanted {
            let rest = &html[link.range.start + "<link".len()..link.range.end];
            Edit::Replace(format!("<link crossorigin=\"anonymous\"{rest}"))
        } else {
            Edit::Keep
        })
    })
}

/// `_headers`, read by Netlify and Cloudflare Pages: every file may be fetched from any origin,
/// which a sandboxed frame needs (docs/PUBLISHING.md).
pub const HEADERS_FILE: &str = "_headers";
const HEADERS: &str = "# Netlify and Cloudflare Pages read this file (docs/PUBLISHING.md).\n\
# Sandboxed frames (WordPress embeds) fetch the figure's scripts, WebAssembly and styles\n\
# cross-origin: they load only with this header.\n\
/*\n  Access-Control-Allow-Origin: *\n";

/// Whether `script` is an inline `<script type="module">` (no `src`).
fn is_inline_module(script: &StartTag) -> bool {
    script.attribute("src").is_none() && script.attribute_is("type", "module")
}

/// The bodies of the inline `<script type="module">`s (the ones without `src`), in order. Any
/// other inline script is an error: the CSP would block it. A data block (JSON-LD) is never
/// executed: the policy does not apply to it.
fn inline_modules(html: &str) -> std::result::Result<Vec<String>, String> {
    let mut bodies = Vec::new();
    for script in html::find(html, "script")? {
        if script.attribute("src").is_some() || script.attribute_is("type", "application/ld+json") {
            continue;
        }
        if !is_inline_module(&script) {
            let kind = script.attribute("type").unwrap_or("");
            return Err(format!(
                "inline <script{}> is not a module: the Content-Security-Policy \
                 (script-src 'self') would block it, and only inline module scripts are moved \
                 to files",
                if kind.is_empty() {
                    String::new()
                } else {
                    format!(" type=\"{kind}\"")
                }
            ));
        }
        bodies.push(script.text);
    }
    Ok(bodies)
}

/// The file name `init-<16 hex digits>.js` and the `<script>` tag loading it with SRI.
fn external_script(body: &str, public_url: &str) -> (String, String) {
    let digest = Sha384::digest(body.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("init-{hex}.js");
    let integrity = base64::engine::general_purpose::STANDARD.encode(digest);
    let tag = format!(
        "<script type=\"module\" src=\"{}{name}\" integrity=\"sha384-{integrity}\" \
         crossorigin=\"anonymous\"></script>",
        attr_escape(public_url)
    );
    (name, tag)
}

fn csp_meta() -> String {
    format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        crate::csp::CSP
    )
}

/// Inserts the CSP `<meta>` right after `<meta charset>` (a meta policy only covers what follows
/// it), on its own line with the same indentation. Does nothing when it is already there; a
/// different CSP meta is an error.
fn insert_csp(html: &str) -> std::result::Result<String, String> {
    let metas = html::find(html, "meta")?;
    let policy = metas
        .iter()
        .find(|t| t.attribute_is("http-equiv", "content-security-policy"));
    if let Some(policy) = policy {
        return if policy.attribute("content") == Some(crate::csp::CSP) {
            Ok(html.to_string())
        } else {
            Err(
                "already has a different Content-Security-Policy <meta>: remove it from \
                 www/index.html, the xtask sets the policy"
                    .to_string(),
            )
        };
    }
    let charset = metas
        .iter()
        .find(|t| t.attribute("charset").is_some())
        .ok_or("no <meta charset> to put the Content-Security-Policy <meta> after")?;
    let line_start = html[..charset.range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &html[line_start..charset.range.start];
    let indent = if indent.trim().is_empty() { indent } else { "" };
    let meta = format!("\n{indent}{}", csp_meta());
    let mut meta = Some(meta);
    html::edit(html, "meta", |t| {
        Ok(match meta.take_if(|_| t.range == charset.range) {
            Some(meta) => Edit::After(meta),
            None => Edit::Keep,
        })
    })
}

/// Inserts `content` right before `</head>`.
fn before_head_end(html: &str, content: String, what: &str) -> std::result::Result<String, String> {
    let mut content = Some(content);
    let out = html::edit(html, "head", |_| {
        Ok(content.take().map_or(Edit::Keep, Edit::BeforeEnd))
    })?;
    if content.is_some() {
        return Err(format!("no <head> to put {what} in"));
    }
    Ok(out)
}

/// Inserts the oEmbed discovery `<link>` before `</head>`, unless one is there.
fn insert_oembed_link(html: &str, public_url: &str) -> std::result::Result<String, String> {
    let present = html::find(html, "link")?
        .iter()
        .any(|t| t.attribute_is("type", "application/json+oembed"));
    if present {
        return Ok(html.to_string());
    }
    let link = format!(
        "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{}{OEMBED_FILE}\" \
         title=\"poolsim\">\n",
        attr_escape(public_url)
    );
    before_head_end(html, link, "the oEmbed <link>")
}

/// The URL prefix of the oEmbed response: `public_url` when absolute, else `site_url` (normalised
/// to end with `/`), else the relative `public_url` (consumers must then resolve it themselves).
fn oembed_base(public_url: &str, site_url: Option<&str>) -> String {
    if is_absolute(public_url) {
        return crate::normalise_public_url(public_url);
    }
    match site_url.map(str::trim).filter(|s| !s.is_empty()) {
        Some(site) => crate::normalise_public_url(site),
        None => public_url.to_string(),
    }
}

fn is_absolute(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The sitemap, next to `index.html`, written when the site's address is known (absolute).
pub const SITEMAP_FILE: &str = "sitemap.xml";

/// The page's description for link previews and search results.
const DESCRIPTION: &str =
    "Why Postgres needs a connection pooler, one cost at a time: process per \
connection, memory, context switches, connecting, snapshots, pool modes. Every number comes from a \
calibrated simulation you can drive, direct and through PgBouncer side by side.";

/// Marks what [`insert_metadata`] added, so running it again changes nothing.
const METADATA_MARK: &str = "<!--poolsim:metadata-->";

/// Inserts before `</head>` what a documentation page tells search engines and link previews:
/// `og:` and `twitter:` cards with the real description, JSON-LD `Article`, and, when `base` (the
/// site's address) is absolute, the canonical URL and absolute `og:url` / `og:image`.
fn insert_metadata(html: &str, base: &str) -> std::result::Result<String, String> {
    if html.contains(METADATA_MARK) {
        return Ok(html.to_string());
    }
    let absolute = is_absolute(base);
    let image = format!("{base}social.png");
    let mut meta = vec![METADATA_MARK.to_string()];
    if absolute {
        meta.push(format!(
            "<link rel=\"canonical\" href=\"{}\">",
            attr_escape(base)
        ));
        meta.push(format!(
            "<meta property=\"og:url\" content=\"{}\">",
            attr_escape(base)
        ));
    }
    meta.extend([
        "<meta property=\"og:type\" content=\"article\">".to_string(),
        "<meta property=\"og:site_name\" content=\"poolsim\">".to_string(),
        format!(
            "<meta property=\"og:description\" content=\"{}\">",
            attr_escape(DESCRIPTION)
        ),
        format!(
            "<meta property=\"og:image\" content=\"{}\">",
            attr_escape(&image)
        ),
        "<meta name=\"twitter:card\" content=\"summary_large_image\">".to_string(),
        format!(
            "<meta name=\"twitter:title\" content=\"{}\">",
            attr_escape(EMBED_TITLE)
        ),
        format!(
            "<meta name=\"twitter:description\" content=\"{}\">",
            attr_escape(DESCRIPTION)
        ),
        format!(
            "<meta name=\"twitter:image\" content=\"{}\">",
            attr_escape(&image)
        ),
    ]);
    let mut article = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": EMBED_TITLE,
        "description": DESCRIPTION,
        "image": image,
        "inLanguage": "en",
        "author": {"@type": "Organization", "name": "poolsim"},
    });
    if absolute {
        article["url"] = serde_json::Value::from(base);
        article["mainEntityOfPage"] = serde_json::Value::from(base);
    }
    // `</` cannot end the data block early: JSON allows `<\/`.
    let json = article.to_string().replace("</", "<\\/");
    meta.push(format!(
        "<script type=\"application/ld+json\">{json}</script>"
    ));
    before_head_end(html, meta.join("\n") + "\n", "the metadata")
}

/// A sitemap of the one page at `base`.
fn sitemap_xml(base: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>{}</loc></url>\n</urlset>\n",
        attr_escape(base)
    )
}

/// The oEmbed response (type `rich`: an iframe of the page in embed mode) for a site at `base`.
fn oembed_json(base: &str) -> String {
    let src = format!("{base}index.html?v=1&embed=1");
    let html = format!(
        "<iframe src=\"{}\" title=\"{EMBED_FRAME_TITLE}\" width=\"100%\" height=\"{EMBED_HEIGHT}\" \
         style=\"border:0;width:100%\" loading=\"lazy\"></iframe>",
        attr_escape(&src)
    );
    let value = serde_json::json!({
        "version": "1.0",
        "type": "rich",
        "provider_name": "poolsim",
        "provider_url": base,
        "title": EMBED_TITLE,
        "html": html,
        "width": EMBED_WIDTH,
        "height": EMBED_HEIGHT,
        "thumbnail_url": format!("{base}social.png"),
        "thumbnail_width": 1200,
        "thumbnail_height": 630,
    });
    let mut json = serde_json::to_string_pretty(&value).expect("a JSON value serialises");
    json.push('\n');
    json
}

/// Escapes a value for a double-quoted HTML attribute.
fn attr_escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dist/index.html as Trunk 0.21.14 writes it (public URL `./`).
    const TRUNK_INDEX: &str = r##"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>poolsim — why does Postgres need a connection pooler?</title>
  <meta name="description" content="An interactive, calibrated simulation of process-per-connection Postgres and PgBouncer: drag the number of clients and watch memory, context switches and latency.">
  <meta name="color-scheme" content="light dark">
  <meta property="og:title" content="Why does Postgres need a connection pooler?">
  <meta property="og:description" content="Drag clients and backends; watch memory, context switches and latency in a calibrated simulation.">
  <meta property="og:image" content="social.png">
  <link rel="icon" href="favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="./style-8503a983769e8fb.css" integrity="sha384-klM1xrx6jXegTnh/0wMPrHsnXDyG6yjfFVQMP9d9/VkKPQ1UvPBCdg0ZoRG7/Sjq"/>
  <link rel="stylesheet" href="./sections-4fb23f86083d63d5.css" integrity="sha384-ROfaIyaZQVDw4PHcsAao0HxCQi4PzOjPbPKFtVD/1uqnIRd3uFBTdgDbYOelo5kV"/>
  
<script type="module">
import init, * as bindings from './poolsim-web-977f9b0327b57312.js';
const wasm = await init({ module_or_path: './poolsim-web-977f9b0327b57312_bg.wasm' });


window.wasmBindings = bindings;


dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));

</script>
  
  
  
<link rel="modulepreload" href="./poolsim-web-977f9b0327b57312.js" crossorigin="anonymous" integrity="sha384-6JIancq8cf1PNmJJGDvzJtJHTVhmnuF+GarrzyLmPIZHVBpDVtNth71hVKsuCI8F"><link rel="preload" href="./poolsim-web-977f9b0327b57312_bg.wasm" crossorigin="anonymous" integrity="sha384-e1iV976SvSiVU+V6Ow74SP5WiLblndvHeSQ2ZtzxclPfi3R2/OJZWqBOtYGnKndz" as="fetch" type="application/wasm"></head>
<body>
  <div id="app">
    <noscript>This page is an interactive simulation and needs JavaScript and WebAssembly.</noscript>
  </div>
</body>
</html>
"##;

    fn inline_body(html: &str) -> String {
        let scripts = html::find(html, "script").unwrap();
        assert_eq!(scripts.len(), 1);
        scripts[0].text.clone()
    }

    #[test]
    fn metadata_cards_and_json_ld_with_the_canonical_url_only_when_absolute() {
        let relative = insert_metadata(TRUNK_INDEX, "./").unwrap();
        assert!(!relative.contains("rel=\"canonical\""));
        assert!(relative.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
        let absolute = insert_metadata(TRUNK_INDEX, "https://example.org/poolsim/").unwrap();
        assert!(absolute.contains("<link rel=\"canonical\" href=\"https://example.org/poolsim/\">"));
        assert!(absolute.contains("content=\"https://example.org/poolsim/social.png\""));
        // The JSON-LD is valid JSON, an Article with the page's address; the CSP step leaves it.
        let start =
            absolute.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
        let end = start + absolute[start..].find("</script>").unwrap();
        let article: serde_json::Value = serde_json::from_str(&absolute[start..end]).unwrap();
        assert_eq!(article["@type"], "Article");
        assert_eq!(article["url"], "https://example.org/poolsim/");
        let finished = finish_html(&absolute, "https://example.org/poolsim/").unwrap();
        assert!(finished.html.contains("application/ld+json"));
        assert_eq!(
            insert_metadata(&absolute, "https://example.org/poolsim/").unwrap(),
            absolute
        );
        assert!(sitemap_xml("https://example.org/poolsim/")
            .contains("<loc>https://example.org/poolsim/</loc>"));
    }

    #[test]
    fn the_trunk_loader_moves_to_a_file_loaded_with_integrity() {
        // The loader moves minified.
        let written = inline_body(TRUNK_INDEX);
        let body = crate::minify::module(&written).unwrap();
        assert!(
            body.len() < written.len() && body.contains("await"),
            "{body}"
        );
        let done = finish_html(TRUNK_INDEX, "./").unwrap();
        let scripts = html::find(&done.html, "script").unwrap();
        assert!(scripts.iter().all(|s| s.attribute("src").is_some()));
        assert_eq!(scripts.len(), 1, "one external init script");
        let s = &scripts[0];
        let src = s.attribute("src").unwrap();
        let name = src.strip_prefix("./").unwrap();
        let hex = name
            .strip_prefix("init-")
            .unwrap()
            .strip_suffix(".js")
            .unwrap();
        assert_eq!(hex.len(), 16);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(s.attribute("type"), Some("module"));
        assert_eq!(s.attribute("crossorigin"), Some("anonymous"));
        let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&body));
        assert_eq!(
            s.attribute("integrity"),
            Some(format!("sha384-{sri}").as_str())
        );
        assert_eq!(done.scripts, vec![(name.to_string(), body)]);
        // Where the inline script was: before the preloads.
        assert!(s.range.start < done.html.find("modulepreload").unwrap());
        assert!(!done.html.contains("poolsim:inline-module"));
    }

    #[test]
    fn the_policy_follows_the_charset_and_the_oembed_link_closes_the_head() {
        let done = finish_html(TRUNK_INDEX, "./").unwrap();
        let expected = format!(
            "  <meta charset=\"utf-8\">\n  {}\n  <meta name=",
            csp_meta()
        );
        assert!(done.html.contains(&expected), "{}", done.html);
        assert_eq!(done.html.matches("Content-Security-Policy").count(), 1);
        let link = "<link rel=\"alternate\" type=\"application/json+oembed\" \
                    href=\"./oembed.json\" title=\"poolsim\">\n</head>";
        assert!(done.html.contains(link), "{}", done.html);
        assert_eq!(done.html.matches("json+oembed").count(), 1);
    }

    #[test]
    fn stylesheets_with_integrity_are_fetched_in_cors_mode() {
        let done = finish_html(TRUNK_INDEX, "./").unwrap();
        let sheets: Vec<StartTag> = html::find(&done.html, "link")
            .unwrap()
            .into_iter()
            .filter(|t| t.attribute("rel") == Some("stylesheet"))
            .collect();
        assert_eq!(sheets.len(), 2);
        for t in &sheets {
            assert_eq!(t.attribute("crossorigin"), Some("anonymous"));
            assert!(t.attribute("integrity").is_some());
        }
        // Once only, and nothing else changes (the icon is fetched without CORS).
        assert_eq!(cors_stylesheets(&done.html).unwrap(), done.html);
        assert_eq!(done.html.matches("crossorigin").count(), 5, "{}", done.html);
        assert!(done
            .html
            .contains("<link rel=\"icon\" href=\"favicon.svg\""));
    }

    #[test]
    fn a_second_run_changes_nothing() {
        let once = finish_html(TRUNK_INDEX, "./").unwrap();
        let twice = finish_html(&once.html, "./").unwrap();
        assert_eq!(twice.html, once.html);
        assert!(twice.scripts.is_empty());
    }

    #[test]
    fn under_a_sub_path_the_init_script_and_oembed_link_take_the_prefix() {
        let index = TRUNK_INDEX.replace("./", "/docs/poolsim/");
        let done = finish_html(&index, "/docs/poolsim/").unwrap();
        let scripts = html::find(&done.html, "script").unwrap();
        let src = scripts[0].attribute("src").unwrap();
        assert!(
            src.starts_with("/docs/poolsim/init-") && src.ends_with(".js"),
            "{src}"
        );
        assert!(done.html.contains("href=\"/docs/poolsim/oembed.json\""));
        // The moved loader still imports the prefixed glue.
        assert!(
            done.scripts[0].1.contains("\"/docs/poolsim/poolsim-web-"),
            "{}",
            done.scripts[0].1
        );
    }

    #[test]
    fn a_classic_inline_script_is_refused() {
        let index = TRUNK_INDEX.replace("</head>", "<script>console.log(1)</script></head>");
        let err = finish_html(&index, "./").unwrap_err();
        assert!(err.contains("not a module"), "{err}");
        let json = TRUNK_INDEX.replace("</head>", "<script type=\"text/x\">x</script></head>");
        let err = finish_html(&json, "./").unwrap_err();
        assert!(err.contains("type=\"text/x\""), "{err}");
    }

    #[test]
    fn external_scripts_and_look_alike_tags_are_left_alone() {
        let html = "<head><meta charset=utf-8><scripts></scripts>\
                    <script src=\"a.js\" type=\"module\"></script></head>";
        assert!(inline_modules(html).unwrap().is_empty());
        let done = finish_html(html, "./").unwrap();
        assert!(done
            .html
            .starts_with("<head><meta charset=utf-8>\n<meta http-equiv="));
    }

    #[test]
    fn missing_charset_or_a_foreign_policy_is_an_error() {
        let no_charset = TRUNK_INDEX.replace("<meta charset=\"utf-8\">", "");
        assert!(insert_csp(&no_charset).unwrap_err().contains("charset"));
        let foreign = TRUNK_INDEX.replace(
            "<meta charset=\"utf-8\">",
            "<meta charset=\"utf-8\"><meta http-equiv=\"content-security-policy\" content=\"x\">",
        );
        assert!(insert_csp(&foreign).unwrap_err().contains("different"));
    }

    #[test]
    fn oembed_is_rich_with_an_absolute_iframe_when_the_public_url_is() {
        let base = oembed_base("https://example.org/poolsim/", Some("https://other/"));
        assert_eq!(base, "https://example.org/poolsim/");
        let json: serde_json::Value = serde_json::from_str(&oembed_json(&base)).unwrap();
        assert_eq!(json["version"], "1.0");
        assert_eq!(json["type"], "rich");
        assert_eq!(json["provider_url"], "https://example.org/poolsim/");
        assert_eq!(
            json["thumbnail_url"],
            "https://example.org/poolsim/social.png"
        );
        assert_eq!(json["width"], 720);
        assert_eq!(json["height"], 560);
        let html = json["html"].as_str().unwrap();
        assert!(
            html.starts_with(
                "<iframe src=\"https://example.org/poolsim/index.html?v=1&amp;embed=1\""
            ),
            "{html}"
        );
        assert!(html.ends_with("loading=\"lazy\"></iframe>"), "{html}");
    }

    #[test]
    fn the_oembed_base_falls_back_to_the_site_url_then_the_relative_url() {
        assert_eq!(
            oembed_base("./", Some("https://example.org/p")),
            "https://example.org/p/"
        );
        assert_eq!(oembed_base("/docs/poolsim/", Some("  ")), "/docs/poolsim/");
        assert_eq!(oembed_base("./", None), "./");
        assert_eq!(oembed_base("HTTP://x.org", None), "HTTP://x.org/");
    }

    #[test]
    fn finish_dist_writes_the_files_once() {
        let dir = std::env::temp_dir().join(format!("poolsim-site-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), TRUNK_INDEX).unwrap();
        let snapshot = |dir: &Path| {
            let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(e.path()).unwrap())
                })
                .collect();
            files.sort();
            files
        };
        finish_dist_with(&dir, "./", Some("https://example.org/poolsim")).unwrap();
        let first = snapshot(&dir);
        let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
        // The site's address is known (absolute): a sitemap too, and the canonical URL. The
        // model document beside the page, with its stylesheet and chart.
        assert_eq!(names.len(), 8, "{names:?}");
        assert_eq!(names[0], HEADERS_FILE);
        assert!(first[0]
            .1
            .contains("/*\n  Access-Control-Allow-Origin: *\n"));
        assert!(names[1] == "index.html" && names[2].starts_with("init-"));
        assert!(names[3].starts_with("model-") && names[3].ends_with(".css"));
        assert_eq!(names[4], crate::model_doc::PAGE);
        assert!(first[4].1.contains("href=\"style-8503a983769e8fb.css\""));
        assert_eq!(
            (names[5], names[6], names[7]),
            (OEMBED_FILE, SITEMAP_FILE, "validation.svg")
        );
        assert!(first[5]
            .1
            .contains("https://example.org/poolsim/index.html?v=1&amp;embed=1"));
        // The page is minified: its tags read the same, quoted or not.
        let canonical = html::find(&first[1].1, "link[rel=canonical]").unwrap();
        assert_eq!(canonical.len(), 1, "{}", first[1].1);
        assert_eq!(
            canonical[0].attribute("href"),
            Some("https://example.org/poolsim/")
        );
        assert!(!first[1].1.contains(">\n"), "{}", first[1].1);
        finish_dist_with(&dir, "./", Some("https://example.org/poolsim")).unwrap();
        assert_eq!(snapshot(&dir), first);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

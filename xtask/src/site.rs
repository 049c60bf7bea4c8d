//! Post-processing of the built site, run right after Trunk: the page runs under a strict
//! Content-Security-Policy and advertises oEmbed.
//!
//! Trunk writes its loader as an inline `<script type="module">` into `index.html`, which
//! `script-src 'self'` forbids. [`finish_dist`] moves every inline module script into
//! `init-<hash>.js` (loaded with Subresource Integrity), puts the policy in a `<meta>` right after
//! `<meta charset>`, writes `oembed.json` and links it from the page. First, the explanation's
//! module gets hashed file names ([`crate::deferred`]). The HTML is Trunk's known
//! output, so plain string processing is enough. Running it twice changes nothing.

use crate::files::{read_text, write};
use crate::{Failure, Result};
use base64::Engine as _;
use sha2::{Digest, Sha384};
use std::path::Path;

/// The page's Content-Security-Policy (docs/PUBLISHING.md explains every directive).
///
/// Style attributes are allowed (`style-src-attr`): the page sets bar widths with them.
/// `frame-ancestors` is ignored in a `<meta>` policy, so the page cannot restrict who frames it:
/// hosts that want to set it send a `Content-Security-Policy: frame-ancestors …` HTTP header.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; \
connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'";

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
    let base = oembed_base(public_url, site_url);
    write(&dist.join(OEMBED_FILE), oembed_json(&base))?;
    write(&dist.join(HEADERS_FILE), HEADERS)?;
    let html = read_text(&index)?;
    let with_metadata = insert_metadata(&html, &base)
        .map_err(|e| Failure::Failed(format!("{}: {e}", index.display())))?;
    if with_metadata != html {
        write(&index, &with_metadata)?;
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
    let (mut html, bodies) = extract_inline_modules(html)?;
    let mut scripts = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let (name, tag) = external_script(&body, public_url);
        html = html.replacen(&placeholder(i), &tag, 1);
        scripts.push((name, body));
    }
    let html = insert_csp(&html)?;
    let html = insert_oembed_link(&html, public_url)?;
    let html = cors_stylesheets(&html);
    Ok(Finished { html, scripts })
}

/// Adds `crossorigin="anonymous"` to every stylesheet `<link>` with an `integrity` (Trunk writes
/// none). In a sandboxed frame (an opaque origin, as WordPress makes) every file is cross-origin:
/// without the attribute the stylesheet is fetched in no-cors mode, and an opaque response always
/// fails its integrity check. With it, the site's `Access-Control-Allow-Origin: *` lets it load;
/// on the site's own origin nothing changes.
fn cors_stylesheets(html: &str) -> String {
    let mut out = html.to_string();
    for tag in tags(html, "link").iter().rev() {
        let stylesheet = attr(&tag.attrs, "rel")
            .flatten()
            .is_some_and(|r| r.eq_ignore_ascii_case("stylesheet"));
        if stylesheet
            && attr(&tag.attrs, "integrity").is_some()
            && attr(&tag.attrs, "crossorigin").is_none()
        {
            out.insert_str(tag.start + "<link".len(), " crossorigin=\"anonymous\"");
        }
    }
    out
}

/// `_headers`, read by Netlify and Cloudflare Pages: every file may be fetched from any origin,
/// which a sandboxed frame needs (docs/PUBLISHING.md).
pub const HEADERS_FILE: &str = "_headers";
const HEADERS: &str = "# Netlify and Cloudflare Pages read this file (docs/PUBLISHING.md).\n\
# Sandboxed frames (WordPress embeds) fetch the figure's scripts, WebAssembly and styles\n\
# cross-origin: they load only with this header.\n\
/*\n  Access-Control-Allow-Origin: *\n";

fn placeholder(i: usize) -> String {
    format!("<!--poolsim:inline-module:{i}-->")
}

/// Replaces every inline `<script type="module">` (one without `src`) by a placeholder comment
/// (see [`placeholder`]) and returns the bodies in order. Any other inline script is an error:
/// the CSP would block it.
fn extract_inline_modules(html: &str) -> std::result::Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(html.len());
    let mut bodies = Vec::new();
    let mut copied = 0;
    for script in script_elements(html)? {
        if attr(&script.attrs, "src").is_some() {
            continue;
        }
        let kind = attr(&script.attrs, "type").flatten().unwrap_or("");
        // A data block (JSON-LD) is never executed: the policy does not apply to it.
        if kind.trim().eq_ignore_ascii_case("application/ld+json") {
            continue;
        }
        if !kind.trim().eq_ignore_ascii_case("module") {
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
        out.push_str(&html[copied..script.start]);
        out.push_str(&placeholder(bodies.len()));
        bodies.push(script.body.to_string());
        copied = script.end;
    }
    out.push_str(&html[copied..]);
    Ok((out, bodies))
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
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">")
}

/// Inserts the CSP `<meta>` right after `<meta charset>` (a meta policy only covers what follows
/// it). Does nothing when it is already there; a different CSP meta is an error.
fn insert_csp(html: &str) -> std::result::Result<String, String> {
    let meta = csp_meta();
    if html.contains(&meta) {
        return Ok(html.to_string());
    }
    let metas = tags(html, "meta");
    if metas.iter().any(|t| {
        attr(&t.attrs, "http-equiv")
            .flatten()
            .is_some_and(|v| v.eq_ignore_ascii_case("content-security-policy"))
    }) {
        return Err(
            "already has a different Content-Security-Policy <meta>: remove it from \
                    www/index.html, the xtask sets the policy"
                .to_string(),
        );
    }
    let charset = metas
        .iter()
        .find(|t| attr(&t.attrs, "charset").is_some())
        .ok_or("no <meta charset> to put the Content-Security-Policy <meta> after")?;
    let line_start = html[..charset.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &html[line_start..charset.start];
    let indent = if indent.trim().is_empty() { indent } else { "" };
    let mut out = html.to_string();
    out.insert_str(charset.end, &format!("\n{indent}{meta}"));
    Ok(out)
}

/// Inserts the oEmbed discovery `<link>` before `</head>`, unless one is there.
fn insert_oembed_link(html: &str, public_url: &str) -> std::result::Result<String, String> {
    let present = tags(html, "link").iter().any(|t| {
        attr(&t.attrs, "type")
            .flatten()
            .is_some_and(|v| v.eq_ignore_ascii_case("application/json+oembed"))
    });
    if present {
        return Ok(html.to_string());
    }
    let head_end = html
        .to_ascii_lowercase()
        .find("</head>")
        .ok_or("no </head> to put the oEmbed <link> before")?;
    let link = format!(
        "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{}{OEMBED_FILE}\" \
         title=\"poolsim\">\n",
        attr_escape(public_url)
    );
    let mut out = html.to_string();
    out.insert_str(head_end, &link);
    Ok(out)
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
    let head_end = html
        .to_ascii_lowercase()
        .find("</head>")
        .ok_or("no </head> to put the metadata before")?;
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
    let mut out = html.to_string();
    out.insert_str(head_end, &(meta.join("\n") + "\n"));
    Ok(out)
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

/// Attributes of a tag: lowercase name and value (`None` for a bare attribute).
type Attrs = Vec<(String, Option<String>)>;

/// `Some(value)` when the attribute is present (`Some(None)` when it has no value).
fn attr<'a>(attrs: &'a Attrs, name: &str) -> Option<Option<&'a str>> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_deref())
}

/// An opening tag: its byte range in the HTML and its attributes.
#[derive(Debug)]
struct Tag {
    start: usize,
    end: usize,
    attrs: Attrs,
}

/// Every opening tag named `name` (ASCII case-insensitive), in order.
fn tags(html: &str, name: &str) -> Vec<Tag> {
    let lower = html.to_ascii_lowercase();
    let needle = format!("<{name}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&needle) {
        let start = from + i;
        let after = start + needle.len();
        from = after;
        let boundary = lower.as_bytes().get(after);
        if !boundary.is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/') {
            continue;
        }
        let Some(close) = tag_close(html, after) else {
            break;
        };
        found.push(Tag {
            start,
            end: close + 1,
            attrs: parse_attrs(&html[after..close]),
        });
        from = close + 1;
    }
    found
}

/// Index of the `>` closing a tag whose attributes start at `from` (quoted `>` skipped).
fn tag_close(html: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in html.bytes().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_attrs(s: &str) -> Attrs {
    let mut attrs = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return attrs;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let value = match rest.strip_prefix('=') {
            None => None,
            Some(after) => {
                let after = after.trim_start();
                let (value, remaining) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let inner = &after[1..];
                        let end = inner.find(q).unwrap_or(inner.len());
                        (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = after
                            .find(|c: char| c.is_ascii_whitespace())
                            .unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                rest = remaining;
                Some(value.to_string())
            }
        };
        attrs.push((name, value));
    }
}

/// A `<script>` element: its byte range (opening tag to end of `</script>`), attributes, body.
struct Script<'a> {
    start: usize,
    end: usize,
    attrs: Attrs,
    body: &'a str,
}

fn script_elements(html: &str) -> std::result::Result<Vec<Script<'_>>, String> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    for tag in tags(html, "script") {
        if tag.start < scripts.last().map_or(0, |s: &Script| s.end) {
            continue; // "<script" inside a script body
        }
        let close = lower[tag.end..]
            .find("</script")
            .map(|i| tag.end + i)
            .ok_or("a <script> has no </script>")?;
        let end = tag_close(html, close).ok_or("unterminated </script>")? + 1;
        scripts.push(Script {
            start: tag.start,
            end,
            attrs: tag.attrs,
            body: &html[tag.end..close],
        });
    }
    Ok(scripts)
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
        let scripts = script_elements(html).unwrap();
        assert_eq!(scripts.len(), 1);
        scripts[0].body.to_string()
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
        let body = inline_body(TRUNK_INDEX);
        let done = finish_html(TRUNK_INDEX, "./").unwrap();
        let scripts = script_elements(&done.html).unwrap();
        assert!(scripts.iter().all(|s| attr(&s.attrs, "src").is_some()));
        assert_eq!(scripts.len(), 1, "one external init script");
        let s = &scripts[0];
        let src = attr(&s.attrs, "src").flatten().unwrap();
        let name = src.strip_prefix("./").unwrap();
        let hex = name
            .strip_prefix("init-")
            .unwrap()
            .strip_suffix(".js")
            .unwrap();
        assert_eq!(hex.len(), 16);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(attr(&s.attrs, "type"), Some(Some("module")));
        assert_eq!(attr(&s.attrs, "crossorigin"), Some(Some("anonymous")));
        let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&body));
        assert_eq!(
            attr(&s.attrs, "integrity"),
            Some(Some(format!("sha384-{sri}").as_str()))
        );
        assert_eq!(done.scripts, vec![(name.to_string(), body)]);
        // Where the inline script was: before the preloads.
        assert!(s.start < done.html.find("modulepreload").unwrap());
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
        let sheets: Vec<Tag> = tags(&done.html, "link")
            .into_iter()
            .filter(|t| attr(&t.attrs, "rel") == Some(Some("stylesheet")))
            .collect();
        assert_eq!(sheets.len(), 2);
        for t in &sheets {
            assert_eq!(attr(&t.attrs, "crossorigin"), Some(Some("anonymous")));
            assert!(attr(&t.attrs, "integrity").is_some());
        }
        // Once only, and nothing else changes (the icon is fetched without CORS).
        assert_eq!(cors_stylesheets(&done.html), done.html);
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
        let scripts = script_elements(&done.html).unwrap();
        let src = attr(&scripts[0].attrs, "src").flatten().unwrap();
        assert!(
            src.starts_with("/docs/poolsim/init-") && src.ends_with(".js"),
            "{src}"
        );
        assert!(done.html.contains("href=\"/docs/poolsim/oembed.json\""));
        // The moved loader still imports the prefixed glue.
        assert!(done.scripts[0]
            .1
            .contains("from '/docs/poolsim/poolsim-web-"));
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
        let (out, bodies) = extract_inline_modules(html).unwrap();
        assert_eq!(out, html);
        assert!(bodies.is_empty());
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
        // The site's address is known (absolute): a sitemap too, and the canonical URL.
        assert_eq!(names.len(), 5, "{names:?}");
        assert_eq!(names[0], HEADERS_FILE);
        assert!(first[0]
            .1
            .contains("/*\n  Access-Control-Allow-Origin: *\n"));
        assert!(names[1] == "index.html" && names[2].starts_with("init-"));
        assert_eq!((names[3], names[4]), (OEMBED_FILE, SITEMAP_FILE));
        assert!(first[3]
            .1
            .contains("https://example.org/poolsim/index.html?v=1&amp;embed=1"));
        assert!(first[1]
            .1
            .contains("<link rel=\"canonical\" href=\"https://example.org/poolsim/\">"));
        finish_dist_with(&dir, "./", Some("https://example.org/poolsim")).unwrap();
        assert_eq!(snapshot(&dir), first);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

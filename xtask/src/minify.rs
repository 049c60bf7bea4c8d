//! Minification of the built site's scripts and stylesheets.
//!
//! Trunk's own `minify` setting would also minify `index.html` before the prerender hook runs, and
//! that removes the `<!--poolsim:…-->` markers the hook fills (Trunk minifies the page with
//! `minify-html`, which drops every comment). So Trunk copies the files as they are and
//! [`minify_dist`] minifies them first thing after it, with `oxc` for the scripts (wasm-bindgen's
//! glue, the loaders, `mode.js`; Trunk's own `minify-js` 0.5 cannot parse the glue's
//! `export { … as default }` nor a loader's top-level `await`) and `lightningcss`, the library
//! Trunk uses, for the stylesheets. A file Trunk named by a digest of its contents is renamed by a
//! digest of the minified ones (a new minifier may change the bytes of an unchanged source: the
//! old name, cached for ever, would then fail its new integrity), every mention of the old name
//! follows, and every `integrity` attribute naming a minified file is recomputed.
//! `poolsim-figure.js` is left as written: host pages load it, and it is documented to be read
//! (docs/EMBEDDING.md). A file is rewritten only when minifying makes it smaller, so a second run
//! changes nothing.

use crate::files::{read, read_text, remove, write};
use crate::html;
use crate::{Failure, Result};
use base64::Engine as _;
use sha2::{Digest, Sha384};
use std::collections::BTreeMap;
use std::path::Path;

/// The embed's custom element, loaded by host pages, kept as written.
const KEPT_AS_WRITTEN: &str = "poolsim-figure.js";

/// The classic (non-module) scripts: their top-level names are globals and must keep them.
const CLASSIC_SCRIPTS: [&str; 1] = ["mode.js"];

/// What a file in `dist/` is to the minifier.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Stylesheet,
    Module,
    Classic,
}

fn kind_of(name: &str) -> Option<Kind> {
    if name == KEPT_AS_WRITTEN {
        None
    } else if name.ends_with(".css") {
        Some(Kind::Stylesheet)
    } else if CLASSIC_SCRIPTS.contains(&name) {
        Some(Kind::Classic)
    } else if name.ends_with(".js") {
        Some(Kind::Module)
    } else {
        None
    }
}

/// `source` minified, or why it could not be.
fn minified(kind: Kind, source: &str) -> std::result::Result<String, String> {
    match kind {
        Kind::Stylesheet => minify_css(source),
        Kind::Module | Kind::Classic => minify_script(source, kind),
    }
}

/// A script minified by oxc: compressed (for the browsers the page supports, ES2020), names
/// shortened (a module's top-level names too: they are its own; a classic script's are globals and
/// stay), `console` calls and function names kept.
fn minify_script(source: &str, kind: Kind) -> std::result::Result<String, String> {
    use oxc::allocator::Allocator;
    use oxc::codegen::{Codegen, CodegenOptions};
    use oxc::minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
    use oxc::span::SourceType;
    use oxc::syntax::es_target::ESTarget;
    let module = kind == Kind::Module;
    let source_type = if module {
        SourceType::mjs()
    } else {
        SourceType::cjs()
    };
    let allocator = Allocator::default();
    let parsed = oxc::parser::Parser::new(&allocator, source, source_type).parse();
    if let Some(error) = parsed.errors.first() {
        return Err(error.to_string());
    }
    if parsed.panicked {
        return Err("the parser gave up".to_string());
    }
    let mut program = parsed.program;
    let options = MinifierOptions {
        mangle: Some(MangleOptions {
            top_level: module,
            ..MangleOptions::default()
        }),
        compress: Some(CompressOptions {
            target: ESTarget::ES2020,
            ..CompressOptions::safest()
        }),
    };
    let minified = Minifier::new(options).build(&allocator, &mut program);
    Ok(Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code)
}

/// The oldest browsers the page runs in (WebAssembly, module scripts with top-level `await`, as
/// the loader Trunk writes): Chrome and Edge 89, Firefox 89, Safari 15. The stylesheets are printed
/// for them: without targets lightningcss would write media queries in range syntax
/// (`(width>=40rem)`), which Safari before 16.4 ignores.
fn css_targets() -> lightningcss::targets::Targets {
    let version = |major: u32| Some(major << 16);
    lightningcss::targets::Browsers {
        chrome: version(89),
        edge: version(89),
        firefox: version(89),
        safari: version(15),
        ios_saf: version(15),
        ..lightningcss::targets::Browsers::default()
    }
    .into()
}

/// A stylesheet minified by lightningcss for [`css_targets`].
fn minify_css(source: &str) -> std::result::Result<String, String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet =
        StyleSheet::parse(source, ParserOptions::default()).map_err(|e| e.to_string())?;
    sheet
        .minify(MinifyOptions {
            targets: css_targets(),
            ..MinifyOptions::default()
        })
        .map_err(|e| e.to_string())?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            targets: css_targets(),
            ..PrinterOptions::default()
        })
        .map_err(|e| e.to_string())?;
    Ok(printed.code)
}

/// The Subresource Integrity value of `contents` (SHA-384, as Trunk writes it).
pub fn integrity(contents: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(contents))
    )
}

/// `html` with the `integrity` of every `<link>` and `<script>` that names one of `changed` (by
/// file name, whatever the public URL before it) set to that file's new digest. The rest of each
/// tag, and every other byte, is kept as written.
fn refresh_integrity(
    html: &str,
    changed: &BTreeMap<String, String>,
) -> std::result::Result<String, String> {
    let mut tags = html::find(html, "link[integrity]")?;
    tags.extend(html::find(html, "script[integrity]")?);
    tags.sort_by_key(|tag| tag.range.start);
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for tag in tags {
        let Some(url) = tag.attribute("href").or_else(|| tag.attribute("src")) else {
            continue;
        };
        let name = url.rsplit('/').next().unwrap_or(url);
        let (Some(new), Some(old)) = (changed.get(name), tag.attribute("integrity")) else {
            continue;
        };
        let written = &html[tag.range.clone()];
        if !written.contains(old) {
            return Err(format!(
                "cannot find the integrity of {name} in `{written}`"
            ));
        }
        out.push_str(&html[copied..tag.range.start]);
        out.push_str(&written.replacen(old, new, 1));
        copied = tag.range.end;
    }
    out.push_str(&html[copied..]);
    Ok(out)
}

/// `index.html` minified as HTML by minify-html, as Trunk's `minify` does, but after the prerender
/// and keeping the `<html>` and `<head>` start tags, every end tag and the comments (the one left,
/// the metadata's mark, tells a second run the metadata is there): whitespace between tags goes,
/// runs of whitespace in text become one space (as the browser reads them; `<pre>` and
/// `<textarea>` are kept), attribute quotes go where HTML does not need them. Its `<style>`,
/// `<script>` and attributes' contents are left as they are.
pub fn page(source: &str) -> String {
    let mut config = minify_html::Cfg::spec_compliant();
    config.keep_closing_tags = true;
    config.keep_html_and_head_opening_tags = true;
    config.keep_comments = true;
    let small = minify_html::minify(source.as_bytes(), &config);
    match String::from_utf8(small) {
        Ok(small) if small.len() < source.len() => small,
        _ => source.to_string(),
    }
}

/// One minified file: its names, and its size before and after.
#[derive(Debug)]
pub struct Minified {
    /// The file's name in `dist/` as Trunk wrote it.
    pub name: String,
    /// Its name now: a name with a digest of the contents gets the digest of the minified ones.
    pub renamed: String,
    /// Its size as Trunk wrote it, in bytes.
    pub before: usize,
    /// Its size minified, in bytes.
    pub after: usize,
}

/// The stem of a name that carries a digest of its file's contents, as Trunk names its assets
/// (`style-<hex>.css`: at least 8 lowercase hex digits after the last `-`), and the extension.
fn digest_named(name: &str) -> Option<(&str, &str)> {
    let (base, extension) = name.rsplit_once('.')?;
    let (stem, hex) = base.rsplit_once('-')?;
    let is_digest = hex.len() >= 8
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    is_digest.then_some((stem, extension))
}

/// `<stem>-<16 hex digits>.<extension>` from a digest of `contents`: a file named by its
/// contents may be cached for ever, and its integrity checked (docs/PUBLISHING.md), so minified
/// contents get a name of their own.
fn renamed(stem: &str, extension: &str, contents: &[u8]) -> String {
    let hex: String = Sha384::digest(contents)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{stem}-{hex}.{extension}")
}

/// A module script minified (the body of the loader Trunk writes inline), or `None` when oxc
/// cannot parse it or it would not get smaller.
pub fn module(source: &str) -> Option<String> {
    minified(Kind::Module, source)
        .ok()
        .filter(|small| small.len() < source.len())
}

/// A stylesheet minified, or `None` when lightningcss cannot parse it or it would not get
/// smaller.
pub fn stylesheet(source: &str) -> Option<String> {
    minified(Kind::Stylesheet, source)
        .ok()
        .filter(|small| small.len() < source.len())
}

/// Minifies the scripts and stylesheets of `dist` (a file is rewritten only when it gets
/// smaller). A file named by a digest of its contents is renamed by a digest of the minified
/// ones, and every mention of the old name in the site's HTML and scripts follows; the integrity
/// attributes naming a minified file are recomputed. A file that does not parse is an error (the
/// minifiers read standard CSS and JavaScript: a file they refuse is one a browser may read
/// differently).
pub fn minify_dist(dist: &Path) -> Result<Vec<Minified>> {
    let entries = std::fs::read_dir(dist)
        .map_err(|e| Failure::Failed(format!("cannot list {}: {e}", dist.display())))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut done = Vec::new();
    for name in &names {
        let Some(kind) = kind_of(name) else {
            continue;
        };
        let path = dist.join(name);
        let source = read_text(&path)?;
        let small = minified(kind, &source)
            .map_err(|e| Failure::Failed(format!("cannot minify {}: {e}", path.display())))?;
        if small.len() >= source.len() {
            continue;
        }
        let new_name = match digest_named(name) {
            Some((stem, extension)) => renamed(stem, extension, small.as_bytes()),
            None => name.clone(),
        };
        write(&dist.join(&new_name), &small)?;
        if new_name != *name {
            remove(&path)?;
        }
        done.push(Minified {
            name: name.clone(),
            renamed: new_name,
            before: source.len(),
            after: small.len(),
        });
    }
    if done.is_empty() {
        return Ok(done);
    }
    let mut digests = BTreeMap::new();
    for file in &done {
        digests.insert(
            file.renamed.clone(),
            integrity(&read(&dist.join(&file.renamed))?),
        );
    }
    let entries = std::fs::read_dir(dist)
        .map_err(|e| Failure::Failed(format!("cannot list {}: {e}", dist.display())))?;
    for entry in entries.filter_map(|entry| entry.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".html") || name.ends_with(".js")) {
            continue;
        }
        let path = entry.path();
        let text = read_text(&path)?;
        let mut edited = text.clone();
        for file in done.iter().filter(|file| file.renamed != file.name) {
            edited = edited.replace(&file.name, &file.renamed);
        }
        if name.ends_with(".html") {
            edited = refresh_integrity(&edited, &digests)
                .map_err(|e| Failure::Failed(format!("{}: {e}", path.display())))?;
        }
        if edited != text {
            write(&path, &edited)?;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_stylesheets_get_smaller_and_mean_the_same() {
        let css = "/* the page */\n.page  {\n  color : #ff0000;\n  margin: 0px 0px 0px 0px;\n}\n";
        assert_eq!(
            minified(Kind::Stylesheet, css).unwrap(),
            ".page{color:red;margin:0}"
        );
        let media = "@media (min-width: 40rem) {\n  .page { margin: 0 auto; }\n}\n";
        assert_eq!(
            minified(Kind::Stylesheet, media).unwrap(),
            "@media (min-width:40rem){.page{margin:0 auto}}",
            "media queries as every supported browser reads them"
        );
        let module =
            "// glue\nexport function add(first, second) {\n    return first + second;\n}\n";
        let small = minified(Kind::Module, module).unwrap();
        assert!(small.len() < module.len() / 2, "{small}");
        assert!(small.contains("export"), "{small}");
        let classic = "var started = false;\nfunction start() {\n  started = true;\n}\n";
        let small = minified(Kind::Classic, classic).unwrap();
        assert!(
            small.contains("started") && small.contains("start"),
            "a classic script's globals keep their names: {small}"
        );
        assert!(minified(Kind::Module, "export function (").is_err());
    }

    #[test]
    fn the_page_loses_whitespace_between_tags_and_keeps_its_text_and_marks() {
        let html = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <!--poolsim:metadata-->\n  \
                    <title>poolsim</title>\n</head>\n<body>\n  <main>\n    <p class=\"lede\">Two \
                    <em>words</em>\n   apart.</p>\n    <pre>  kept\n  as is</pre>\n  </main>\n\
                    </body>\n</html>\n";
        let small = page(html);
        assert_eq!(
            small,
            "<!doctype html><html lang=en><head><!--poolsim:metadata--><title>poolsim</title>\
             </head><body><main><p class=lede>Two <em>words</em> apart.</p><pre>  kept\n  as is\
             </pre></main></body></html>"
        );
        assert_eq!(page(&small), small, "a second run changes nothing");
    }

    #[test]
    fn the_embed_script_and_other_files_are_not_minified() {
        assert_eq!(kind_of("poolsim-figure.js"), None);
        assert_eq!(kind_of("social.png"), None);
        assert_eq!(kind_of("index.html"), None);
        assert_eq!(kind_of("mode.js"), Some(Kind::Classic));
        assert_eq!(kind_of("poolsim-web-0123.js"), Some(Kind::Module));
        assert_eq!(kind_of("style-0123.css"), Some(Kind::Stylesheet));
    }

    #[test]
    fn a_file_named_by_its_digest_is_renamed_by_the_minified_ones_and_its_mentions_follow() {
        assert_eq!(
            digest_named("style-f17671ddebb0fd95.css"),
            Some(("style", "css"))
        );
        assert_eq!(
            digest_named("poolsim-web-cb5c3676f.js"),
            Some(("poolsim-web", "js"))
        );
        assert_eq!(digest_named("poolsim-explain-dialogs.css"), None);
        assert_eq!(digest_named("mode.js"), None);
        assert_eq!(
            digest_named("poolsim-web-cafe.js"),
            None,
            "too short to be a digest"
        );
        let dir = std::env::temp_dir().join(format!("poolsim-rename-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let glue = "export function start(first) {\n    return first;\n}\n";
        std::fs::write(dir.join("app-0123456789abcdef.js"), glue).unwrap();
        let loader = "import init from './app-0123456789abcdef.js';\n";
        std::fs::write(dir.join("init-fedcba9876543210.js"), loader).unwrap();
        let html = format!(
            "<link rel=\"modulepreload\" href=\"./app-0123456789abcdef.js\" integrity=\"{}\">",
            integrity(glue.as_bytes())
        );
        std::fs::write(dir.join("index.html"), &html).unwrap();
        let done = minify_dist(&dir).unwrap();
        let glue_file = done.iter().find(|f| f.name.starts_with("app-")).unwrap();
        let new_name = &glue_file.renamed;
        assert!(new_name.starts_with("app-") && new_name.len() == "app-.js".len() + 16);
        let small = std::fs::read(dir.join(new_name)).unwrap();
        assert_eq!(*new_name, renamed("app", "js", &small));
        assert!(!dir.join("app-0123456789abcdef.js").exists());
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert_eq!(
            page,
            format!(
                "<link rel=\"modulepreload\" href=\"./{new_name}\" integrity=\"{}\">",
                integrity(&small)
            )
        );
        let loaders: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("init-"))
            .collect();
        assert_eq!(loaders.len(), 1);
        let loader = std::fs::read_to_string(dir.join(&loaders[0])).unwrap();
        assert!(loader.contains(new_name.as_str()), "{loader}");
        assert!(
            minify_dist(&dir).unwrap().is_empty(),
            "a second run changes nothing"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn integrity_follows_the_file_under_any_public_url() {
        let changed = BTreeMap::from([("a-1.css".to_string(), "sha384-NEW".to_string())]);
        let html = "<link rel=\"stylesheet\" href=\"./a-1.css\" integrity=\"sha384-OLD\"/>\n\
                    <link rel=\"stylesheet\" href=\"/sub/a-1.css\" integrity=\"sha384-OLD\">\
                    <link rel=\"stylesheet\" href=\"./b-2.css\" integrity=\"sha384-OLD\">\
                    <script type=\"module\" src=\"a-1.css\" integrity=\"sha384-OLD\"></script>";
        let out = refresh_integrity(html, &changed).unwrap();
        assert_eq!(
            out,
            "<link rel=\"stylesheet\" href=\"./a-1.css\" integrity=\"sha384-NEW\"/>\n\
             <link rel=\"stylesheet\" href=\"/sub/a-1.css\" integrity=\"sha384-NEW\">\
             <link rel=\"stylesheet\" href=\"./b-2.css\" integrity=\"sha384-OLD\">\
             <script type=\"module\" src=\"a-1.css\" integrity=\"sha384-NEW\"></script>"
        );
    }

    #[test]
    fn a_site_is_minified_once_with_its_integrity_kept_true() {
        let dir = std::env::temp_dir().join(format!("poolsim-minify-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let css = ".page {\n  color: #ff0000;\n}\n";
        let figure = "// kept\nvar  kept = 1;\n";
        std::fs::write(dir.join("style-1.css"), css).unwrap();
        std::fs::write(dir.join("poolsim-figure.js"), figure).unwrap();
        let html = format!(
            "<link rel=\"stylesheet\" href=\"./style-1.css\" integrity=\"{}\">",
            integrity(css.as_bytes())
        );
        std::fs::write(dir.join("index.html"), &html).unwrap();
        let done = minify_dist(&dir).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].name, "style-1.css");
        assert_eq!(
            done[0].renamed, "style-1.css",
            "a name without a digest stays"
        );
        let small = std::fs::read(dir.join("style-1.css")).unwrap();
        assert_eq!(small, b".page{color:red}");
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(page.contains(&integrity(&small)), "{page}");
        assert_eq!(
            std::fs::read_to_string(dir.join("poolsim-figure.js")).unwrap(),
            figure
        );
        assert!(
            minify_dist(&dir).unwrap().is_empty(),
            "a second run changes nothing"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            page
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Minification of the built site's scripts and stylesheets.
//!
//! Trunk's own `minify` setting would also minify `index.html` before the prerender hook runs, and
//! that removes the `<!--poolsim:…-->` markers the hook fills (Trunk minifies the page with
//! `minify-html`, which drops every comment). So Trunk copies the files as they are and
//! [`minify_dist`] minifies them afterwards with `oxc` for the scripts (wasm-bindgen's glue, the
//! loaders, `mode.js`; Trunk's own `minify-js` 0.5 cannot parse the glue's
//! `export { … as default }` nor a loader's top-level `await`) and `lightningcss`, the library
//! Trunk uses, for the stylesheets. Each file keeps its name (Trunk's hash of the source still changes whenever the
//! source does), and every `integrity` attribute naming a minified file in the site's HTML is
//! recomputed. `poolsim-figure.js` is left as written: host pages load it, and it is documented
//! to be read (docs/EMBEDDING.md). A file is rewritten only when minifying makes it smaller, so a
//! second run changes nothing.

use crate::files::{read_text, write};
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

/// One minified file: its name, and its size before and after.
#[derive(Debug)]
pub struct Minified {
    /// The file's name in `dist/`.
    pub name: String,
    /// Its size as Trunk wrote it, in bytes.
    pub before: usize,
    /// Its size minified, in bytes.
    pub after: usize,
}

/// Minifies the scripts and stylesheets of `dist` in place and refreshes the integrity attributes
/// of its HTML files that name them. A file that does not parse is an error (the minifiers read
/// standard CSS and JavaScript: a file they refuse is one a browser may read differently).
pub fn minify_dist(dist: &Path) -> Result<Vec<Minified>> {
    let entries = std::fs::read_dir(dist)
        .map_err(|e| Failure::Failed(format!("cannot list {}: {e}", dist.display())))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut changed = BTreeMap::new();
    let mut done = Vec::new();
    for name in &names {
        let Some(kind) = kind_of(name) else {
            continue;
        };
        let path = dist.join(name);
        let source = read_text(&path)?;
        let small = minified(kind, &source)
            .map_err(|e| Failure::Failed(format!("cannot minify {}: {e}", path.display())))?;
        if small.len() < source.len() {
            write(&path, &small)?;
            changed.insert(name.clone(), integrity(small.as_bytes()));
            done.push(Minified {
                name: name.clone(),
                before: source.len(),
                after: small.len(),
            });
        }
    }
    if changed.is_empty() {
        return Ok(done);
    }
    for name in names.iter().filter(|name| name.ends_with(".html")) {
        let path = dist.join(name);
        let page = read_text(&path)?;
        let refreshed = refresh_integrity(&page, &changed)
            .map_err(|e| Failure::Failed(format!("{}: {e}", path.display())))?;
        if refreshed != page {
            write(&path, &refreshed)?;
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
    fn the_embed_script_and_other_files_are_not_minified() {
        assert_eq!(kind_of("poolsim-figure.js"), None);
        assert_eq!(kind_of("social.png"), None);
        assert_eq!(kind_of("index.html"), None);
        assert_eq!(kind_of("mode.js"), Some(Kind::Classic));
        assert_eq!(kind_of("poolsim-web-0123.js"), Some(Kind::Module));
        assert_eq!(kind_of("style-0123.css"), Some(Kind::Stylesheet));
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

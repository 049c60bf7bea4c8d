//! Cache-busting names for the explanation's module.
//!
//! Trunk builds the explanation (`poolsim-explain`, loaded by the page when the reader scrolls
//! near it) as a "worker" asset, and those keep their plain names: `poolsim-explain_loader.js`,
//! `poolsim-explain.js` and `poolsim-explain_bg.wasm`. [`hash_names`] renames the three to
//! `poolsim-explain-<16 hex digits>…` from a digest of their contents, rewrites the two references
//! between them and the `data-src` of `<div id="explanation">` in `index.html`, so a new build is
//! never mixed with a cached old one. Running it again on a finished `dist/` changes nothing.

use crate::files::{read, read_text, remove, write};
use crate::{Failure, Result};
use sha2::{Digest, Sha384};
use std::path::Path;

const NAME: &str = "poolsim-explain";

fn plain(suffix: &str) -> String {
    format!("{NAME}{suffix}")
}

fn hashed(hex: &str, suffix: &str) -> String {
    format!("{NAME}-{hex}{suffix}")
}

/// The three files after renaming, and the new `index.html`.
#[derive(Debug, PartialEq)]
struct Renamed {
    hex: String,
    loader: String,
    glue: String,
    html: String,
}

/// Rewrites the contents; `wasm` only feeds the digest.
fn rename(
    loader: &str,
    glue: &str,
    wasm: &[u8],
    html: &str,
    public_url: &str,
) -> std::result::Result<Renamed, String> {
    let mut digest = Sha384::new();
    digest.update(loader.as_bytes());
    digest.update(glue.as_bytes());
    digest.update(wasm);
    let hex: String = digest.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // A string literal naming the file, in any quotes (wasm-bindgen writes single ones, the
    // minifier double ones or backticks).
    let swap_literal = |text: &str, from: String, to: String, what: &str| {
        for quote in ['\'', '"', '`'] {
            let quoted = format!("{quote}{from}{quote}");
            if text.contains(&quoted) {
                return Ok(text.replacen(&quoted, &format!("{quote}{to}{quote}"), 1));
            }
        }
        Err(format!("{what} does not mention '{from}'"))
    };
    let swap = |text: &str, from: String, to: String, what: &str| {
        if text.contains(&from) {
            Ok(text.replacen(&from, &to, 1))
        } else {
            Err(format!("{what} does not mention {from}"))
        }
    };
    let loader = swap_literal(
        loader,
        format!("./{}", plain(".js")),
        format!("./{}", hashed(&hex, ".js")),
        "the loader",
    )?;
    let glue = swap_literal(
        glue,
        plain("_bg.wasm"),
        hashed(&hex, "_bg.wasm"),
        "the glue",
    )?;
    let html = swap(
        html,
        format!("data-src=\"{}\"", plain("_loader.js")),
        format!("data-src=\"{public_url}{}\"", hashed(&hex, "_loader.js")),
        "index.html",
    )?;
    Ok(Renamed {
        hex,
        loader,
        glue,
        html,
    })
}

/// Gives the explanation's module hashed names in `dist` (no-op when already done).
pub fn hash_names(dist: &Path, public_url: &str) -> Result<()> {
    let loader_path = dist.join(plain("_loader.js"));
    if !loader_path.exists() {
        return Ok(());
    }
    let glue_path = dist.join(plain(".js"));
    let wasm_path = dist.join(plain("_bg.wasm"));
    let index = dist.join("index.html");
    let wasm = read(&wasm_path)?;
    let renamed = rename(
        &read_text(&loader_path)?,
        &read_text(&glue_path)?,
        &wasm,
        &read_text(&index)?,
        public_url,
    )
    .map_err(Failure::Failed)?;
    let hex = &renamed.hex;
    write(&dist.join(hashed(hex, "_loader.js")), &renamed.loader)?;
    write(&dist.join(hashed(hex, ".js")), &renamed.glue)?;
    write(&dist.join(hashed(hex, "_bg.wasm")), &wasm)?;
    write(&index, &renamed.html)?;
    for old in [loader_path, glue_path, wasm_path] {
        remove(&old)?;
    }
    println!("poolsim: explanation module named {}", hashed(hex, "*"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = "import init from './poolsim-explain.js';await init();";
    const GLUE: &str = "imports = { \"./poolsim-explain_bg.js\": import0 };\n\
        module_or_path = new URL('poolsim-explain_bg.wasm', import.meta.url);";
    const HTML: &str = "<div id=\"explanation\" data-src=\"poolsim-explain_loader.js\" \
        data-state=\"waiting\" hidden></div>";

    #[test]
    fn names_follow_the_contents_and_every_reference_moves() {
        let a = rename(LOADER, GLUE, b"wasm-a", HTML, "./").unwrap();
        assert_eq!(a.hex.len(), 16);
        let h = &a.hex;
        assert_eq!(
            a.loader,
            format!("import init from './poolsim-explain-{h}.js';await init();")
        );
        assert!(a
            .glue
            .contains(&format!("new URL('poolsim-explain-{h}_bg.wasm'")));
        // The wasm's import module keeps its name: it is not a file.
        assert!(a.glue.contains("\"./poolsim-explain_bg.js\": import0"));
        assert!(a
            .html
            .contains(&format!("data-src=\"./poolsim-explain-{h}_loader.js\"")));
        let b = rename(LOADER, GLUE, b"wasm-b", HTML, "/docs/poolsim/").unwrap();
        assert_ne!(a.hex, b.hex, "a different wasm gets a different name");
        assert!(b.html.contains("data-src=\"/docs/poolsim/poolsim-explain-"));
    }

    #[test]
    fn minified_files_name_each_other_in_other_quotes() {
        let loader = "import init from\"./poolsim-explain.js\";await init();";
        let glue = "u=new URL(`poolsim-explain_bg.wasm`,import.meta.url)";
        let a = rename(loader, glue, b"wasm", HTML, "./").unwrap();
        let h = &a.hex;
        assert_eq!(
            a.loader,
            format!("import init from\"./poolsim-explain-{h}.js\";await init();")
        );
        assert!(a.glue.contains(&format!("`poolsim-explain-{h}_bg.wasm`")));
    }

    #[test]
    fn a_missing_reference_is_an_error_not_a_silent_skip() {
        let err = rename(LOADER, "no url here", b"w", HTML, "./").unwrap_err();
        assert!(err.contains("glue"), "{err}");
        let err = rename(LOADER, GLUE, b"w", "<div id=\"explanation\">", "./").unwrap_err();
        assert!(err.contains("index.html"), "{err}");
    }

    #[test]
    fn finished_dist_is_left_alone_and_files_are_renamed_once() {
        let dir =
            std::env::temp_dir().join(format!("poolsim-deferred-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("poolsim-explain_loader.js"), LOADER).unwrap();
        std::fs::write(dir.join("poolsim-explain.js"), GLUE).unwrap();
        std::fs::write(dir.join("poolsim-explain_bg.wasm"), b"wasm").unwrap();
        std::fs::write(dir.join("index.html"), HTML).unwrap();
        hash_names(&dir, "./").unwrap();
        let names = |d: &Path| {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let once = names(&dir);
        assert_eq!(once.len(), 4, "{once:?}");
        assert!(once.iter().all(|n| n == "index.html" || n.len() > 30));
        let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
        hash_names(&dir, "./").unwrap();
        assert_eq!(names(&dir), once);
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            html
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Invariants of ARCHITECTURE.md that a reading of the source checks, run by `cargo xtask test`:
//!
//! - [`model_lints`]: the model calls no platform float math, no clock and no I/O
//!   (`crates/model/clippy.toml`, enforced by clippy on the model's library, tests and benches).
//! - [`only_sim_steps_the_model`]: of the page's crates, only `poolsim_page::sim` creates or steps
//!   a `Model`.
//! - [`no_reexported_crates`]: no crate reaches another workspace crate's code through a
//!   re-export: code names the crate it uses.
//!
//! The last two are line-level readings of the source (comments skipped), not type checks: they
//! look for the names the model's API and Rust's `use` syntax give, which is what a change that
//! breaks the rule would write.

use crate::run::{self, command};
use std::path::{Path, PathBuf};

/// Runs the checks as suites of `cargo xtask test`, reporting each to `check(suite, passed)`.
pub fn run_all(check: &mut dyn FnMut(&str, bool)) {
    println!("\n==> the model calls no platform math, clock or I/O (crates/model/clippy.toml)");
    check("model-lints", model_lints());
    println!("\n==> only poolsim_page::sim creates or steps a Model");
    check("model-stepping", only_sim_steps_the_model());
    println!("\n==> no crate re-exports another");
    check("no-reexports", no_reexported_crates());
}

/// `cargo xtask invariants`: every check above, the re-exports included; fails when one fails.
pub fn invariants() -> crate::Result<()> {
    let failed: Vec<&str> = [
        ("model-lints", model_lints()),
        ("model-stepping", only_sim_steps_the_model()),
        ("no-reexports", no_reexported_crates()),
    ]
    .into_iter()
    .filter_map(|(name, ok)| (!ok).then_some(name))
    .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(crate::Failure::Failed(format!(
            "invariants failed: {}",
            failed.join(", ")
        )))
    }
}

/// The page's crates (those that exist are read): the DOM-free library, the figure, the
/// explanation, and the crates split from them.
const PAGE_CRATES: &[&str] = &[
    "crates/page",
    "crates/web",
    "crates/explain",
    "crates/ui",
    "crates/prerender",
];

/// `poolsim_page::sim`: the module file and its directory, the only page code that may create or
/// step a `Model`.
const SIM_MODULE: &[&str] = &["crates/page/src/sim.rs", "crates/page/src/sim/"];

/// What creating or stepping a `Model` is written as: its constructor and the methods that move it
/// on or reset it (`impl Model` in crates/model/src/lib.rs). `set_params` is left out: the page
/// calls `SimPair::set_params`, a method of `poolsim_page::sim`.
const MODEL_STEPPING: &[&str] = &["Model::new(", ".advance_to(", ".advance(", ".reset_stats("];

/// The model's lint configuration, read by clippy for that crate only.
pub const MODEL_CLIPPY_TOML: &str = "crates/model/clippy.toml";

/// `cargo clippy -p poolsim-model --all-targets -- -D warnings`: with `crates/model/clippy.toml`
/// it fails on platform float math (`f64::sin`, `exp`, `ln`, `powf`, … where `libm` must be used),
/// on clocks (`Instant`, `SystemTime`) and on file, terminal, environment and network I/O.
pub fn model_lints() -> bool {
    if !run::root().join(MODEL_CLIPPY_TOML).is_file() {
        println!("{MODEL_CLIPPY_TOML} is missing: nothing forbids platform math, clocks or I/O");
        return false;
    }
    let mut clippy = command("cargo");
    clippy.args([
        "clippy",
        "-p",
        "poolsim-model",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    let ok = run::status(clippy, "clippy of the model").is_ok();
    if ok {
        println!("ok: the model calls no platform float math, clock or I/O ({MODEL_CLIPPY_TOML})");
    }
    ok
}

/// Whether, of the page's crates, only `poolsim_page::sim` creates or steps a `Model`. Exempt:
/// each crate's `tests/` and `benches/` (the golden digest and the soak run the model itself in
/// wasm32, in `crates/web/tests/`) and the claims (any path with a part named `claims…`, today
/// `crates/explain/src/claims.rs`: each claim runs the model at the state the page shows).
pub fn only_sim_steps_the_model() -> bool {
    let root = run::root();
    let mut files = Vec::new();
    for krate in PAGE_CRATES {
        rust_files(&root, &root.join(krate).join("src"), &mut files);
    }
    let offenders = model_stepping_offenders(&files);
    report(
        &offenders,
        &format!(
            "only poolsim_page::sim creates or steps a Model ({} files of the page's crates read)",
            files.len()
        ),
        "outside poolsim_page::sim, these create or step a Model (move it behind poolsim_page::sim)",
    )
}

/// Whether no crate of the workspace re-exports another's items (`pub use other_crate::…`,
/// `pub(crate) use other_crate::…`, `pub use other_crate as …`) in its sources.
pub fn no_reexported_crates() -> bool {
    let root = run::root();
    let Some(crates) = workspace_crates() else {
        println!("cargo metadata failed");
        return false;
    };
    let mut files = Vec::new();
    for (_, dir) in &crates {
        rust_files(&root, &dir.join("src"), &mut files);
    }
    let names: Vec<&str> = crates.iter().map(|(name, _)| name.as_str()).collect();
    let offenders = reexport_offenders(&files, &names);
    report(
        &offenders,
        &format!(
            "no crate re-exports another ({} crates, {} files read)",
            names.len(),
            files.len()
        ),
        "re-exports of another workspace crate (code should name the crate it uses)",
    )
}

fn report(offenders: &[String], ok: &str, failed: &str) -> bool {
    if offenders.is_empty() {
        println!("ok: {ok}");
        true
    } else {
        println!("{failed}:");
        for o in offenders {
            println!("  {o}");
        }
        false
    }
}

/// A source file: its path relative to the root (with `/`) and its text.
type Source = (String, String);

/// Every `.rs` file under `dir`, in a stable order, relative to `root`.
fn rust_files(root: &Path, dir: &Path, out: &mut Vec<Source>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let relative = relative.to_string_lossy().replace('\\', "/");
                out.push((relative, text));
            }
        }
    }
}

/// The workspace's crates: the name code uses for each (`poolsim_model`) and its directory.
fn workspace_crates() -> Option<Vec<(String, PathBuf)>> {
    let json = run::output_of(
        "cargo",
        &[
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ],
    )?;
    let metadata: serde_json::Value = serde_json::from_str(&json).ok()?;
    let crates = metadata
        .pointer("/packages")?
        .as_array()?
        .iter()
        .filter_map(|package| {
            let name = package.pointer("/name")?.as_str()?.replace('-', "_");
            let manifest = PathBuf::from(package.pointer("/manifest_path")?.as_str()?);
            Some((name, manifest.parent()?.to_path_buf()))
        })
        .collect();
    Some(crates)
}

/// The code of a line: without a `//` comment (doc comments included) and surrounding spaces.
/// A `//` inside a string literal also ends the code; the rules below look for paths, not text.
fn code(line: &str) -> &str {
    line.split("//").next().unwrap_or("").trim()
}

/// `path:line: text` for every line of the page's sources (outside `poolsim_page::sim`, the
/// tests, the benches and the claims) that creates or steps a `Model`.
fn model_stepping_offenders(files: &[Source]) -> Vec<String> {
    let exempt = |path: &str| {
        SIM_MODULE.iter().any(|m| path.starts_with(m))
            || path
                .split('/')
                .any(|part| part == "tests" || part == "benches" || part.starts_with("claims"))
    };
    let mut offenders = Vec::new();
    for (path, text) in files.iter().filter(|(path, _)| !exempt(path)) {
        for (n, line) in text.lines().enumerate() {
            let code = code(line);
            if MODEL_STEPPING.iter().any(|call| code.contains(call)) {
                offenders.push(format!("{path}:{}: {code}", n + 1));
            }
        }
    }
    offenders
}

/// `path:line: text` for every `use` with a visibility (`pub`, `pub(crate)`, `pub(super)`,
/// `pub(in …)`) whose path starts with one of `crates` (a re-export of another crate's items; a
/// crate re-exporting its own items is not counted).
fn reexport_offenders(files: &[Source], crates: &[&str]) -> Vec<String> {
    let mut offenders = Vec::new();
    for (path, text) in files {
        for (n, line) in text.lines().enumerate() {
            let code = code(line);
            let Some(rest) = code.strip_prefix("pub") else {
                continue;
            };
            let rest = match rest.strip_prefix('(') {
                Some(scoped) => match scoped.split_once(')') {
                    Some((_, after)) => after,
                    None => continue,
                },
                None => rest,
            };
            let Some(used) = rest.trim_start().strip_prefix("use ") else {
                continue;
            };
            let used = used
                .trim_start()
                .trim_start_matches("::")
                .trim_start_matches('{');
            let first = used
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if crates.contains(&first) {
                offenders.push(format!("{path}:{}: {code}", n + 1));
            }
        }
    }
    offenders
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> Source {
        (path.to_string(), text.to_string())
    }

    #[test]
    fn a_model_is_created_and_stepped_only_in_the_page_sim_module() {
        let files = [
            file(
                "crates/page/src/sim.rs",
                "let mut m = Model::new(p, 1);\nm.advance_to(t);",
            ),
            file("crates/page/src/sim/lab.rs", "m.advance(100, t);"),
            file("crates/web/tests/soak.rs", "Model::new(p, 2).advance_to(t);"),
            file("crates/explain/src/claims.rs", "model.advance_to(RUN_NS);"),
            file("crates/explain/src/claims/connect.rs", "Model::new(p, 1)"),
            file(
                "crates/explain/src/sections/job.rs",
                "// Model::new(p, 1) in a comment\n/// m.advance_to(t)\njob.step();\npair.set_params(&p);",
            ),
            file(
                "crates/web/src/app.rs",
                "let m = poolsim_model::Model::new(p, 1);\n    m.reset_stats(); // why",
            ),
        ];
        assert_eq!(
            model_stepping_offenders(&files),
            [
                "crates/web/src/app.rs:1: let m = poolsim_model::Model::new(p, 1);",
                "crates/web/src/app.rs:2: m.reset_stats();",
            ]
        );
    }

    #[test]
    fn re_exports_of_other_workspace_crates_are_found_in_every_form() {
        let crates = ["poolsim_model", "poolsim_page", "poolsim_web"];
        // Lines of a file (an array, so that this file's own lines do not start with `pub use`).
        let lines = [
            "pub use poolsim_page::{format, live};",
            "pub(crate) use poolsim_web::components;",
            "pub use ::poolsim_model::Model;",
            "pub use poolsim_model as model;",
            "pub use {poolsim_page::sim};",
            "pub use crate::sim::SweepPoint as Point;",
            "pub use serde_json::Value;",
            "use poolsim_page::state;",
            "// pub use poolsim_page::url_state;",
            "pub fn use_poolsim_page() {}",
            "pub use poolsim_pager::x;",
        ];
        let files = [file("crates/explain/src/lib.rs", &lines.join("\n"))];
        let found = reexport_offenders(&files, &crates);
        let lines: Vec<&str> = found
            .iter()
            .map(|f| f.split(": ").next().unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                "crates/explain/src/lib.rs:1",
                "crates/explain/src/lib.rs:2",
                "crates/explain/src/lib.rs:3",
                "crates/explain/src/lib.rs:4",
                "crates/explain/src/lib.rs:5",
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn the_model_lint_configuration_forbids_platform_math_clocks_and_io() {
        let toml = std::fs::read_to_string(run::root().join(MODEL_CLIPPY_TOML)).unwrap();
        for path in [
            "\"f64::sin\"",
            "\"f64::exp\"",
            "\"f64::ln\"",
            "\"f64::powf\"",
            "\"f64::powi\"",
            "\"std::time::Instant\"",
            "\"std::time::SystemTime::now\"",
            "\"std::fs::read_to_string\"",
            "\"std::fs::File\"",
            "\"std::io::stdin\"",
        ] {
            assert!(
                toml.contains(path),
                "{MODEL_CLIPPY_TOML} does not forbid {path}"
            );
        }
        // Correctly rounded everywhere: allowed.
        assert!(!toml.contains("\"f64::sqrt\""));
    }
}

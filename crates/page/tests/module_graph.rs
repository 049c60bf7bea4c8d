//! No import cycle between the modules of any crate in `crates/` (nor `xtask`): a module that
//! names another through `crate::…` or `super::…` (in a `use`, or inline in code) depends on it,
//! and those dependencies must form no cycle. A cycle between modules hides mutual recursion and
//! makes a module impossible to read or test on its own (issue 18 found `state ⇄ presenter →
//! url_state → state` in this crate, hiding `decode → with_step_scenario → decode`).
//!
//! The graph is read from the source text: each file under `src/` (but `src/bin/`) is a module
//! (`a.rs` and `a/mod.rs` are `a`, `a/b.rs` is `a::b`), comments and string literals are skipped,
//! inline modules (`mod tests { use super::*; }`) resolve `super` from where they are, and a path
//! depends on the longest module it starts with (`crate::sections::job::use_job` on
//! `sections::job`). A module naming itself or an item of its own is no dependency. Paths that
//! name a child module relatively (`job::use_job` in `sections`) are not read: a parent using its
//! children is what a module tree is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path within its crate: `[]` is the crate root, `["sections", "job"]`.
type ModulePath = Vec<String>;

/// Every crate to check: each directory of `crates/` with a `src/`, and `xtask`.
fn crate_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .expect("the workspace's crates/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file() && p.join("src").is_dir())
        .collect();
    dirs.push(root.join("xtask"));
    dirs.sort();
    dirs
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file under `src/` is, if it belongs to the crate's library (or its binary when
/// the crate has no library): `src/bin/` and a `main.rs` beside a `lib.rs` are other crates.
fn module_of(src: &Path, file: &Path) -> Option<ModulePath> {
    let relative = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    let has_lib = src.join("lib.rs").is_file();
    match (parts.is_empty(), stem) {
        (true, "lib") => {}
        (true, "main") if !has_lib => {}
        (true, "main") => return None,
        (_, "mod") => {}
        _ => parts.push(stem.to_string()),
    }
    Some(parts)
}

/// Rust source without comments, string and character literals (each replaced by a space), so
/// that only code is read.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    _ => j += 1,
                }
            }
            out.push(' ');
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F}'), or a lifetime ('a), which is kept.
            let close = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(j) => {
                    out.push(' ');
                    i = j + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == '$')
}

/// The paths that start at `at` in `code` (right after `crate::` or the `super::`s): a path's
/// segments, or every path of a `{…}` group (`crate::{a, b::{c, self}}`).
fn paths_at(code: &[char], mut at: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let skip_space = |at: &mut usize| {
        while *at < code.len() && code[*at].is_whitespace() {
            *at += 1;
        }
    };
    let mut path = prefix;
    loop {
        skip_space(&mut at);
        if code.get(at) == Some(&'{') {
            // A group: each item is a path from here.
            at += 1;
            let mut depth = 0;
            let mut start = at;
            while at < code.len() {
                match code[at] {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        paths_at(code, start, path.clone(), out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths_at(code, start, path.clone(), out);
                        start = at + 1;
                    }
                    _ => {}
                }
                at += 1;
            }
            return;
        }
        let start = at;
        while at < code.len() && is_ident(code[at]) {
            at += 1;
        }
        if at == start {
            break;
        }
        let segment: String = code[start..at].iter().collect();
        if segment != "self" {
            path.push(segment);
        }
        skip_space(&mut at);
        if code.get(at) == Some(&':') && code.get(at + 1) == Some(&':') {
            at += 2;
        } else {
            break;
        }
    }
    out.push(path);
}

/// The absolute paths (from the crate root) a module's code names through `crate::` and `super::`.
fn named_paths(module: &ModulePath, source: &str) -> Vec<Vec<String>> {
    let code: Vec<char> = code_only(source).chars().collect();
    let mut out = Vec::new();
    // The inline modules open at each point: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_mod: Option<String> = None;
    let mut i = 0;
    let word_at = |i: usize, word: &str| {
        let w: Vec<char> = word.chars().collect();
        code[i..].starts_with(&w)
            && !ident_before(&code, i)
            && !code.get(i + w.len()).copied().is_some_and(is_ident)
    };
    while i < code.len() {
        let c = code[i];
        if c == '{' {
            depth += 1;
            if let Some(name) = pending_mod.take() {
                inline.push((name, depth));
            }
        } else if c == '}' {
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            depth = depth.saturating_sub(1);
        } else if c == ';' {
            pending_mod = None;
        } else if word_at(i, "mod") {
            let mut j = i + 3;
            while j < code.len() && code[j].is_whitespace() {
                j += 1;
            }
            let start = j;
            while j < code.len() && is_ident(code[j]) {
                j += 1;
            }
            pending_mod = Some(code[start..j].iter().collect());
            i = j;
            continue;
        } else if word_at(i, "crate") && code[i + 5..].starts_with(&[':', ':']) {
            paths_at(&code, i + 7, Vec::new(), &mut out);
            i += 7;
            continue;
        } else if word_at(i, "super") && code[i + 5..].starts_with(&[':', ':']) {
            // `super` from inside the inline modules open here.
            let mut here: Vec<String> = module.clone();
            here.extend(inline.iter().map(|(name, _)| name.clone()));
            let mut j = i;
            while word_at(j, "super") && code[j + 5..].starts_with(&[':', ':']) {
                here.pop();
                j += 7;
                while j < code.len() && code[j].is_whitespace() {
                    j += 1;
                }
            }
            paths_at(&code, j, here, &mut out);
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// The modules each module of the crate in `dir` depends on.
fn module_graph(dir: &Path) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    let src = dir.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: Vec<(ModulePath, PathBuf)> = files
        .into_iter()
        .filter_map(|f| module_of(&src, &f).map(|m| (m, f)))
        .collect();
    let known: BTreeSet<&ModulePath> = modules.iter().map(|(m, _)| m).collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let source = std::fs::read_to_string(file).expect("a readable source file");
        let mut uses = BTreeSet::new();
        for path in named_paths(module, &source) {
            // The longest module the path starts with.
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| known.contains(p))
                .unwrap_or_default();
            // Itself, or an item of one of its ancestors' files it lives in, is no dependency on
            // another file; the crate root names the crate's modules (`pub use`).
            if &target != module && !module.is_empty() {
                uses.insert(target);
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// A cycle in `graph`, as the modules along it (the first repeated at the end), if there is one.
fn find_cycle(graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Option<Vec<ModulePath>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &ModulePath,
        graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        marks: &mut BTreeMap<ModulePath, Mark>,
        stack: &mut Vec<ModulePath>,
    ) -> Option<Vec<ModulePath>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(node.clone());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.clone(), Mark::Open);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

fn shown(cycle: &[ModulePath]) -> String {
    cycle
        .iter()
        .map(|m| match m.is_empty() {
            true => "crate".to_string(),
            false => m.join("::"),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let dirs = crate_dirs();
    assert!(dirs.len() >= 6, "{dirs:?}");
    let mut cycles = Vec::new();
    for dir in &dirs {
        let graph = module_graph(dir);
        assert!(!graph.is_empty(), "{}: no modules read", dir.display());
        if let Some(cycle) = find_cycle(&graph) {
            cycles.push(format!("{}: {}", dir.display(), shown(&cycle)));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_reader_finds_uses_groups_super_and_cycles() {
    let module = vec!["a".to_string()];
    let source = "use crate::{b::{self, f}, c};\n// use crate::commented;\nfn g() { \
                  let s = \"crate::in_a_string\"; crate::d::e(); }\n\
                  mod tests { use super::*; use super::super::root_item; }";
    let paths: Vec<String> = named_paths(&module, source)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(paths, ["b", "b::f", "c", "d::e", "a", "root_item"]);
    let graph: BTreeMap<ModulePath, BTreeSet<ModulePath>> = [
        (vec!["x".into()], [vec!["y".into()]].into()),
        (vec!["y".into()], [vec!["x".into()]].into()),
    ]
    .into();
    assert_eq!(shown(&find_cycle(&graph).expect("a cycle")), "x → y → x");
}

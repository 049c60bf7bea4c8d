//! Installing the tools builds and tests need, only when missing (a second run installs nothing).
//! A tool that cannot be installed stops the task with one line saying how to install it by hand.

use crate::run::{self, command, output_of};
use crate::{Failure, Result};
use std::path::Path;

/// Trunk version: 0.22 needs a newer rustc than this project's machines have.
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Everything `serve` and `dist` need.
pub fn ensure_build_tools() -> Result<()> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_npm_packages()?;
    fetch_crates()
}

/// Everything `test` needs: the build tools and a browser with its driver.
pub fn ensure_test_tools() -> Result<()> {
    ensure_build_tools()?;
    ensure_chromium()
}

fn fail_install(tool: &str, by_hand: &str) -> Failure {
    Failure::Failed(format!(
        "could not install {tool}; install it by hand with: {by_hand}"
    ))
}

fn ensure_wasm_target() -> Result<()> {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    println!("xtask: installing the {WASM_TARGET} Rust target");
    let mut cmd = command("rustup");
    cmd.args(["target", "add", WASM_TARGET]);
    run::status(cmd, "rustup target add")
        .map_err(|_| fail_install(WASM_TARGET, &format!("rustup target add {WASM_TARGET}")))
}

fn ensure_trunk() -> Result<()> {
    let have = output_of("trunk", &["--version"]).unwrap_or_default();
    if have.trim() == format!("trunk {TRUNK_VERSION}") {
        return Ok(());
    }
    println!("xtask: installing Trunk {TRUNK_VERSION} (takes several minutes once)");
    let by_hand = format!("cargo install trunk --version {TRUNK_VERSION} --locked");
    let mut cmd = command("cargo");
    cmd.args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]);
    run::status(cmd, "cargo install trunk").map_err(|_| fail_install("Trunk", &by_hand))
}

/// The wasm-bindgen version pinned in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(run::root().join("Cargo.lock"))
        .map_err(|e| Failure::Failed(format!("cannot read Cargo.lock: {e}")))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    Err(Failure::Failed(
        "Cargo.lock names no wasm-bindgen version".into(),
    ))
}

fn ensure_wasm_bindgen() -> Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let have = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = run::cargo_bin_dir().join("wasm-bindgen-test-runner");
    if have.trim() == format!("wasm-bindgen {version}") && runner.exists() {
        return Ok(());
    }
    println!("xtask: installing wasm-bindgen-cli {version} (takes several minutes once)");
    // No --locked: its lock file names a crate version the registry here does not serve.
    let by_hand = format!("cargo install wasm-bindgen-cli --version {version}");
    let mut cmd = command("cargo");
    cmd.args(["install", "wasm-bindgen-cli", "--version", &version]);
    run::status(cmd, "cargo install wasm-bindgen-cli")
        .map_err(|_| fail_install("wasm-bindgen-cli", &by_hand))
}

/// npm packages of `tests/` (playwright-core, binaryen for wasm-opt, jsqr for the QR code test). Installed with `npm ci`
/// when `node_modules` is missing or older than the lock file.
fn ensure_npm_packages() -> Result<()> {
    let tests = run::root().join("tests");
    let lock = tests.join("package-lock.json");
    let stamp = tests.join("node_modules").join(".package-lock.json");
    if is_newer_or_same(&stamp, &lock) && run::node_bin_dir().join("wasm-opt").exists() {
        return Ok(());
    }
    if output_of("npm", &["--version"]).is_none() {
        return Err(fail_install(
            "npm (Node.js)",
            "apt-get install -y nodejs npm",
        ));
    }
    println!("xtask: installing npm packages of tests/ (playwright-core, binaryen, jsqr)");
    let mut cmd = command("npm");
    cmd.args(["ci", "--no-audit", "--no-fund", "--prefix", "tests"]);
    run::status(cmd, "npm ci")
        .map_err(|_| fail_install("the npm packages of tests/", "npm ci --prefix tests"))
}

fn is_newer_or_same(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(x), Some(y)) if x >= y)
}

/// Trunk builds offline, so every crate must be in the local registry first.
fn fetch_crates() -> Result<()> {
    let mut cmd = command("cargo");
    cmd.args(["fetch", "--quiet"]);
    run::status(cmd, "cargo fetch")
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let by_hand = "apt-get update && apt-get install -y chromium chromium-driver";
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(Failure::Failed(format!(
            "Chromium and ChromeDriver are missing and installing them needs root; run: sudo sh -c '{by_hand}'"
        )));
    }
    println!("xtask: installing Debian's chromium and chromium-driver");
    let mut update = command("apt-get");
    update
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive");
    run::status(update, "apt-get update").map_err(|_| fail_install("Chromium", by_hand))?;
    let mut install = command("apt-get");
    install
        .args(["install", "-y", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run::status(install, "apt-get install").map_err(|_| fail_install("Chromium", by_hand))
}

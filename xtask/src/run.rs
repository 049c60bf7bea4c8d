//! Running commands from the repository root with the project's tool paths.

use crate::{Failure, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (the workspace that holds `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => home_dir().join(".cargo").join("bin"),
    }
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

/// npm binaries of the test package (wasm-opt from `binaryen`).
pub fn node_bin_dir() -> PathBuf {
    root().join("tests").join("node_modules").join(".bin")
}

/// PATH with the project's tool directories first.
pub fn tool_path() -> OsString {
    let mut dirs = vec![node_bin_dir(), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// A command run from the root with the tool PATH.
pub fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", tool_path());
    cmd
}

/// The release `poolsim` CLI with `args` (built first if needed):
/// `cargo run --quiet --release -p poolsim-cli -- args`.
pub fn poolsim(args: &[&str]) -> Command {
    let mut cmd = command("cargo");
    cmd.args(["run", "--quiet", "--release", "-p", "poolsim-cli", "--"])
        .args(args);
    cmd
}

/// Runs `cmd`, streaming its output; an error names the command.
pub fn status(mut cmd: Command, what: &str) -> Result<()> {
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(Failure::Failed(format!("{what} failed ({s})"))),
        Err(e) => Err(Failure::Failed(format!("{what} could not start: {e}"))),
    }
}

/// Runs `cmd`, streaming its output to the terminal and also returning it (stdout + stderr,
/// interleaved as lines arrive) with whether it succeeded.
pub fn tee(mut cmd: Command) -> std::io::Result<(bool, String)> {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let out = child.stdout.take().expect("piped");
    let err = child.stderr.take().expect("piped");
    let tx2 = tx.clone();
    let a = std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
            let _ = tx.send((false, line));
        }
    });
    let b = std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(|l| l.ok()) {
            let _ = tx2.send((true, line));
        }
    });
    let mut all = String::new();
    for (is_err, line) in rx {
        if is_err {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        all.push_str(&line);
        all.push('\n');
    }
    let _ = (a.join(), b.join());
    std::io::stdout().flush().ok();
    Ok((child.wait()?.success(), all))
}

/// Runs Trunk (found on the tool PATH) with `args`.
pub fn trunk(args: &[&str], env: Option<(&str, &str)>) -> Result<()> {
    let mut cmd = command("trunk");
    cmd.args(args);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    status(cmd, &format!("trunk {}", args.join(" ")))
}

/// Output of a command, or `None` when it cannot run or fails.
pub fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let mut cmd = command(program);
    cmd.args(args);
    stdout_of(cmd)
}

/// Standard output of `cmd`, or `None` when it cannot run or fails.
pub fn stdout_of(mut cmd: Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

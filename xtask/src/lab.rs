//! `cargo xtask lab [--quick]`: measures a real PostgreSQL 15 and PgBouncer with pgbench on this
//! machine (`bench/lab/lab.py`, Python 3 standard library only) and writes CSVs for calibrating
//! the model to `bench/lab/results/` (`results/quick/` for `--quick`). See bench/lab/README.md.
//!
//! Options beyond `--quick` are environment variables the script reads (`LAB_SECONDS`,
//! `LAB_REPS`, `LAB_SWEEPS`, ...; `python3 bench/lab/lab.py --help` lists them).

use crate::run::{self, command};
use crate::{Failure, Result};
use std::path::PathBuf;

/// The lab script, relative to the repository root.
const SCRIPT: [&str; 3] = ["bench", "lab", "lab.py"];

fn script() -> PathBuf {
    SCRIPT
        .iter()
        .fold(run::root(), |path, part| path.join(part))
}

/// The script's arguments for `cargo xtask lab` with `rest`.
pub fn parse(rest: &[String]) -> Result<Vec<String>> {
    match rest {
        [] => Ok(Vec::new()),
        [flag] if flag == "--quick" => Ok(vec![flag.clone()]),
        _ => Err(Failure::Usage(format!(
            "`lab` takes only `--quick` (other options are LAB_* environment variables), got `{}`",
            rest.join(" ")
        ))),
    }
}

pub fn lab(args: &[String]) -> Result<()> {
    let mut py = command("python3");
    py.arg(script()).args(args);
    match py.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(Failure::Failed(format!(
            "the lab failed ({s}); its output above says why"
        ))),
        Err(e) => Err(Failure::Failed(format!(
            "python3 could not start ({e}); install it with: apt-get install -y python3"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_only_quick() {
        assert!(parse(&[]).unwrap().is_empty());
        assert_eq!(parse(&["--quick".into()]).unwrap(), vec!["--quick"]);
        assert!(matches!(parse(&["--full".into()]), Err(Failure::Usage(_))));
        assert!(matches!(
            parse(&["--quick".into(), "x".into()]),
            Err(Failure::Usage(_))
        ));
    }

    /// The script's parsers (pgbench output and logs, perf, /proc) without running anything.
    #[test]
    fn lab_script_self_test_passes() {
        let Ok(out) = std::process::Command::new("python3")
            .arg(script())
            .arg("--self-test")
            .output()
        else {
            eprintln!("python3 is not installed: lab self-test skipped");
            return;
        };
        assert!(
            out.status.success(),
            "lab.py --self-test failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

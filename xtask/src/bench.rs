//! `cargo xtask bench`: the model's criterion benchmarks, then the same M/M/c case simulated by
//! poolsim and by SimPy in one run, so the speed ratio is measured on one machine at one time.

use crate::run::{self, command, tee};
use crate::{Failure, Result};

/// Transactions the M/M/c comparison simulates in each simulator.
const MMC_TRANSACTIONS: u64 = 400_000;

pub fn bench() -> Result<()> {
    println!("==> criterion benchmarks (crates/model/benches)");
    let mut criterion = command("cargo");
    criterion.args(["bench", "-p", "poolsim-model", "--bench", "sim"]);
    run::status(criterion, "cargo bench")?;

    println!("\n==> M/M/c: poolsim vs SimPy, same case, same machine, one run");
    let ours = poolsim_mmc()?;
    let simpy = simpy_mmc()?;
    let ratio = ours / simpy;
    println!(
        "poolsim {:.0} txn/wall-s, SimPy {:.0} txn/wall-s: poolsim is {:.0}x SimPy (goal >= 100x)",
        ours, simpy, ratio
    );
    Ok(())
}

/// Completed transactions per wall second of the `mmc` preset through the release CLI.
fn poolsim_mmc() -> Result<f64> {
    // The `mmc` preset: 8 servers at 80 % utilisation of 2 ms services, 3,200 arrivals/s
    // (bench/simpy_mmc.py simulates the same case).
    let duration = MMC_TRANSACTIONS as f64 / 3_200.0;
    let mut cmd = command("cargo");
    cmd.args([
        "run",
        "--quiet",
        "--profile",
        "bench",
        "-p",
        "poolsim-cli",
        "--",
        "run",
        "--preset",
        "mmc",
        "--warmup",
        "0",
        "--duration",
        &format!("{duration}"),
        "--format",
        "json",
    ]);
    let out = cmd
        .output()
        .map_err(|e| Failure::Failed(format!("poolsim run: {e}")))?;
    if !out.status.success() {
        return Err(Failure::Failed(format!(
            "poolsim run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let completed = json_number(&text, "total_xact_count")
        .ok_or_else(|| Failure::Failed("poolsim JSON has no total_xact_count".into()))?;
    let wall = json_number(&text, "wall_s")
        .ok_or_else(|| Failure::Failed("poolsim JSON has no wall_s".into()))?;
    println!("poolsim: {completed:.0} transactions in {wall:.3} s of wall time");
    Ok(completed / wall)
}

/// SimPy's completed transactions per wall second (SimPy is installed into target/simpy).
fn simpy_mmc() -> Result<f64> {
    let lib = run::root().join("target").join("simpy");
    if !lib.join("simpy").exists() {
        println!("xtask: installing SimPy into target/simpy (pip)");
        let mut pip = command("python3");
        pip.args(["-m", "pip", "install", "--quiet", "--target"])
            .arg(&lib)
            .arg("simpy==4.1.2");
        run::status(pip, "pip install simpy").map_err(|_| {
            Failure::Failed(
                "could not install SimPy; install it by hand with: python3 -m pip install --target target/simpy simpy==4.1.2".into(),
            )
        })?;
    }
    let mut py = command("python3");
    py.arg(run::root().join("bench").join("simpy_mmc.py"))
        .args(["--transactions", &MMC_TRANSACTIONS.to_string()])
        .env("PYTHONPATH", &lib);
    let (ok, text) = tee(py).map_err(|e| Failure::Failed(format!("python3: {e}")))?;
    if !ok {
        return Err(Failure::Failed("the SimPy script failed".into()));
    }
    json_number(&text, "txn_per_wall_s")
        .ok_or_else(|| Failure::Failed("SimPy output has no txn_per_wall_s".into()))
}

/// The first number after `"key":` in `text` (both outputs are flat enough for this).
pub fn json_number(text: &str, key: &str) -> Option<f64> {
    let at = text.find(&format!("\"{key}\""))?;
    let rest = &text[at + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::json_number;

    #[test]
    fn finds_numbers_in_json_text() {
        let t = r#"{"run": {"wall_s": 0.25}, "show_stats": {"total_xact_count": 1200}}"#;
        assert_eq!(json_number(t, "wall_s"), Some(0.25));
        assert_eq!(json_number(t, "total_xact_count"), Some(1200.0));
        assert_eq!(json_number(t, "missing"), None);
        assert_eq!(json_number(r#"{"x": 1.5e3}"#, "x"), Some(1500.0));
    }
}

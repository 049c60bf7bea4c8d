//! The `poolsim` binary as a user runs it.

use std::process::{Command, Output};

fn poolsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poolsim"))
        .args(args)
        .output()
        .expect("poolsim runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = poolsim(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

#[test]
fn params_lists_every_key_with_default_range_and_meaning() {
    let o = poolsim(&["params"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for spec in poolsim_model::PARAMS {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(spec.key))
            .unwrap_or_else(|| panic!("no line for {}", spec.key));
        assert!(line.contains(spec.help), "{line}");
    }
    assert!(text.contains("none|session|transaction|statement"));
}

#[test]
fn presets_lists_every_preset() {
    let text = stdout(&poolsim(&["presets"]));
    for name in poolsim_model::PRESET_NAMES {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name}");
    }
}

#[test]
fn run_json_has_the_documented_fields_in_base_units() {
    let v = json(&[
        "run",
        "--preset",
        "fleet",
        "--duration",
        "1",
        "--warmup",
        "0.5",
        "--format",
        "json",
    ]);
    let s = &v["summary"];
    for path in [
        "/throughput_tps",
        "/latency_s/p99",
        "/latency_s/p50",
        "/pool_wait_s/mean",
        "/memory_bytes/private_total",
        "/memory_bytes/rss_total",
        "/context_switches_per_s/total",
        "/cpu_migrations_per_s",
        "/errors/refused",
        "/show_pools/cl_waiting",
        "/show_stats/total_xact_count",
    ] {
        assert!(s.pointer(path).is_some_and(|x| x.is_number()), "{path}");
    }
    assert!(s["throughput_tps"].as_f64().unwrap() > 0.0);
    // Seconds, not milliseconds: a fleet transaction takes well under a second.
    assert!(s["latency_s"]["p50"].as_f64().unwrap() < 1.0);
    assert_eq!(v["params"]["clients"], 10_000);
    assert_eq!(v["params"]["pool_mode"], "transaction");
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let args = [
        "run",
        "--duration",
        "1",
        "--warmup",
        "0.2",
        "--format",
        "json",
    ];
    let a = json(&[&args[..], &["--seed", "7"]].concat());
    let b = json(&[&args[..], &["--seed", "7"]].concat());
    let c = json(&[&args[..], &["--seed", "8"]].concat());
    assert_eq!(a["summary"], b["summary"]);
    assert_ne!(a["summary"], c["summary"]);
}

#[test]
fn out_of_range_values_are_clamped_and_said() {
    let o = poolsim(&[
        "run",
        "--set",
        "clients=999999",
        "--duration",
        "0.2",
        "--warmup",
        "0",
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("clients"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["params"]["clients"], 20_000);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for args in [
        &["run", "--bogus"][..],
        &["run", "--set", "clients=abc"],
        &["run", "--set", "nokey=1"],
        &["run", "--preset", "nope"],
        &["run", "--format", "xml"],
        &["run", "--duration", "-1"],
        &["run", "--seed", "x"],
        &["sweep"],
        &["sweep", "--vary", "clients=1..x"],
        &["frobnicate"],
    ] {
        let o = poolsim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("poolsim: "), "{err}");
    }
}

#[test]
fn sweep_prints_one_csv_row_per_point() {
    let o = poolsim(&[
        "sweep",
        "--vary",
        "clients=10..1000:3:log",
        "--duration",
        "0.5",
        "--warmup",
        "0.1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "vary.clients");
    assert!(headers.iter().any(|h| h == "summary.latency_s.p99"));
    let rows: Vec<_> = reader.records().map(|r| r.unwrap()).collect();
    let clients: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(clients, ["10", "100", "1000"]);
}

fn lab_dir() -> String {
    format!("{}/../../bench/lab/results", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn validate_prints_a_row_per_lab_point_and_its_exit_status_follows_the_checks() {
    let dir = lab_dir();
    let o = poolsim(&["validate", "--lab-dir", &dir, "--dataset", "lab"]);
    let text = stdout(&o);
    assert!(text.starts_with("== Fitted: lab"), "{text}");
    let lab = std::fs::read_to_string(format!("{dir}/select_only.csv")).expect("lab data");
    let mut points = 0;
    for line in lab.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let (route, clients) = (f[1], f[3]);
        points += 1;
        assert!(
            text.lines().any(|l| {
                let mut w = l.split_whitespace();
                w.next() == Some(route) && w.next() == Some(clients)
            }),
            "no row for {route} {clients}:\n{text}"
        );
    }
    assert_eq!(points, 22, "the committed lab has 22 select-only points");
    let checks: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("PASS") || l.starts_with("FAIL"))
        .collect();
    assert_eq!(
        checks.len(),
        8,
        "four checks per route (TPS, peak, fall, p99):\n{text}"
    );
    let all_pass = checks.iter().all(|l| l.starts_with("PASS"));
    assert_eq!(
        o.status.code(),
        Some(if all_pass { 0 } else { 1 }),
        "{text}"
    );
}

#[test]
fn validate_csv_has_one_row_per_point_and_the_checks_on_stderr() {
    let o = poolsim(&[
        "validate",
        "--lab-dir",
        &lab_dir(),
        "--dataset",
        "lab",
        "--format",
        "csv",
    ]);
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("dataset,use,series,clients,measured_tps,model_tps,tps_error_pct,measured_p99_ms,model_p99_ms,p99_error_pct")
    );
    assert_eq!(lines.count(), 22);
    let err = stderr(&o);
    let fails = err.lines().filter(|l| l.starts_with("FAIL")).count();
    assert_eq!(
        err.lines().filter(|l| l.starts_with("PASS")).count() + fails,
        8
    );
    assert_eq!(o.status.code(), Some(if fails == 0 { 0 } else { 1 }));
}

#[test]
fn validate_reports_fitted_and_held_out_datasets_apart_in_json() {
    let published = format!("{}/../../bench/published", env!("CARGO_MANIFEST_DIR"));
    let o = poolsim(&[
        "validate",
        "--lab-dir",
        &lab_dir(),
        "--published-dir",
        &published,
        "--format",
        "json",
        "--duration",
        "0.2",
        "--warmup",
        "0.1",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let ids = |group: &str| -> Vec<String> {
        v[group]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("fitted"), ["lab", "tembo_2024"]);
    assert_eq!(ids("held_out"), ["freund_2020", "pgdoorman_2026"]);
    let freund = &v["held_out"][0];
    assert_eq!(freund["use"], "held out");
    let series = freund["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["points"].as_array().unwrap().len(), 9);
    assert!(!freund["checks"].as_array().unwrap().is_empty());
    let pass = v["pass"].as_bool().unwrap();
    assert_eq!(o.status.code(), Some(if pass { 0 } else { 1 }));
}

#[test]
fn validate_bad_input_exits_2() {
    let o = poolsim(&["validate", "--lab-dir", "/nonexistent/poolsim-lab"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("select_only.csv"), "{}", stderr(&o));
    let dir = std::env::temp_dir().join(format!("poolsim-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("select_only.csv"),
        "sweep,route,clients,tps_median,p99_ms_median\nselect_only,direct,many,1,1\n",
    )
    .unwrap();
    let o = poolsim(&["validate", "--lab-dir", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("clients"), "{}", stderr(&o));
    let o = poolsim(&["validate", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = poolsim(&["validate", "--dataset", "nonesuch"]);
    assert_eq!(o.status.code(), Some(2));
    let o = poolsim(&[
        "validate",
        "--lab-dir",
        &lab_dir(),
        "--published-dir",
        "/nonexistent/poolsim-published",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("freund_2020"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_runs_on_a_small_lab_file_and_passes_when_the_model_is_within_the_bounds() {
    // A file whose "measurements" are the model's own figures must pass every check: the
    // checks compare, they do not assume the committed data.
    let dir = std::env::temp_dir().join(format!("poolsim-validate-self-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |route: &str, clients: u32| -> f64 {
        let pool = if route == "direct" {
            "pool_mode=none"
        } else {
            "pool_mode=transaction"
        };
        let v = json(&[
            "run",
            "--preset",
            "lab",
            "--set",
            &format!("clients={clients}"),
            "--set",
            pool,
            "--duration",
            "3",
            "--warmup",
            "1",
            "--format",
            "json",
        ]);
        v["summary"]["throughput_tps"].as_f64().unwrap()
    };
    let mut csv = String::from("route,clients,tps_median,p99_ms_median\n");
    for clients in [2, 8, 64] {
        csv.push_str(&format!("direct,{clients},{},\n", run("direct", clients)));
    }
    std::fs::write(dir.join("select_only.csv"), csv).unwrap();
    let o = poolsim(&[
        "validate",
        "--lab-dir",
        dir.to_str().unwrap(),
        "--dataset",
        "lab",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(text.contains("all 3 checks pass"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_markdown_has_a_row_per_lab_point_and_the_svg_a_dot_per_point() {
    let svg = std::env::temp_dir().join(format!("poolsim-validate-{}.svg", std::process::id()));
    let o = poolsim(&[
        "validate",
        "--lab-dir",
        &lab_dir(),
        "--dataset",
        "lab",
        "--format",
        "markdown",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    let text = stdout(&o);
    let rows = |first: &str| {
        text.lines()
            .filter(|l| l.starts_with(&format!("| {first} |")))
            .count()
    };
    assert_eq!(rows("direct") + rows("PgBouncer"), 22, "{text}");
    let checks = text
        .lines()
        .filter(|l| l.contains("| pass |") || l.contains("| **fail** |"))
        .count();
    assert_eq!(checks, 8, "{text}");
    let fails = text.matches("| **fail** |").count();
    assert_eq!(o.status.code(), Some(if fails == 0 { 0 } else { 1 }));
    let drawn = std::fs::read_to_string(&svg).expect("the SVG is written");
    // Each point's median and its error, plus one legend dot per route.
    assert_eq!(drawn.matches("<circle").count(), 2 * 22 + 2);
    std::fs::remove_file(&svg).ok();
}

#[test]
fn size_gives_the_page_engines_numbers_and_clamps_bad_values_with_a_notice() {
    let args = [
        "size",
        "--set",
        "vcpus=4",
        "--set",
        "instances=10",
        "--set",
        "pool=10",
        "--set",
        "think_ms=5",
        "--set",
        "rtt_ms=99999",
        "--format",
        "json",
    ];
    let o = poolsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("500"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    // The same inputs through the page's engine: the same recommendation and sweep.
    let mut inputs = poolsim_page::size::Inputs::default();
    for kv in args[1..args.len() - 2].chunks(2) {
        let (k, value) = kv[1].split_once('=').unwrap();
        inputs.set(k, value).unwrap();
    }
    let report = poolsim_page::sim::size::SizeSweep::run_to_end(&inputs);
    let rec = report.recommendation.expect("a recommendation");
    assert_eq!(v["recommendation"]["pool_size"], rec.pool_size);
    assert_eq!(v["sweep"].as_array().unwrap().len(), report.points.len());
    for (row, p) in v["sweep"].as_array().unwrap().iter().zip(&report.points) {
        assert_eq!(row["tps"].as_f64(), Some(p.tps));
        assert_eq!(row["p99_s"].as_f64(), Some(p.p99_s));
    }
    assert_eq!(v["notices"][0]["key"], "rtt_ms");
    let o = poolsim(&["size", "--set", "vcpus=many"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("vcpus wants a number"),
        "{}",
        stderr(&o)
    );
}

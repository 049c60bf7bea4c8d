//! `poolsim size`: the sizing tool on the command line — the same inputs, sweep and report as
//! the page's "Your server" tool (`poolsim_page::size`, `poolsim_page::sim::size`), as a table
//! or JSON.

use poolsim_page::format::{bytes, count, duration, per_second, percent};
use poolsim_page::sim::size::{SizeReport, SizeSweep};
use poolsim_page::size::{rule_of_thumb, Inputs, Notice, INPUTS, P99_MARGIN};
use serde_json::json;

/// The inputs from `--set KEY=VALUE` pairs, in order, with the notices of clamped values. An
/// unreadable pair is an error.
pub fn inputs(pairs: &[(String, String)]) -> Result<(Inputs, Vec<Notice>), String> {
    let mut inputs = Inputs::default();
    let mut notices = Vec::new();
    for (key, value) in pairs {
        if let Some(n) = inputs.set(key, value)? {
            notices.push(n);
        }
    }
    Ok((inputs, notices))
}

/// The list of inputs (`poolsim size --inputs`): key, unit, range, where to find it.
pub fn render_inputs() -> String {
    let mut out = String::from("numbers (--set KEY=VALUE):\n");
    for s in INPUTS {
        out.push_str(&format!(
            "  {:<18} {} [{}–{}{}]\n  {:<18}   where: {}\n",
            s.key,
            s.label,
            s.min,
            s.max,
            if s.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", s.unit)
            },
            "",
            s.where_to_find
        ));
    }
    out.push_str(
        "switches (on|off): huge_pages, connect_per_request, prepared_statements, set_reset, listen,\n  \
         advisory_locks, temp_tables, with_hold_cursors\n\
         choice: pooler_host = db|own\n\
         load: give tps and connections (a rate), or instances, pool and think_ms (the default)\n",
    );
    out
}

/// The report as text.
pub fn render_table(r: &SizeReport) -> String {
    let mut out = String::new();
    let i = &r.inputs;
    out.push_str(&format!(
        "server: {} vCPUs, PostgreSQL {}, max_connections {}; {} client connections\n\n",
        i.vcpus,
        i.pg_version,
        i.max_connections,
        count(u64::from(i.client_connections()))
    ));
    out.push_str(&format!("pool mode: {}\n", r.advice.mode.key()));
    for (mode, breaks) in &r.advice.other_modes {
        out.push_str(&format!("  {}: {breaks}\n", mode.key()));
    }
    out.push_str("\npool size  tps        p99        errors/s  switching+snapshots\n");
    for p in &r.points {
        let mark = match &r.recommendation {
            Some(rec) if rec.pool_size == p.pool_size => " <- recommended",
            Some(rec) if (rec.range.0..=rec.range.1).contains(&p.pool_size) => " (in range)",
            _ => "",
        };
        out.push_str(&format!(
            "{:>9}  {:<9}  {:<9}  {:<8}  {}{mark}\n",
            p.pool_size,
            per_second(p.tps),
            duration(p.p99_s),
            per_second(p.errors_per_s),
            percent(p.overhead_share)
        ));
    }
    match &r.recommendation {
        Some(rec) => out.push_str(&format!(
            "\nrecommended: default_pool_size = {} (sizes {}–{} are within {:.0} % of the best p99, {}, at full throughput); rule of thumb (cores × 2 + 1): {}\n",
            rec.pool_size,
            rec.range.0,
            rec.range.1,
            P99_MARGIN * 100.0,
            duration(rec.best_p99_s),
            rule_of_thumb(i.vcpus)
        )),
        None => out.push_str("\nno recommendation: no run completed a transaction\n"),
    }
    out.push_str("\n                     direct        through PgBouncer\n");
    let pooled = r.pooled.as_ref();
    let row = |name: &str, d: String, p: Option<String>| {
        format!("{name:<20} {d:<13} {}\n", p.unwrap_or_else(|| "-".into()))
    };
    out.push_str(&row(
        "throughput",
        per_second(r.direct.throughput_tps),
        pooled.map(|v| per_second(v.throughput_tps)),
    ));
    out.push_str(&row(
        "p99",
        duration(r.direct.latency.p99),
        pooled.map(|v| duration(v.latency.p99)),
    ));
    out.push_str(&row(
        "memory (private)",
        bytes(r.direct.memory_private),
        pooled.map(|v| bytes(v.memory_private)),
    ));
    out.push_str(&row(
        "switching+snapshots",
        percent(r.direct.cpu.switching + r.direct.cpu.snapshots),
        pooled.map(|v| percent(v.cpu.switching + v.cpu.snapshots)),
    ));
    out.push_str(&row(
        "errors",
        per_second(r.direct.errors_per_s()),
        pooled.map(|v| per_second(v.errors_per_s())),
    ));
    match (r.pooler_core_utilisation, r.pooler_processes_needed) {
        (Some(u), Some(n)) => out.push_str(&format!(
            "\nPgBouncer: each of {} process(es) keeps its core {} busy; processes for ≤ 70 %: {n}\n",
            i.pooler_processes,
            percent(u)
        )),
        _ => out.push_str("\nPgBouncer on its own host: the model does not account for that host's CPU\n"),
    }
    out.push_str("\nconfiguration:\n");
    let mut file = "";
    for l in &r.config {
        if l.file != file {
            file = l.file;
            out.push_str(&format!("  # {file}\n"));
        }
        out.push_str(&format!("  {:<32} ; {}\n", l.line, l.reason));
    }
    for c in &r.conflicts {
        out.push_str(&format!("\nnote: {c}\n"));
    }
    out.push_str(
        "\nlimits: the model has no disk I/O and no locks; statement time is taken as CPU time.\n",
    );
    out
}

/// The report as JSON.
pub fn render_json(r: &SizeReport, notices: &[Notice]) -> String {
    let side = |v: &poolsim_page::sim::SideView| {
        json!({
            "throughput_tps": v.throughput_tps,
            "p99_s": v.latency.p99,
            "memory_private_bytes": v.memory_private,
            "switching_share": v.cpu.switching,
            "snapshots_share": v.cpu.snapshots,
            "errors_per_s": v.errors_per_s(),
        })
    };
    let value = json!({
        "notices": notices.iter().map(|n| json!({"key": n.key, "text": n.text})).collect::<Vec<_>>(),
        "pool_mode": r.advice.mode.key(),
        "max_prepared_statements": r.advice.max_prepared_statements,
        "other_modes": r.advice.other_modes.iter().map(|(m, b)| json!({"mode": m.key(), "would": b})).collect::<Vec<_>>(),
        "sweep": r.points.iter().map(|p| json!({
            "pool_size": p.pool_size, "tps": p.tps, "p99_s": p.p99_s,
            "errors_per_s": p.errors_per_s, "overhead_share": p.overhead_share,
            "memory_private_bytes": p.memory_private,
        })).collect::<Vec<_>>(),
        "recommendation": r.recommendation.as_ref().map(|rec| json!({
            "pool_size": rec.pool_size, "range": [rec.range.0, rec.range.1],
            "best_p99_s": rec.best_p99_s, "p99_margin": P99_MARGIN,
        })),
        "rule_of_thumb": rule_of_thumb(r.inputs.vcpus),
        "direct": side(&r.direct),
        "pooled": r.pooled.as_ref().map(side),
        "pooler_core_utilisation": r.pooler_core_utilisation,
        "pooler_processes_needed": r.pooler_processes_needed,
        "config": r.config.iter().map(|l| json!({"file": l.file, "line": l.line, "reason": l.reason})).collect::<Vec<_>>(),
        "conflicts": r.conflicts,
    });
    serde_json::to_string_pretty(&value).expect("JSON of plain values")
}

/// Runs the sweep for `pairs`.
pub fn run(pairs: &[(String, String)]) -> Result<(SizeReport, Vec<Notice>), String> {
    let (inputs, notices) = inputs(pairs)?;
    Ok((SizeSweep::run_to_end(&inputs), notices))
}

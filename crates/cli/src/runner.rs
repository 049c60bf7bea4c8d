//! Building parameters from flags and running the model: one run, or one run per sweep point.

use crate::sweep_spec::Vary;
use poolsim_model::{presets, Model, Params};
use serde_json::{json, Value};
use std::time::Instant;

/// What `run` and `sweep` were asked for.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub preset: Option<String>,
    pub sets: Vec<(String, String)>,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub seed: u64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            preset: None,
            sets: Vec::new(),
            duration_s: 20.0,
            warmup_s: 5.0,
            seed: 1,
        }
    }
}

/// One result: the inputs that vary and the model's summary, as JSON.
pub struct Row {
    pub json: Value,
}

/// Parameters from the preset and the `--set` flags; clamping is reported on stderr.
pub fn params(config: &RunConfig, extra: &[(String, String)]) -> Result<Params, String> {
    let mut params = match &config.preset {
        None => Params::default(),
        Some(name) => presets::preset(name).map(|p| p.params).ok_or_else(|| {
            format!(
                "unknown preset `{name}` (presets: {})",
                presets::PRESET_NAMES.join(", ")
            )
        })?,
    };
    for (key, value) in config.sets.iter().chain(extra) {
        match params.set(key, value) {
            Ok(Some(adjustment)) => eprintln!("poolsim: note: {adjustment}"),
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(params)
}

fn seconds_to_ns(s: f64) -> u64 {
    (s * 1e9).round() as u64
}

/// Runs the model: warm-up (discarded), then the measured span.
pub fn simulate(params: Params, config: &RunConfig) -> Value {
    let started = Instant::now();
    let mut model = Model::new(params.clone(), config.seed);
    let warmup = seconds_to_ns(config.warmup_s);
    let mut events = model.advance_to(warmup).events;
    model.reset_stats();
    events += model
        .advance_to(warmup + seconds_to_ns(config.duration_s))
        .events;
    let wall_s = started.elapsed().as_secs_f64();
    if let Some(stall) = model.stall() {
        eprintln!("poolsim: error: {stall}");
    }
    let summary = serde_json::to_value(model.summary()).unwrap_or(Value::Null);
    let simulated = config.warmup_s + config.duration_s;
    let mut json = json!({
        "run": {
            "preset": config.preset.clone().unwrap_or_default(),
            "seed": config.seed,
            "warmup_s": config.warmup_s,
            "duration_s": config.duration_s,
            "wall_s": wall_s,
            "events": events,
            "events_per_wall_s": events as f64 / wall_s.max(1e-9),
            "speed_x_real_time": simulated / wall_s.max(1e-9),
        },
        "params": serde_json::to_value(&params).unwrap_or(Value::Null),
        "summary": summary,
    });
    if let (Some(stall), Value::Object(run)) = (model.stall(), &mut json["run"]) {
        run.insert("stalled".into(), Value::Bool(true));
        run.insert("error".into(), Value::String(stall.to_string()));
    }
    json
}

/// One run; an error if the model stopped (its livelock guard: see `Model::stall`).
pub fn run(config: &RunConfig) -> Result<Row, String> {
    let params = params(config, &[])?;
    let json = simulate(params, config);
    if json["run"]["stalled"].as_bool() == Some(true) {
        return Err("the run stopped before its end (see the error above)".into());
    }
    Ok(Row { json })
}

/// One run per point of the product of all `--vary` values, in order.
pub fn sweep(config: &RunConfig, varies: &[Vary]) -> Result<Vec<Row>, String> {
    let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for vary in varies {
        let spec = poolsim_model::params::spec(&vary.key)
            .ok_or_else(|| format!("--vary: unknown parameter `{}`", vary.key))?;
        let mut values = vary.values.clone();
        if matches!(spec.kind, poolsim_model::ParamKind::Int) {
            // Integer parameters: whole points only, each once.
            values.iter_mut().for_each(|v| *v = v.round());
            values.dedup();
        }
        let mut next = Vec::with_capacity(points.len() * values.len());
        for point in &points {
            for v in &values {
                let mut p = point.clone();
                p.push((vary.key.clone(), format_value(*v)));
                next.push(p);
            }
        }
        points = next;
    }
    points
        .iter()
        .map(|point| {
            let params = params(config, point)?;
            let mut json = simulate(params, config);
            let varied: serde_json::Map<String, Value> = point
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            if let Value::Object(map) = &mut json {
                map.shift_insert(0, "vary".into(), Value::Object(varied));
            }
            Ok(Row { json })
        })
        .collect()
}

/// Sweep values as text for `Params::set`: whole numbers without a fraction.
fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

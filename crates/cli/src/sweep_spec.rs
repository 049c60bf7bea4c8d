//! `--vary KEY=FROM..TO[:STEPS][:log]`: the values a sweep takes for one parameter.

/// One varied parameter and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub values: Vec<f64>,
}

/// Default number of points when `:STEPS` is omitted.
pub const DEFAULT_STEPS: usize = 10;
/// A sweep never runs more points than this (per `--vary`).
pub const MAX_STEPS: usize = 1_000;

/// Parses `KEY=FROM..TO[:STEPS][:log]`. Points include both ends; `log` spaces them geometrically.
pub fn parse(spec: &str) -> Result<Vary, String> {
    let (key, range) = spec
        .split_once('=')
        .ok_or_else(|| format!("--vary wants KEY=FROM..TO[:STEPS][:log], got `{spec}`"))?;
    let mut parts = range.split(':');
    let bounds = parts.next().unwrap_or_default();
    let (from, to) = bounds
        .split_once("..")
        .ok_or_else(|| format!("--vary {key}: `{bounds}` is not FROM..TO"))?;
    let number = |s: &str| -> Result<f64, String> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("--vary {key}: `{s}` is not a number"))
    };
    let (from, to) = (number(from)?, number(to)?);
    let mut steps = DEFAULT_STEPS;
    let mut log = false;
    for part in parts {
        match part {
            "log" => log = true,
            "lin" | "linear" => log = false,
            n => {
                steps = n
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| (1..=MAX_STEPS).contains(&n))
                    .ok_or_else(|| {
                        format!("--vary {key}: steps must be 1..={MAX_STEPS}, got `{n}`")
                    })?
            }
        }
    }
    if log && (from <= 0.0 || to <= 0.0) {
        return Err(format!("--vary {key}: a log sweep needs positive bounds"));
    }
    let values = (0..steps)
        .map(|i| {
            let t = if steps == 1 {
                0.0
            } else {
                i as f64 / (steps - 1) as f64
            };
            if log {
                from * (to / from).powf(t)
            } else {
                from + (to - from) * t
            }
        })
        .collect();
    Ok(Vary {
        key: key.trim().to_string(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_and_log_sweeps_include_both_ends() {
        let v = parse("pool_size=10..50:5").unwrap();
        assert_eq!(v.key, "pool_size");
        assert_eq!(v.values, vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        let v = parse("clients=1..10000:5:log").unwrap();
        let rounded: Vec<f64> = v.values.iter().map(|x| x.round()).collect();
        assert_eq!(rounded, vec![1.0, 10.0, 100.0, 1000.0, 10000.0]);
        assert_eq!(parse("cores=4..4:1").unwrap().values, vec![4.0]);
        assert_eq!(parse("cores=1..10").unwrap().values.len(), DEFAULT_STEPS);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        assert!(parse("clients").unwrap_err().contains("KEY=FROM..TO"));
        assert!(parse("clients=5").unwrap_err().contains("FROM..TO"));
        assert!(parse("clients=a..5").unwrap_err().contains("not a number"));
        assert!(parse("clients=1..5:0").unwrap_err().contains("steps"));
        assert!(parse("clients=0..5:3:log")
            .unwrap_err()
            .contains("positive"));
        assert!(parse("clients=1..NaN").is_err());
    }
}

//! Flattening a JSON summary into dotted keys (`latency_s.p99`) for tables and CSV columns.

use serde_json::Value;

/// `{"a": {"b": 1}}` → `[("a.b", 1)]`, in the document's order. Arrays are indexed (`a.0`).
pub fn flatten(value: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk(&key(k), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(&key(&i.to_string()), v, out);
            }
        }
        leaf => out.push((prefix.to_string(), leaf.clone())),
    }
}

/// A leaf as CSV/table text: numbers in full precision, strings bare, null empty.
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_become_dotted_keys() {
        let v = json!({"throughput_tps": 10.5, "latency_s": {"p50": 0.001, "p99": 0.02}, "mode": "transaction", "xs": [1, 2]});
        let flat = flatten(&v);
        let keys: Vec<&str> = flat.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "throughput_tps",
                "latency_s.p50",
                "latency_s.p99",
                "mode",
                "xs.0",
                "xs.1"
            ]
        );
        assert_eq!(text(&flat[3].1), "transaction");
        assert_eq!(text(&flat[0].1), "10.5");
    }
}

//! Output formats: an aligned table for people, JSON and CSV for programs.

use crate::flatten::{flatten, text};
use crate::runner::Row;
use poolsim_model::params::{ParamKind, ParamSpec, PARAMS};
use poolsim_model::presets;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            other => Err(format!("--format wants table, json or csv, got `{other}`")),
        }
    }
}

pub fn render_one(row: &Row, format: Format) -> Result<String, String> {
    match format {
        Format::Json => Ok(pretty(&row.json)),
        Format::Csv => render_many(std::slice::from_ref(row), Format::Csv),
        Format::Table => {
            let flat = flatten(&row.json);
            let width = flat.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            Ok(flat
                .iter()
                .map(|(k, v)| format!("{k:<width$}  {}\n", text(v)))
                .collect())
        }
    }
}

pub fn render_many(rows: &[Row], format: Format) -> Result<String, String> {
    match format {
        Format::Json => {
            let all: Vec<&serde_json::Value> = rows.iter().map(|r| &r.json).collect();
            Ok(pretty(&serde_json::Value::from(
                all.into_iter().cloned().collect::<Vec<_>>(),
            )))
        }
        Format::Csv => {
            let mut out = csv::Writer::from_writer(Vec::new());
            let flats: Vec<_> = rows.iter().map(|r| flatten(&r.json)).collect();
            if let Some(first) = flats.first() {
                out.write_record(first.iter().map(|(k, _)| k.as_str()))
                    .map_err(|e| e.to_string())?;
            }
            for flat in &flats {
                out.write_record(flat.iter().map(|(_, v)| text(v)))
                    .map_err(|e| e.to_string())?;
            }
            String::from_utf8(out.into_inner().map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())
        }
        Format::Table => Ok(rows
            .iter()
            .map(|r| render_one(r, Format::Table))
            .collect::<Result<Vec<_>, _>>()?
            .join("\n")),
    }
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

pub fn params_table() -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<22} {:>12} {:<34} {:<6} meaning\n",
        "key", "default", "range", "unit"
    ));
    for spec in PARAMS {
        out.push_str(&format!(
            "{:<22} {:>12} {:<34} {:<6} {}\n",
            spec.key,
            default_text(spec),
            range_text(spec),
            spec.unit,
            spec.help
        ));
    }
    out
}

pub fn presets_table() -> String {
    let mut out = String::new();
    for p in presets::all() {
        let words = poolsim_content::preset_words(p.name).unwrap_or(poolsim_content::PresetWords {
            title: "",
            description: "",
        });
        out.push_str(&format!(
            "{:<20} {}\n{:<20} {}\n\n",
            p.name, words.title, "", words.description
        ));
    }
    out
}

/// A registry value as text: the choice's name for enums, the number otherwise.
fn value_text(spec: &ParamSpec, v: f64) -> String {
    match spec.kind {
        ParamKind::Enum(choices) => choices
            .get(v as usize)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        _ => format!("{v}"),
    }
}

fn default_text(spec: &ParamSpec) -> String {
    value_text(spec, spec.default)
}

fn range_text(spec: &ParamSpec) -> String {
    match spec.kind {
        ParamKind::Enum(choices) => choices.join("|"),
        _ => format!(
            "{}..{}{}",
            value_text(spec, spec.min),
            value_text(spec, spec.max),
            if spec.log_scale { " (log)" } else { "" }
        ),
    }
}

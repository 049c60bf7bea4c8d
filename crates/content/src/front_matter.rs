//! The front matter of a content file: the lines between a first line `---` and the next `---`,
//! each `key: value` on one line. A section's file says its place in the page (`order`, a whole
//! number: the sections run smallest first, so a new one takes a number between its neighbours'),
//! its heading (`title`), its entry in the
//! table of contents (`toc`, none without it), whether its heading is numbered (`numbered: yes`,
//! the numbered ideas of the concept note, counted in the outline's order) and its presenter
//! steps: each `step: <title>` followed by its `text: …` and `scenario: …` (model parameter
//! settings `key=value` separated by spaces, `preset=<name>` naming the preset they start from).
//! The intro's file says the page's title (`page_title`), its `lede` and the heading above the
//! table of contents (`title`).
//!
//! A text file of `content/<language>/texts/` has only `key: value` lines (this crate's
//! `build.rs` compiles them into `texts`).
//!
//! Read at build time by the page library's `build.rs` (which compiles the sections' front matter
//! into it, so the figure's module has the steps and headings without reading files) and by this
//! crate's, and natively by the page's `content.rs` (which renders the Markdown after it). Plain
//! code with no dependency, so a build script can include it.

/// One presenter step as its file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepText {
    /// The step's title (`step:`).
    pub title: String,
    /// What the presenter says (`text:`).
    pub text: String,
    /// The preset the scenario starts from (`preset=` in `scenario:`), if any.
    pub preset: Option<String>,
    /// The scenario's model parameter settings (the other `key=value`s of `scenario:`), in order.
    pub settings: Vec<(String, String)>,
}

/// What a content file's front matter says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrontMatter {
    /// Every `key: value` but the steps', in order.
    pub fields: Vec<(String, String)>,
    /// The presenter steps, in order.
    pub steps: Vec<StepText>,
}

impl FrontMatter {
    /// The value of `key`, if the front matter has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A content file split into its front matter and the Markdown after it (the whole file, and
/// empty front matter, when it has none). Errors name the line that could not be read.
pub fn split(file: &str) -> Result<(FrontMatter, &str), String> {
    let Some(rest) = file.strip_prefix("---\n") else {
        return Ok((FrontMatter::default(), file));
    };
    let end = rest
        .find("\n---\n")
        .ok_or("front matter without its closing ---")?;
    let (head, body) = (&rest[..end], &rest[end + "\n---\n".len()..]);
    let mut front = FrontMatter::default();
    for line in head.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("front matter line without `key:`: {line}"))?;
        let (key, value) = (key.trim(), value.trim().to_string());
        match key {
            "step" => front.steps.push(StepText {
                title: value,
                ..StepText::default()
            }),
            "text" | "scenario" => {
                let step = front
                    .steps
                    .last_mut()
                    .ok_or_else(|| format!("{key}: before any step: {line}"))?;
                if key == "text" {
                    step.text = value;
                } else {
                    for setting in value.split_whitespace() {
                        let (k, v) = setting
                            .split_once('=')
                            .ok_or_else(|| format!("scenario setting without `=`: {setting}"))?;
                        match k {
                            "preset" => step.preset = Some(v.to_string()),
                            _ => step.settings.push((k.to_string(), v.to_string())),
                        }
                    }
                }
            }
            _ => front.fields.push((key.to_string(), value)),
        }
    }
    Ok((front, body))
}

/// The `.md` files directly in `dir`, sorted by name (a build script's list of content files);
/// panics naming the directory when it cannot be read.
pub fn markdown_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

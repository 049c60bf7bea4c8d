//! File I/O of the site post-processing, with errors that name the file.

use crate::{Failure, Result};
use std::path::Path;

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Failure::Failed(format!("cannot read {}: {e}", path.display())))
}

pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?)
        .map_err(|_| Failure::Failed(format!("{} is not UTF-8", path.display())))
}

pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    std::fs::write(path, contents)
        .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", path.display())))
}

pub fn remove(path: &Path) -> Result<()> {
    std::fs::remove_file(path)
        .map_err(|e| Failure::Failed(format!("cannot remove {}: {e}", path.display())))
}

/// `doc` with the text between the lines `begin` and `end` replaced by `body` (the marker lines
/// kept): how a document's generated part is rewritten while the rest is left as written.
pub fn splice(
    doc: &str,
    begin: &str,
    end: &str,
    body: &str,
) -> std::result::Result<String, String> {
    let start = doc
        .find(begin)
        .ok_or_else(|| format!("no line `{begin}`"))?;
    let after_begin = start + begin.len();
    let stop = doc[after_begin..]
        .find(end)
        .map(|i| after_begin + i)
        .ok_or_else(|| format!("no line `{end}` after `{begin}`"))?;
    Ok(format!(
        "{}\n{}\n{}",
        &doc[..after_begin],
        body.trim_matches('\n'),
        &doc[stop..]
    ))
}

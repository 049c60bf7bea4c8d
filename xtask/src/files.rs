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

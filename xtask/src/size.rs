//! Size report of the built site: what the first load fetches, raw and gzip -9, against the budget.

use crate::{Failure, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

/// Budget for everything the first load fetches, gzip -9, in bytes (README states it): just above
/// what it measures (258.5 KB), so that growth fails the test and is a decision, not a drift. The
/// target is 200 KB; the explanation and the big dialogs are already a separate module fetched on
/// demand (not counted here, reported apart), and the figure's own module (≈ 214 KB of it) keeps
/// the page above the target: ARCHITECTURE.md says what it is made of. Since the explanation is
/// prerendered into `index.html` (its prose and every figure's static rendering, 23 KB gzip, the
/// first thing a reader reads), the first load carries it too.
pub const FIRST_LOAD_BUDGET_GZIP: u64 = 261_000;

/// The first load's target, gzip -9, in bytes: what the page benchmark reports against (OVER
/// until the figure's own module shrinks), while the test guards [`FIRST_LOAD_BUDGET_GZIP`].
pub const FIRST_LOAD_TARGET_GZIP: u64 = 200_000;

/// One file of the first load.
pub struct Entry {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
}

/// The report: entries and totals.
pub struct Report {
    /// What the first load fetches.
    pub entries: Vec<Entry>,
    /// The explanation's module, fetched on demand: scroll, a #section link, a dialog (not budgeted).
    pub deferred: Vec<Entry>,
}

impl Report {
    pub fn total_raw(&self) -> u64 {
        self.entries.iter().map(|e| e.raw).sum()
    }
    pub fn total_gzip(&self) -> u64 {
        self.entries.iter().map(|e| e.gzip).sum()
    }
    pub fn within_budget(&self) -> bool {
        self.total_gzip() <= FIRST_LOAD_BUDGET_GZIP
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "size report (first load of dist/):")?;
        writeln!(f, "  {:<44} {:>10} {:>10}", "file", "raw", "gzip -9")?;
        for e in &self.entries {
            writeln!(f, "  {:<44} {:>10} {:>10}", e.name, kb(e.raw), kb(e.gzip))?;
        }
        writeln!(
            f,
            "  {:<44} {:>10} {:>10}",
            "total",
            kb(self.total_raw()),
            kb(self.total_gzip())
        )?;
        for e in &self.deferred {
            writeln!(
                f,
                "  {:<44} {:>10} {:>10}  (on demand)",
                e.name,
                kb(e.raw),
                kb(e.gzip)
            )?;
        }
        write!(
            f,
            "  budget {} gzip: {}",
            kb(FIRST_LOAD_BUDGET_GZIP),
            if self.within_budget() {
                "within"
            } else {
                "OVER BUDGET"
            }
        )
    }
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The explanation's module (loaded by `crates/ui/src/lazy.rs`): its loader, glue and wasm.
fn is_deferred(name: &str) -> bool {
    name.starts_with("poolsim-explain")
}

/// Files the browser fetches on first load: the page, its scripts, its wasm, its stylesheets and
/// the favicon (images referenced only by social cards are not fetched by readers).
fn is_first_load(name: &str) -> bool {
    // The custom element's script is loaded by host pages that embed the figure, not by the page.
    if name == "poolsim-figure.js" || is_deferred(name) {
        return false;
    }
    name == "index.html"
        || name == "favicon.svg"
        || name.ends_with(".js")
        || name.ends_with(".wasm")
        || name.ends_with(".css")
}

pub fn report(dist: &Path) -> Result<Report> {
    let read = std::fs::read_dir(dist)
        .map_err(|e| Failure::Failed(format!("cannot read {}: {e}", dist.display())))?;
    let (mut entries, mut deferred) = (Vec::new(), Vec::new());
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let list = if is_first_load(&name) {
            &mut entries
        } else if is_deferred(&name) {
            &mut deferred
        } else {
            continue;
        };
        if !entry.path().is_file() {
            continue;
        }
        let bytes = crate::files::read(&entry.path())?;
        list.push(Entry {
            name,
            raw: bytes.len() as u64,
            gzip: gzip_len(&bytes),
        });
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.gzip));
    deferred.sort_by_key(|e| std::cmp::Reverse(e.gzip));
    Ok(Report { entries, deferred })
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).expect("writing to a Vec");
    enc.finish().expect("writing to a Vec").len() as u64
}

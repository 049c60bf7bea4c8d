//! The explanation's outline: the sections' ids in page order ([`ORDER`], each file's `order:`),
//! with what each section's content file (`content/en/<id>.md`) says of it in its front matter
//! (heading, number, table-of-contents entry, presenter steps; compiled in by `build.rs`), and the page's title and
//! lede from `content/en/intro.md`. The table of contents, every section heading
//! (`content::render`) and the presenter (`presenter::STEPS`) are read from here; the prose of
//! each section is the rest of its file.

/// One step of the talk: a title, what to say (shown on screen), and the scenario it loads.
#[derive(Debug)]
pub struct Step {
    /// The step's heading on screen.
    pub title: &'static str,
    /// What the presenter says, shown under the title.
    pub text: &'static str,
    /// What the step loads into the live figure.
    pub scenario: Scenario,
}

/// What a presenter step loads into the live figure: a preset (or the page's first view) with some
/// model parameters set on top. Only model parameters: a scenario cannot say `present` or `step`,
/// so loading a step never decodes a link and never loads another step.
#[derive(Debug)]
pub struct Scenario {
    /// The preset it starts from, by its name in `poolsim_model::presets`; `None`: the page's first
    /// view (`state::page_default`).
    pub preset: Option<&'static str>,
    /// Model parameters set on top, in order: (registry key, value as the registry reads it).
    pub settings: &'static [(&'static str, &'static str)],
}

impl Scenario {
    /// The parameters this scenario loads, starting from `first_view` when it names no preset, and
    /// the preset it names (an unknown name loads `first_view`; a test holds every name known). The
    /// registry clamps each setting and ignores unreadable ones, as it does for a link.
    pub fn resolve(&self, first_view: Params) -> (Params, Option<PresetId>) {
        let preset = self.preset.and_then(PresetId::from_key);
        let mut params = match preset {
            Some(id) => id.params().clamped().0,
            None => first_view,
        };
        for (key, value) in self.settings {
            let _ = params.set(key, value);
        }
        (params, preset)
    }
}

use poolsim_model::{Params, PresetId};

/// One section of the explanation.
#[derive(Debug)]
pub struct Section {
    /// The element id and `#fragment` of the section, and the island name of its figure.
    pub id: &'static str,
    /// The number in its heading (the numbered ideas of the concept note); `None` for the rest.
    pub number: Option<u8>,
    /// Its entry in the table of contents, if it has one.
    pub toc: Option<&'static str>,
    /// Its heading, without the number.
    pub title: &'static str,
    /// The presenter's steps that tell this section, in order.
    pub steps: &'static [Step],
}

impl Section {
    /// The heading as the page shows it: "5. Connecting is expensive: …".
    pub fn heading(&self) -> String {
        match self.number {
            Some(n) => format!("{n}. {}", self.title),
            None => self.title.to_string(),
        }
    }
}

/// What a section's content file says of it in its front matter (`poolsim_content::front_matter`),
/// compiled in by `build.rs`.
struct SectionFile {
    /// The file's name without `.md`: the section's id.
    id: &'static str,
    /// `title:`, the heading without its number.
    title: &'static str,
    /// `toc:`, the table of contents' entry, if it has one.
    toc: Option<&'static str>,
    /// `numbered: yes`: one of the concept note's numbered ideas.
    numbered: bool,
    /// The presenter's steps (`step:`, `text:`, `scenario:`).
    steps: &'static [Step],
}

include!(concat!(env!("OUT_DIR"), "/front_matter.rs"));

/// Whether two strings are equal, at compile time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The explanation's sections, in page order: [`ORDER`] with what each one's file says, its
/// heading numbered when its file says so (counting up from 1 in page order). A section without a
/// file fails the build.
pub const SECTIONS: [Section; ORDER.len()] = {
    const NONE: Section = Section {
        id: "",
        number: None,
        toc: None,
        title: "",
        steps: &[],
    };
    let mut out = [NONE; ORDER.len()];
    let (mut i, mut numbered) = (0, 0);
    while i < ORDER.len() {
        let mut j = 0;
        while j < FILES.len() && !same(FILES[j].id, ORDER[i]) {
            j += 1;
        }
        assert!(j < FILES.len(), "a section of ORDER has no content file");
        let file = &FILES[j];
        let number = if file.numbered {
            numbered += 1;
            Some(numbered)
        } else {
            None
        };
        out[i] = Section {
            id: file.id,
            number,
            toc: file.toc,
            title: file.title,
            steps: file.steps,
        };
        i += 1;
    }
    out
};

/// The section with this id.
pub fn section(id: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.id == id)
}

/// How many steps the talk has: every section's steps.
pub const STEP_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < SECTIONS.len() {
        n += SECTIONS[i].steps.len();
        i += 1;
    }
    n
};

/// The presenter's talk: every section's steps, in page order.
pub const STEPS: [&Step; STEP_COUNT] = {
    let mut all = [&SECTIONS[0].steps[0]; STEP_COUNT];
    let (mut i, mut n) = (0, 0);
    while i < SECTIONS.len() {
        let steps: &'static [Step] = SECTIONS[i].steps;
        let mut j = 0;
        while j < steps.len() {
            all[n] = &steps[j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    all
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_numbers_count_up_from_one() {
        for (i, s) in SECTIONS.iter().enumerate() {
            assert!(SECTIONS[..i].iter().all(|t| t.id != s.id), "{} twice", s.id);
        }
        let numbers: Vec<u8> = SECTIONS.iter().filter_map(|s| s.number).collect();
        assert_eq!(numbers, (1..=numbers.len() as u8).collect::<Vec<_>>());
    }

    /// The outline is the content's: its sections are the content's files, and each heading,
    /// entry and step is the one its file's front matter gives (natively: it reads the files).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_outline_is_what_the_content_files_say() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/en");
        for s in SECTIONS.iter() {
            let file = std::fs::read_to_string(dir.join(format!("{}.md", s.id))).expect("a file");
            let (front, _) = poolsim_content::front_matter::split(&file).expect("its front matter");
            assert_eq!(Some(s.title), front.get("title"), "{}", s.id);
            assert_eq!(s.toc, front.get("toc"), "{}", s.id);
            let titles: Vec<&str> = front.steps.iter().map(|t| t.title.as_str()).collect();
            let ours: Vec<&str> = s.steps.iter().map(|t| t.title).collect();
            assert_eq!(ours, titles, "{}", s.id);
        }
    }

    #[test]
    fn the_talk_is_every_sections_steps_in_page_order() {
        let flat: Vec<&str> = SECTIONS
            .iter()
            .flat_map(|s| s.steps.iter().map(|t| t.title))
            .collect();
        let talk: Vec<&str> = STEPS.iter().map(|t| t.title).collect();
        assert_eq!(talk, flat);
        assert!(!STEPS.is_empty());
    }
}

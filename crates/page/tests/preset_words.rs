//! Every preset of the model has its words in the content, and every preset entry of the content
//! names a preset: a preset added without its title and description (or words left behind by a
//! removed one) fails here, not silently on the page and in `poolsim presets`.

use poolsim_content::{preset_words, texts};
use poolsim_model::presets::PRESET_NAMES;

#[test]
fn every_preset_has_its_words_and_every_entry_names_a_preset() {
    for name in PRESET_NAMES {
        let words = preset_words(name).unwrap_or_else(|| panic!("{name}: no words"));
        assert!(
            !words.title.is_empty() && !words.description.is_empty(),
            "{name}"
        );
    }
    for (key, _) in texts::presets::ALL {
        let name = key
            .strip_suffix("_title")
            .or_else(|| key.strip_suffix("_description"))
            .unwrap_or_else(|| panic!("{key}: neither `_title` nor `_description`"));
        assert!(PRESET_NAMES.contains(&name), "{key}: no preset {name}");
    }
}

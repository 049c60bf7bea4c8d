//! The figure's side of the explanation's module (`poolsim_ui::lazy` has the protocol): shows the
//! explanation's element and loads the module when the reader gets near it, and hears the presets
//! the explanation asks the figure to load.

use crate::hooks::Intersection;
use gloo::events::EventListener;
use poolsim_ui::lazy::{fragment_id, load, root, PRESET_EVENT, STATE, WAITING};
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// How far below the screen the explanation starts loading: one more screen's height.
const LOAD_MARGIN: &str = "0px 0px 100% 0px";

/// Whether the address's fragment points into the explanation (one of its prerendered sections,
/// or an element only its module draws): then the module is wanted at once.
fn fragment_in_explanation(root: &Element) -> bool {
    fragment_id().is_some_and(|id| match gloo::utils::document().get_element_by_id(&id) {
        Some(target) => root.contains(Some(&target)),
        None => true,
    })
}

/// Shows the explanation's element while `enabled` (the full page, not an embed or presenter
/// mode) and loads the module when the reader scrolls within a screen of it, or at once when the
/// address points into it.
#[hook]
pub fn use_lazy_explanation(enabled: bool) {
    use_effect_with(enabled, |enabled| {
        let mut observer = None;
        if let Some(root) = root() {
            if *enabled {
                let _ = root.remove_attribute("hidden");
                if fragment_in_explanation(&root) {
                    load(&root);
                } else if root.get_attribute(STATE).as_deref() == Some(WAITING) {
                    let target = root.clone();
                    observer = Intersection::observe(&root, Some(LOAD_MARGIN), move |near| {
                        if near {
                            load(&target);
                        }
                    });
                }
            } else {
                let _ = root.set_attribute("hidden", "");
            }
        }
        move || drop(observer)
    });
}

/// Calls `on_preset` with the name carried by every [`PRESET_EVENT`].
#[hook]
pub fn use_preset_events(on_preset: Callback<String>) {
    use_effect_with(on_preset, |on_preset| {
        let on_preset = on_preset.clone();
        let listener = EventListener::new(&gloo::utils::window(), PRESET_EVENT, move |event| {
            if let Some(name) = event
                .dyn_ref::<web_sys::CustomEvent>()
                .and_then(|e| e.detail().as_string())
            {
                on_preset.emit(name);
            }
        });
        move || drop(listener)
    });
}

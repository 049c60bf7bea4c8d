//! Whether an element is on screen (IntersectionObserver) and the tab is visible. Read by the
//! frame loop every frame, so it is a shared cell, not Yew state (no re-render on change).

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry};
use yew::prelude::*;

#[hook]
pub fn use_visible(target: NodeRef) -> Rc<Cell<bool>> {
    let visible = use_memo((), |_| Cell::new(true));
    {
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let flag = visible.clone();
            let callback =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    for entry in entries.iter() {
                        if let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() {
                            flag.set(entry.is_intersecting());
                        }
                    }
                });
            let observer = IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, target.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(callback);
            }
        });
    }
    visible
}

/// The tab is shown (not minimised, not in a background tab).
pub fn tab_visible() -> bool {
    !gloo::utils::document().hidden()
}

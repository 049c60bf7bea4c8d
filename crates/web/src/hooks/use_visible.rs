//! Whether an element is on screen (IntersectionObserver) and the tab is visible. Read by the
//! frame loop every frame, so it is a shared cell, not Yew state (no re-render on change).

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// An IntersectionObserver on one element that calls `on_change(is_intersecting)` for each
/// change it reports; it disconnects when dropped.
pub struct Intersection {
    observer: IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Intersection {
    /// Observes `element`; `root_margin` (CSS margin syntax) grows the viewport it is tested
    /// against. `None` when the browser refuses the observer.
    pub fn observe(
        element: &web_sys::Element,
        root_margin: Option<&str>,
        mut on_change: impl FnMut(bool) + 'static,
    ) -> Option<Self> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter() {
                if let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() {
                    on_change(entry.is_intersecting());
                }
            }
        });
        let options = IntersectionObserverInit::new();
        if let Some(margin) = root_margin {
            options.set_root_margin(margin);
        }
        let observer =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                .ok()?;
        observer.observe(element);
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for Intersection {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

#[hook]
pub fn use_visible(target: NodeRef) -> Rc<Cell<bool>> {
    let visible = use_memo((), |_| Cell::new(true));
    {
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let observer = target
                .cast::<web_sys::Element>()
                .and_then(|el| Intersection::observe(&el, None, move |v| visible.set(v)));
            move || drop(observer)
        });
    }
    visible
}

/// The tab is shown (not minimised, not in a background tab).
pub fn tab_visible() -> bool {
    !gloo::utils::document().hidden()
}

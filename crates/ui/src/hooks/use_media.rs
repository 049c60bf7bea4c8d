//! `matchMedia` as a hook: re-renders when the answer changes (e.g. the OS switches to dark).

use gloo::events::EventListener;
use yew::prelude::*;

/// Whether the media query currently matches.
#[hook]
pub fn use_media_query(query: &'static str) -> bool {
    // Natively (a server rendering) there is no window: no query matches.
    let list = use_memo(query, |q| {
        #[cfg(target_arch = "wasm32")]
        return gloo::utils::window().match_media(q).ok().flatten();
        #[cfg(not(target_arch = "wasm32"))]
        return {
            let _ = q;
            None::<web_sys::MediaQueryList>
        };
    });
    let matches = use_state(|| list.as_ref().as_ref().is_some_and(|m| m.matches()));
    {
        let matches = matches.clone();
        use_effect_with(list, move |list| {
            let listener = list.as_ref().as_ref().map(|m| {
                let m2 = m.clone();
                EventListener::new(m, "change", move |_| matches.set(m2.matches()))
            });
            move || drop(listener)
        });
    }
    *matches
}

#[hook]
pub fn use_prefers_dark() -> bool {
    use_media_query("(prefers-color-scheme: dark)")
}

#[hook]
pub fn use_reduced_motion() -> bool {
    use_media_query("(prefers-reduced-motion: reduce)")
}

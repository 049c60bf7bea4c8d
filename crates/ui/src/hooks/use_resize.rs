//! A counter bumped on every window resize, for canvases that follow their CSS size.

use gloo::events::EventListener;
use yew::prelude::*;

#[hook]
pub fn use_resize_tick() -> u32 {
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "resize", move |_| {
                tick.set(tick.wrapping_add(1))
            });
            move || drop(listener)
        });
    }
    *tick
}

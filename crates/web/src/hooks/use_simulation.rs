//! The frame loop. The two running models live in a mutable cell (not Yew state); each animation
//! frame steps them for at most [`FRAME_BUDGET_MS`] of `performance.now()`, then publishes a small
//! view model and re-renders. A changed control is applied during the render that shows it, so the
//! readouts answer in the same frame.

use super::use_visible::tab_visible;
use gloo::render::{request_animation_frame, AnimationFrame};
use poolsim_page::sim::{LiveView, SimPair};
use poolsim_page::state::PageState;
use poolsim_ui::lazy::STEPPING_ATTRIBUTE;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Model stepping per frame (both models together), in ms: leaves most of a 16 ms frame to
/// rendering, so no task gets near 50 ms.
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Simulated time a "step" press advances.
const STEP_NS: u64 = 100_000_000;
/// Longest real-time gap one frame makes up for (after a stall, the model does not race).
const MAX_FRAME_GAP_MS: f64 = 100.0;

fn clock() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

fn announce_stepping(on: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute(STEPPING_ATTRIBUTE, if on { "1" } else { "0" });
    }
}

/// Where the hook keeps the models and what it last published.
struct Shared {
    pair: RefCell<SimPair>,
    latest: RefCell<Rc<LiveView>>,
    generation: Cell<u32>,
    steps: Cell<u32>,
}

#[hook]
pub fn use_simulation(state: &PageState, calm: bool, visible: Rc<Cell<bool>>) -> Rc<LiveView> {
    let shared = use_memo((), |_| {
        let pair = SimPair::new(&state.params, state.seed);
        let latest = Rc::new(pair.view());
        Shared {
            pair: RefCell::new(pair),
            latest: RefCell::new(latest),
            generation: Cell::new(state.generation),
            steps: Cell::new(state.steps),
        }
    });
    let redraw = use_force_update();

    // Apply what changed since the last render, then read the figures for this render.
    {
        let mut pair = shared.pair.borrow_mut();
        let mut changed = if shared.generation.get() != state.generation {
            *pair = SimPair::new(&state.params, state.seed);
            shared.generation.set(state.generation);
            true
        } else {
            pair.set_params(&state.params)
        };
        if shared.steps.get() != state.steps {
            shared.steps.set(state.steps);
            pair.step(STEP_NS, clock() + FRAME_BUDGET_MS * 4.0, &clock);
            changed = true;
        }
        if changed {
            *shared.latest.borrow_mut() = Rc::new(pair.view());
        }
    }

    let speed = state.speed();
    use_effect_with((state.playing, speed.map(f64::to_bits), calm), {
        let shared = shared.clone();
        move |&(playing, _, calm)| {
            let frame_loop =
                playing.then(|| FrameLoop::start(shared, speed, calm, visible, redraw));
            move || drop(frame_loop)
        }
    });

    let latest = shared.latest.borrow().clone();
    latest
}

/// A running requestAnimationFrame loop; dropping it stops the loop.
struct FrameLoop {
    handle: Rc<RefCell<Option<AnimationFrame>>>,
}

struct LoopState {
    shared: Rc<Shared>,
    speed: Option<f64>,
    publish_every_ms: f64,
    visible: Rc<Cell<bool>>,
    redraw: UseForceUpdateHandle,
    last_frame: Cell<Option<f64>>,
    last_publish: Cell<f64>,
    ratio: Cell<f64>,
    /// What was last announced in [`STEPPING_ATTRIBUTE`].
    stepping: Cell<Option<bool>>,
}

impl FrameLoop {
    fn start(
        shared: Rc<Shared>,
        speed: Option<f64>,
        calm: bool,
        visible: Rc<Cell<bool>>,
        redraw: UseForceUpdateHandle,
    ) -> FrameLoop {
        let handle = Rc::new(RefCell::new(None));
        let state = Rc::new(LoopState {
            shared,
            speed,
            // Reduced motion: the numbers still move, but calmly.
            publish_every_ms: if calm { 500.0 } else { 30.0 },
            visible,
            redraw,
            last_frame: Cell::new(None),
            last_publish: Cell::new(f64::NEG_INFINITY),
            ratio: Cell::new(speed.unwrap_or(1.0)),
            stepping: Cell::new(None),
        });
        schedule(state, handle.clone());
        FrameLoop { handle }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.handle.borrow_mut().take();
        announce_stepping(false);
    }
}

fn schedule(state: Rc<LoopState>, handle: Rc<RefCell<Option<AnimationFrame>>>) {
    let next = handle.clone();
    let frame = request_animation_frame(move |_| {
        frame(&state);
        // The loop was stopped while this frame ran: do not re-arm it.
        if next.borrow().is_some() {
            schedule(state, next.clone());
        }
    });
    *handle.borrow_mut() = Some(frame);
}

fn frame(s: &LoopState) {
    let start = clock();
    let stepping = s.visible.get() && tab_visible();
    if s.stepping.replace(Some(stepping)) != Some(stepping) {
        announce_stepping(stepping);
    }
    if !stepping {
        s.last_frame.set(None);
        return;
    }
    let Some(last) = s.last_frame.replace(Some(start)) else {
        return;
    };
    let gap_ms = (start - last).clamp(0.0, MAX_FRAME_GAP_MS);
    let mut pair = s.shared.pair.borrow_mut();
    let before = pair.now_ns();
    let target = match s.speed {
        Some(speed) => before + (gap_ms * speed * 1e6) as u64,
        None => u64::MAX / 4,
    };
    let reached = pair.run_until(target, start + FRAME_BUDGET_MS, &clock);
    if gap_ms > 0.0 {
        let ratio = (reached - before) as f64 / 1e6 / gap_ms;
        let smooth = 0.9 * s.ratio.get() + 0.1 * ratio;
        s.ratio.set(smooth);
        let behind = s.speed.is_some_and(|speed| smooth < 0.9 * speed);
        pair.set_pace(smooth, behind);
    }
    if start - s.last_publish.get() >= s.publish_every_ms {
        s.last_publish.set(start);
        *s.shared.latest.borrow_mut() = Rc::new(pair.view());
        drop(pair);
        s.redraw.force_update();
    }
}

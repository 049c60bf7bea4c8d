//! Progressive computation for the explanation's figures: a [`Job`] does a little work per call,
//! and [`use_job`] drives it from `requestAnimationFrame`, spending at most a time budget of each
//! frame on it, so a long sweep never freezes the page. The job restarts when its inputs change
//! and stops when the component unmounts.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Milliseconds of work per animation frame, shared by all the explanation's jobs: well under a
/// 60 Hz frame, leaving the rest to the browser and to the live figure above (which has its own
/// budget).
pub const FRAME_BUDGET_MS: f64 = 6.0;

/// The same while the live figure is not stepping (paused, or scrolled off screen, which is where
/// it is while the reader reads the explanation): its share of the frame is free.
pub const FRAME_BUDGET_ALONE_MS: f64 = 12.0;

/// This frame's budget: the live figure says on `<html>` whether it is stepping
/// (`poolsim_ui::lazy::STEPPING_ATTRIBUTE`).
fn frame_budget() -> f64 {
    let stepping = gloo::utils::document()
        .document_element()
        .and_then(|root| root.get_attribute(poolsim_ui::lazy::STEPPING_ATTRIBUTE));
    if stepping.as_deref() == Some("0") {
        FRAME_BUDGET_ALONE_MS
    } else {
        FRAME_BUDGET_MS
    }
}

/// What one [`Job::step`] should take at most, ms.
pub const STEP_MS: f64 = 1.0;

thread_local! {
    /// (timestamp of the frame being worked in, ms of it already spent by jobs). Every
    /// requestAnimationFrame callback of one frame gets the same timestamp.
    static FRAME: Cell<(f64, f64)> = const { Cell::new((-1.0, 0.0)) };
    /// This frame's budget, read once when the frame's first job runs.
    static BUDGET: Cell<f64> = const { Cell::new(FRAME_BUDGET_MS) };
}

/// What is left of this frame's budget, for the frame with timestamp `ts`.
fn budget_left(ts: f64) -> f64 {
    FRAME.with(|f| {
        let (frame, used) = f.get();
        if frame == ts {
            BUDGET.get() - used
        } else {
            f.set((ts, 0.0));
            BUDGET.set(frame_budget());
            BUDGET.get()
        }
    })
}

fn spend(ms: f64) {
    FRAME.with(|f| {
        let (frame, used) = f.get();
        f.set((frame, used + ms));
    });
}

/// A computation done in small steps.
pub trait Job: 'static {
    /// What the view shows, published after each frame's work.
    type Output: Clone + PartialEq + 'static;
    /// Does one small, bounded piece of work (well under a millisecond). Returns true when done.
    fn step(&mut self) -> bool;
    /// Fraction done, 0 to 1.
    fn progress(&self) -> f64;
    /// The result so far.
    fn output(&self) -> Self::Output;
}

/// What a running job has published.
#[derive(Clone, PartialEq)]
pub struct JobView<O> {
    pub output: O,
    pub progress: f64,
    pub done: bool,
    /// Longest single frame of work so far, in ms (reported by the sweep).
    pub worst_frame_ms: f64,
}

pub fn now_ms() -> f64 {
    #[cfg(not(feature = "ssr"))]
    {
        gloo::utils::window()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
    // Natively (the prerender) there is no page: a monotonic clock cuts the work the same way.
    #[cfg(feature = "ssr")]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1e3
    }
}

/// The running job of one component, with the inputs it was made from and its latest view.
struct Running<D, J: Job> {
    deps: D,
    job: Rc<RefCell<J>>,
    view: Rc<RefCell<JobView<J::Output>>>,
}

/// Works on `job` for at most `budget` ms and returns its view.
fn work<J: Job>(job: &mut J, budget: f64, worst: f64) -> JobView<J::Output> {
    let t0 = now_ms();
    let mut done = false;
    // Steps take up to about a millisecond: stop when the next one might not fit.
    while !done && now_ms() - t0 + STEP_MS < budget {
        done = job.step();
    }
    spend(now_ms() - t0);
    JobView {
        output: job.output(),
        progress: if done { 1.0 } else { job.progress() },
        done,
        worst_frame_ms: worst.max(now_ms() - t0),
    }
}

/// Runs the job made by `make(&deps)` progressively; restarts it whenever `deps` change.
/// No work is done during render: the first numbers appear one frame later. (Natively, in the
/// prerender's server rendering, the job is done during the one render.)
#[hook]
pub fn use_job<D, J, F>(deps: D, make: F) -> JobView<J::Output>
where
    D: PartialEq + Clone + 'static,
    J: Job,
    F: FnOnce(&D) -> J,
{
    let running = use_mut_ref(|| None::<Running<D, J>>);
    let redraw = use_force_update();
    let stale = running.borrow().as_ref().is_none_or(|r| r.deps != deps);
    if stale {
        let mut job = make(&deps);
        #[cfg(not(feature = "ssr"))]
        let view = work(&mut job, 0.0, 0.0);
        // Natively the figure is rendered once, by the prerender (`sections::static_html`): its
        // runs go to the end here, so the static figure shows their results. (How the work is cut
        // does not change the results: same seed, same events.) No frame was measured.
        #[cfg(feature = "ssr")]
        let view = JobView {
            worst_frame_ms: 0.0,
            ..work(&mut job, f64::INFINITY, 0.0)
        };
        *running.borrow_mut() = Some(Running {
            deps: deps.clone(),
            job: Rc::new(RefCell::new(job)),
            view: Rc::new(RefCell::new(view)),
        });
    }
    let (job, view) = {
        let r = running.borrow();
        let r = r.as_ref().expect("job created above");
        (r.job.clone(), r.view.clone())
    };
    {
        let (job, view) = (job.clone(), view.clone());
        use_effect_with(deps, move |_| {
            let cancelled = Rc::new(Cell::new(false));
            let pending = Rc::new(Cell::new(None::<i32>));
            let tick: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
            if !view.borrow().done {
                let (tick2, cancelled2, pending2) =
                    (tick.clone(), cancelled.clone(), pending.clone());
                *tick.borrow_mut() = Some(Closure::new(move |ts: f64| {
                    pending2.set(None);
                    if cancelled2.get() {
                        return;
                    }
                    let left = budget_left(ts);
                    let mut done = false;
                    // Other jobs used this frame up: wait for the next one.
                    if left > STEP_MS {
                        let worst = view.borrow().worst_frame_ms;
                        let next = work(&mut *job.borrow_mut(), left, worst);
                        done = next.done;
                        *view.borrow_mut() = next;
                        redraw.force_update();
                    }
                    if !done {
                        if let Some(f) = tick2.borrow().as_ref() {
                            pending2.set(request_frame(f));
                        }
                    }
                }));
                if let Some(f) = tick.borrow().as_ref() {
                    pending.set(request_frame(f));
                }
            }
            move || {
                cancelled.set(true);
                if let Some(id) = pending.take() {
                    gloo::utils::window().cancel_animation_frame(id).ok();
                }
                // Break the closure's reference to itself.
                tick.borrow_mut().take();
            }
        });
    }
    let current = view.borrow().clone();
    current
}

/// A requestAnimationFrame callback (it receives the frame's timestamp).
type FrameCallback = Closure<dyn FnMut(f64)>;

fn request_frame(f: &FrameCallback) -> Option<i32> {
    gloo::utils::window()
        .request_animation_frame(f.as_ref().unchecked_ref())
        .ok()
}

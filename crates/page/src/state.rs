//! The page's state: the model's own [`Params`] (one struct for the CLI, the URL and the page),
//! the seed and the transport (play, speed), and the presenter step. Changed only through
//! [`Action`]s; the running models are not here (see `sim.rs`).

use crate::chosen::Chosen;
use crate::outline::STEPS;
use crate::presenter::StepMove;
use poolsim_model::{Params, PoolMode, PresetId};

/// The pool modes a reader can pick: every mode but the model's `none`, which is the pooler
/// switch.
pub const POOL_MODES: &[PoolMode] = PoolMode::ALL.split_at(1).1;

/// The page's untouched first view: the model's default scenario (a fleet's worth of clients over
/// a pool of 3× the cores), with a shorter think time so the server is saturated and the pooled
/// side wins on memory by ~60× and on p99 latency and throughput too (checked in `claims`).
pub fn page_default() -> Params {
    Params {
        think_ms: 150.0,
        ..Params::default()
    }
}

/// Simulated seconds per real second; `None` means "as fast as the frame budget allows".
pub const SPEEDS: [Option<f64>; 8] = [
    Some(0.1),
    Some(0.25),
    Some(0.5),
    Some(1.0),
    Some(2.0),
    Some(5.0),
    Some(10.0),
    None,
];
pub const DEFAULT_SPEED: usize = 3;
pub const DEFAULT_SEED: u64 = 1;

poolsim_model::keyed! {
    /// The page's colours: the reader's system setting, or one a teacher's link fixes (a projector
    /// washes out a light page; a phone in a dark room wants the dark one).
    /// Its key is its name in the URL (`palette=dark`) and on `<html data-palette>`; its label is
    /// the teacher's dialog's.
    #[derive(Default)]
    pub enum Palette {
        /// The reader's system setting.
        #[default]
        Auto => "auto", label "the reader's system";
        /// Light.
        Light => "light";
        /// Dark.
        Dark => "dark";
        /// Presenter mode's black, high-contrast palette, without its large type.
        Projector => "projector", label "projector (black, high contrast)";
    }
}

impl Palette {
    /// Whether canvases draw on a dark background, given the system's preference.
    pub fn dark(self, prefers_dark: bool) -> bool {
        match self {
            Palette::Auto => prefers_dark,
            Palette::Light => false,
            Palette::Dark | Palette::Projector => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    /// What both models simulate. `pool_mode == none` means the pooler is switched off (only the
    /// direct side runs); the direct side always runs these parameters without a pooler.
    pub params: Params,
    /// The mode the pooler gets back when it is switched on again.
    pub last_mode: PoolMode,
    /// The preset the parameters started from, if any (kept in the URL).
    pub preset: Option<PresetId>,
    pub seed: u64,
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Presenter mode and its step (0-based).
    pub present: bool,
    pub step: usize,
    /// Bumped on every reset (and seed change): the models are re-created.
    pub generation: u32,
    /// Bumped on every "step" press while paused.
    pub steps: u32,
    /// The steps of the talk a teacher chose (0-based).
    pub talk: Chosen,
    /// The challenges a teacher chose (indices into `url_state::CHALLENGE_IDS`).
    pub challenges: Chosen,
    pub palette: Palette,
}

impl PageState {
    pub fn new(playing: bool) -> PageState {
        PageState {
            params: page_default(),
            last_mode: PoolMode::Transaction,
            preset: None,
            seed: DEFAULT_SEED,
            playing,
            speed: DEFAULT_SPEED,
            present: false,
            step: 0,
            generation: 0,
            steps: 0,
            talk: Chosen::ALL,
            challenges: Chosen::ALL,
            palette: Palette::Auto,
        }
    }
    pub fn speed(&self) -> Option<f64> {
        SPEEDS[self.speed.min(SPEEDS.len() - 1)]
    }
    pub fn pooler(&self) -> bool {
        self.params.pooled()
    }
    /// The pool mode the selector shows (the remembered one while the pooler is off).
    pub fn shown_mode(&self) -> PoolMode {
        if self.pooler() {
            self.params.pool_mode
        } else {
            self.last_mode
        }
    }
}

impl Default for PageState {
    fn default() -> Self {
        PageState::new(true)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Sets one model parameter by its registry key (numbers as text, enums by name); the
    /// registry clamps, and unreadable values change nothing.
    Set(&'static str, String),
    Pooler(bool),
    PoolMode(PoolMode),
    /// Replace every parameter (a preset, a presenter step, a `set` message).
    Params(Box<Params>, Option<PresetId>),
    Play(bool),
    Step,
    Speed(usize),
    Seed(u64),
    Reset,
    /// Enter presenter mode (at the state's step, loading its scenario) or leave it.
    Present(bool),
    TogglePresent,
    /// Move the talk (presenter mode only): loads the new step's scenario in a fresh run.
    GoTo(StepMove),
}

impl PageState {
    /// The pure transition; every number is clamped by the model's registry.
    pub fn apply(mut self, action: Action) -> PageState {
        match action {
            Action::Set(key, value) => {
                let _ = self.params.set(key, &value);
                if key == "pool_mode" && self.params.pooled() {
                    self.last_mode = self.params.pool_mode;
                }
            }
            Action::Pooler(on) => {
                self.params.pool_mode = if on { self.last_mode } else { PoolMode::None };
            }
            Action::PoolMode(m) if m != PoolMode::None => {
                self.last_mode = m;
                if self.params.pooled() {
                    self.params.pool_mode = m;
                }
            }
            Action::PoolMode(_) => self.params.pool_mode = PoolMode::None,
            Action::Params(p, preset) => {
                self.params = p.clamped().0;
                if self.params.pooled() {
                    self.last_mode = self.params.pool_mode;
                }
                self.preset = preset;
            }
            Action::Play(on) => self.playing = on,
            Action::Step => {
                self.playing = false;
                self.steps = self.steps.wrapping_add(1);
            }
            Action::Speed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Action::Seed(s) => {
                self.seed = s;
                self.generation = self.generation.wrapping_add(1);
            }
            Action::Reset => self.generation = self.generation.wrapping_add(1),
            Action::Present(true) => {
                self.present = true;
                let step = StepMove::To(self.step).within(self.step, self.talk);
                self = self.load_step(step);
            }
            Action::Present(false) => {
                self.present = false;
                self.step = 0;
            }
            Action::TogglePresent => {
                let on = !self.present;
                self = self.apply(Action::Present(on));
            }
            Action::GoTo(to) if self.present => {
                let step = to.within(self.step, self.talk);
                self = self.load_step(step);
            }
            Action::GoTo(_) => {}
        }
        self
    }

    /// Presenter step `n` and its scenario's parameters (what a presenter link opens on).
    pub fn with_step_scenario(self, n: usize) -> PageState {
        let (params, preset) = step_scenario(n);
        let mut s = self.apply(Action::Params(Box::new(params), preset));
        s.step = StepMove::To(n).from(0);
        s
    }

    /// Presenter step `n` with its scenario, in a fresh run that plays.
    fn load_step(self, n: usize) -> PageState {
        let mut s = self.with_step_scenario(n);
        s.generation = s.generation.wrapping_add(1);
        s.playing = true;
        s
    }
}

/// Presenter step `n`'s scenario (the last step's for `n` past the end): its parameters, from the
/// page's first view or its preset, and the preset they come from.
pub fn step_scenario(n: usize) -> (Params, Option<PresetId>) {
    STEPS[n.min(STEPS.len() - 1)]
        .scenario
        .resolve(page_default())
}

/// The page's reducer for Yew's `use_reducer` (the figure's app): with the `yew` feature only, so
/// this crate and its tests link no Yew.
#[cfg(feature = "yew")]
impl yew::Reducible for PageState {
    type Action = Action;
    fn reduce(self: std::rc::Rc<Self>, action: Action) -> std::rc::Rc<Self> {
        std::rc::Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(key: &'static str, v: &str) -> Action {
        Action::Set(key, v.to_string())
    }

    #[test]
    fn actions_clamp_to_the_registry_ranges() {
        let s = PageState::default().apply(set("clients", "1000000"));
        assert_eq!(s.params.clients, 20_000);
        let s = s.apply(set("pool_size", "0"));
        assert_eq!(s.params.pool_size, 1);
        let s = s.apply(set("clients", "lots"));
        assert_eq!(s.params.clients, 20_000, "unreadable input changes nothing");
        let s = s.apply(Action::Speed(99));
        assert_eq!(s.speed(), None);
    }

    #[test]
    fn the_pooler_switch_remembers_the_mode() {
        let s = PageState::default().apply(Action::PoolMode(PoolMode::Session));
        assert_eq!(s.params.pool_mode, PoolMode::Session);
        let s = s.apply(Action::Pooler(false));
        assert_eq!(
            (s.params.pool_mode, s.shown_mode()),
            (PoolMode::None, PoolMode::Session)
        );
        let s = s.apply(Action::PoolMode(PoolMode::Statement));
        assert_eq!(
            s.params.pool_mode,
            PoolMode::None,
            "picking a mode does not switch it on"
        );
        let s = s.apply(Action::Pooler(true));
        assert_eq!(s.params.pool_mode, PoolMode::Statement);
    }

    #[test]
    fn entering_presenter_mode_loads_the_step_and_fast_moves_all_count() {
        let s = PageState::default().apply(Action::TogglePresent);
        assert!(s.present);
        assert_eq!(s.step, 0);
        assert_eq!(s.params, step_scenario(0).0, "step 1's scenario is loaded");
        // Five presses applied back to back, each relative to the state before it.
        let moves = [StepMove::Next; 5];
        let s = moves.iter().fold(s, |s, m| s.apply(Action::GoTo(*m)));
        assert_eq!(s.step, 5);
        assert_eq!(s.params, step_scenario(5).0);
        let s = s.apply(Action::GoTo(StepMove::Previous));
        assert_eq!((s.step, s.preset), (4, step_scenario(4).1));
        let s = s.apply(Action::TogglePresent);
        assert!(!s.present);
        assert_eq!(
            s.apply(Action::GoTo(StepMove::Next)).step,
            0,
            "no moves outside presenter mode"
        );
    }

    #[test]
    fn a_chosen_talk_moves_only_through_its_steps() {
        let s = PageState {
            talk: [1, 4, 7].into_iter().collect(),
            ..PageState::default()
        }
        .apply(Action::TogglePresent);
        assert_eq!(s.step, 1, "the talk starts at its first chosen step");
        let s = s.apply(Action::GoTo(StepMove::Next));
        assert_eq!((s.step, &s.params), (4, &step_scenario(4).0));
        let s = s.apply(Action::GoTo(StepMove::Last));
        assert_eq!(s.step, 7);
        let s = s.apply(Action::GoTo(StepMove::Next));
        assert_eq!(s.step, 7);
        let s = s.apply(Action::GoTo(StepMove::First));
        assert_eq!(s.step, 1);
        let s = s.apply(Action::GoTo(StepMove::To(5)));
        assert_eq!(
            s.step, 7,
            "a step outside the talk goes to the next chosen one"
        );
    }

    #[test]
    fn step_pauses_and_seed_recreates() {
        let s = PageState::default();
        let g = s.generation;
        let s = s.apply(Action::Step);
        assert!(!s.playing);
        assert_eq!(s.steps, 1);
        let s = s.apply(Action::Seed(7));
        assert_eq!((s.seed, s.generation), (7, g + 1));
    }
}

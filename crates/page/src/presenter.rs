//! The data of presenter mode (the figure's crate draws it): the talk's steps, the keyboard
//! commands and where a move lands.
//!
//! Presenter mode for classrooms (`?present=1` or the `P` key): the explanation as a sequence of
//! steps, each loading its scenario into the live figure, advanced with →/PageDown/Space (what
//! presentation clickers send) and ←/PageUp; large type and a high-contrast projector palette
//! (`present` class on the page, see `style.css`).

use crate::chosen::Chosen;

pub use crate::outline::{Step, STEPS};

/// The keyboard shortcuts, for the help overlay (`?`).
pub const SHORTCUTS: [(&str, &str); 9] = [
    ("P", "presenter mode on / off"),
    ("→  PageDown  Space", "next step"),
    ("←  PageUp", "previous step"),
    ("Home / End", "first / last step"),
    ("F", "full screen"),
    ("K", "play / pause"),
    (".", "step the model (paused)"),
    ("R", "reset the run"),
    ("?", "this help; Esc closes it"),
];

/// What a key press does in presenter mode (or anywhere, for `P`, `?`, `K`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCommand {
    TogglePresent,
    Next,
    Previous,
    First,
    Last,
    Fullscreen,
    PlayPause,
    StepModel,
    Reset,
    Help,
    Close,
}

/// The command for a `KeyboardEvent.key`, if any. Arrow and page keys only act in presenter mode,
/// so they keep scrolling the page otherwise.
pub fn key_command(key: &str, presenting: bool) -> Option<KeyCommand> {
    use KeyCommand::*;
    let any = match key {
        "p" | "P" => Some(TogglePresent),
        "?" => Some(Help),
        "Escape" => Some(Close),
        "k" | "K" => Some(PlayPause),
        "." => Some(StepModel),
        "r" | "R" => Some(Reset),
        _ => None,
    };
    if any.is_some() || !presenting {
        return any;
    }
    match key {
        "ArrowRight" | "PageDown" | " " | "ArrowDown" => Some(Next),
        "ArrowLeft" | "PageUp" | "ArrowUp" => Some(Previous),
        "Home" => Some(First),
        "End" => Some(Last),
        "f" | "F" => Some(Fullscreen),
        _ => None,
    }
}

/// Where a key press or button moves the talk. Moves are relative to the step the state holds
/// when the move is applied (in the reducer), so key presses sent faster than the page renders
/// are all counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepMove {
    Next,
    Previous,
    First,
    Last,
    To(usize),
}

impl StepMove {
    /// The step (0-based, within the talk) this move lands on from `current`.
    pub fn from(self, current: usize) -> usize {
        let last = STEPS.len() - 1;
        match self {
            StepMove::Next => (current + 1).min(last),
            StepMove::Previous => current.saturating_sub(1),
            StepMove::First => 0,
            StepMove::Last => last,
            StepMove::To(n) => n.min(last),
        }
    }
}

impl StepMove {
    /// The step this move lands on from `current` when a teacher chose the steps of the talk
    /// (`talk`: 0-based, ascending; empty means every step). A step outside the talk moves to the
    /// first chosen step at or after it.
    pub fn within(self, current: usize, talk: Chosen) -> usize {
        // The chosen steps as bits (bits beyond the last step are not steps).
        let steps = talk.0 & (u32::MAX >> (32 - STEPS.len()));
        if steps == 0 {
            return self.from(current);
        }
        let last = 31 - steps.leading_zeros() as usize;
        // The first chosen step at or after `n`, else the last one.
        let at_or_after = |n: usize| match steps & u32::MAX.checked_shl(n as u32).unwrap_or(0) {
            0 => last,
            m => m.trailing_zeros() as usize,
        };
        let at = at_or_after(current);
        match self {
            StepMove::Next if at == current => at_or_after(at + 1),
            StepMove::Next => at,
            StepMove::Previous => match steps & ((1 << at) - 1) {
                0 => at,
                m => 31 - m.leading_zeros() as usize,
            },
            StepMove::First => steps.trailing_zeros() as usize,
            StepMove::Last => last,
            StepMove::To(n) => at_or_after(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step's scenario names a known preset and sets only model parameters, each to a value the
    /// registry reads as it is: nothing in it can say `present` or `step`, so loading a step cannot
    /// load another one (the scenario is data, not a link the page decoder reads).
    #[test]
    fn every_step_scenario_is_known_model_parameters_only() {
        for s in STEPS {
            if let Some(name) = s.scenario.preset {
                assert!(
                    poolsim_model::PRESET_NAMES.contains(&name),
                    "{}: {name}",
                    s.title
                );
            }
            for (key, value) in s.scenario.settings {
                assert!(
                    poolsim_model::params::spec(key).is_some(),
                    "{}: {key} is not a model parameter",
                    s.title
                );
                let mut params = poolsim_model::Params::default();
                assert_eq!(
                    params.set(key, value),
                    Ok(None),
                    "{}: {key}={value}",
                    s.title
                );
            }
        }
    }

    #[test]
    fn moves_in_a_chosen_talk_visit_only_its_steps() {
        let talk: Chosen = [2, 5, 8].into_iter().collect();
        assert_eq!(StepMove::Next.within(2, talk), 5);
        assert_eq!(StepMove::Next.within(8, talk), 8);
        assert_eq!(
            StepMove::Next.within(3, talk),
            5,
            "from outside: the next chosen step"
        );
        assert_eq!(StepMove::Previous.within(5, talk), 2);
        assert_eq!(StepMove::Previous.within(2, talk), 2);
        assert_eq!(StepMove::First.within(8, talk), 2);
        assert_eq!(StepMove::Last.within(0, talk), 8);
        assert_eq!(StepMove::To(9).within(0, talk), 8);
        // Bits beyond the talk are not steps.
        assert_eq!(StepMove::Last.within(0, Chosen(1 << 20 | 1 << 3)), 3);
    }

    #[test]
    fn moves_stay_within_the_talk() {
        let last = STEPS.len() - 1;
        assert_eq!(StepMove::Next.from(0), 1);
        assert_eq!(StepMove::Next.from(last), last);
        assert_eq!(StepMove::Previous.from(0), 0);
        assert_eq!(StepMove::Last.from(3), last);
        assert_eq!(StepMove::To(99).from(0), last);
    }

    #[test]
    fn clicker_keys_move_only_in_presenter_mode() {
        assert_eq!(key_command("PageDown", true), Some(KeyCommand::Next));
        assert_eq!(key_command("ArrowLeft", true), Some(KeyCommand::Previous));
        assert_eq!(key_command("PageDown", false), None);
        assert_eq!(key_command("P", false), Some(KeyCommand::TogglePresent));
        assert_eq!(key_command("?", false), Some(KeyCommand::Help));
    }
}

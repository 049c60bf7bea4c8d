//! Presenter mode for classrooms (`?present=1` or the `P` key): the explanation as a sequence of
//! steps, each loading its scenario into the live figure, advanced with →/PageDown/Space (what
//! presentation clickers send) and ←/PageUp; large type and a high-contrast projector palette
//! (`present` class on the page, see `style.css`).

use poolsim_model::Params;
use yew::prelude::*;

/// One step of the talk: a title, what to say (shown on screen), and the scenario it loads, as a
/// `v=1` query string (the same format as a shared link, so it is validated the same way).
pub struct Step {
    pub title: &'static str,
    pub text: &'static str,
    pub scenario: &'static str,
}

/// The talk, in the order of the explanation below the figure.
pub const STEPS: [Step; 11] = [
    Step {
        title: "One process per connection",
        text: "Every client connection gets its own Postgres backend process, forked by the \
               postmaster. 200 clients straight to Postgres: 200 backends on 8 cores, most of them \
               asleep until their client sends the next request.",
        scenario: "clients=200&pool_mode=none",
    },
    Step {
        title: "Memory per backend",
        text: "Each backend holds private memory: catalog caches, page tables, work_mem while sorting. \
               top's RSS column counts shared buffers again in every process, so it overstates the cost; \
               the private part is what really grows with connections.",
        scenario: "clients=2000&pool_mode=none",
    },
    Step {
        title: "Context switches and caches",
        text: "2,000 clients want more CPU than 8 cores have. Direct, hundreds of backends wait in the \
               kernel's run queue, and each switch refills caches and TLBs. The pooled side runs the same \
               clients over 24 backends: its extra hops mean more switches, but each is cheap, and the \
               clients wait in PgBouncer instead.",
        scenario: "clients=2000",
    },
    Step {
        title: "CPU migrations",
        text: "With cores to spare, a backend that wakes up can often go back to the core it last ran \
               on. The pool's few backends mostly do; the direct side's 2,000 land on another core far \
               more often, and a migrated process starts with cold caches.",
        scenario: "clients=2000&cores=32",
    },
    Step {
        title: "fork() on every connect",
        text: "Clients that connect for every transaction (serverless functions, some ORMs) pay for \
               fork, backend start-up and SCRAM authentication each time.",
        scenario: "preset=serverless_storm",
    },
    Step {
        title: "Idle connections before PostgreSQL 14",
        text: "Up to PG13, every snapshot scans all connections, idle ones included, and reads the \
               busy ones' entries from other cores: 200 busy connections on 32 cores spend more of \
               their CPU on snapshots beside 10,000 idle ones, and complete fewer transactions.",
        scenario: "preset=idle_heavy_pg13",
    },
    Step {
        title: "…and since PostgreSQL 14",
        text: "PG14 made snapshots independent of the number of connections. Idle connections still \
               cost memory, but no longer CPU on every snapshot.",
        scenario: "preset=idle_heavy_pg14",
    },
    Step {
        title: "Why poolers exist",
        text: "A fleet's 10,000 application connections go to PgBouncer, which multiplexes them over \
               48 server connections, three per core. Compare memory and p99 with the direct side. Then \
               set the pool to 400, a size fleets run on much larger servers: on 16 cores its backends \
               queue for the cores and the pooled p99 climbs to about the direct one.",
        scenario: "preset=fleet",
    },
    Step {
        title: "What each pool mode costs",
        text: "Transaction mode hands a backend back after every transaction, so session state (SET, \
               LISTEN, advisory locks, SQL PREPARE) breaks: watch the errors. Session mode keeps it, but \
               pins a backend per client.",
        scenario: "clients=400&session_state_share=0.2",
    },
    Step {
        title: "Long transactions pin a backend",
        text: "A transaction that waits on the application between statements keeps its backend: \
               the pool runs dry and clients queue in PgBouncer.",
        scenario: "preset=long_transactions",
    },
    Step {
        title: "Thread per connection",
        text: "MySQL-style threads are cheaper to start, lighter in memory and cheaper to switch, so \
               the fleet's 10,000 threads get further than its processes did. But they still queue for \
               16 cores, and their p99 stays far above what a thread pool, or a pooler in front, \
               gives: that is what moves the wall.",
        scenario: "preset=thread_per_connection",
    },
];

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

/// Step `n`'s scenario: its parameters and the preset they come from, read like a shared link.
pub fn scenario(n: usize) -> (Params, Option<&'static str>) {
    let decoded = crate::url_state::decode(STEPS[n.min(STEPS.len() - 1)].scenario);
    (decoded.state.params, decoded.state.preset)
}

/// The step's text and figure start at the top of the screen.
pub fn scroll_to_top() {
    #[cfg(target_arch = "wasm32")]
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[derive(Properties, PartialEq)]
pub struct StepPanelProps {
    pub step: usize,
    pub on_go: Callback<usize>,
    pub on_exit: Callback<()>,
}

/// The current step's title and text, with previous / next buttons.
#[component]
pub fn StepPanel(props: &StepPanelProps) -> Html {
    let n = props.step.min(STEPS.len() - 1);
    let step = &STEPS[n];
    let go = |to: usize| {
        let on_go = props.on_go.clone();
        Callback::from(move |_| on_go.emit(to))
    };
    let exit = props.on_exit.reform(|_| ());
    html! {
        <section class="step-panel" aria-live="polite" aria-labelledby="step-title"
                 data-step={(n + 1).to_string()}>
            <p class="step-count">{ format!("Step {} of {}", n + 1, STEPS.len()) }</p>
            <h2 id="step-title">{ step.title }</h2>
            <p class="step-text">{ step.text }</p>
            <div class="step-nav">
                <button type="button" onclick={go(n.saturating_sub(1))} disabled={n == 0}>
                    { "← Previous" }
                </button>
                <button type="button" onclick={go(n + 1)} disabled={n + 1 == STEPS.len()}>
                    { "Next →" }
                </button>
                <button type="button" class="quiet" onclick={exit}>{ "Leave presenter mode (P)" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

/// The keyboard-shortcut overlay.
#[component]
pub fn HelpOverlay(props: &HelpProps) -> Html {
    let close = props.on_close.reform(|_| ());
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <dl class="shortcuts">
                    { for SHORTCUTS.iter().map(|(k, what)| html! {
                        <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></>
                    }) }
                </dl>
                <button type="button" onclick={close} autofocus=true>{ "Close" }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_scenario_is_a_clean_link() {
        for s in &STEPS {
            let d = crate::url_state::decode(s.scenario);
            assert!(d.notices.is_empty(), "{}: {:?}", s.title, d.notices);
        }
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

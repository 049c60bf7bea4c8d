//! The teacher's link builder (pure; its page is `poolsim_explain::teach`): what a teacher ticks —
//! what students open, which presenter steps, which controls, which challenges, a seed and a
//! palette — written as one `v=1` link. Only the keys the chosen target reads are written, so the
//! link (and its QR code) stays short.

use crate::chosen::Chosen;
use crate::outline::STEPS;
use crate::presenter::StepMove;
use crate::state::{PageState, Palette};
use crate::url_state::{encode, Embed, CHALLENGE_IDS};

poolsim_model::keyed! {
    /// What the link opens.
    pub enum Target {
        /// Presenter mode on the chosen steps (the projector).
        Present => "present", label "Presenter mode (the projector)";
        /// The full page with the chosen challenges and their predictions (students' own
        /// devices).
        Page => "page", label "The page with challenges (students' laptops)";
        /// The figure alone with the chosen controls (phones).
        Embed => "embed", label "The figure alone, chosen controls (students' phones)";
    }
}

/// A teacher's choices.
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    pub target: Target,
    /// Steps of the talk (0-based); all of them means no `steps=` key.
    pub steps: Vec<usize>,
    pub controls: Vec<&'static str>,
    pub challenges: Vec<&'static str>,
    pub seed: u64,
    pub palette: Palette,
}

impl Choices {
    /// Everything on, from the state the page is in.
    pub fn from_state(state: &PageState) -> Choices {
        Choices {
            target: Target::Present,
            steps: (0..STEPS.len()).collect(),
            controls: crate::url_state::DEFAULT_EMBED_CONTROLS.to_vec(),
            challenges: CHALLENGE_IDS.to_vec(),
            seed: state.seed,
            palette: Palette::Auto,
        }
    }
}

/// The state and embed the link carries, starting from the page's `state` (its parameters).
pub fn chosen_state(state: &PageState, c: &Choices) -> (PageState, Option<Embed>) {
    let mut s = PageState {
        seed: c.seed,
        palette: c.palette,
        present: false,
        step: 0,
        talk: Chosen::ALL,
        challenges: Chosen::ALL,
        ..state.clone()
    };
    let every = |n: usize, len: usize| n == 0 || n == len;
    let mut embed = None;
    match c.target {
        Target::Present => {
            let talk: Chosen = c
                .steps
                .iter()
                .copied()
                .filter(|n| *n < STEPS.len())
                .collect();
            if !every(talk.count(), STEPS.len()) {
                s.talk = talk;
            }
            s.present = true;
            let first = StepMove::First.within(0, s.talk);
            s = s.with_step_scenario(first);
        }
        Target::Page => {
            let chosen: Chosen = (0..CHALLENGE_IDS.len())
                .filter(|i| c.challenges.contains(&CHALLENGE_IDS[*i]))
                .collect();
            if !every(chosen.count(), CHALLENGE_IDS.len()) {
                s.challenges = chosen;
            }
        }
        Target::Embed => {
            embed = Some(Embed {
                controls: crate::url_state::CONTROL_KEYS
                    .iter()
                    .filter(|k| c.controls.contains(k))
                    .copied()
                    .collect(),
                ..Embed::default()
            });
        }
    }
    (s, embed)
}

/// The link's query (without `?`).
pub fn query(state: &PageState, c: &Choices) -> String {
    let (s, embed) = chosen_state(state, c);
    encode(&s, embed.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url_state::decode;

    fn choices(target: Target) -> Choices {
        Choices {
            target,
            steps: vec![7, 2, 4],
            controls: vec!["pool_size", "clients", "connect"],
            challenges: vec!["storm", "fleet"],
            seed: 42,
            palette: Palette::Projector,
        }
    }

    #[test]
    fn each_target_round_trips_into_the_chosen_state() {
        let page = decode("v=1&clients=5000").state;
        for target in Target::ALL {
            let c = choices(target);
            let q = query(&page, &c);
            let d = decode(&q);
            assert!(d.notices.is_empty(), "{:?} from {q}", d.notices);
            let (want, embed) = chosen_state(&page, &c);
            assert_eq!(d.state, want, "{q}");
            assert_eq!(d.embed, embed, "{q}");
            assert_eq!((d.state.seed, d.state.palette), (42, Palette::Projector));
            match target {
                Target::Present => {
                    assert_eq!(d.state.talk.items().collect::<Vec<_>>(), [2, 4, 7]);
                    assert_eq!(d.state.step, 2, "the talk opens on its first chosen step");
                    assert!(d.state.present);
                    assert!(!q.contains("challenges") && !q.contains("controls"), "{q}");
                }
                Target::Page => {
                    assert_eq!(d.state.challenges.items().collect::<Vec<_>>(), [0, 4]);
                    assert_eq!(d.state.params.clients, 5000);
                    assert!(!q.contains("steps") && !q.contains("present"), "{q}");
                }
                Target::Embed => {
                    let e = d.embed.expect("an embed");
                    assert_eq!(e.controls, vec!["clients", "pool_size", "connect"]);
                }
            }
        }
    }

    #[test]
    fn everything_ticked_writes_no_list() {
        let page = PageState::default();
        let mut c = Choices::from_state(&page);
        assert!(query(&page, &c).ends_with("&present=1&step=1"));
        c.target = Target::Page;
        assert_eq!(query(&page, &c), "v=1");
    }
}

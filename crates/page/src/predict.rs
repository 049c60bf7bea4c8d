//! Predict first: questions a challenge asks before the reader runs the model ("doubling clients:
//! will p99 stay, double, or grow tenfold?"). The reader picks a choice, then the model runs the
//! state before and after the change (the explanation's small runs: [`crate::live::RUN_NS`],
//! [`crate::live::SEED`]) and the measured ratio picks the choice the model gives, shown beside
//! the reader's. Nothing here is hard-coded: each choice is a range of the ratio, and a native
//! test per question checks that the model's numbers land in the choice named [`Prediction::model`]
//! (the teacher's notes), so the question's text stays honest when the model changes.

use crate::format;
use crate::sim::{LiveView, SideView};
use crate::url_state::decode;
use poolsim_content::texts::predict as texts;
use poolsim_model::Params;
use std::fmt::Write;

poolsim_model::keyed! {
    /// Which figure a question is about.
    /// Its key is its name in the trials CSV (`figure` column, with its unit).
    pub enum Figure {
        /// The 99th-percentile latency, in seconds.
        P99 => "p99_s";
        /// Transactions per second.
        Throughput => "throughput_tps";
        /// The backends' private memory, in bytes.
        Memory => "memory_private_bytes";
        /// The share of the CPU spent taking snapshots.
        SnapshotCpu => "snapshot_cpu_share";
    }
}

poolsim_model::keyed! {
    /// Which side of the figure; its key is its name in the trials CSV (`side` column).
    pub enum Side {
        /// Straight to Postgres.
        Direct => "direct";
        /// Through the pooler.
        Pooled => "pooled";
    }
}

/// One answer: its words and the largest after/before ratio it covers (the last is unbounded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub label: &'static str,
    pub up_to: f64,
}

/// A question asked before a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub id: &'static str,
    /// The challenge it belongs to (`url_state::CHALLENGE_IDS`): a teacher's `challenges=` link
    /// shows only the questions of the chosen challenges.
    pub challenge: &'static str,
    pub question: &'static str,
    /// The states before and after the change, as `v=1` queries.
    pub before: &'static str,
    pub after: &'static str,
    pub figure: Figure,
    pub side: Side,
    pub choices: [Choice; 3],
    /// The choice the model gives (index into `choices`), for the teacher; checked by a test.
    pub model: usize,
}

const GROW: [Choice; 3] = [
    Choice {
        label: texts::GROW_0,
        up_to: 1.4,
    },
    Choice {
        label: texts::GROW_1,
        up_to: 5.0,
    },
    Choice {
        label: texts::GROW_2,
        up_to: f64::INFINITY,
    },
];

const FALL: [Choice; 3] = [
    Choice {
        label: texts::FALL_0,
        up_to: 0.25,
    },
    Choice {
        label: texts::FALL_1,
        up_to: 0.8,
    },
    Choice {
        label: texts::FALL_2,
        up_to: f64::INFINITY,
    },
];

pub const PREDICTIONS: [Prediction; 4] = [
    Prediction {
        id: "double_clients_direct",
        challenge: "fleet",
        question: texts::DOUBLE_CLIENTS_DIRECT_QUESTION,
        before: "v=1&pool_mode=none",
        after: "v=1&pool_mode=none&clients=4000",
        figure: Figure::P99,
        side: Side::Direct,
        choices: GROW,
        model: 1,
    },
    Prediction {
        id: "double_clients_pooled_memory",
        challenge: "fleet",
        question: texts::DOUBLE_CLIENTS_POOLED_MEMORY_QUESTION,
        before: "v=1",
        after: "v=1&clients=4000",
        figure: Figure::Memory,
        side: Side::Pooled,
        choices: GROW,
        model: 0,
    },
    Prediction {
        id: "idle_snapshots_pg13",
        challenge: "idle_hurts",
        question: texts::IDLE_SNAPSHOTS_PG13_QUESTION,
        before: "v=1&preset=idle_heavy_pg13&idle_connections=0",
        after: "v=1&preset=idle_heavy_pg13",
        figure: Figure::SnapshotCpu,
        side: Side::Direct,
        choices: GROW,
        model: 1,
    },
    Prediction {
        id: "connect_per_txn_direct",
        challenge: "storm",
        question: texts::CONNECT_PER_TXN_DIRECT_QUESTION,
        before: "v=1&pool_mode=none&clients=200",
        after: "v=1&pool_mode=none&clients=200&connect=per_txn",
        figure: Figure::Throughput,
        side: Side::Direct,
        choices: FALL,
        model: 2,
    },
];

impl Prediction {
    pub fn before_params(&self) -> Params {
        decode(self.before).state.params
    }
    pub fn after_params(&self) -> Params {
        decode(self.after).state.params
    }
    /// The figure asked about, in base units, from a run's view (NaN when the side did not run).
    pub fn value(&self, view: &LiveView) -> f64 {
        let side: Option<&SideView> = match self.side {
            Side::Direct => Some(&view.direct),
            Side::Pooled => view.pooled.as_ref(),
        };
        side.map_or(f64::NAN, |s| match self.figure {
            Figure::P99 => s.latency.p99,
            Figure::Throughput => s.throughput_tps,
            Figure::Memory => s.memory_private,
            Figure::SnapshotCpu => s.cpu.snapshots,
        })
    }
    /// The figure as the page writes it.
    pub fn shown(&self, value: f64) -> String {
        match self.figure {
            Figure::P99 => format::duration(value),
            Figure::Throughput => format!("{} tx", format::per_second(value)),
            Figure::Memory => format::bytes(value),
            Figure::SnapshotCpu => format!("{:.1} % of the CPU", value * 100.0),
        }
    }
    /// The choice an after/before ratio selects.
    pub fn choice(&self, ratio: f64) -> usize {
        self.choices
            .iter()
            .position(|c| ratio <= c.up_to)
            .unwrap_or(self.choices.len() - 1)
    }
}

/// What the model gave for a question: the figure before and after, their ratio and its choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub before: f64,
    pub after: f64,
    pub ratio: f64,
    pub choice: usize,
}

/// The outcome of `p` from the views of its two runs.
pub fn outcome(p: &Prediction, before: &LiveView, after: &LiveView) -> Outcome {
    let (b, a) = (p.value(before), p.value(after));
    let ratio = a / b;
    Outcome {
        before: b,
        after: a,
        ratio,
        choice: p.choice(ratio),
    }
}

/// One row of the trial table: a question, the reader's choice and the model's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub prediction: &'static Prediction,
    pub predicted: usize,
    pub outcome: Outcome,
}

/// Header of the trials CSV.
pub const TRIALS_HEADER: &str =
    "question,before,after,figure,side,prediction,model_before,model_after,ratio,model_choice,match";

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
fn text_cell(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n']) {
        let _ = write!(out, "\"{}\"", text.replace('"', "\"\""));
    } else {
        out.push_str(text);
    }
}

/// The trial table as CSV: params → prediction → result, one row per trial (numbers in base units).
pub fn trials_csv(trials: &[Trial]) -> String {
    let mut out = String::with_capacity(160 * (trials.len() + 1));
    out.push_str(TRIALS_HEADER);
    out.push('\n');
    for t in trials {
        let p = t.prediction;
        for (i, text) in [
            p.id,
            p.before,
            p.after,
            p.figure.key(),
            p.side.key(),
            p.choices[t.predicted.min(2)].label,
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                out.push(',');
            }
            text_cell(&mut out, text);
        }
        crate::export::cell(&mut out, t.outcome.before);
        crate::export::cell(&mut out, t.outcome.after);
        crate::export::cell(&mut out, t.outcome.ratio);
        out.push(',');
        text_cell(&mut out, p.choices[t.outcome.choice].label);
        out.push(',');
        out.push_str(if t.predicted == t.outcome.choice {
            "yes"
        } else {
            "no"
        });
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{run_to_end, RUN_NS};
    use crate::url_state::CHALLENGE_IDS;

    /// The model's outcome for `p`, as the page computes it (same runs, same seed).
    fn model(p: &Prediction) -> Outcome {
        outcome(
            p,
            &run_to_end(&p.before_params(), RUN_NS),
            &run_to_end(&p.after_params(), RUN_NS),
        )
    }

    /// The model's ratio must sit in the named choice, and not on the edge of it (10 % inside).
    fn check(id: &str) {
        let p = PREDICTIONS.iter().find(|p| p.id == id).unwrap();
        let o = model(p);
        assert_eq!(o.choice, p.model, "{id}: ratio {} ({o:?})", o.ratio);
        let low = if p.model == 0 {
            0.0
        } else {
            p.choices[p.model - 1].up_to
        };
        let high = p.choices[p.model].up_to;
        assert!(
            o.ratio > low * 1.1 && o.ratio < high / 1.1,
            "{id}: ratio {} too near the edge of {low}–{high}",
            o.ratio
        );
    }

    #[test]
    fn doubling_clients_direct_grows_p99_1_4_to_5_times() {
        check("double_clients_direct");
    }

    #[test]
    fn doubling_clients_through_the_pooler_leaves_backend_memory_as_it_is() {
        check("double_clients_pooled_memory");
    }

    #[test]
    fn idle_connections_on_13_grow_snapshot_cpu_1_4_to_5_times() {
        check("idle_snapshots_pg13");
    }

    #[test]
    fn connecting_per_transaction_direct_at_200_clients_keeps_throughput() {
        check("connect_per_txn_direct");
    }

    #[test]
    fn every_question_is_read_from_clean_links_and_names_a_challenge() {
        for p in &PREDICTIONS {
            for q in [p.before, p.after] {
                let d = decode(q);
                assert!(d.notices.is_empty(), "{}: {:?}", p.id, d.notices);
            }
            assert!(CHALLENGE_IDS.contains(&p.challenge), "{}", p.challenge);
            assert!(p.model < 3);
            assert!(p.choices.windows(2).all(|w| w[0].up_to < w[1].up_to));
        }
    }

    #[test]
    fn the_trial_table_has_every_column_and_quotes_commas() {
        let o = Outcome {
            before: 0.05,
            after: 0.4,
            ratio: 8.0,
            choice: 2,
        };
        let t = Trial {
            prediction: &PREDICTIONS[0],
            predicted: 1,
            outcome: o,
        };
        let csv = trials_csv(&[t]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(TRIALS_HEADER));
        let row = lines.next().unwrap();
        assert!(row.starts_with("double_clients_direct,v=1&pool_mode=none,"));
        assert!(
            row.ends_with(",roughly double or triple (1.4× to 5×),0.05,0.4,8,grow more than 5×,no"),
            "{row}"
        );
    }
}

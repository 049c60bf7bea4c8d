//! The explanation's outline, written once: the sections in page order, with their ids (the
//! anchors links point to), heading numbers, titles, table-of-contents entries and the presenter's
//! steps. The table of contents, every section heading (`content::render`) and the presenter
//! (`presenter::STEPS`) are read from here; the prose of each section is in
//! `content/<language>/<id>.md`.

/// One step of the talk: a title, what to say (shown on screen), and the scenario it loads.
#[derive(Debug)]
pub struct Step {
    /// The step's heading on screen.
    pub title: &'static str,
    /// What the presenter says, shown under the title.
    pub text: &'static str,
    /// What the step loads into the live figure.
    pub scenario: Scenario,
}

/// What a presenter step loads into the live figure: a preset (or the page's first view) with some
/// model parameters set on top. Only model parameters: a scenario cannot say `present` or `step`,
/// so loading a step never decodes a link and never loads another step.
#[derive(Debug)]
pub struct Scenario {
    /// The preset it starts from, by its name in `poolsim_model::presets`; `None`: the page's first
    /// view (`state::page_default`).
    pub preset: Option<&'static str>,
    /// Model parameters set on top, in order: (registry key, value as the registry reads it).
    pub settings: &'static [(&'static str, &'static str)],
}

impl Scenario {
    /// The parameters this scenario loads, starting from `first_view` when it names no preset, and
    /// the preset it names (an unknown name loads `first_view`; a test holds every name known). The
    /// registry clamps each setting and ignores unreadable ones, as it does for a link.
    pub fn resolve(&self, first_view: Params) -> (Params, Option<&'static str>) {
        let preset = self
            .preset
            .and_then(|name| preset_params(name).map(|params| (name, params)));
        let (mut params, preset) = match preset {
            Some((name, params)) => (params.clamped().0, Some(name)),
            None => (first_view, None),
        };
        for (key, value) in self.settings {
            let _ = params.set(key, value);
        }
        (params, preset)
    }
}

use poolsim_model::{preset_params, Params};

/// The page's title, its `<h1>`: written into the page at build time (the prerender) and drawn by
/// the figure's app, from here.
pub const TITLE: &str = "Why does Postgres need a connection pooler?";

/// The paragraph under the title.
pub const LEDE: &str =
    "Postgres serves every client connection with its own operating-system process. \
Below, the same clients run the same workload twice, with the same random seed: straight to \
Postgres, one backend each, and through PgBouncer, which shares a small pool of backends among \
them. Watch memory, context switches and latency.";

/// The heading above the table of contents.
pub const INTRO_TITLE: &str = "What a connection costs, one idea at a time";

/// One section of the explanation.
#[derive(Debug)]
pub struct Section {
    /// The element id and `#fragment` of the section, and the island name of its figure.
    pub id: &'static str,
    /// The number in its heading (the numbered ideas of the concept note); `None` for the rest.
    pub number: Option<u8>,
    /// Its entry in the table of contents, if it has one.
    pub toc: Option<&'static str>,
    /// Its heading, without the number.
    pub title: &'static str,
    /// The presenter's steps that tell this section, in order.
    pub steps: &'static [Step],
}

impl Section {
    /// The heading as the page shows it: "5. Connecting is expensive: …".
    pub fn heading(&self) -> String {
        match self.number {
            Some(n) => format!("{n}. {}", self.title),
            None => self.title.to_string(),
        }
    }
}

/// The explanation's sections, in page order.
pub const SECTIONS: &[Section] = &[
    Section {
        id: "process",
        number: Some(1),
        toc: Some("One process per connection"),
        title: "One process per connection",
        steps: &[
        Step {
            title: "One process per connection",
            text: "Every client connection gets its own Postgres backend process, forked by the \
                   postmaster. 200 clients straight to Postgres: 200 backends on 8 cores, most of them \
                   asleep until their client sends the next request.",
            scenario: Scenario {
                preset: None,
                settings: &[("clients", "200"), ("pool_mode", "none")],
            },
        },
        ],
    },
    Section {
        id: "memory",
        number: Some(2),
        toc: Some("Memory per backend"),
        title: "Memory per backend, and why top overstates it",
        steps: &[
        Step {
            title: "Memory per backend",
            text: "Each backend holds private memory: catalog caches, page tables, work_mem while sorting. \
                   top's RSS column counts shared buffers again in every process, so it overstates the cost; \
                   the private part is what really grows with connections.",
            scenario: Scenario {
                preset: None,
                settings: &[("clients", "2000"), ("pool_mode", "none")],
            },
        },
        ],
    },
    Section {
        id: "switches",
        number: Some(3),
        toc: Some("Context switches"),
        title: "Context switches, and the cache they throw away",
        steps: &[
        Step {
            title: "Context switches and caches",
            text: "2,000 clients want more CPU than 8 cores have. Direct, hundreds of backends wait in the \
                   kernel's run queue, and each switch refills caches and TLBs. The pooled side runs the same \
                   clients over 24 backends: its extra hops mean more switches, but each is cheap, and the \
                   clients wait in PgBouncer instead.",
            scenario: Scenario {
                preset: None,
                settings: &[("clients", "2000")],
            },
        },
        ],
    },
    Section {
        id: "migration",
        number: Some(4),
        toc: Some("CPU migration"),
        title: "CPU migration",
        steps: &[
        Step {
            title: "CPU migrations",
            text: "With cores to spare, a backend that wakes up can often go back to the core it last ran \
                   on. The pool's few backends mostly do; the direct side's 2,000 land on another core far \
                   more often, and a migrated process starts with cold caches.",
            scenario: Scenario {
                preset: None,
                settings: &[("clients", "2000"), ("cores", "32")],
            },
        },
        ],
    },
    Section {
        id: "connect",
        number: Some(5),
        toc: Some("The cost of connecting"),
        title: "Connecting is expensive: fork, start-up and authentication",
        steps: &[
        Step {
            title: "fork() on every connect",
            text: "Clients that connect for every transaction (serverless functions, some ORMs) pay for \
                   fork, backend start-up and SCRAM authentication each time.",
            scenario: Scenario {
                preset: Some("serverless_storm"),
                settings: &[],
            },
        },
        ],
    },
    Section {
        id: "snapshots",
        number: Some(6),
        toc: Some("GetSnapshotData"),
        title: "Every transaction looks at every connection: GetSnapshotData",
        steps: &[
        Step {
            title: "Idle connections before PostgreSQL 14",
            text: "Up to PG13, every snapshot scans all connections, idle ones included, and reads the \
                   busy ones' entries from other cores: 200 busy connections on 32 cores spend more of \
                   their CPU on snapshots beside 10,000 idle ones, and complete fewer transactions.",
            scenario: Scenario {
                preset: Some("idle_heavy_pg13"),
                settings: &[],
            },
        },
        Step {
            title: "…and since PostgreSQL 14",
            text: "PG14 made snapshots independent of the number of connections. Idle connections still \
                   cost memory, but no longer CPU on every snapshot.",
            scenario: Scenario {
                preset: Some("idle_heavy_pg14"),
                settings: &[],
            },
        },
        ],
    },
    Section {
        id: "poolers",
        number: Some(7),
        toc: Some("Why poolers exist"),
        title: "Why poolers exist",
        steps: &[
        Step {
            title: "Why poolers exist",
            text: "A fleet's 10,000 application connections go to PgBouncer, which multiplexes them over \
                   48 server connections, three per core. Compare memory and p99 with the direct side. Then \
                   set the pool to 400, a size fleets run on much larger servers: on 16 cores its backends \
                   queue for the cores and the pooled p99 climbs to about the direct one.",
            scenario: Scenario {
                preset: Some("fleet"),
                settings: &[],
            },
        },
        ],
    },
    Section {
        id: "modes",
        number: Some(8),
        toc: Some("Pool modes"),
        title: "What each pool mode costs",
        steps: &[
        Step {
            title: "What each pool mode costs",
            text: "Transaction mode hands a backend back after every transaction, so session state (SET, \
                   LISTEN, advisory locks, SQL PREPARE) breaks: watch the errors. Session mode keeps it, but \
                   pins a backend per client.",
            scenario: Scenario {
                preset: None,
                settings: &[("clients", "400"), ("session_state_share", "0.2")],
            },
        },
        Step {
            title: "Long transactions pin a backend",
            text: "A transaction that waits on the application between statements keeps its backend: \
                   the pool runs dry and clients queue in PgBouncer.",
            scenario: Scenario {
                preset: Some("long_transactions"),
                settings: &[],
            },
        },
        ],
    },
    Section {
        id: "threads",
        number: Some(9),
        toc: Some("Threads instead of processes"),
        title: "For contrast: threads instead of processes",
        steps: &[
        Step {
            title: "Thread per connection",
            text: "MySQL-style threads are cheaper to start, lighter in memory and cheaper to switch, so \
                   the fleet's 10,000 threads get further than its processes did. But they still queue for \
                   16 cores, and their p99 stays far above what a thread pool, or a pooler in front, \
                   gives: that is what moves the wall.",
            scenario: Scenario {
                preset: Some("thread_per_connection"),
                settings: &[],
            },
        },
        ],
    },
    Section {
        id: "sweep",
        number: None,
        toc: Some("The whole curve"),
        title: "The whole curve: from ten clients to thousands",
        steps: &[],
    },
    Section {
        id: "theory",
        number: None,
        toc: Some("Queueing theory"),
        title: "A little queueing theory",
        steps: &[],
    },
    Section {
        id: "presets",
        number: None,
        toc: None,
        title: "Try a scenario",
        steps: &[],
    },
    Section {
        id: "realism",
        number: None,
        toc: Some("How realistic is this?"),
        title: "How realistic is this model?",
        steps: &[],
    },
    Section {
        id: "sources",
        number: None,
        toc: Some("Sources"),
        title: "Sources",
        steps: &[],
    },
];

/// The section with this id.
pub fn section(id: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.id == id)
}

/// How many steps the talk has: every section's steps.
pub const STEP_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < SECTIONS.len() {
        n += SECTIONS[i].steps.len();
        i += 1;
    }
    n
};

/// The presenter's talk: every section's steps, in page order.
pub const STEPS: [&Step; STEP_COUNT] = {
    let mut all = [&SECTIONS[0].steps[0]; STEP_COUNT];
    let (mut i, mut n) = (0, 0);
    while i < SECTIONS.len() {
        let steps: &'static [Step] = SECTIONS[i].steps;
        let mut j = 0;
        while j < steps.len() {
            all[n] = &steps[j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    all
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_numbers_count_up_from_one() {
        for (i, s) in SECTIONS.iter().enumerate() {
            assert!(SECTIONS[..i].iter().all(|t| t.id != s.id), "{} twice", s.id);
        }
        let numbers: Vec<u8> = SECTIONS.iter().filter_map(|s| s.number).collect();
        assert_eq!(numbers, (1..=numbers.len() as u8).collect::<Vec<_>>());
    }

    #[test]
    fn the_talk_is_every_sections_steps_in_page_order() {
        let flat: Vec<&str> = SECTIONS
            .iter()
            .flat_map(|s| s.steps.iter().map(|t| t.title))
            .collect();
        let talk: Vec<&str> = STEPS.iter().map(|t| t.title).collect();
        assert_eq!(talk, flat);
        assert_eq!(STEPS.len(), 11);
    }
}

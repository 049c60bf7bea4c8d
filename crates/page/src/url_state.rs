//! The page's state in its URL: a readable, versioned query string
//! (`?v=1&clients=5000&pool_mode=session&seed=7`) using the model's own parameter keys.
//!
//! * **Versioned.** `v=1` links are read against a frozen base ([`V1_BASE`]): only the values
//!   that differ from it are written, so a link stays short, and it keeps its meaning when the
//!   model's or the page's defaults change later (a later format gets `v=2` and its own base).
//! * **Forgiving.** Any text decodes: unknown keys are dropped, unreadable values keep the base,
//!   out-of-range numbers are clamped by the model's registry, repeated keys use the last value,
//!   and every change is described in a notice the page shows. Nothing here can panic.
//! * **Pure.** No DOM: the page reads `location.search` and writes `history.replaceState` around
//!   these two functions, and native tests drive them with generated hostile queries.

/// The parameters that have a control, by registry key (`pool_mode` is the pooler switch and the
/// mode selector). An embed may show any subset (`controls=clients,pool_size`).
pub const CONTROL_KEYS: [&str; 12] = [
    "clients",
    "idle_connections",
    "pool_size",
    "cores",
    "think_ms",
    "stmt_cpu_ms",
    "stmts_per_txn",
    "session_state_share",
    "pool_mode",
    "pg_version",
    "arch",
    "connect",
];

/// The challenges under the live figure, by id (`challenges::CHALLENGES` in this
/// order; a test there checks it). A teacher's link may choose some (`challenges=fleet,storm`).
pub const CHALLENGE_IDS: [&str; 5] = [
    "fleet",
    "idle_hurts",
    "idle_fix_version",
    "idle_fix_pooler",
    "storm",
];

use crate::chosen::Chosen;
use crate::outline::STEPS;
use crate::presenter::StepMove;
use crate::state::{PageState, Palette, DEFAULT_SEED, DEFAULT_SPEED, SPEEDS};
use poolsim_model::decimal::parse_f64;
use poolsim_model::params::{spec, ParamError, PARAMS};
use poolsim_model::{Params, PresetId};

/// The query format this page writes.
pub const VERSION: &str = "1";

/// Every parameter of a `v=1` link that does not say otherwise: the page's first view. Frozen —
/// a test checks that it still equals today's first view; if the defaults ever change, they get
/// a new format version and this line stays as it is. A parameter added later joins it with the
/// value that every older link meant (`pooler_processes=1`: the one PgBouncer process the model
/// had before the key existed), so old links keep their meaning.
pub const V1_BASE: &str = "clients=2000&idle_connections=0&pool_size=24&pool_mode=transaction&\
cores=8&max_connections=100&max_client_conn=10000&reserve_pool_size=0&reserve_pool_timeout_s=5&\
query_wait_timeout_s=120&think_ms=150&stmt_cpu_ms=0.2&stmt_cpu_dist=exp&stmt_cpu_sigma=1&\
stmts_per_txn=3&rtt_ms=0.3&connect=persistent&auth=scram&pg_version=16&arch=process&\
workload=closed&arrival_rate=2000&overheads=on&session_state_share=0&pooler_cpu_us=14&\
work_mem_mb=4&relations_touched=50&shared_buffers_mb=128&huge_pages=off&\
clients_on_server=off&idle_wake_us=2&wake_ipi_us=1&l3_cache_mb=0&\
pooler_processes=1&sockets=1&switch_refill_factor=16&pooler_host=db&pooler_cache_mb=0&client_threads=2";

/// Longest query read, in bytes; the rest is ignored (and said so).
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// Most `key=value` pairs read.
pub const MAX_PAIRS: usize = 256;
/// Most notices listed one by one (the rest are counted).
pub const MAX_NOTICES: usize = 8;
/// Longest embed id kept.
pub const MAX_ID_LEN: usize = 64;
/// The controls an embed shows when the link does not choose.
pub const DEFAULT_EMBED_CONTROLS: [&str; 2] = ["clients", "pool_size"];

/// The readouts of one side, by the key `readouts=` uses: (key, the readout's `data-metric`
/// name without its `_direct`/`_pooled` suffix). `pooler_memory` and `pool_wait` exist on the
/// pooled side only.
pub const READOUT_KEYS: [(&str, &str); 10] = [
    ("memory", "memory_private"),
    ("memory_steady", "memory_steady"),
    ("memory_rss", "memory_rss"),
    ("throughput", "throughput"),
    ("p99", "latency_p99"),
    ("context_switches", "context_switches"),
    ("cpu_migrations", "cpu_migrations"),
    ("errors", "errors"),
    ("pooler_memory", "memory_pooler"),
    ("pool_wait", "pool_wait"),
];
/// The readouts of the compact embed when the link does not choose: the key numbers.
pub const DEFAULT_COMPACT_READOUTS: [&str; 4] = ["memory", "throughput", "p99", "context_switches"];

poolsim_model::keyed! {
    /// How an embed lays the figure out (`layout=`).
    #[derive(Default)]
    pub enum Layout {
        /// One card: per side a slim architecture strip and the key readouts, the chosen
        /// controls, play/pause. Fits a blog column (at most 560 px tall at 720 px wide).
        #[default]
        Compact => "compact";
        /// The whole live figure: every readout, the legend, the CPU bars and the transport.
        Full => "full";
    }
}

impl Layout {
    /// The readouts shown when the link does not choose.
    pub fn default_readouts(self) -> Vec<&'static str> {
        match self {
            Layout::Compact => DEFAULT_COMPACT_READOUTS.to_vec(),
            Layout::Full => READOUT_KEYS.iter().map(|(k, _)| *k).collect(),
        }
    }
}

/// How the page is embedded (`embed=1`): its layout, which readouts and controls it shows, the
/// id it puts in its messages to the host page, and whether it posts live metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub layout: Layout,
    /// Keys of [`READOUT_KEYS`], in their order.
    pub readouts: Vec<&'static str>,
    pub controls: Vec<&'static str>,
    pub id: String,
    pub metrics: bool,
}

impl Default for Embed {
    fn default() -> Self {
        Embed {
            layout: Layout::default(),
            readouts: Layout::default().default_readouts(),
            controls: DEFAULT_EMBED_CONTROLS.to_vec(),
            id: String::new(),
            metrics: false,
        }
    }
}

impl Embed {
    /// Whether the readout with this `data-metric` stem (e.g. `latency_p99`) is shown.
    pub fn shows(&self, metric: &str) -> bool {
        READOUT_KEYS
            .iter()
            .any(|(k, m)| *m == metric && self.readouts.contains(k))
    }
}

/// What a query string says, and what had to be changed to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub state: PageState,
    pub embed: Option<Embed>,
    /// One line per change made ("clients: 1e9 is out of range, using 20000").
    pub notices: Vec<String>,
}

/// The parameters of a `v=1` link with no parameter keys.
pub fn v1_base() -> Params {
    let mut p = Params::default();
    for (k, v) in form_urlencoded::parse(V1_BASE.as_bytes()) {
        // The base is a constant checked by a test; a failure here is impossible at run time.
        let _ = p.set(&k, &v);
    }
    p
}

/// Short, printable form of untrusted text for a notice.
fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(32)
        .collect();
    if text.chars().count() > 32 {
        out.push('…');
    }
    out
}

fn truthy(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The text a speed is written as (`0.5`, `max`).
fn speed_text(index: usize) -> String {
    match SPEEDS[index.min(SPEEDS.len() - 1)] {
        Some(s) => s.to_string(),
        None => "max".to_string(),
    }
}

/// Reads a query string (with or without its leading `?`). Never fails: see the module doc.
pub fn decode(query: &str) -> Decoded {
    let mut notices = Vec::new();
    let mut query = query.strip_prefix('?').unwrap_or(query);
    if query.len() > MAX_QUERY_BYTES {
        let mut end = MAX_QUERY_BYTES;
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        query = &query[..end];
        notices.push(format!(
            "the link is longer than {} KB; only its start was read",
            MAX_QUERY_BYTES / 1024
        ));
    }
    // The last value of each key, in first-seen order, and how often each key came.
    let mut pairs: Vec<(String, String, usize)> = Vec::new();
    let mut total = 0usize;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        total += 1;
        if total > MAX_PAIRS {
            notices.push(format!(
                "the link has more than {MAX_PAIRS} settings; the rest were ignored"
            ));
            break;
        }
        let key = k.trim().to_ascii_lowercase();
        match pairs.iter_mut().find(|(pk, _, _)| *pk == key) {
            Some(entry) => {
                entry.1 = v.into_owned();
                entry.2 += 1;
            }
            None => pairs.push((key, v.into_owned(), 1)),
        }
    }
    let value_of = |key: &str| {
        pairs
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    };

    let mut state = PageState::new(true);
    state.params = v1_base();
    match value_of("v").map(str::trim) {
        None | Some(VERSION) => {}
        Some(other) => notices.push(format!(
            "link format version “{}” is not known; read as version {VERSION}",
            shown(other)
        )),
    }
    if let Some(name) = value_of("preset") {
        let name = name.trim().to_ascii_lowercase();
        match PresetId::from_key(&name) {
            Some(id) => {
                state.params = id.params().clamped().0;
                state.preset = Some(id);
            }
            None => notices.push(format!("unknown preset “{}” ignored", shown(&name))),
        }
    }

    let mut embed: Option<Embed> = None;
    for (key, value, times) in &pairs {
        if *times > 1 {
            notices.push(format!(
                "{} was given {times} times; the last one (“{}”) was used",
                shown(key),
                shown(value)
            ));
        }
        if spec(key).is_some() {
            match state.params.set(key, value) {
                Ok(None) => {}
                Ok(Some(adjusted)) => notices.push(format!(
                    "{key}: {} is out of range; using {}",
                    shown(value.trim()),
                    adjusted.applied
                )),
                Err(ParamError::BadValue { key, expected, .. }) => notices.push(format!(
                    "{key}: cannot read “{}” ({expected}); kept {}",
                    shown(value),
                    state.params.get(&key).unwrap_or_default()
                )),
                Err(ParamError::UnknownKey(k)) => {
                    notices.push(format!("unknown setting “{}” ignored", shown(&k)))
                }
            }
            continue;
        }
        let bad_switch = |notices: &mut Vec<String>| {
            notices.push(format!(
                "{key}: cannot read “{}” (expected 1 or 0); ignored",
                shown(value)
            ))
        };
        match key.as_str() {
            "v" | "preset" => {}
            "seed" => match value.trim().parse::<u64>() {
                Ok(s) => state.seed = s,
                Err(_) => notices.push(format!(
                    "seed: cannot read “{}” (expected a whole number 0–{}); kept {DEFAULT_SEED}",
                    shown(value),
                    u64::MAX
                )),
            },
            "paused" => match truthy(value) {
                Some(paused) => state.playing = !paused,
                None => bad_switch(&mut notices),
            },
            "present" => match truthy(value) {
                Some(on) => state.present = on,
                None => bad_switch(&mut notices),
            },
            "speed" => state.speed = decode_speed(value, &mut notices),
            "step" => match parse_f64(value.trim()) {
                Some(n) if n.is_finite() => {
                    let last = STEPS.len() - 1;
                    let step = n.round().clamp(1.0, STEPS.len() as f64) as usize - 1;
                    if n.round() != (step + 1) as f64 {
                        notices.push(format!(
                            "step: {} is outside 1–{}; using {}",
                            shown(value),
                            last + 1,
                            step + 1
                        ));
                    }
                    state.step = step;
                }
                _ => notices.push(format!(
                    "step: cannot read “{}” (expected 1–{}); using 1",
                    shown(value),
                    STEPS.len()
                )),
            },
            "embed" => match truthy(value) {
                Some(true) => {
                    embed.get_or_insert_with(Embed::default);
                }
                Some(false) => {}
                None => bad_switch(&mut notices),
            },
            "steps" => {
                let step = |item: &str| {
                    let n = item.parse::<u64>().ok()?;
                    (1..=STEPS.len() as u64)
                        .contains(&n)
                        .then(|| n as usize - 1)
                };
                state.talk = decode_chosen(key, value, &step, &mut notices);
            }
            "challenges" => {
                let id = |item: &str| CHALLENGE_IDS.iter().position(|k| *k == item);
                state.challenges = decode_chosen(key, value, &id, &mut notices);
            }
            "palette" => {
                // Read like a list of one; the last name it knows wins.
                let palette = |item: &str| Palette::ALL.iter().position(|p| p.key() == item);
                let chosen = decode_chosen(key, value, &palette, &mut notices);
                if let Some(i) = chosen.items().last() {
                    state.palette = Palette::ALL[i];
                }
            }
            "controls" | "id" | "metrics" | "layout" | "readouts" => {} // read below, for embeds only
            _ => notices.push(format!("unknown setting “{}” ignored", shown(key))),
        }
    }
    if let Some(e) = embed.as_mut() {
        if let Some(layout) = value_of("layout") {
            match Layout::from_key(&layout.trim().to_ascii_lowercase()) {
                Some(chosen) => e.layout = chosen,
                None => notices.push(format!(
                    "layout: no layout “{}” (expected compact or full); using compact",
                    shown(layout)
                )),
            }
        }
        e.readouts = match value_of("readouts") {
            Some(list) => decode_readouts(list, &mut notices),
            None => e.layout.default_readouts(),
        };
        if let Some(list) = value_of("controls") {
            e.controls = decode_controls(list, &mut notices);
        }
        if let Some(id) = value_of("id") {
            e.id = id
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .take(MAX_ID_LEN)
                .collect();
            if e.id != id {
                notices.push(format!(
                    "id: only letters, digits, - and _ (at most {MAX_ID_LEN}) are kept"
                ));
            }
        }
        if let Some(m) = value_of("metrics") {
            match truthy(m) {
                Some(on) => e.metrics = on,
                None => notices.push(format!("metrics: cannot read “{}”; ignored", shown(m))),
            }
        }
    }
    if state.params.pooled() {
        state.last_mode = state.params.pool_mode;
    }
    // A presenter link opens on its step's scenario (the step's text and the figure agree).
    state = if state.present {
        let step = StepMove::To(state.step).within(state.step, state.talk);
        state.with_step_scenario(step)
    } else {
        PageState { step: 0, ..state }
    };
    let extra = notices.len().saturating_sub(MAX_NOTICES);
    if extra > 0 {
        notices.truncate(MAX_NOTICES);
        notices.push(format!("… and {extra} more changes"));
    }
    Decoded {
        state,
        embed,
        notices,
    }
}

fn decode_speed(value: &str, notices: &mut Vec<String>) -> usize {
    let v = value.trim().to_ascii_lowercase();
    if v == "max" {
        return SPEEDS.len() - 1;
    }
    match parse_f64(&v) {
        Some(s) if s.is_finite() => {
            // The nearest offered speed (on a log scale).
            let target = s.max(1e-9).ln();
            let (i, _) = SPEEDS
                .iter()
                .enumerate()
                .filter_map(|(i, sp)| sp.map(|x| (i, (x.ln() - target).abs())))
                .fold((DEFAULT_SPEED, f64::INFINITY), |best, c| {
                    if c.1 < best.1 {
                        c
                    } else {
                        best
                    }
                });
            if SPEEDS[i] != Some(s) {
                notices.push(format!(
                    "speed: {} is not offered; using {}",
                    shown(value),
                    speed_text(i)
                ));
            }
            i
        }
        _ => {
            notices.push(format!(
                "speed: cannot read “{}”; using {}",
                shown(value),
                speed_text(DEFAULT_SPEED)
            ));
            DEFAULT_SPEED
        }
    }
}

fn decode_readouts(list: &str, notices: &mut Vec<String>) -> Vec<&'static str> {
    let mut wanted = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let item = item.to_ascii_lowercase().replace('-', "_");
        match READOUT_KEYS.iter().find(|(k, _)| *k == item) {
            Some((k, _)) => wanted.push(*k),
            None => notices.push(format!("readouts: no readout “{}”; left out", shown(&item))),
        }
    }
    // In the figure's own order, each once.
    READOUT_KEYS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| wanted.contains(k))
        .collect()
}

/// A teacher's list (`steps=2,5,8`, `challenges=fleet,storm`): the items `find` knows, each once;
/// the others are left out and said.
fn decode_chosen(
    key: &str,
    list: &str,
    find: &dyn Fn(&str) -> Option<usize>,
    notices: &mut Vec<String>,
) -> Chosen {
    let mut chosen = Chosen::ALL;
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let item = item.to_ascii_lowercase();
        match find(&item) {
            Some(i) => chosen = chosen.with(i),
            None => notices.push(format!("{key}: no “{}”; left out", shown(&item))),
        }
    }
    chosen
}

/// A teacher's list as the link writes it: the chosen items' names, comma-separated.
fn chosen_list(chosen: Chosen, name: &dyn Fn(usize) -> String) -> String {
    let mut out = String::new();
    for i in chosen.items() {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(&name(i));
    }
    out
}

/// An embed's controls (`controls=clients,pool-size`), in the page's order, each once.
fn decode_controls(list: &str, notices: &mut Vec<String>) -> Vec<&'static str> {
    let control = |item: &str| {
        let item = item.replace('-', "_");
        CONTROL_KEYS.iter().position(|k| *k == item)
    };
    let chosen = decode_chosen("controls", list, &control, notices);
    chosen.items().map(|i| CONTROL_KEYS[i]).collect()
}

/// Writes `state` (and the embed settings) as a query string without its `?`: `v=1`, the preset,
/// every parameter that differs from the base, then the page's own settings when not default.
pub fn encode(state: &PageState, embed: Option<&Embed>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("v", VERSION);
    let base = match state.preset {
        Some(id) => {
            q.append_pair("preset", id.key());
            id.params().clamped().0
        }
        None => v1_base(),
    };
    for s in PARAMS {
        let (Some(now), Some(was)) = (state.params.get(s.key), base.get(s.key)) else {
            continue;
        };
        if now != was {
            q.append_pair(s.key, &now);
        }
    }
    if state.seed != DEFAULT_SEED {
        q.append_pair("seed", &state.seed.to_string());
    }
    if !state.playing {
        q.append_pair("paused", "1");
    }
    if state.speed != DEFAULT_SPEED {
        q.append_pair("speed", &speed_text(state.speed));
    }
    if state.present {
        q.append_pair("present", "1");
        q.append_pair("step", &(state.step + 1).to_string());
    }
    if !state.talk.is_all() {
        q.append_pair("steps", &chosen_list(state.talk, &|i| (i + 1).to_string()));
    }
    if !state.challenges.is_all() {
        let id = |i: usize| CHALLENGE_IDS[i].to_string();
        q.append_pair("challenges", &chosen_list(state.challenges, &id));
    }
    if state.palette != Palette::Auto {
        q.append_pair("palette", state.palette.key());
    }
    if let Some(e) = embed {
        q.append_pair("embed", "1");
        if e.layout != Layout::default() {
            q.append_pair("layout", e.layout.key());
        }
        if e.readouts != e.layout.default_readouts() {
            q.append_pair("readouts", &e.readouts.join(","));
        }
        if e.controls != DEFAULT_EMBED_CONTROLS {
            q.append_pair("controls", &e.controls.join(","));
        }
        if !e.id.is_empty() {
            q.append_pair("id", &e.id);
        }
        if e.metrics {
            q.append_pair("metrics", "1");
        }
    }
    q.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::page_default;

    #[test]
    fn the_v1_base_is_the_first_view() {
        assert_eq!(v1_base(), page_default());
        // And it names every parameter, so later defaults cannot leak into old links.
        for s in PARAMS {
            assert!(V1_BASE.contains(&format!("{}=", s.key)), "{}", s.key);
        }
    }

    #[test]
    fn an_empty_query_is_the_first_view() {
        let d = decode("");
        assert_eq!(d.state, PageState::new(true));
        assert!(d.notices.is_empty());
        assert_eq!(encode(&d.state, None), "v=1");
    }

    #[test]
    fn a_readable_link_round_trips() {
        let q = "v=1&clients=5000&pool_size=40&pool_mode=session&pg_version=13&seed=7&paused=1&speed=max";
        let d = decode(q);
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        assert_eq!(d.state.params.clients, 5000);
        assert_eq!(d.state.params.pool_mode, poolsim_model::PoolMode::Session);
        assert_eq!(d.state.seed, 7);
        assert!(!d.state.playing);
        assert_eq!(d.state.speed(), None);
        assert_eq!(encode(&d.state, None), q);
    }

    #[test]
    fn the_pooler_process_count_round_trips_and_is_clamped() {
        let q = "v=1&clients=5000&pooler_processes=4";
        let d = decode(q);
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        assert_eq!(d.state.params.pooler_processes, 4);
        assert_eq!(encode(&d.state, None), q);
        // An older link, written before the key existed, still means one process.
        assert_eq!(decode("v=1&clients=5000").state.params.pooler_processes, 1);
        let d = decode("v=1&pooler_processes=500");
        assert_eq!(d.state.params.pooler_processes, 64);
        assert!(
            d.notices.iter().any(|n| n.contains("pooler_processes")),
            "{:?}",
            d.notices
        );
        assert_eq!(encode(&d.state, None), "v=1&pooler_processes=64");
    }

    #[test]
    fn presets_are_the_base_of_their_links() {
        let d = decode("?v=1&preset=fleet&clients=9000");
        assert_eq!(d.state.preset, Some(PresetId::Fleet));
        assert_eq!(d.state.params.cores, 16);
        assert_eq!(d.state.params.clients, 9000);
        assert_eq!(encode(&d.state, None), "v=1&preset=fleet&clients=9000");
    }

    #[test]
    fn garbled_values_are_clamped_or_dropped_and_said() {
        let d =
            decode("clients=1e9&pool_size=-3&cores=NaN&bogus=1&clients=7&seed=x&pool_mode=turbo");
        assert_eq!(d.state.params.clients, 7, "the last of a repeated key wins");
        assert_eq!(d.state.params.pool_size, 1);
        assert_eq!(d.state.params.cores, 8);
        assert_eq!(d.state.seed, DEFAULT_SEED);
        let all = d.notices.join("\n");
        for needle in [
            "clients was given 2 times",
            "pool_size",
            "cores",
            "bogus",
            "seed",
            "pool_mode",
        ] {
            assert!(all.contains(needle), "{needle} not in {all}");
        }
    }

    #[test]
    fn embeds_read_their_controls_and_id() {
        let d = decode("v=1&embed=1&controls=clients,POOL-SIZE,warp&id=a b<c>&metrics=1");
        let e = d.embed.expect("embed");
        assert_eq!(e.controls, vec!["clients", "pool_size"]);
        assert_eq!(e.id, "abc");
        assert!(e.metrics);
        assert_eq!(d.notices.len(), 2, "{:?}", d.notices);
        let q = encode(&d.state, Some(&e));
        assert_eq!(decode(&q).embed, Some(e));
        // Controls show in the page's order, whatever the link's.
        let e = decode("v=1&embed=1&controls=cores,clients,cores")
            .embed
            .unwrap();
        assert_eq!(e.controls, vec!["clients", "cores"]);
    }

    #[test]
    fn embeds_are_compact_unless_the_link_asks_for_the_full_layout() {
        let e = decode("v=1&embed=1").embed.expect("embed");
        assert_eq!(e.layout, Layout::Compact);
        assert_eq!(e.readouts, DEFAULT_COMPACT_READOUTS);
        assert!(e.shows("latency_p99") && e.shows("memory_private"));
        assert!(!e.shows("cpu_migrations") && !e.shows("errors"));
        let full = decode("v=1&embed=1&layout=FULL").embed.expect("embed");
        assert_eq!(full.layout, Layout::Full);
        assert_eq!(full.readouts.len(), READOUT_KEYS.len());
        assert_eq!(
            encode(&PageState::new(true), Some(&full)),
            "v=1&embed=1&layout=full"
        );
        // An unknown layout is said and falls back to compact.
        let d = decode("v=1&embed=1&layout=poster");
        assert_eq!(d.embed.expect("embed").layout, Layout::Compact);
        assert_eq!(d.notices.len(), 1, "{:?}", d.notices);
        assert!(d.notices[0].contains("layout"), "{:?}", d.notices);
    }

    #[test]
    fn readouts_are_chosen_in_the_figures_order_and_unknown_ones_said() {
        let d = decode("v=1&embed=1&readouts=p99,errors,Memory,p99,bogus");
        let e = d.embed.expect("embed");
        assert_eq!(e.readouts, vec!["memory", "p99", "errors"]);
        assert_eq!(d.notices.len(), 1, "{:?}", d.notices);
        assert!(d.notices[0].contains("bogus"));
        let q = encode(&d.state, Some(&e));
        assert!(q.ends_with("embed=1&readouts=memory%2Cp99%2Cerrors"), "{q}");
        assert_eq!(decode(&q).embed, Some(e));
        // None at all is a choice too, and `metrics=1` keeps meaning "post live metrics".
        let e = decode("v=1&embed=1&readouts=&metrics=1")
            .embed
            .expect("embed");
        assert!(e.readouts.is_empty() && e.metrics);
        assert_eq!(decode(&encode(&d.state, Some(&e))).embed, Some(e));
        // Without embed=1 the keys mean nothing and are not written back.
        let d = decode("v=1&layout=full&readouts=p99");
        assert!(d.embed.is_none() && d.notices.is_empty(), "{:?}", d.notices);
    }

    /// A step's scenario loads what the link it reads like (`preset=…&key=value…`) would, without
    /// the page decoder: the decoder loads a presenter link's step once, and a scenario is only
    /// model parameters, so one that says `present=1` or `step=2` is ignored there instead of
    /// loading a step again (which, when scenarios were links, recursed until the stack overflowed).
    #[test]
    fn a_step_scenario_means_its_link_and_cannot_recurse() {
        use crate::outline::Scenario;
        use crate::state::{page_default, step_scenario};
        for (n, step) in STEPS.iter().enumerate() {
            let mut q = form_urlencoded::Serializer::new(String::new());
            if let Some(preset) = step.scenario.preset {
                q.append_pair("preset", preset);
            }
            for (key, value) in step.scenario.settings {
                q.append_pair(key, value);
            }
            let link = decode(&q.finish());
            assert!(
                link.notices.is_empty(),
                "{}: {:?}",
                step.title,
                link.notices
            );
            assert_eq!(
                step_scenario(n),
                (link.state.params, link.state.preset),
                "{}",
                step.title
            );
        }
        let recursive = Scenario {
            preset: None,
            settings: &[("present", "1"), ("step", "2"), ("clients", "300")],
        };
        let (params, preset) = recursive.resolve(page_default());
        assert_eq!((params.clients, preset), (300, None));
        assert_eq!(
            params,
            Params {
                clients: 300,
                ..page_default()
            }
        );
    }

    #[test]
    fn a_presenter_link_opens_on_its_steps_scenario() {
        let d = decode("?v=1&present=1");
        assert!(d.state.present);
        assert_eq!(d.state.step, 0);
        assert_eq!(d.state.params, crate::state::step_scenario(0).0);
        assert_eq!(
            d.state.params.clients, 200,
            "step 1: 200 clients straight to Postgres"
        );
        assert!(encode(&d.state, None).ends_with("present=1&step=1"));
        let d = decode("?v=1&present=1&step=8");
        assert_eq!(d.state.step, 7);
        assert_eq!(d.state.preset, Some(PresetId::Fleet));
        assert_eq!(d.state.params, crate::state::step_scenario(7).0);
        assert_eq!(decode(&encode(&d.state, None)).state, d.state);
    }

    #[test]
    fn a_teachers_choices_round_trip_and_bad_ones_are_said() {
        let q = "v=1&seed=42&present=1&step=3&steps=3,5,9&challenges=fleet,storm&palette=projector";
        let d = decode(q);
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        assert_eq!(d.state.talk.items().collect::<Vec<_>>(), [2, 4, 8]);
        assert_eq!(d.state.challenges.items().collect::<Vec<_>>(), [0, 4]);
        assert_eq!(d.state.palette, Palette::Projector);
        assert_eq!((d.state.step, d.state.seed), (2, 42));
        assert_eq!(d.state.params, crate::state::step_scenario(2).0);
        assert_eq!(encode(&d.state, None), q.replace(',', "%2C"));
        // Out of range, repeated, unknown and unordered: clamped to what exists, in order, and said.
        let d = decode(
            "v=1&present=1&step=1&steps=9,0,3,3,x,99&challenges=STORM,warp,fleet&palette=neon",
        );
        assert_eq!(d.state.talk.items().collect::<Vec<_>>(), [2, 8]);
        assert_eq!(d.state.step, 2, "the talk opens on its first chosen step");
        assert_eq!(d.state.challenges.items().collect::<Vec<_>>(), [0, 4]);
        assert_eq!(d.state.palette, Palette::Auto);
        let all = d.notices.join("\n");
        for needle in ["“0”", "“x”", "“99”", "warp", "neon"] {
            assert!(all.contains(needle), "{needle} not in {all}");
        }
        // Links written before these keys existed mean every step, every challenge, the system's
        // colours.
        let d = decode("v=1&present=1&step=4");
        assert!(d.state.talk.is_all() && d.state.challenges.is_all());
        assert_eq!(d.state.palette, Palette::Auto);
    }

    #[test]
    fn notices_are_bounded() {
        let q: String = (0..500).map(|i| format!("k{i}=1&")).collect();
        let d = decode(&q);
        assert_eq!(d.notices.len(), MAX_NOTICES + 1);
        assert!(d.notices.last().unwrap().contains("more changes"));
    }
}

/// Native property and corpus tests (proptest is not built for wasm32).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod corpus {
    use super::*;
    use poolsim_model::ParamKind;
    use proptest::prelude::*;

    /// Any valid page state: every parameter inside its registry range.
    fn state() -> impl Strategy<Value = PageState> {
        let values = proptest::collection::vec(0.0f64..=1.0, PARAMS.len());
        (
            values,
            any::<u64>(),
            any::<bool>(),
            0..SPEEDS.len(),
            proptest::option::of(0..PresetId::ALL.len()),
            any::<bool>(),
            0..STEPS.len(),
            (
                proptest::collection::btree_set(0..STEPS.len(), 0..4),
                proptest::collection::btree_set(0..CHALLENGE_IDS.len(), 0..3),
                0..Palette::ALL.len(),
            ),
        )
            .prop_map(
                |(
                    values,
                    seed,
                    playing,
                    speed,
                    preset_i,
                    present,
                    step,
                    (talk, challenges, palette),
                )| {
                    let mut s = PageState::new(playing);
                    if let Some(i) = preset_i {
                        s.preset = Some(PresetId::ALL[i]);
                    }
                    for (spec, u) in PARAMS.iter().zip(values) {
                        let text = match spec.kind {
                            ParamKind::Enum(choices) => choices
                                [((u * choices.len() as f64) as usize).min(choices.len() - 1)]
                            .to_string(),
                            ParamKind::Int => {
                                (spec.min + u * (spec.max - spec.min)).round().to_string()
                            }
                            ParamKind::Float => (spec.min + u * (spec.max - spec.min)).to_string(),
                        };
                        s.params
                            .set(spec.key, &text)
                            .expect("valid by construction");
                    }
                    if s.params.pooled() {
                        s.last_mode = s.params.pool_mode;
                    }
                    s.seed = seed;
                    s.speed = speed;
                    s.present = present;
                    s.talk = talk.into_iter().collect();
                    s.challenges = challenges.into_iter().collect();
                    s.palette = Palette::ALL[palette];
                    if present {
                        // A presenter state is its step's scenario; the remembered pool mode of a
                        // pooler that the step switches off is not part of a link.
                        s.last_mode = PageState::default().last_mode;
                        let step = StepMove::To(step).within(step, s.talk);
                        s = s.with_step_scenario(step);
                    }
                    s
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_valid_state_survives_its_url(
            s in state(),
            metrics in any::<bool>(),
            full in any::<bool>(),
            readouts in proptest::sample::subsequence(READOUT_KEYS.map(|(k, _)| k).to_vec(), 0..=READOUT_KEYS.len()),
        ) {
            let layout = if full { Layout::Full } else { Layout::Compact };
            let embed = Embed { layout, readouts, controls: vec!["clients", "cores"], id: "fig-1".into(), metrics };
            let q = encode(&s, Some(&embed));
            let d = decode(&q);
            prop_assert!(d.notices.is_empty(), "{:?} for {}", d.notices, q);
            prop_assert_eq!(&d.state, &s, "{}", q);
            prop_assert_eq!(d.embed, Some(embed));
        }
    }

    /// A small deterministic generator (xorshift) so the corpus is the same on every run.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    const HOSTILE_VALUES: &[&str] = &[
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "-1",
        "-0",
        "0",
        "1e308",
        "-1e308",
        "1e-320",
        "99999999999999999999999999",
        "18446744073709551616",
        "",
        " ",
        "%",
        "%zz",
        "%E2%82",
        "%00",
        "%F0%9F%98%80",
        "😀",
        "ñ",
        "٣",
        "𝟙𝟚",
        "0x10",
        "1_000",
        "1,000",
        " 5 ",
        "5abc",
        "null",
        "[]",
        "{}",
        "true",
        "off",
        "session",
        "TRANSACTION",
        "none",
        "thread-pool",
        "per-txn",
        "1.5",
        "2.5e3",
        "+7",
        "--3",
        "1/0",
        "=",
        "==",
        "&",
        "?",
        "#frag",
        "<script>",
        "\u{202e}",
        "1,3,99",
        "3,,0,-2,3",
        "fleet,STORM,x",
        "projector",
        "dark",
    ];
    const EXTRA_KEYS: &[&str] = &[
        "",
        "v",
        "V",
        "preset",
        "seed",
        "paused",
        "speed",
        "present",
        "step",
        "embed",
        "controls",
        "id",
        "metrics",
        "layout",
        "readouts",
        "steps",
        "challenges",
        "palette",
        "bogus",
        "__proto__",
        "constructor",
        "clients[]",
        "CLIENTS",
        " clients",
        "pool-size",
        "ñ",
        "😀",
        "%",
        "%zz",
        "a%00b",
        "presetx",
    ];

    fn hostile_query(g: &mut Gen) -> String {
        let registry: Vec<&str> = PARAMS.iter().map(|s| s.key).collect();
        let presets: Vec<&str> = PresetId::KEYS.to_vec();
        let mut q = String::new();
        if g.next() % 3 == 0 {
            q.push('?');
        }
        let n = 1 + g.next() % 12;
        for i in 0..n {
            if i > 0 {
                q.push_str(g.pick(&["&", "&&", ";", "&amp;", "&=&"]));
            }
            let key = if g.next() % 2 == 0 {
                g.pick(&registry)
            } else {
                g.pick(EXTRA_KEYS)
            };
            q.push_str(key);
            if g.next() % 8 != 0 {
                q.push('=');
            }
            let value = match g.next() % 4 {
                0 => g.pick(&presets).to_string(),
                1 => (g.next() as i64 as f64 / (1u64 << (g.next() % 60)) as f64).to_string(),
                _ => g.pick(HOSTILE_VALUES).to_string(),
            };
            q.push_str(&value);
        }
        match g.next() % 6 {
            // Truncated mid-way (possibly mid-character).
            0 => {
                let mut cut = (g.next() as usize) % (q.len() + 1);
                while !q.is_char_boundary(cut) {
                    cut -= 1;
                }
                q.truncate(cut);
            }
            // Huge.
            1 => q = q.repeat(1 + (g.next() % 600) as usize),
            _ => {}
        }
        q
    }

    #[test]
    fn hostile_urls_never_panic_and_always_give_a_valid_state() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let cases = 2_000;
        let mut with_notices = 0;
        for _ in 0..cases {
            let q = hostile_query(&mut g);
            let d = decode(&q);
            // Every value inside its range.
            let (clamped, adjustments) = d.state.params.clone().clamped();
            assert!(adjustments.is_empty(), "{adjustments:?} from {q:?}");
            assert_eq!(clamped, d.state.params);
            assert!(d.state.step < STEPS.len());
            assert!(d.state.speed < SPEEDS.len());
            // Notices are few and short.
            assert!(d.notices.len() <= MAX_NOTICES + 1, "{q:?}");
            assert!(
                d.notices.iter().all(|n| n.chars().count() <= 200),
                "{:?}",
                d.notices
            );
            with_notices += usize::from(!d.notices.is_empty());
            // What was read is a valid state: writing it and reading it back changes nothing.
            let again = decode(&encode(&d.state, d.embed.as_ref()));
            assert!(again.notices.is_empty(), "{:?} from {q:?}", again.notices);
            assert_eq!(again.state, d.state, "{q:?}");
            assert_eq!(again.embed, d.embed, "{q:?}");
        }
        // The corpus really is hostile.
        assert!(with_notices > cases * 3 / 4, "{with_notices} of {cases}");
    }
}

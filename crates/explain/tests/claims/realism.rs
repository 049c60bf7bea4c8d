//! "How realistic is this model?", realism.rs. Its quotes are not looked up in the content
//! ([`Place::NotLookedUp`]): two are its figure's words, not its prose.

use crate::claim::{claims, measured, Place};
use poolsim_explain::sections::realism::{lab_points, route_clients, route_words, Piece, LAB_CSV};
use poolsim_page::live::{run_seeded_to_end, SEED};
use std::cell::Cell;

claims! {
    place: Place::NotLookedUp;

    says "The same parameters and seed always give the same result."
    fn the_same_parameters_and_seed_give_the_same_result() {
        let run = || {
            let w = poolsim_page::state::page_default();
            let v = run_seeded_to_end(&w, SEED, 1_000_000_000);
            (v.direct, v.pooled)
        };
        assert_eq!(run(), run());
    }

    says "Below, PostgreSQL 15 and PgBouncer 1.18 on a small virtual machine, measured with \
        pgbench running one read-only SELECT per transaction, straight to Postgres and \
        through PgBouncer, from 1 to 1,000 clients, against the model run at the same \
        points."
    fn the_lab_figure_spans_1_to_1000_clients_on_both_routes_of_pg_15() {
        use poolsim_validate::{point_params, Route};
        let points = lab_points().expect("the embedded lab file parses");
        for route in Route::ALL {
            let clients = route_clients(&points, route);
            assert_eq!(clients.iter().min(), Some(&1), "{route:?}");
            assert_eq!(clients.iter().max(), Some(&1000), "{route:?}");
            let p = point_params(route, 1);
            assert_eq!((p.pg_version, p.stmts_per_txn), (15, 1));
        }
        assert!(LAB_CSV
            .lines()
            .skip(1)
            .all(|l| l.starts_with("select_only,")));
    }

    /// And “Of the 8 checks `poolsim validate` makes with these same runs, N pass” (per route:
    /// TPS, peak, fall and p99): the page's runs, stepped frame by frame, give exactly
    /// `poolsim validate`'s figures.
    says "each line is the model's `lab` preset — 2 cores, pgbench on the same machine, a \
        transaction pool of 4 for the PgBouncer route — run at the same client counts while \
        you read"
    fn the_lab_figure_shows_the_runs_of_poolsim_validate() {
        use poolsim_validate::{self as lab, point_params, Route, RunSpec};
        let points = lab_points().unwrap();
        let p = point_params(Route::PgBouncer, 8);
        assert_eq!(
            (p.cores, p.pool_size, p.clients_on_server),
            (2, 4, poolsim_model::OnOff::On)
        );
        let mut runs =
            poolsim_page::sim::datasets::DatasetRuns::new(poolsim_validate::dataset::lab(&points));
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        while !runs.run_until(t.get() + 50.0, &clock) {}
        let page = poolsim_validate::dataset::lab_compared(runs.runs());
        let cli = lab::compare(&points, &RunSpec::default());
        // The same points (the dataset keeps no context-switch rates) with the same figures.
        let figures = |points: &[lab::Compared]| -> Vec<(Route, u32, lab::ModelFigures)> {
            points
                .iter()
                .map(|c| (c.lab.route, c.lab.clients, c.model))
                .collect()
        };
        assert_eq!(figures(&page), figures(&cli));
        assert_eq!(page.len(), points.len());
        let checks = lab::checks(&page);
        measured(
            "lab",
            format!(
                "{} of {} checks pass; worst errors {:?}",
                checks.iter().filter(|c| c.pass).count(),
                checks.len(),
                Route::ALL.map(|r| lab::route_summary(&page, r).map(|s| s.worst))
            ),
        );
        assert_eq!(checks.len(), 8);
        assert!(checks.iter().all(|c| c.pass), "{checks:?}");
    }

    /// Said only when every point is within; otherwise “at K of its N”.
    says "Direct: within ±25 % of the lab's median at every one of its N client counts"
    fn every_one_is_said_only_when_every_point_is_within_the_tolerance() {
        use poolsim_validate::{Route, RouteSummary};
        let summary = |within| RouteSummary {
            route: Route::Direct,
            points: 11,
            within_tolerance: within,
            within_spread: 2,
            worst: (1, 2.345),
            peak_clients: (2, 4),
            fall: (0.766, -0.05),
            known_misses: Vec::new(),
            unexpected_misses: 11 - within,
            worst_counted: (1, 2.345),
        };
        let text = |s: &RouteSummary| {
            route_words(s, 1000)
                .into_iter()
                .map(|p| match p {
                    Piece::Text(t) | Piece::Live(_, _, t) => t,
                })
                .collect::<String>()
        };
        let all = text(&summary(11));
        assert!(
            all.contains("at every one of its 11 client counts"),
            "{all}"
        );
        let some = text(&summary(6));
        assert!(
            some.contains("median at 6 of its 11 client counts"),
            "{some}"
        );
        assert!(
            some.contains("largest error +235 %, at 1 client."),
            "{some}"
        );
        assert!(
            some.contains("lab peaks at 2 clients and is 77 % lower at 1,000;"),
            "{some}"
        );
        assert!(
            some.contains("the model peaks at 4 clients and is 5.0 % higher at 1,000."),
            "{some}"
        );
        let level = text(&RouteSummary {
            fall: (0.1, 0.001),
            ..summary(6)
        });
        assert!(level.ends_with("and is level at 1,000."), "{level}");
    }

    says "What is left out: disk I/O, locks between transactions, network beyond a round trip \
        with a little jitter, NUMA, and the many knobs of a real kernel."
    fn the_network_is_a_round_trip_with_a_little_jitter() {
        let j = poolsim_model::calibration::NETWORK_JITTER;
        assert!(j > 0.0 && j <= 0.25);
    }

    says "The figure switches to two published benchmarks as well: a 72-vCPU server running \
        PostgreSQL 13 against 14 (Andres Freund's 2020 measurements, never used to fit the \
        model), and PgBouncer on a machine of its own against direct connections (Tembo's 2024 \
        pooler benchmark, which PgBouncer's costs were fitted on)."
    fn the_figure_offers_the_lab_a_held_out_72_vcpu_server_and_a_fitted_pooler_benchmark() {
        use poolsim_explain::sections::realism::dataset;
        use poolsim_model::PoolerHost;
        use poolsim_page::sim::datasets::DatasetChoice;
        assert_eq!(DatasetChoice::KEYS, ["lab", "freund_2020", "tembo_2024"]);
        let freund = dataset(DatasetChoice::Freund).unwrap();
        assert!(!freund.usage.is_fitted());
        let versions: Vec<(u32, u32)> = freund
            .series
            .iter()
            .map(|s| (s.params.cores, s.params.pg_version))
            .collect();
        assert_eq!(versions, [(72, 13), (72, 14)]);
        let tembo = dataset(DatasetChoice::Tembo).unwrap();
        assert!(tembo.usage.is_fitted());
        assert!(tembo.usage.reason().contains("PgBouncer"));
        let pooled = tembo.series("pgbouncer").unwrap();
        assert_eq!(pooled.params.pooler_host, PoolerHost::Own);
        assert_eq!(tembo.series("direct").unwrap().params.pool_mode, poolsim_model::PoolMode::None);
    }
}

//! Section 4, switching.rs: the live figure's default (2,000 clients thinking 150 ms, a pool of 24
//! in transaction mode) on 1, 8 or 32 cores, direct and pooled.

use crate::claim::{claims, figures, measured, Place};
use poolsim_explain::sections::switching::{migrated_share, migration_workload, MIGRATION_CORES};

claims! {
    place: Place::Section("migration");

    says "When every core is busy, a process that wakes up takes whichever core frees up \
        first, so both sides migrate on most switches, and the pooled side, which switches \
        more often, migrates more."
    fn on_busy_cores_both_sides_migrate_on_most_switches_pooled_more() {
        let f = figures(&migration_workload(MIGRATION_CORES));
        let (d, p) = (&f.direct, f.pooled());
        measured(
            "s4 8 cores",
            format!(
                "direct {:.0}/s ({:.0} % of switches), pooled {:.0}/s ({:.0} %)",
                d.cpu_migrations_per_s,
                migrated_share(d) * 100.0,
                p.cpu_migrations_per_s,
                migrated_share(p) * 100.0
            ),
        );
        assert!(d.cpu.idle < 0.02 && p.cpu.idle < 0.05);
        assert!(migrated_share(d) > 0.5 && migrated_share(p) > 0.5);
        assert!(p.cpu_migrations_per_s > d.cpu_migrations_per_s);
    }

    says "Give the server cores to spare — try 32 — and the difference shows: the pool’s few \
        backends mostly find their last core idle and stay where their caches are warm, \
        while the direct side’s thousands of backends keep landing on other cores."
    fn with_cores_to_spare_the_pools_backends_stay_on_their_core() {
        let f = figures(&migration_workload(32));
        let (d, p) = (&f.direct, f.pooled());
        measured(
            "s4 32 cores",
            format!(
                "direct {:.0}/s ({:.0} % of switches), pooled {:.0}/s ({:.1} %)",
                d.cpu_migrations_per_s,
                migrated_share(d) * 100.0,
                p.cpu_migrations_per_s,
                migrated_share(p) * 100.0
            ),
        );
        assert!(migrated_share(p) < 0.1);
        assert!(migrated_share(p) < 0.25 * migrated_share(d));
        assert!(p.cpu_migrations_per_s < 0.5 * d.cpu_migrations_per_s);
    }

    says "With a single core there is nowhere to migrate to."
    fn with_a_single_core_there_is_nowhere_to_migrate_to() {
        let f = figures(&migration_workload(1));
        assert_eq!(f.direct.cpu_migrations_per_s, 0.0);
        assert_eq!(f.pooled().cpu_migrations_per_s, 0.0);
    }
}

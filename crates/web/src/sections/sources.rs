//! How realistic the model is, and where its numbers come from.

use yew::prelude::*;

pub const MODEL_DOC: &str = "https://github.com/poolsim/poolsim/blob/main/crates/model/MODEL.md";

const SOURCES: [(&str, &str, &str); 14] = [
    ("Andres Freund", "Measuring the Memory Overhead of a Postgres Connection (2020)",
     "https://blog.anarazel.de/2020/10/07/measuring-the-memory-overhead-of-a-postgres-connection/"),
    ("Andres Freund", "Analyzing the Limits of Connection Scalability in Postgres (2020)",
     "https://www.citusdata.com/blog/2020/10/08/analyzing-connection-scalability/"),
    ("Andres Freund", "Improving Postgres Connection Scalability: Snapshots (2020)",
     "https://www.citusdata.com/blog/2020/10/25/improving-postgres-connection-scalability-snapshots/"),
    ("depesz", "Waiting for PostgreSQL 14 – improvements for handling large number of connections",
     "https://www.depesz.com/2020/08/25/waiting-for-postgresql-14-improvements-for-handling-large-number-of-connections/"),
    ("pganalyze", "Postgres 14 performance and monitoring improvements",
     "https://pganalyze.com/blog/postgres-14-performance-monitoring"),
    ("Zalando", "PgBouncer on Kubernetes and how to achieve minimal latency (2020)",
     "https://engineering.zalando.com/posts/2020/06/postgresql-connection-poolers.html"),
    ("PgBouncer", "Features: what works in each pool mode", "https://www.pgbouncer.org/features.html"),
    ("PgBouncer", "Configuration reference (max_prepared_statements, pool sizes, timeouts)",
     "https://www.pgbouncer.org/config.html"),
    ("Chuanpeng Li, Chen Ding, Kai Shen", "Quantifying the Cost of Context Switch (2007)",
     "http://www.cs.rochester.edu/u/cli/research/switch.htm"),
    ("HikariCP", "About Pool Sizing", "https://github.com/brettwooldridge/HikariCP/wiki/About-Pool-Sizing"),
    ("Christoph Berg", "PgBouncer running on the same hardware (2012)",
     "https://www.df7cb.de/blog/2012/pgbouncer_running_on_the_same_hardware.html"),
    ("Citus", "Connection establishment benchmark in PR #4338", "https://github.com/citusdata/citus/pull/4338"),
    ("AWS", "Resources consumed by idle PostgreSQL connections",
     "https://aws.amazon.com/blogs/database/resources-consumed-by-idle-postgresql-connections/"),
    ("Richard Yen (EDB)", "Less is more: max_connections (2021)",
     "https://richyen.com/postgres/2021/09/03/less-is-more-max-connections.html"),
];

#[component]
pub fn RealismSection() -> Html {
    html! {
        <section class="explain" id="realism" aria-labelledby="realism-h">
            <h2 id="realism-h">{ "How realistic is this model?" }</h2>
            <p>
                { "It is a simulation, not a benchmark. Clients, PgBouncer, the postmaster, the backends and a simple \
                   scheduler for a given number of cores are modelled as events in simulated time; every cost they pay \
                   — a context switch, a cache refill, a fork, an authentication, a snapshot — is a calibrated constant \
                   with its source, most of them measured on a small virtual machine with PostgreSQL 13 and 15 and \
                   PgBouncer 1.18, the rest taken from the articles below. Single short measurements carry 10–20 % \
                   noise, and a VM is not a 96-core server: read the shapes of the curves — where they bend, which side \
                   wins — rather than the exact numbers. The same parameters and seed always give the same result." }
            </p>
            <p>
                { "What is left out: disk I/O, locks between transactions, network beyond a round trip with a little \
                   jitter, NUMA, and the many knobs of a real kernel. The " }
                <a href={MODEL_DOC}>{ "model document" }</a>
                { " describes every mechanism and constant, with its source and our confidence in it." }
            </p>
            <p>
                { "How close does it come to a real server? Below, PostgreSQL 15 and PgBouncer 1.18 on a small virtual \
                   machine, measured with pgbench running one read-only SELECT per transaction, straight to Postgres \
                   and through PgBouncer, from 1 to 1,000 clients, against the model run at the same points." }
            </p>
            <super::realism::RealismFigure />
        </section>
    }
}

#[component]
pub fn SourcesSection() -> Html {
    html! {
        <section class="explain" id="sources" aria-labelledby="sources-h">
            <h2 id="sources-h">{ "Sources" }</h2>
            <ol class="source-list">
                { for SOURCES.iter().map(|(who, title, url)| html! {
                    <li>{ format!("{who}, ") }<a href={*url}>{ *title }</a></li>
                }) }
            </ol>
            <p class="sources">
                { "Measurements marked as ours were taken on a 2-vCPU virtual machine (Linux 6.18, PostgreSQL 15.18 and \
                   13.23, PgBouncer 1.18): smaps of 500 idle backends, pgbench with and without reconnecting, pipe \
                   ping-pong for the cost of a context switch." }
            </p>
        </section>
    }
}

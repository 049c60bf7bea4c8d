//! The live numbers of one side (direct or pooled), each with `data-metric`/`data-value`.

use super::{CpuBar, Readout};
use poolsim_page::format;
use poolsim_page::sim::SideView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SideReadoutsProps {
    pub view: SideView,
    pub clients: u32,
    pub pool_size: u32,
    /// Drawn between the title and the numbers (the architecture view).
    #[prop_or_default]
    pub children: Html,
}

/// A metric name from an error reason: "prepared statement does not exist" → "prepared_statement_does_not_exist".
pub fn slug(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    for c in reason.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

#[component]
pub fn SideReadouts(props: &SideReadoutsProps) -> Html {
    let v = &props.view;
    let side = if v.pooled { "pooled" } else { "direct" };
    let m = |name: &str| AttrValue::from(format!("{name}_{side}"));
    let backends = v.occupancy.backends();
    let title = if v.pooled {
        "Through PgBouncer"
    } else {
        "Straight to Postgres"
    };
    let errors = v.errors_per_s();
    let steady_backends = if v.pooled {
        props.pool_size.min(props.clients)
    } else {
        props.clients
    };
    html! {
        <section class={classes!("side", side)} aria-label={title}>
            <h3>{ title }</h3>
            { props.children.clone() }
            <div class="readouts">
                <Readout metric={m("memory_private")} label="Memory, private" value={v.memory_private}
                         text={format::bytes(v.memory_private)}
                         note={format!("{} backends", format::count(backends.into()))} />
                <Readout metric={m("memory_steady")} label="Memory, all connected & idle" value={v.memory_private_steady}
                         text={format::bytes(v.memory_private_steady)}
                         note={format!("{} backends", format::count(steady_backends.into()))} />
                <Readout metric={m("memory_rss")} label="Memory, what top shows" value={v.memory_rss}
                         text={format::bytes(v.memory_rss)} note="sum of RSS" />
                <Readout metric={m("throughput")} label="Throughput" value={v.throughput_tps}
                         text={format!("{} tx", format::per_second(v.throughput_tps))} />
                <Readout metric={m("latency_p99")} label="Latency p99" value={v.latency.p99}
                         text={format::duration(v.latency.p99)}
                         note={format!("p50 {} · p95 {}", format::duration(v.latency.p50), format::duration(v.latency.p95))} />
                <span hidden=true data-metric={m("latency_p50")} data-value={v.latency.p50.to_string()} />
                <span hidden=true data-metric={m("latency_p95")} data-value={v.latency.p95.to_string()} />
                <Readout metric={m("context_switches")} label="Context switches" value={v.context_switches_per_s}
                         text={format::per_second(v.context_switches_per_s)} />
                <Readout metric={m("cpu_migrations")} label="CPU migrations" value={v.cpu_migrations_per_s}
                         text={format::per_second(v.cpu_migrations_per_s)} />
                <Readout metric={m("errors")} label="Errors" value={errors}
                         class={classes!((errors > 0.0).then_some("bad"))}
                         text={format::per_second(errors)}
                         note={v.errors.is_empty().then_some("none")} />
                if v.pooled {
                    <Readout metric="memory_pooler" label="PgBouncer's memory" value={v.memory_pooler}
                             text={format::bytes(v.memory_pooler)}
                             note={format!("{} clients", format::count(props.clients.into()))} />
                }
                if v.pooled {
                    <Readout metric="pool_wait_pooled" label="Pool wait (mean)" value={v.pool_wait_s}
                             text={format::duration(v.pool_wait_s)} note="queued for a server connection" />
                }
            </div>
            if !v.errors.is_empty() {
                <ul class="errors">
                    { for v.errors.iter().map(|(reason, rate)| html! {
                        <li data-metric={format!("errors_{}_{side}", slug(reason))} data-value={rate.to_string()}>
                            <code>{ reason }</code>{ format!(" {}", format::per_second(*rate)) }
                        </li>
                    }) }
                </ul>
            }
            <CpuBar cpu={v.cpu} side={side} />
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_metric_names() {
        assert_eq!(
            super::slug("prepared statement \"S_1\" does not exist"),
            "prepared_statement_s_1_does_not_exist"
        );
        assert_eq!(super::slug("too many clients"), "too_many_clients");
    }
}

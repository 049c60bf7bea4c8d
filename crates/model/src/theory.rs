//! Queueing theory used to validate the simulation (overheads off) and by the page's theory panel.
//!
//! * **Erlang C** (M/M/c, open): probability of waiting, mean wait, response time, queue length.
//!   Computed through the Erlang B recursion `B(k) = A·B(k−1) / (k + A·B(k−1))`, which never forms
//!   `A^c` or `c!`, so it is stable for c up to thousands.
//! * **Finite source M/M/c//N** (closed: N clients thinking Z on average, c servers, service
//!   1/μ): the exact birth–death solution, computed in log space.

use serde::Serialize;

/// Erlang C results (times in the unit of `1/mu`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ErlangC {
    /// Offered load A = λ/μ (Erlangs).
    pub offered: f64,
    /// Utilisation ρ = A / c.
    pub rho: f64,
    /// Probability an arrival waits.
    pub p_wait: f64,
    /// Mean wait in queue.
    pub wq: f64,
    /// Mean response time (wait + service).
    pub w: f64,
    /// Mean queue length.
    pub lq: f64,
}

/// Erlang C for `c` servers, arrival rate `lambda`, service rate `mu` per server.
/// `None` when the queue is unstable (λ ≥ cμ) or an input is not positive and finite.
pub fn erlang_c(c: u32, lambda: f64, mu: f64) -> Option<ErlangC> {
    if c == 0 || !(lambda.is_finite() && mu.is_finite()) || lambda < 0.0 || mu <= 0.0 {
        return None;
    }
    let a = lambda / mu;
    let cf = f64::from(c);
    if a >= cf {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let p_wait = cf * b / (cf - a * (1.0 - b));
    let wq = p_wait / (cf * mu - lambda);
    Some(ErlangC {
        offered: a,
        rho: a / cf,
        p_wait,
        wq,
        w: wq + 1.0 / mu,
        lq: lambda * wq,
    })
}

/// Probability that an arrival waits longer than `t`: C·e^{−(cμ−λ)t}.
pub fn erlang_c_tail(e: &ErlangC, c: u32, lambda: f64, mu: f64, t: f64) -> f64 {
    e.p_wait * libm::exp(-(f64::from(c) * mu - lambda) * t)
}

/// Finite-source (closed) results; times in the unit of `think` and `service`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FiniteSource {
    /// Completions per unit time.
    pub throughput: f64,
    /// Mean response time (queue + service).
    pub response_time: f64,
    /// Mean wait in queue.
    pub wait: f64,
    /// Mean number at the station (queued + in service).
    pub at_station: f64,
    /// Mean number queued.
    pub queued: f64,
    /// Server utilisation (busy servers / c).
    pub utilisation: f64,
    /// Probability that an arriving client has to wait (arrival theorem: the station as seen
    /// with N−1 clients).
    pub p_wait: f64,
}

fn distribution(n: u32, c: u32, think: f64, service: f64) -> Vec<f64> {
    let mu = 1.0 / service;
    let mut logp = Vec::with_capacity(n as usize + 1);
    logp.push(0.0f64);
    for k in 1..=n {
        let birth = f64::from(n - k + 1) / think;
        let death = f64::from(k.min(c)) * mu;
        let prev = logp[k as usize - 1];
        logp.push(prev + libm::log(birth) - libm::log(death));
    }
    let max = logp.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut p: Vec<f64> = logp.iter().map(|&l| libm::exp(l - max)).collect();
    let sum: f64 = p.iter().sum();
    for x in &mut p {
        *x /= sum;
    }
    p
}

/// Exact M/M/c//N: `n` clients, `c` servers, mean think time `think`, mean service `service`.
pub fn finite_source(n: u32, c: u32, think: f64, service: f64) -> Option<FiniteSource> {
    if n == 0 || c == 0 || !(service > 0.0 && service.is_finite()) || think.is_nan() || think < 0.0
    {
        return None;
    }
    let mu = 1.0 / service;
    if think == 0.0 || !think.is_finite() {
        if !think.is_finite() {
            return None;
        }
        // Everyone is always at the station.
        let busy = f64::from(n.min(c));
        let x = busy * mu;
        let r = f64::from(n) / x;
        return Some(FiniteSource {
            throughput: x,
            response_time: r,
            wait: r - service,
            at_station: f64::from(n),
            queued: f64::from(n.saturating_sub(c)),
            utilisation: busy / f64::from(c),
            p_wait: if n > c { 1.0 } else { 0.0 },
        });
    }
    let p = distribution(n, c, think, service);
    let mut busy = 0.0;
    let mut at_station = 0.0;
    let mut queued = 0.0;
    for (k, &pk) in p.iter().enumerate() {
        let k = k as u32;
        busy += pk * f64::from(k.min(c));
        at_station += pk * f64::from(k);
        queued += pk * f64::from(k.saturating_sub(c));
    }
    let x = busy * mu;
    let r = f64::from(n) / x - think;
    // Arrival theorem: an arriving client sees the stationary state of the system with N−1.
    let p_wait = if n > c {
        let q = distribution(n - 1, c, think, service);
        q.iter().skip(c as usize).sum()
    } else {
        0.0
    };
    Some(FiniteSource {
        throughput: x,
        response_time: r,
        wait: r - service,
        at_station,
        queued,
        utilisation: busy / f64::from(c),
        p_wait,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_values() {
        // M/M/1: P(wait) = ρ, Wq = ρ/(μ−λ).
        let e = erlang_c(1, 0.5, 1.0).unwrap();
        assert!((e.p_wait - 0.5).abs() < 1e-12);
        assert!((e.wq - 1.0).abs() < 1e-12);
        // Classic table value: c = 2, A = 1 → C = 1/3.
        let e = erlang_c(2, 1.0, 1.0).unwrap();
        assert!((e.p_wait - 1.0 / 3.0).abs() < 1e-12);
        // Large c does not overflow.
        let e = erlang_c(1000, 950.0, 1.0).unwrap();
        assert!(e.p_wait > 0.0 && e.p_wait < 1.0 && e.wq.is_finite());
        assert!(erlang_c(2, 2.0, 1.0).is_none());
    }

    #[test]
    fn finite_source_limits() {
        // One client: no queueing, X = 1/(Z+S).
        let f = finite_source(1, 1, 9.0, 1.0).unwrap();
        assert!((f.throughput - 0.1).abs() < 1e-12);
        assert!((f.response_time - 1.0).abs() < 1e-9);
        // Many clients saturate c servers: X → cμ.
        let f = finite_source(10_000, 100, 1.0, 1.0).unwrap();
        assert!((f.throughput - 100.0).abs() < 1e-6);
        // Interactive law.
        let f = finite_source(50, 8, 2.0, 0.3).unwrap();
        assert!((f.throughput * (f.response_time + 2.0) - 50.0).abs() < 1e-9);
        // Converges to Erlang C when N is huge and load is held fixed.
        let n = 200_000u32;
        let lambda = 3.0;
        let f = finite_source(n, 4, f64::from(n) / lambda, 1.0).unwrap();
        let e = erlang_c(4, lambda, 1.0).unwrap();
        assert!(
            (f.wait - e.wq).abs() / e.wq < 0.01,
            "{} vs {}",
            f.wait,
            e.wq
        );
    }
}

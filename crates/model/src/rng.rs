//! Portable seeded randomness and the distributions the model samples.
//!
//! Why hand-written: the simulation must give bit-identical results natively and in wasm32.
//! `rand`'s `SmallRng`/`StdRng` differ between 32- and 64-bit targets, and `f64::ln`/`exp`/`cos`
//! call the platform's math library, whose last bits differ between targets. So the generator is
//! `Pcg64Mcg` (a fixed algorithm), we only draw `u64`s (never `usize`), and every transcendental
//! function comes from `libm`, a pure-Rust port of musl's math that gives the same bits everywhere.
//! Exponential samples use the inverse transform (−mean·ln U); lognormal ones use Box–Muller.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A seeded, portable random stream.
#[derive(Clone, Debug)]
pub struct Rng {
    inner: Pcg64Mcg,
}

impl Rng {
    /// A stream for `seed`; `stream` separates independent streams of one model (think times,
    /// service times, arrivals...) so changing one parameter perturbs the others less.
    pub fn new(seed: u64, stream: u64) -> Rng {
        // SplitMix64 to spread (seed, stream) over the 128-bit state; never zero.
        let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = || {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x ^ (x >> 31)
        };
        let state = (u128::from(next()) << 64) | u128::from(next()) | 1;
        Rng {
            inner: Pcg64Mcg::from_seed(state.to_le_bytes()),
        }
    }

    /// A uniform `u64`.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn uniform_open0(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// `true` with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Exponential with the given mean (inverse transform: −mean·ln U, U in (0, 1]).
    #[inline]
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * libm::log(self.uniform_open0())
    }

    /// Standard normal by Box–Muller (one of the pair; simple and portable with libm).
    pub fn std_normal(&mut self) -> f64 {
        let u1 = self.uniform_open0();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// Lognormal with the given *mean* and shape σ: exp(μ + σZ) with μ = ln(mean) − σ²/2.
    pub fn lognormal(&mut self, mean: f64, sigma: f64) -> f64 {
        let mu = libm::log(mean) - 0.5 * sigma * sigma;
        libm::exp(mu + sigma * self.std_normal())
    }

    /// Uniform integer in [0, n) for n ≥ 1 (multiply-shift; u64 only).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Converts a duration in (non-negative, finite) nanoseconds as f64 to u64, saturating.
#[inline]
pub fn ns(x: f64) -> u64 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= 1.8e19 {
        u64::MAX / 4
    } else {
        // Round half away from zero, as `libm::round`, but without the call: for 0 < x < 2^64
        // the truncation is exact, and so is `x - t` (x and t share x's integer part), so this
        // gives the same bits as `round` on every target. Hot: nearly every event draws a delay.
        let t = x as u64;
        if x - t as f64 >= 0.5 {
            t + 1
        } else {
            t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = Rng::new(7, 1);
        let mut b = Rng::new(7, 1);
        let mut c = Rng::new(7, 2);
        let xa: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..5).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn means_are_right() {
        let mut r = Rng::new(1, 0);
        let n = 200_000;
        let e: f64 = (0..n).map(|_| r.exp(2.0)).sum::<f64>() / n as f64;
        assert!((e - 2.0).abs() < 0.03, "{e}");
        let l: f64 = (0..n).map(|_| r.lognormal(2.0, 0.5)).sum::<f64>() / n as f64;
        assert!((l - 2.0).abs() < 0.03, "{l}");
        let u: f64 = (0..n).map(|_| r.uniform()).sum::<f64>() / n as f64;
        assert!((u - 0.5).abs() < 0.01);
    }

    #[test]
    fn ns_rounds_like_libm() {
        let mut r = Rng::new(3, 0);
        let edge = [
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            9_007_199_254_740_993.0,
            1.7e19,
        ];
        let random = (0..100_000).map(|i| r.exp(libm::pow(10.0, f64::from(i % 12))));
        for x in edge.into_iter().chain(random) {
            assert_eq!(ns(x), libm::round(x) as u64, "{x}");
        }
    }
}

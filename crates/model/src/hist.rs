//! Latency histograms: a thin layer over the `hdrhistogram` crate.
//!
//! The model records microseconds into two precisions: `u32` counters at 2 significant figures for
//! each 100 ms bucket (merged on read for live windows), `u64` counters for totals since a reset.
//! The crate adds histograms only of the same counter type, so merging a `u32` bucket into a
//! `u64` total goes through its recorded bins (same precision ⇒ same bins ⇒ the same quantiles).

use hdrhistogram::{Counter, Histogram};

/// A histogram of microseconds with `C` counters.
#[derive(Clone, Debug)]
pub(crate) struct Hist<C: Counter> {
    inner: Histogram<C>,
}

impl<C: Counter> Hist<C> {
    /// An auto-resizing histogram with `sigfig` significant figures (2 or 3).
    pub fn new(sigfig: u8) -> Hist<C> {
        Hist {
            inner: Histogram::new(sigfig).expect("2 or 3 significant figures are valid"),
        }
    }

    #[inline]
    pub fn record(&mut self, v: u64) {
        // The histogram grows to fit; it can only refuse values near u64::MAX, which microsecond
        // latencies never reach: clamp those rather than panic.
        if self.inner.record(v).is_err() {
            self.inner.saturating_record(v);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Empties it, keeping the allocation.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The value at `quantile` (the top of the bin holding it).
    pub fn value_at_quantile(&self, quantile: f64) -> u64 {
        self.inner.value_at_quantile(quantile)
    }

    /// Number of values recorded.
    pub fn len(&self) -> u64 {
        self.inner.len()
    }

    /// The `rank`-th smallest value (1-based; the top of the bin holding it), as
    /// `value_at_quantile` reports the value at its rank `ceil(q·len)`. (The model uses
    /// [`Hist::value_at_rank_with`]; this is what that one is checked against.)
    #[cfg(test)]
    pub fn value_at_rank(&self, rank: u64) -> u64 {
        let mut seen = 0;
        for bin in self.inner.iter_recorded() {
            seen += bin.count_at_value().as_u64();
            if seen >= rank {
                return self.inner.highest_equivalent(bin.value_iterated_to());
            }
        }
        self.inner.max()
    }

    /// The `rank`-th smallest (1-based) of its values together with `extra` (µs, ascending), as
    /// [`Hist::value_at_rank`] of one histogram of the same precision holding both would give
    /// it, without building that histogram: its bins are walked once, the extra values merged in
    /// by the bin each falls in (a bin's top, `highest_equivalent`, names it).
    pub fn value_at_rank_with(&self, extra: &[u64], rank: u64) -> u64 {
        let top_of = |v: u64| self.inner.highest_equivalent(v);
        let (mut seen, mut next) = (0, 0);
        for bin in self.inner.iter_recorded() {
            let top = top_of(bin.value_iterated_to());
            // Extra values in lower bins come first, then those in this one.
            while next < extra.len() && top_of(extra[next]) < top {
                seen += 1;
                next += 1;
                if seen >= rank {
                    return top_of(extra[next - 1]);
                }
            }
            while next < extra.len() && top_of(extra[next]) == top {
                seen += 1;
                next += 1;
            }
            seen += bin.count_at_value().as_u64();
            if seen >= rank {
                return top;
            }
        }
        // Extra values above its last bin.
        for &e in &extra[next..] {
            seen += 1;
            if seen >= rank {
                return top_of(e);
            }
        }
        self.inner.max()
    }
}

impl Hist<u64> {
    /// Adds the counts of `o`, which must have the same precision.
    pub fn add<C: Counter>(&mut self, o: &Hist<C>) {
        for bin in o.inner.iter_recorded() {
            let count = bin.count_at_value().as_u64();
            let value = bin.value_iterated_to();
            if self.inner.record_n(value, count).is_err() {
                self.inner.saturating_record_n(value, count);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rank_with_extra_values_is_the_rank_in_one_histogram_holding_both() {
        // Extra values below, inside, between and above the histogram's bins, some in its bins.
        for (recorded, extra) in [(0u64, 1u64), (1, 0), (40, 7), (300, 300), (5, 60)] {
            let mut h = Hist::<u32>::new(2);
            let mut both = Hist::<u64>::new(2);
            for v in 0..recorded {
                let x = 50 + v * v % 9_973 * 13;
                h.record(x);
                both.record(x);
            }
            let mut more: Vec<u64> = (0..extra).map(|v| v * v % 7_919 * 97).collect();
            more.sort_unstable();
            for &x in &more {
                both.record(x);
            }
            for rank in 1..=both.len() {
                assert_eq!(
                    h.value_at_rank_with(&more, rank),
                    both.value_at_rank(rank),
                    "{recorded} + {extra}, rank {rank}"
                );
            }
        }
    }

    #[test]
    fn merging_buckets_keeps_the_quantiles() {
        let mut a = Hist::<u32>::new(2);
        let mut b = Hist::<u32>::new(2);
        let mut all = Hist::<u64>::new(2);
        for v in 0..5_000u64 {
            let x = v * v % 100_003 * 1_000;
            if v % 2 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        let mut merged = Hist::<u64>::new(2);
        merged.add(&a);
        merged.add(&b);
        for q in [0.0, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(
                merged.value_at_quantile(q),
                all.value_at_quantile(q),
                "q {q}"
            );
        }
        assert!(
            all.value_at_quantile(0.5) > 10_000_000,
            "values are not clamped"
        );
        assert!(Hist::<u32>::new(2).is_empty());
    }
}

//! Mapping between a slider's integer positions and a logarithmic range of whole numbers.
//!
//! A slider from 1 to 20,000 with a logarithmic feel needs every arrow-key press to change the
//! value, also at the low end where a pure log mapping would round many positions to the same
//! integer. So positions index a table of distinct values spaced geometrically.

/// Distinct integers from `min` to `max`, spaced (at most) geometrically.
#[derive(Debug, Clone, PartialEq)]
pub struct LogScale {
    values: Vec<u32>,
}

impl LogScale {
    /// A scale with about `steps` positions from `min` to `max` (both included, `min >= 1`).
    pub fn new(min: u32, max: u32, steps: u32) -> LogScale {
        let min = min.max(1);
        let max = max.max(min);
        let steps = steps.max(1);
        let ratio = f64::from(max) / f64::from(min);
        let mut values: Vec<u32> = Vec::with_capacity(steps as usize + 1);
        for i in 0..=steps {
            let v = f64::from(min) * ratio.powf(f64::from(i) / f64::from(steps));
            let v = (v.round() as u32).clamp(min, max);
            if values.last() != Some(&v) {
                values.push(v);
            }
        }
        if values.last() != Some(&max) {
            values.push(max);
        }
        LogScale { values }
    }

    /// The highest position (positions run from 0).
    pub fn max_position(&self) -> u32 {
        self.values.len() as u32 - 1
    }

    /// The value at `position`, clamped to the scale.
    pub fn value_at(&self, position: u32) -> u32 {
        let i = (position as usize).min(self.values.len() - 1);
        self.values[i]
    }

    /// The position whose value is closest to `value` (out-of-range values clamp to the ends).
    pub fn position_of(&self, value: u32) -> u32 {
        match self.values.binary_search(&value) {
            Ok(i) => i as u32,
            Err(0) => 0,
            Err(i) if i >= self.values.len() => self.max_position(),
            Err(i) => {
                let (below, above) = (self.values[i - 1], self.values[i]);
                if value - below <= above - value {
                    i as u32 - 1
                } else {
                    i as u32
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_changes_the_value_and_ends_are_exact() {
        let s = LogScale::new(1, 20_000, 300);
        assert_eq!(s.value_at(0), 1);
        assert_eq!(s.value_at(s.max_position()), 20_000);
        for p in 1..=s.max_position() {
            assert!(s.value_at(p) > s.value_at(p - 1));
        }
    }

    #[test]
    fn positions_round_trip_and_clamp() {
        let s = LogScale::new(1, 20_000, 300);
        for p in 0..=s.max_position() {
            assert_eq!(s.position_of(s.value_at(p)), p);
        }
        assert_eq!(s.position_of(0), 0);
        assert_eq!(s.position_of(1_000_000), s.max_position());
        assert_eq!(s.value_at(10_000), 20_000);
    }
}

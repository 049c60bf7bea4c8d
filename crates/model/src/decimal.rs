//! Decimal text to `f64`: [`parse_f64`] gives the same value as `str::parse::<f64>` for every
//! input (same grammar, correctly rounded, ties to even), without the standard library's parser.
//!
//! Why it exists: std's parser carries a 10 KB table of 128-bit powers of five and its fast paths,
//! which made up 15 KB gzip of the page's first-load wasm, for a handful of numbers read from a
//! link or typed into a field. This one guesses with `f64` arithmetic and then settles the last
//! bit exactly, comparing the decimal with the midpoints between neighbouring doubles in big
//! integers: slower, and small. The tests check it against std bit for bit.

use std::cmp::Ordering;

/// Significant digits kept exactly; later ones only matter as "something non-zero follows". The
/// midpoints between doubles have at most 767 significant digits, so no decimal that agrees with
/// the input on its first 800 digits can fall on another side of one.
const MAX_DIGITS: usize = 800;

/// `s` as an `f64`, exactly as `s.parse::<f64>().ok()`: an optional sign, then `inf`, `infinity`
/// or `nan` (any case), or digits with an optional `.` and an optional exponent (`e`/`E`, sign,
/// digits). No spaces, no separators.
pub fn parse_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (negative, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let magnitude = if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if rest.eq_ignore_ascii_case(b"nan") {
        f64::NAN
    } else {
        decimal(rest)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The digits read so far: the value is `digits × 10^exp`.
struct Digits {
    digits: Big,
    /// Significant digits in `digits` (leading zeros are not counted).
    count: usize,
    /// The first (at most 19) significant digits, for the first guess.
    lead: u64,
    lead_count: usize,
    exp: i64,
    /// A non-zero digit beyond [`MAX_DIGITS`] was dropped.
    sticky: bool,
}

impl Digits {
    /// Adds one digit; `fraction` when it is after the point.
    fn push(&mut self, d: u8, fraction: bool) {
        if self.count == 0 && d == 0 {
            // A leading zero: only its place counts.
            if fraction {
                self.exp -= 1;
            }
            return;
        }
        if self.count >= MAX_DIGITS {
            self.sticky |= d != 0;
            if !fraction {
                self.exp += 1;
            }
            return;
        }
        self.digits.mul_small(10);
        self.digits.add_small(u32::from(d));
        self.count += 1;
        if self.lead_count < 19 {
            self.lead = self.lead * 10 + u64::from(d);
            self.lead_count += 1;
        }
        if fraction {
            self.exp -= 1;
        }
    }
}

/// An unsigned decimal number (no sign, no `inf`/`nan`).
fn decimal(b: &[u8]) -> Option<f64> {
    let mut n = Digits {
        digits: Big(Vec::new()),
        count: 0,
        lead: 0,
        lead_count: 0,
        exp: 0,
        sticky: false,
    };
    let mut i = 0;
    let mut any = false;
    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        n.push(c - b'0', false);
        any = true;
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            n.push(c - b'0', true);
            any = true;
            i += 1;
        }
    }
    if !any {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            // Far beyond any double either way; saturating keeps the arithmetic small.
            e = (e * 10 + i64::from(c - b'0')).min(1_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        n.exp += if negative { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    if n.count == 0 {
        return Some(0.0);
    }
    if n.sticky {
        // Stands for the dropped tail: strictly between the kept digits and the next value up.
        n.digits.mul_small(10);
        n.digits.add_small(1);
        n.count += 1;
        n.exp -= 1;
    }
    // 10^(count - 1 + exp) <= value < 10^(count + exp).
    let count = n.count as i64;
    if count - 1 + n.exp > 308 {
        return Some(f64::INFINITY);
    }
    if count + n.exp < -324 {
        // Below 10^-324, under half the smallest subnormal (2^-1075 ≈ 2.47e-324).
        return Some(0.0);
    }
    let guess = guess(n.lead, n.exp + count - n.lead_count as i64);
    Some(settle(&n.digits, n.exp, guess))
}

/// `lead × 10^exp` in `f64` arithmetic: within a few units in the last place, which [`settle`]
/// then corrects.
fn guess(lead: u64, exp: i64) -> f64 {
    let m = lead as f64;
    let x = if exp < -300 {
        m * libm::pow(10.0, (exp + 300) as f64) * 1e-300
    } else if exp > 300 {
        m * 1e300 * libm::pow(10.0, (exp - 300) as f64)
    } else {
        m * libm::pow(10.0, exp as f64)
    };
    if x.is_finite() {
        x
    } else {
        f64::MAX
    }
}

/// The double nearest to `digits × 10^exp` (ties to even), starting from `x`, a non-negative
/// finite guess: while the value lies beyond the midpoint to a neighbour, step to that neighbour.
fn settle(digits: &Big, exp: i64, mut x: f64) -> f64 {
    loop {
        let (m, q) = split(x);
        // Above the midpoint to the next double up, (2m + 1) × 2^(q - 1)?
        match compare(digits, exp, 2 * m + 1, q - 1) {
            Ordering::Greater => {
                x = f64::from_bits(x.to_bits() + 1);
                if x.is_infinite() {
                    return x;
                }
                continue;
            }
            Ordering::Equal => {
                return if m & 1 == 1 {
                    f64::from_bits(x.to_bits() + 1)
                } else {
                    x
                };
            }
            Ordering::Less => {}
        }
        if m == 0 {
            return x;
        }
        // Below the midpoint to the next double down? Just above a power of two, that neighbour is
        // half as far.
        let (k, p) = if m == 1 << 52 && q > -1074 {
            (4 * m - 1, q - 2)
        } else {
            (2 * m - 1, q - 1)
        };
        match compare(digits, exp, k, p) {
            Ordering::Less => x = f64::from_bits(x.to_bits() - 1),
            Ordering::Equal if m & 1 == 1 => return f64::from_bits(x.to_bits() - 1),
            _ => return x,
        }
    }
}

/// A non-negative finite double as `m × 2^q`, `m` an integer.
fn split(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// `digits × 10^exp` against `k × 2^p`, exactly.
fn compare(digits: &Big, exp: i64, k: u64, p: i64) -> Ordering {
    let mut left = digits.clone();
    let mut right = Big(vec![k as u32, (k >> 32) as u32]);
    // digits × 5^exp × 2^exp against k × 2^p: powers of five to the side where they are whole.
    if exp >= 0 {
        left.mul_pow5(exp as u64);
    } else {
        right.mul_pow5(exp.unsigned_abs());
    }
    let twos = exp - p;
    if twos >= 0 {
        left.shl(twos as u64);
    } else {
        right.shl(twos.unsigned_abs());
    }
    left.cmp_big(&right)
}

/// An unsigned big integer, 32-bit limbs, least significant first.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            if carry == 0 {
                return;
            }
            let v = u64::from(*limb) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut n: u64) {
        const FIVE_13: u32 = 1_220_703_125;
        while n >= 13 {
            self.mul_small(FIVE_13);
            n -= 13;
        }
        self.mul_small(5u32.pow(n as u32));
    }

    fn shl(&mut self, bits: u64) {
        let (words, bits) = ((bits / 32) as usize, (bits % 32) as u32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if words > 0 && !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    /// Limbs without the zero ones on top.
    fn significant(&self) -> &[u32] {
        let top = self.0.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
        &self.0[..top]
    }

    fn cmp_big(&self, other: &Big) -> Ordering {
        let (a, b) = (self.significant(), other.significant());
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().rev().cmp(b.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_f64;
    use proptest::prelude::*;

    fn same(s: &str) {
        let ours = parse_f64(s);
        let std = s.parse::<f64>().ok();
        match (ours, std) {
            (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {}
            (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{s:?}: {a:e} vs {b:e}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "{s:?}: {a:?} vs {b:?}"),
        }
    }

    #[test]
    fn grammar_matches_std() {
        for s in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "e5",
            ".e5",
            "1e",
            "1e+",
            "1e-",
            "1.",
            ".5",
            "+.5",
            "-0",
            "-0.0",
            "0",
            "00",
            "0.000",
            "1",
            "+1",
            "--1",
            "+-1",
            " 1",
            "1 ",
            "1_000",
            "1,5",
            "0x10",
            "1e5",
            "1E5",
            "1e+5",
            "1E-5",
            "1.5e3",
            "1.5e",
            "inf",
            "-inf",
            "+inf",
            "Inf",
            "INFINITY",
            "infinity",
            "-Infinity",
            "infin",
            "nan",
            "NaN",
            "-nan",
            "+NAN",
            "nan1",
            "in",
            "1.2.3",
            "1e5.5",
            "١",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0e99999999999",
            "max",
            "2000",
            "0.2",
            "0.1",
            "0.30000000000000004",
            "123456789012345678901234567890",
        ] {
            same(s);
        }
    }

    #[test]
    fn edges_match_std() {
        for s in [
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "179769313486231580793728971405301e276",
            "1e308",
            "1e309",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "2.47032822920623272e-324",
            "5e-324",
            "1e-324",
            "3e-324",
            "7.4109846876186982e-324",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000000000000000001",
            "9007199254740994.9999999999999999999999999",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.1000000000000000055511151231257827021181583404541015624",
            "0.1000000000000000055511151231257827021181583404541015626",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "8.988465674311579538646525953945123668089884894711532863671504057886633790275048156635423866120376801056005693993569667882939488440720831124642371531973706218888394671243274263815110980062304705972654147604250288441907534117123144073695655527041361858167525534229314911997362296923985815241126e307",
        ] {
            same(s);
        }
        // Past the digits kept: the dropped tail decides a tie.
        let tie = format!("9007199254740993{}", "0".repeat(900));
        same(&tie);
        same(&format!("{tie}1"));
        same(&format!("0.{}1", "0".repeat(1000)));
        same(&format!("1{}", "0".repeat(400)));
    }

    proptest! {
        #[test]
        fn every_double_reads_back(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            same(&format!("{x}"));
            same(&format!("{x:e}"));
            same(&format!("{x:.3}"));
            same(&format!("{x:.20e}"));
            // Every digit of the double's exact value, and more than are kept.
            same(&format!("{x:.820e}"));
        }

        #[test]
        fn decimals_match_std(
            int in "[0-9]{0,25}",
            frac in proptest::option::of("[0-9]{0,25}"),
            exp in proptest::option::of(-400i32..400),
        ) {
            let mut s = int.clone();
            if let Some(f) = &frac {
                s.push('.');
                s.push_str(f);
            }
            if let Some(e) = exp {
                s.push_str(&format!("e{e}"));
            }
            same(&s);
        }
    }
}

//! Human-readable numbers for readouts and prose. Readouts also carry the raw value in base units
//! (`data-value`), so formatting never loses information a test or host page needs.

/// Bytes with a binary unit: "812 KiB", "3.9 GiB".
pub fn bytes(value: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if !value.is_finite() || value <= 0.0 {
        return "0 B".to_string();
    }
    let mut v = value;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 || v >= 100.0 {
        format!("{:.0} {}", v, UNITS[unit])
    } else if v >= 10.0 {
        format!("{:.1} {}", v, UNITS[unit])
    } else {
        format!("{:.2} {}", v, UNITS[unit])
    }
}

/// An integer with thousands separators: "20,000".
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in seconds with a readable unit: "850 µs", "12.5 ms", "1.20 s".
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds <= 0.0 {
        return "0 ms".to_string();
    }
    let (v, unit) = if seconds < 1e-3 {
        (seconds * 1e6, "µs")
    } else if seconds < 1.0 {
        (seconds * 1e3, "ms")
    } else {
        (seconds, "s")
    };
    format!("{} {unit}", three_digits(v))
}

/// A rate per second with a metric prefix and its unit: "950/s", "12.3k/s", "1.20M/s".
pub fn per_second(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        return "0/s".to_string();
    }
    let (v, prefix) = if per_second >= 1e6 {
        (per_second / 1e6, "M")
    } else if per_second >= 1e3 {
        (per_second / 1e3, "k")
    } else {
        (per_second, "")
    };
    format!("{}{prefix}/s", three_digits(v))
}

/// A fraction as a percentage: "42 %", "3.5 %", "0.4 %".
pub fn percent(fraction: f64) -> String {
    let p = (fraction * 100.0).max(0.0);
    if p >= 10.0 || p == 0.0 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// Simulated time as a clock: "12.3 s", "2 min 05 s".
pub fn seconds_clock(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        let whole = s as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// An axis label: the same text without trailing zeros ("8.00 GiB" → "8 GiB", "2.50 ms" → "2.5 ms").
pub fn tick(text: &str) -> String {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(text.len());
    let (number, rest) = text.split_at(end);
    if !number.contains('.') {
        return text.to_string();
    }
    let trimmed = number.trim_end_matches('0').trim_end_matches('.');
    format!("{trimmed}{rest}")
}

/// Three significant digits, at most: 950, 12.3, 1.20.
fn three_digits(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_pick_a_readable_unit() {
        assert_eq!(bytes(0.0), "0 B");
        assert_eq!(bytes(f64::NAN), "0 B");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(2048.0), "2.00 KiB");
        assert_eq!(bytes(1.5 * 1024.0 * 1024.0 * 1024.0), "1.50 GiB");
        assert_eq!(bytes(150.0 * 1024.0 * 1024.0), "150 MiB");
    }

    #[test]
    fn counts_get_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(20_000), "20,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_rates_and_percentages() {
        assert_eq!(duration(0.000_85), "850 µs");
        assert_eq!(duration(0.0125), "12.5 ms");
        assert_eq!(duration(1.2), "1.20 s");
        assert_eq!(duration(f64::NAN), "0 ms");
        assert_eq!(per_second(950.0), "950/s");
        assert_eq!(per_second(12_345.0), "12.3k/s");
        assert_eq!(per_second(1_200_000.0), "1.20M/s");
        assert_eq!(percent(0.42), "42 %");
        assert_eq!(percent(0.035), "3.5 %");
        assert_eq!(seconds_clock(125.0), "2 min 05 s");
        assert_eq!(tick("8.00 GiB"), "8 GiB");
        assert_eq!(tick("2.50 ms"), "2.5 ms");
        assert_eq!(tick("40.0k/s"), "40k/s");
        assert_eq!(tick("150 MiB"), "150 MiB");
    }
}

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
}

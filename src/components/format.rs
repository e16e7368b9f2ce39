//! Human formats for bytes, percentages and uptimes.

/// `value` with `decimals` (0–3) digits after the point, rounded half away from zero.
/// Integer arithmetic on purpose: core's float formatting adds ~10 KB to each wasm bundle.
pub fn fixed(value: f64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals.min(3));
    let scaled = if value.is_finite() {
        (value * scale as f64).round() as i64
    } else {
        0
    };
    let sign = if scaled < 0 { "-" } else { "" };
    let (whole, frac) = (
        scaled.unsigned_abs() / scale as u64,
        scaled.unsigned_abs() % scale as u64,
    );
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{frac:0width$}",
            width = decimals.min(3) as usize
        )
    }
}

/// `1536` → `"1.5 KiB"`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{} {}", fixed(value, 1), UNITS[unit])
    }
}

/// `42.345` → `"42.3%"`.
pub fn percent(p: f64) -> String {
    format!("{}%", fixed(p, 1))
}

/// Milliseconds → `"3d 4h"`, `"2h 5m"`, `"4m 10s"`.
pub fn duration_ms(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else {
        format!("{m}m {sec}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_like_format_does_for_display_values() {
        for (value, decimals, expected) in [
            (42.345, 1, "42.3"),
            (0.05, 1, "0.1"),
            (305.6, 1, "305.6"),
            (-3.25, 1, "-3.3"),
            (-0.04, 1, "0.0"),
            (99.999, 0, "100"),
            (8.0808, 2, "8.08"),
            (f64::NAN, 1, "0.0"),
            (7.0, 1, "7.0"),
        ] {
            assert_eq!(fixed(value, decimals), expected, "{value} with {decimals}");
        }
    }

    #[test]
    fn bytes_are_shown_in_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(21_256_741_698), "19.8 GiB");
    }

    #[test]
    fn uptime_shows_the_two_largest_units() {
        assert_eq!(duration_ms(0), "0m 0s");
        assert_eq!(duration_ms(250_000), "4m 10s");
        assert_eq!(duration_ms(7_500_000), "2h 5m");
        assert_eq!(duration_ms(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
    }
}

//! Human formats for bytes, percentages and uptimes.

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
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `42.345` → `"42.3%"`.
pub fn percent(p: f64) -> String {
    format!("{p:.1}%")
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

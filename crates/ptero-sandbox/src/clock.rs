//! Wall-clock helpers: unix seconds and the panel's ATOM timestamps
//! (`2024-05-01T10:00:00+00:00`), without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the unix epoch.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default()
}

/// An ATOM (RFC 3339) timestamp for `unix` seconds, written in a local offset of
/// `offset_minutes` east of UTC (Wings reports file times in the node's zone).
pub fn atom(unix: u64, offset_minutes: i32) -> String {
    let local = unix as i64 + i64::from(offset_minutes) * 60;
    let days = local.div_euclid(86_400);
    let second_of_day = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60,
        offset / 60,
        offset % 60,
    )
}

/// `HH:MM:SS` (UTC) of `unix`, for console lines.
pub fn time_of_day(unix: u64) -> String {
    let second_of_day = unix % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Howard Hinnant's days-to-civil conversion.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_formats_utc_and_offsets() {
        assert_eq!(atom(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(atom(1_714_557_600, 0), "2024-05-01T10:00:00+00:00");
        assert_eq!(atom(1_714_557_600, 330), "2024-05-01T15:30:00+05:30");
        assert_eq!(atom(1_714_557_600, -300), "2024-05-01T05:00:00-05:00");
    }
}

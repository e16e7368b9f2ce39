//! Small views shared by the app's pages and the card.

mod ansi;
mod chart;
pub mod dom;
mod error_note;
mod format;
mod language;
mod meter;
mod power;
mod require_sign_in;
mod said;
mod sparkline;
mod state_badge;
mod terminal;

pub use ansi::AnsiLine;
pub use chart::{nice_ceiling, Line, TimeSeries};
pub use error_note::ErrorNote;
pub use format::{
    ago, bytes, bytes_in, clock_time, date_time, duration_ms, fixed, intl_format, percent, rate,
    rate_in, seconds, severity_class, usage_bytes, usage_bytes_in, usage_percent, usage_percent_in,
    Digits,
};
pub use language::LanguagePicker;
pub use meter::Meter;
pub use power::{power_row_into, PowerButtons, PowerControl};
pub use require_sign_in::RequireSignIn;
pub use said::Said;
pub use sparkline::{History, Sparkline};
pub use state_badge::StateBadge;
pub use terminal::{matching, plain, Terminal};

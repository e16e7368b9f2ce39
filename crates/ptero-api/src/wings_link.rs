//! Why a Wings socket is not live, in words a person can act on, and how long a client
//! waits before it tries again. Shared by the app and the origin so that both meet
//! Pterodactyl 1.12's limits (`throttled`, close 4409, HTTP 400 on the 31st socket, 429 on
//! the token endpoint) with a message and a back-off, never a reconnect storm.
//!
//! Pure: the caller measures, supplies the jitter and sleeps.

use std::fmt;
use std::time::Duration;

use crate::flavor::{WEBSOCKET_TOKENS_PER_MINUTE, WINGS_SOCKETS_PER_SERVER};
use crate::ws::{CLOSE_INTERNAL, CLOSE_MESSAGE_TOO_BIG, CLOSE_SUSPENDED, TOKENS_REFUSED};

/// The longest ordinary wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long a suspended server's socket is left alone: an administrator has to act, and
/// the panel's `/resources` (a 409) says when the suspension ends.
pub const SUSPENDED_RETRY: Duration = Duration::from_secs(300);
/// The panel's token limit counts per minute: asking again sooner only spends it.
pub const TOKEN_WINDOW: Duration = Duration::from_secs(60);

/// What stopped a socket from being (or staying) live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// The token endpoint answered 429 (5 tokens per server per minute on 1.12 and
    /// Pelican, shared by everyone who watches the server).
    TokensRateLimited { retry_after: Option<u64> },
    /// The panel refused the token for another reason (its own sentence).
    NoToken(String),
    /// Wings answered the upgrade with 400: 30 sockets are open to this server.
    TooManySockets,
    /// Wings refused the upgrade (403: the page's origin is not the panel's nor in the
    /// node's `allowed_origins`), or it could not be reached. Browsers cannot tell which.
    Refused { socket: String },
    /// Wings closed with 4409: the server is suspended.
    Suspended,
    /// Wings closed with 4400: an error on its side.
    WingsError,
    /// Wings closed with 1009: a frame was over its 4 KiB read limit.
    FrameTooLarge,
    /// Wings accepted none of the panel's tokens (see [`TOKENS_REFUSED`]).
    TokensRefused,
    /// The connection dropped (close code, when there was one).
    Dropped { code: Option<u16> },
}

impl LinkProblem {
    /// The problem a close code stands for.
    pub fn from_close(code: Option<u16>) -> Self {
        match code {
            Some(CLOSE_SUSPENDED) => LinkProblem::Suspended,
            Some(CLOSE_INTERNAL) => LinkProblem::WingsError,
            Some(CLOSE_MESSAGE_TOO_BIG) => LinkProblem::FrameTooLarge,
            code => LinkProblem::Dropped { code },
        }
    }

    /// A stable name (metrics, test hooks, `data-` attributes).
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkProblem::TokensRateLimited { .. } => "tokens-rate-limited",
            LinkProblem::NoToken(_) => "no-token",
            LinkProblem::TooManySockets => "too-many-sockets",
            LinkProblem::Refused { .. } => "refused",
            LinkProblem::Suspended => "suspended",
            LinkProblem::WingsError => "wings-error",
            LinkProblem::FrameTooLarge => "frame-too-large",
            LinkProblem::TokensRefused => "tokens-refused",
            LinkProblem::Dropped { .. } => "dropped",
        }
    }

    /// How long to wait before the `failures`-th retry in a row (1 for the first):
    /// doubling from 1 s to [`MAX_BACKOFF`], never shorter than what the problem needs,
    /// plus `jitter` (the caller's random share, 0.0–1.0, of a quarter of the wait).
    pub fn retry_in(&self, failures: u32, jitter: f64) -> Duration {
        let doubling = Duration::from_secs(1u64 << failures.saturating_sub(1).min(6));
        let floor = match self {
            LinkProblem::TokensRateLimited { retry_after } => retry_after
                .map(Duration::from_secs)
                .unwrap_or(TOKEN_WINDOW)
                .max(Duration::from_secs(1)),
            LinkProblem::TooManySockets => TOKEN_WINDOW,
            LinkProblem::Suspended => SUSPENDED_RETRY,
            LinkProblem::WingsError | LinkProblem::Refused { .. } => Duration::from_secs(15),
            _ => Duration::ZERO,
        };
        let wait = doubling.min(MAX_BACKOFF).max(floor);
        wait + wait.mul_f64(jitter.clamp(0.0, 1.0) / 4.0)
    }
}

impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkProblem::TokensRateLimited { retry_after } => {
                write!(
                    f,
                    "the panel hands out at most {WEBSOCKET_TOKENS_PER_MINUTE} live-connection tokens a minute per server, and they are used up"
                )?;
                match retry_after {
                    Some(seconds) => write!(f, " (free again in {seconds} s)"),
                    None => Ok(()),
                }
            }
            LinkProblem::NoToken(reason) => write!(f, "no live-connection token: {reason}"),
            LinkProblem::TooManySockets => write!(
                f,
                "Wings allows {WINGS_SOCKETS_PER_SERVER} live connections per server and all are in use (close other tabs of this server)"
            ),
            LinkProblem::Refused { socket } => write!(
                f,
                "Wings refused the live connection to {socket}: it accepts only the panel's own origin and its allowed_origins, and at most {WINGS_SOCKETS_PER_SERVER} connections per server"
            ),
            LinkProblem::Suspended => f.write_str("the server is suspended; Wings closed the live connection"),
            LinkProblem::WingsError => f.write_str("Wings closed the live connection after an error on its side"),
            LinkProblem::FrameTooLarge => f.write_str(
                "Wings closed the live connection: a message was over its 4 KiB limit",
            ),
            LinkProblem::TokensRefused => f.write_str(TOKENS_REFUSED),
            LinkProblem::Dropped { code: Some(code) } => {
                write!(f, "the live connection dropped (code {code})")
            }
            LinkProblem::Dropped { code: None } => f.write_str("the live connection dropped"),
        }
    }
}

impl std::error::Error for LinkProblem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_name_their_problem() {
        assert_eq!(LinkProblem::from_close(Some(4409)), LinkProblem::Suspended);
        assert_eq!(
            LinkProblem::from_close(Some(1009)),
            LinkProblem::FrameTooLarge
        );
        assert_eq!(
            LinkProblem::from_close(Some(1006)),
            LinkProblem::Dropped { code: Some(1006) }
        );
    }

    #[test]
    fn limits_are_waited_out_and_drops_back_off_doubling() {
        let limited = LinkProblem::TokensRateLimited { retry_after: None };
        assert_eq!(limited.retry_in(1, 0.0), Duration::from_secs(60));
        let told = LinkProblem::TokensRateLimited {
            retry_after: Some(20),
        };
        assert_eq!(told.retry_in(1, 0.0), Duration::from_secs(20));
        assert_eq!(
            LinkProblem::TooManySockets.retry_in(1, 0.0),
            Duration::from_secs(60)
        );
        assert_eq!(
            LinkProblem::Suspended.retry_in(1, 0.0),
            Duration::from_secs(300)
        );
        let dropped = LinkProblem::Dropped { code: None };
        assert_eq!(dropped.retry_in(1, 0.0), Duration::from_secs(1));
        assert_eq!(dropped.retry_in(3, 0.0), Duration::from_secs(4));
        assert_eq!(dropped.retry_in(30, 0.0), MAX_BACKOFF);
        assert_eq!(dropped.retry_in(30, 1.0), Duration::from_secs(75));
    }

    #[test]
    fn every_problem_says_what_happened() {
        let limited = LinkProblem::TokensRateLimited {
            retry_after: Some(12),
        };
        assert!(limited
            .to_string()
            .contains("5 live-connection tokens a minute"));
        assert!(limited.to_string().contains("12 s"));
        assert!(LinkProblem::TooManySockets.to_string().contains("30"));
    }
}

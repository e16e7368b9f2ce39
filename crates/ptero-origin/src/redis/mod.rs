//! The shared Redis of a cluster of origins (`[store] kind = "redis"`): one connection
//! per process, used by the store ([`store`]) and the fan-out lease
//! ([`crate::fanout::cluster`]). Every key lives under [`PREFIX`] so the database can be
//! shared with other programs.
//!
//! Two connections: one for commands, and one that only subscribes. The second speaks
//! RESP3, so messages arrive as pushes and its manager re-subscribes by itself after a
//! reconnect; it runs no transaction, since pushes that arrive during a `MULTI`/`EXEC`
//! on a RESP3 connection were seen to be dropped.

pub mod store;

use std::fmt;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{IntoConnectionInfo as _, ProtocolVersion, PushInfo};
use tokio::sync::mpsc;

use crate::config::RedisUrl;

pub use store::RedisStore;

/// Every key and channel of the origin starts with this.
pub const PREFIX: &str = "ptero-origin:";

/// A Redis command that did not answer in time counts as Redis being down: a request
/// waits at most this long rather than hanging with it.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Why Redis could not be used.
#[derive(Debug, Clone)]
pub struct RedisError {
    /// `host:port/db`, never the password.
    pub shown: String,
    pub problem: String,
}

impl fmt::Display for RedisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redis at {} failed: {}", self.shown, self.problem)
    }
}

impl std::error::Error for RedisError {}

/// The process's Redis connection (cheap to clone: one multiplexed socket).
#[derive(Clone)]
pub struct Redis {
    pub(crate) manager: ConnectionManager,
    /// SUBSCRIBE and UNSUBSCRIBE only.
    pub(crate) subscriber: ConnectionManager,
    shown: String,
}

impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redis({})", self.shown)
    }
}

fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        // Few and short retries: a caller learns that Redis is down within seconds (the
        // next call tries again), instead of waiting through a long back-off.
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(200))
}

/// Pub/sub messages that reach this process, to be routed by the fan-out.
pub type Pushes = mpsc::UnboundedReceiver<PushInfo>;

impl Redis {
    /// Connects now: a cluster member that cannot reach Redis must not start, since it
    /// would have neither shared sessions nor replay protection.
    pub async fn connect(address: &RedisUrl) -> Result<(Self, Pushes), RedisError> {
        let fail = |problem: String| RedisError {
            shown: address.shown.clone(),
            problem,
        };
        let info = address
            .url
            .expose()
            .into_connection_info()
            .map_err(|error| fail(error.to_string()))?;
        let connect_error = |error: ::redis::RedisError| {
            fail(format!(
                "{error}: start it, or use [store] kind = \"sqlite\" for a single instance"
            ))
        };
        let settings = info
            .redis_settings()
            .clone()
            .set_protocol(ProtocolVersion::RESP3);
        let commands =
            ::redis::Client::open(info.clone()).map_err(|error| fail(error.to_string()))?;
        let pubsub = ::redis::Client::open(info.set_redis_settings(settings))
            .map_err(|error| fail(error.to_string()))?;
        let manager = commands
            .get_connection_manager_with_config(manager_config())
            .await
            .map_err(connect_error)?;
        let (sender, pushes) = mpsc::unbounded_channel();
        let subscriber = pubsub
            .get_connection_manager_with_config(
                manager_config()
                    .set_push_sender(sender)
                    .set_automatic_resubscription(),
            )
            .await
            .map_err(connect_error)?;
        Ok((
            Self {
                manager,
                subscriber,
                shown: address.shown.clone(),
            },
            pushes,
        ))
    }

    /// `host:port/db`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A failure of a command, named with the address.
    pub fn error(&self, error: &::redis::RedisError) -> RedisError {
        RedisError {
            shown: self.shown.clone(),
            problem: error.to_string(),
        }
    }

    /// `PING`: whether Redis answers now.
    pub async fn ping(&self) -> Result<(), RedisError> {
        let mut connection = self.manager.clone();
        ::redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(drop)
            .map_err(|error| self.error(&error))
    }
}

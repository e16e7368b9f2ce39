//! The cluster's share of one server's websocket token ([`SharedTokens`]): the token in
//! `ws-token:{id}` until it runs out, and the request slot `ws-token-slot:{id}` taken
//! with `SET NX PX` for the spacing, so however often the lease changes hands the panel
//! sees at most one request per server per spacing.

use std::time::Duration;

use ::redis::AsyncCommands as _;
use futures_util::future::BoxFuture;
use ptero_api::WebsocketCredentials;
use serde::{Deserialize, Serialize};

use super::super::wings::{Held, SharedTokens};
use crate::redis::{Redis, PREFIX};

pub struct RedisTokens {
    redis: Redis,
    token: String,
    slot: String,
}

impl RedisTokens {
    pub fn new(redis: Redis, server: &str) -> Self {
        Self {
            redis,
            token: format!("{PREFIX}ws-token:{server}"),
            slot: format!("{PREFIX}ws-token-slot:{server}"),
        }
    }
}

/// The stored form: the socket address and the token (a 10-minute, one-server secret).
#[derive(Serialize, Deserialize)]
struct Stored {
    token: String,
    socket: String,
    exp: u64,
}

impl SharedTokens for RedisTokens {
    fn held(&self) -> BoxFuture<'_, Option<Held>> {
        Box::pin(async move {
            let mut connection = self.redis.manager.clone();
            let json: Option<String> = connection.get(&self.token).await.ok()?;
            let stored: Stored = serde_json::from_str(&json?).ok()?;
            Some(Held {
                credentials: WebsocketCredentials {
                    token: stored.token,
                    socket: stored.socket,
                },
                exp: stored.exp,
            })
        })
    }

    fn keep(&self, held: Held) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let left = held.exp.saturating_sub(crate::auth::now());
            if left == 0 {
                return;
            }
            let stored = Stored {
                token: held.credentials.token,
                socket: held.credentials.socket,
                exp: held.exp,
            };
            let json = serde_json::to_string(&stored).unwrap_or_default();
            let mut connection = self.redis.manager.clone();
            let kept: Result<(), _> = connection.set_ex(&self.token, json, left).await;
            if let Err(error) = kept {
                tracing::warn!(%error, "keeping the websocket token in Redis failed");
            }
        })
    }

    fn claim(&self, spacing: Duration) -> BoxFuture<'_, Option<Duration>> {
        Box::pin(async move {
            let mut connection = self.redis.manager.clone();
            let millis = u64::try_from(spacing.as_millis())
                .unwrap_or(u64::MAX)
                .max(1);
            let taken: Result<Option<String>, _> = ::redis::cmd("SET")
                .arg(&self.slot)
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(millis)
                .query_async(&mut connection)
                .await;
            match taken {
                Ok(Some(_)) => None,
                Ok(None) => {
                    let left: i64 = connection.pttl(&self.slot).await.unwrap_or(100);
                    Some(Duration::from_millis(
                        u64::try_from(left).unwrap_or(100).max(10),
                    ))
                }
                // Redis unreachable: the feed is paused anyway; try again soon.
                Err(_) => Some(Duration::from_secs(1)),
            }
        })
    }
}

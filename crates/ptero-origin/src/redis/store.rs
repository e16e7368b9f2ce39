//! [`Store`] on the shared Redis, so every instance of a cluster sees the same sessions
//! and the same used hand-off ids. Redis expires the keys itself; `purge` has nothing
//! to do.
//!
//! Keys: `session:{token}` (the session as JSON, `EXAT` its expiry),
//! `origin-sessions:{origin}` (a set of the tokens bound to an origin, for revocation),
//! `jti:{issuer length}:{issuer}:{jti}` (`SET NX EX`: the one atomic claim). The length
//! keeps `("a:b", "c")` and `("a", "b:c")` apart.

use ::redis::{AsyncCommands as _, Script};
use futures_util::future::BoxFuture;

use super::{Redis, PREFIX};
use crate::store::{Session, Store, StoreError, StoreResult};

/// Ends every session of one origin in one step; answers how many existed.
const REVOKE: &str = r"
local tokens = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, token in ipairs(tokens) do
  ended = ended + redis.call('DEL', ARGV[1] .. token)
end
redis.call('DEL', KEYS[1])
return ended
";

#[derive(Clone, Debug)]
pub struct RedisStore {
    redis: Redis,
    revoke: Script,
}

fn session_key(token: &str) -> String {
    format!("{PREFIX}session:{token}")
}

fn origin_key(origin: &str) -> String {
    format!("{PREFIX}origin-sessions:{origin}")
}

fn jti_key(issuer: &str, jti: &str) -> String {
    format!("{PREFIX}jti:{}:{issuer}:{jti}", issuer.len())
}

impl RedisStore {
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            revoke: Script::new(REVOKE),
        }
    }

    fn fail(&self, error: &::redis::RedisError) -> StoreError {
        StoreError(self.redis.error(error).to_string())
    }
}

impl Store for RedisStore {
    fn put_session<'a>(
        &'a self,
        token: &'a str,
        session: Session,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let json = serde_json::to_string(&session)
                .map_err(|error| StoreError(format!("a session did not serialize: {error}")))?;
            let mut pipe = ::redis::pipe();
            pipe.atomic()
                .cmd("SET")
                .arg(session_key(token))
                .arg(json)
                .arg("EXAT")
                .arg(session.expires_at)
                .ignore();
            if let Some(origin) = &session.origin {
                // The set lives as long as its newest session (every session has the
                // same lifetime, so the newest ends last).
                pipe.sadd(origin_key(origin), token).ignore();
                pipe.expire_at(
                    origin_key(origin),
                    i64::try_from(session.expires_at).unwrap_or(i64::MAX),
                )
                .ignore();
            }
            let mut connection = self.redis.manager.clone();
            pipe.query_async::<()>(&mut connection)
                .await
                .map_err(|error| self.fail(&error))
        })
    }

    fn session<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<Option<Session>>> {
        Box::pin(async move {
            let mut connection = self.redis.manager.clone();
            let json: Option<String> = connection
                .get(session_key(token))
                .await
                .map_err(|error| self.fail(&error))?;
            let Some(json) = json else {
                return Ok(None);
            };
            let session: Session = serde_json::from_str(&json).map_err(|error| {
                StoreError(format!(
                    "the session record in Redis is not readable: {error}"
                ))
            })?;
            Ok((session.expires_at > now).then_some(session))
        })
    }

    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        Box::pin(async move {
            let mut connection = self.redis.manager.clone();
            let ended: u64 = self
                .revoke
                .key(origin_key(origin))
                .arg(format!("{PREFIX}session:"))
                .invoke_async(&mut connection)
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(usize::try_from(ended).unwrap_or(usize::MAX))
        })
    }

    fn claim_jti<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
        expires_at: u64,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let mut connection = self.redis.manager.clone();
            // Relative seconds, at least one: an `EXAT` in the past would not be kept.
            let seconds = expires_at.saturating_sub(now).max(1);
            let set: Option<String> = ::redis::cmd("SET")
                .arg(jti_key(issuer, jti))
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(seconds)
                .query_async(&mut connection)
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(set.is_some())
        })
    }

    fn purge<'a>(&'a self, _now: u64) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async { Ok(()) })
    }

    fn ping(&self) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            self.redis
                .ping()
                .await
                .map_err(|error| StoreError(error.to_string()))
        })
    }
}

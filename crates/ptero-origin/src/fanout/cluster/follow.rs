//! One instance's watch of one server in a cluster: it follows the server's channels for
//! its viewers, and while it holds the server's lease it runs the server's feed (the
//! Wings socket, polling standing in) and publishes every step for all instances.

use std::sync::Arc;

use ptero_api::origin::{OriginErrorCode, StreamEvent};
use ptero_api::ServerId;
use tokio::sync::mpsc;

use super::super::channel::{Channels, Update};
use super::super::feed::{self, Upstream};
use super::lease::{self, Holding};
use super::pubsub::Target;
use super::{console_topic, lease_key, topic, Cluster};

/// The latest summary is kept this many intervals after its last update.
const SUMMARY_INTERVALS: u32 = 10;

/// Watches `server` for this instance's viewers until aborted by the hub.
pub async fn follow(
    server: ServerId,
    upstream: Upstream,
    channels: Arc<Channels>,
    cluster: Cluster,
) {
    let id = server.short().to_owned();
    let lease = lease_key(&id);
    let interval = upstream.config.poll_interval;
    let (beat, ttl) = lease::timing(interval);
    let keep = interval.saturating_mul(SUMMARY_INTERVALS);
    let status = Target::Status(Arc::clone(&channels));
    let _status = cluster.watch(&topic(&id), &lease, status, interval).await;
    let console = Target::Console(Arc::clone(&channels));
    let _console = cluster
        .watch(&console_topic(&id), &lease, console, interval)
        .await;
    if channels.status.last().is_none() {
        if let Some(summary) = cluster.latest(&id).await {
            // The holder may have published a newer one meanwhile: keep that.
            if channels.status.last().is_none() {
                let event = StreamEvent::Summary(summary.clone());
                channels.status.publish(Some(summary), Some(event));
            }
        }
    }
    channels.console.seed(cluster.console_history(&id).await);

    let mut tick = tokio::time::interval(beat);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut holding = Holding::new(Arc::clone(&upstream.metrics));
    let mut redis_down = false;
    loop {
        tick.tick().await;
        match cluster.hold(&lease, ttl).await {
            Ok(held) => {
                if redis_down {
                    tracing::info!(server = %id, "Redis is back: live updates resume");
                    redis_down = false;
                }
                if !held {
                    continue;
                }
                holding.set(true);
                tracing::debug!(server = %id, instance = cluster.instance(), "lease taken: feeding");
                let (updates, mut received) = mpsc::unbounded_channel();
                let feeding = feed::run(server.clone(), upstream.clone(), updates);
                tokio::pin!(feeding);
                // The feed lives while the lease does; its steps go out through Redis,
                // so every instance (this one too) hands them over in the same order.
                loop {
                    tokio::select! {
                        () = &mut feeding => break,
                        Some(update) = received.recv() => publish(&cluster, &id, update, keep).await,
                        _ = tick.tick() => {
                            if !matches!(cluster.hold(&lease, ttl).await, Ok(true)) {
                                tracing::debug!(server = %id, "lease lost: another instance feeds");
                                break;
                            }
                        }
                    }
                }
                holding.set(false);
            }
            Err(error) => {
                holding.set(false);
                if !redis_down {
                    redis_down = true;
                    tracing::error!(server = %id, %error, "Redis unreachable: live updates paused");
                    channels.status.publish(
                        None,
                        Some(StreamEvent::Error {
                            server: Some(server.to_string()),
                            code: OriginErrorCode::Internal,
                            message:
                                "live updates are paused: the origin lost its connection to Redis"
                                    .to_owned(),
                        }),
                    );
                }
            }
        }
    }
}

async fn publish(cluster: &Cluster, id: &str, update: Update, keep: std::time::Duration) {
    let published = match &update {
        Update::Status { summary, event } => {
            cluster
                .publish(id, summary.as_ref(), event.as_ref(), keep)
                .await
        }
        Update::Console(update) => cluster.publish_console(id, update).await,
    };
    if let Err(error) = published {
        tracing::warn!(server = %id, %error, "publishing to Redis failed");
    }
}

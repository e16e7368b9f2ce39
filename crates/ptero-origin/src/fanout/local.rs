//! A single instance's upstream of one server: its feed runs here and its updates go
//! straight to the local channels.

use std::sync::Arc;

use ptero_api::ServerId;
use tokio::sync::mpsc;

use super::channel::Channels;
use super::feed::{self, Upstream};

/// Runs `server`'s feed for this instance's viewers until aborted by the hub.
pub async fn run(server: ServerId, upstream: Upstream, channels: Arc<Channels>) {
    let (updates, mut received) = mpsc::unbounded_channel();
    let feeding = feed::run(server, upstream, updates);
    tokio::pin!(feeding);
    loop {
        tokio::select! {
            () = &mut feeding => return,
            Some(update) = received.recv() => channels.deliver(update),
        }
    }
}

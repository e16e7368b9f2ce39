//! A running server's players, asked of the game itself (`crate::players`) every
//! `players_every` by a task of the feed's own, so a slow or silent game never holds up
//! the server's other data. The feed tells it what to ask ([`PlayerSource::follow`]: the
//! game from the egg, the address from the primary allocation, only while running) and
//! reads its answers; `None` is "not known now" (stopped, no query for this game, no
//! answer).

use std::time::Duration;

use ptero_api::origin::{PlayerCount, ServerSummary};
use ptero_api::PowerState;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::players::{self, Game};

type Target = Option<(Game, String)>;

/// The feed's end of its players task; dropping it stops the task.
pub struct PlayerSource {
    target: watch::Sender<Target>,
    answers: mpsc::Receiver<Option<PlayerCount>>,
    task: JoinHandle<()>,
}

impl Drop for PlayerSource {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PlayerSource {
    pub fn start(every: Duration) -> Self {
        let (target, watched) = watch::channel(None);
        let (sender, answers) = mpsc::channel(1);
        let task = tokio::spawn(ask(every, watched, sender));
        Self {
            target,
            answers,
            task,
        }
    }

    /// Asks about what `summary` shows (or stops asking).
    pub fn follow(&self, summary: &ServerSummary) {
        let target = (summary.state == PowerState::Running)
            .then(|| {
                let game = players::game_of(summary.egg.as_deref()?)?;
                Some((game, summary.address.clone()?))
            })
            .flatten();
        self.target.send_if_modified(|known| {
            let changed = *known != target;
            *known = target;
            changed
        });
    }

    /// The next answer.
    pub async fn next(&mut self) -> Option<Option<PlayerCount>> {
        self.answers.recv().await
    }
}

async fn ask(
    every: Duration,
    mut target: watch::Receiver<Target>,
    answers: mpsc::Sender<Option<PlayerCount>>,
) {
    loop {
        let asked = target.borrow_and_update().clone();
        let answer = match asked {
            Some((game, address)) => match players::query_at(game, address).await {
                Ok(found) => Some(PlayerCount {
                    online: found.online,
                    max: found.max,
                    motd: found.motd,
                    version: found.version,
                }),
                Err(error) => {
                    tracing::debug!(problem = %error.0, "a player query found nothing");
                    None
                }
            },
            None => None,
        };
        if answers.send(answer).await.is_err() {
            return;
        }
        // The next round: after `every`, or at once when the target changes (a start).
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            changed = target.changed() => if changed.is_err() { return },
        }
    }
}

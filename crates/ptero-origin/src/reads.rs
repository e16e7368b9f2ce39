//! Reads of one server's summary for `GET /v1/servers/{id}`, so that no number of
//! requests turns into as many upstream calls: the hub's latest summary when a poller
//! watches the server, otherwise one upstream call shared by every concurrent miss, whose
//! answer (or failure) then serves every read for a poll interval.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ptero_api::origin::{OriginErrorCode, ServerSummary};
use ptero_api::{PanelError, ServerId};
use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::panel::Panel;

/// A failure shared by every read that waited on the same upstream call.
#[derive(Debug, Clone)]
struct Failure {
    code: OriginErrorCode,
    message: String,
    retry_after: Option<u64>,
}

impl Failure {
    fn of(error: &AppError) -> Self {
        let retry_after = match error {
            AppError::Panel(PanelError::RateLimited { retry_after }) => *retry_after,
            AppError::Throttled {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        Self {
            code: error.code(),
            message: error.body().error.message,
            retry_after,
        }
    }

    fn error(&self) -> AppError {
        match self.retry_after {
            Some(seconds) if self.code == OriginErrorCode::RateLimited => AppError::Throttled {
                retry_after_secs: seconds,
                message: self.message.clone(),
            },
            _ => AppError::refused(self.code.clone(), self.message.clone()),
        }
    }
}

type Answer = Result<ServerSummary, Failure>;

struct Flight {
    started: Instant,
    answer: Arc<OnceCell<Answer>>,
}

/// One flight per server at a time, kept for `keep`.
pub struct Reads {
    keep: Duration,
    flights: Mutex<HashMap<String, Flight>>,
}

impl std::fmt::Debug for Reads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reads")
            .field("keep", &self.keep)
            .finish_non_exhaustive()
    }
}

impl Reads {
    pub fn new(keep: Duration) -> Self {
        Self {
            keep,
            flights: Mutex::new(HashMap::new()),
        }
    }

    fn flight(&self, server: &ServerId) -> Arc<OnceCell<Answer>> {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        let keep = self.keep;
        flights.retain(|_, flight| flight.started.elapsed() < keep || !flight.answer.initialized());
        let flight = flights
            .entry(server.short().to_owned())
            .or_insert_with(|| Flight {
                started: Instant::now(),
                answer: Arc::new(OnceCell::new()),
            });
        Arc::clone(&flight.answer)
    }

    /// The summary of `server`, from one upstream call however many ask at once.
    pub async fn summary(
        &self,
        panel: &Panel,
        server: &ServerId,
    ) -> Result<ServerSummary, AppError> {
        let answer = self.flight(server);
        let result = answer
            .get_or_init(|| async {
                fetch(panel, server).await.map_err(|error| {
                    tracing::warn!(%server, detail = ?error, "reading a server's summary failed");
                    Failure::of(&error)
                })
            })
            .await;
        result.clone().map_err(|failure| failure.error())
    }
}

async fn fetch(panel: &Panel, id: &ServerId) -> Result<ServerSummary, AppError> {
    let (server, stats) = tokio::join!(panel.server(id), panel.resources(id));
    let server = server?;
    let stats = match stats {
        Ok(stats) => Some(stats),
        Err(AppError::Panel(PanelError::Conflict { .. })) => None,
        Err(error) => return Err(error),
    };
    Ok(ServerSummary::from_panel(&server, stats.as_ref()))
}

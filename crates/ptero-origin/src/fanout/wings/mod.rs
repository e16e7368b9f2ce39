//! The upstream Wings socket of one watched server, kept open: [`session`] runs one
//! socket, [`tokens`] keeps its token requests inside the panel's budget, and
//! [`keep_open`] reconnects after each end with the back-off its [`LinkProblem`] asks
//! for (a minute for a full server or a spent token budget, five for a suspended one,
//! doubling from a second for a drop), telling the caller each time.

pub mod session;
pub mod tokens;

use ptero_api::wings_link::LinkProblem;
use ptero_api::ServerId;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use session::WingsEvent;
pub use tokens::{Held, SharedTokens, Tokens};

use crate::error::AppError;
use crate::panel::Panel;

/// Keeps a socket to `server` open, handing every event to `deliver`; never returns.
pub async fn keep_open(
    server: &ServerId,
    panel: &Panel,
    tokens: &Tokens,
    deliver: &mut (dyn FnMut(WingsEvent) + Send),
) {
    let mut failures: u32 = 0;
    loop {
        let ended = session::run(panel, tokens, deliver).await;
        if ended.was_live {
            failures = 0;
        }
        failures = failures.saturating_add(1);
        let retry = ended.problem.retry_in(failures, jitter());
        tracing::warn!(server = %server, problem = %ended.problem, ?retry, "the Wings socket is down");
        deliver(WingsEvent::Down {
            problem: ended.problem,
            retry,
        });
        tokio::time::sleep(retry).await;
    }
}

/// A socket kept open by a task of its own; dropping this closes it.
pub struct Socket {
    task: JoinHandle<()>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts [`keep_open`] for `server` on a task; its events arrive on the receiver.
pub fn open(
    server: ServerId,
    panel: Panel,
    tokens: Tokens,
) -> (Socket, mpsc::UnboundedReceiver<WingsEvent>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut deliver = move |event| {
            let _ = sender.send(event);
        };
        keep_open(&server, &panel, &tokens, &mut deliver).await;
    });
    (Socket { task }, receiver)
}

/// A random share for [`LinkProblem::retry_in`], so that servers do not retry in step.
fn jitter() -> f64 {
    let mut byte = [0u8; 1];
    // Without randomness there is no jitter, which only weakens spreading.
    let _ = getrandom::fill(&mut byte);
    f64::from(byte[0]) / 255.0
}

/// Refuses a console command whose Wings frame would be over Wings 1.12's 4 KiB read
/// limit (it would close the socket), whichever way the command then travels.
pub fn check_command(command: &str) -> Result<(), AppError> {
    ptero_api::Outbound::SendCommand(command.to_owned())
        .encode_within(ptero_api::flavor::WINGS_FRAME_LIMIT)
        .map(drop)
        .map_err(|too_large| AppError::bad_request(too_large.to_string()))
}

/// A [`LinkProblem`] as one line for viewers.
pub fn describe(problem: &LinkProblem, retry: std::time::Duration) -> String {
    format!(
        "the live connection to Wings is down: {problem}; showing polled data, retrying in {} s",
        retry.as_secs().max(1)
    )
}

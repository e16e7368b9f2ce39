//! What can go wrong talking to the panel, each with a sentence a person can act on.

use std::fmt;

use ptero_api::PanelError;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Nothing answered at that address: DNS, TLS, firewall or a wrong URL.
    Unreachable { url: String },
    /// The panel answered but its CORS settings do not allow this page's origin.
    CorsBlocked { page_origin: String },
    /// The panel answered with an error.
    Panel(PanelError),
    /// The panel answered 2xx with a body we could not read.
    Decode(String),
    /// The view that asked is gone (its page was left), so the request was cancelled.
    Aborted,
    /// The browser is offline (and nothing was remembered to show instead).
    Offline,
    /// Wings itself (a signed upload URL) refused, with its sentence.
    Wings { status: u16, detail: String },
    /// Wings did not answer a request sent to it directly (an upload).
    WingsUnreachable { host: String },
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unreachable { url } => write!(
                f,
                "Nothing answered at {url}: check the address, that the panel is up, and its TLS certificate."
            ),
            ApiError::CorsBlocked { page_origin } => write!(
                f,
                "The panel is reachable but does not allow requests from {page_origin}. Add it to \
                 APP_CORS_ALLOWED_ORIGINS in the panel's .env, or connect through a ptero-origin."
            ),
            ApiError::Panel(err) => write!(f, "{err}"),
            ApiError::Decode(why) => write!(f, "The panel's answer could not be read ({why}). Is this a Pterodactyl panel?"),
            ApiError::Aborted => f.write_str("The request was cancelled: the page that asked was closed."),
            ApiError::Offline => f.write_str("You are offline: this loads again when the connection is back."),
            ApiError::Wings { status, detail } => write!(f, "The machine running the server (Wings) refused it ({status}): {detail}"),
            ApiError::WingsUnreachable { host } => write!(
                f,
                "The machine running the server (Wings at {host}) did not answer: it may be down, or its allowed_origins may not list this page's origin."
            ),
        }
    }
}

impl From<PanelError> for ApiError {
    fn from(err: PanelError) -> Self {
        ApiError::Panel(err)
    }
}

//! The one place that talks to the network: the panel (the app), a ptero-origin (the card)
//! and the hosting site's token URL, all through one request builder ([`Request`]) whose
//! requests are aborted with the owner that started them ([`Scope`]). Views and controllers
//! call these functions; nothing else touches the network (a test holds it so).

mod account;
pub mod browser_json;
pub mod bundle;
mod client;
mod credentials;
mod error;
mod fetch;
mod host;
mod load;
mod manage;
pub mod offline;
mod origin;
mod request;
mod scope;
mod sections;
pub mod socket;
pub mod sse;
pub mod transfer;

pub use account::ActivityOf;
pub use client::PanelClient;
pub use credentials::{default_name, Connection, Connections, Credentials, Persistence};
pub use error::ApiError;
pub use host::{fetch_locale, fetch_token, TokenError};
pub use load::{Answer, Load};
pub use origin::{OriginClient, OriginFailure, StreamMember};
pub use request::{requests_in_flight, Request, Response, Transport, Uploaded};
pub use scope::Scope;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn nothing_outside_api_touches_the_network() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        // The browser's ways out; only `src/api/` may use them.
        let network = [
            "fetch_with",
            "WebSocket::new",
            "EventSource",
            "XmlHttpRequest",
            "send_beacon",
            "gloo_net",
        ];
        let mut offenders = Vec::new();
        for file in files.iter().filter(|f| !f.starts_with(root.join("api"))) {
            let text = std::fs::read_to_string(file).expect("readable source");
            for word in network.iter().filter(|word| text.contains(**word)) {
                offenders.push(format!("{} uses {word}", file.display()));
            }
        }
        assert!(files.len() > 20, "the sources were found");
        assert_eq!(offenders, Vec::<String>::new());
    }
}

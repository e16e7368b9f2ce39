//! `GET /servers/{id}/websocket`: the token and socket address for Wings (not a Fractal
//! envelope).

use std::fmt;

use serde::{Deserialize, Serialize};

/// `{"data": {"token": JWT, "socket": "wss://node:8080/api/servers/{uuid}/ws"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsocketToken {
    pub data: WebsocketCredentials,
}

/// `data` of the websocket answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsocketCredentials {
    /// HS256 JWT signed with the node's key, valid about 10 minutes.
    pub token: String,
    /// The Wings address to open; during a transfer it may point at the new node.
    pub socket: String,
}

impl WebsocketToken {
    pub fn new(token: impl Into<String>, socket: impl Into<String>) -> Self {
        Self {
            data: WebsocketCredentials {
                token: token.into(),
                socket: socket.into(),
            },
        }
    }
}

// The token grants console and power: keep it out of logs.
impl fmt::Debug for WebsocketCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebsocketCredentials")
            .field("token", &"<redacted>")
            .field("socket", &self.socket)
            .finish()
    }
}

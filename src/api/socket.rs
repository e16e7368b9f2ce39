//! Websockets (the app's Wings console): opened here, so everything that reaches the
//! network lives in `api/`. The caller owns the socket and closes it with its owner.

use web_sys::WebSocket;

/// A socket to `url`; `None` when the address is not a websocket URL.
pub fn open(url: &str) -> Option<WebSocket> {
    WebSocket::new(url).ok()
}

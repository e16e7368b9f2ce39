//! Websocket helpers for the loopback tests: a token, a connection with an `Origin`,
//! typed frames both ways.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use ptero_api::{Inbound, Outbound, WebsocketToken};
use ptero_sandbox::Sandbox;
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::{get, server_path};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn token(sandbox: &Sandbox, server: &str, key: &str) -> WebsocketToken {
    let answer = get(sandbox, &server_path(server, "/websocket"), key).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    serde_json::from_value(answer.json).expect("a websocket token")
}

pub async fn connect(
    socket: &str,
    origin: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = socket.into_client_request()?;
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", origin.parse().expect("an origin header"));
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

pub async fn send(socket: &mut Socket, frame: Outbound) {
    socket
        .send(Message::Text(frame.encode().into()))
        .await
        .expect("sent");
}

/// The next decodable event, within two seconds.
pub async fn next(socket: &mut Socket) -> Option<Inbound> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(2), socket.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = message {
            if let Ok(event) = Inbound::decode(text.as_str()) {
                return Some(event);
            }
        }
    }
}

/// Reads until an event matches, within the limit of events.
pub async fn until(
    socket: &mut Socket,
    mut wanted: impl FnMut(&Inbound) -> bool,
) -> Option<Inbound> {
    for _ in 0..400 {
        let event = next(socket).await?;
        if wanted(&event) {
            return Some(event);
        }
    }
    None
}

pub async fn open_authed(sandbox: &Sandbox, server: &str, key: &str) -> Socket {
    let grant = token(sandbox, server, key).await;
    let mut socket = connect(&grant.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    send(&mut socket, Outbound::Auth(grant.data.token.clone())).await;
    // A running server's event can beat the `auth` (as with real Wings): its `jwt error`
    // comes first then.
    let mut first = next(&mut socket).await;
    while matches!(&first, Some(Inbound::JwtError(text)) if text == ptero_api::ws::jwt_message::NO_JWT)
    {
        first = next(&mut socket).await;
    }
    assert_eq!(first, Some(Inbound::AuthSuccess));
    socket
}

//! A local webhook receiver for the alert tests: it records every POST to
//! `/hooks/{endpoint}` (body, raw text, headers), or answers 503 while it is "down".

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
#[allow(dead_code)] // cluster.rs reads only the endpoint
pub struct Received {
    pub endpoint: String,
    pub body: Value,
    pub raw: String,
    pub headers: HeaderMap,
}

#[derive(Clone, Default)]
pub struct Receiver {
    seen: Arc<Mutex<Vec<Received>>>,
    down: Arc<Mutex<bool>>,
}

impl Receiver {
    pub fn seen(&self) -> Vec<Received> {
        self.seen.lock().expect("seen").clone()
    }

    #[allow(dead_code)] // not every test file takes it down
    pub fn set_down(&self, down: bool) {
        *self.down.lock().expect("down") = down;
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    raw: String,
) -> StatusCode {
    if *receiver.down.lock().expect("down") {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
    receiver.seen.lock().expect("seen").push(Received {
        endpoint,
        body,
        raw,
        headers,
    });
    StatusCode::NO_CONTENT
}

pub async fn start_receiver() -> (Receiver, SocketAddr) {
    let receiver = Receiver::default();
    let app = Router::new()
        .route("/hooks/{endpoint}", post(receive))
        .with_state(receiver.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, addr)
}

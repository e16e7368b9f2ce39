//! Accepting connections with limits that a router layer cannot set: at most
//! `max_connections` at once (more wait in the kernel's backlog) and `max_per_ip` from one
//! client address (IPv6 by its /64; more are closed at once), HTTP/1.1 only (the TLS proxy
//! in front speaks HTTP/2 to browsers; hyper's deadlines do not hold an idle HTTP/2
//! connection), a deadline for each request head (hyper's header-read timeout) and for a
//! connection's first bytes, a write deadline (a peer that stops reading is cut once its
//! socket stays full for `write_timeout`, so a stalled stream frees its memory), and TCP
//! keep-alive so a vanished peer is noticed. Every request carries its peer address as
//! `ConnectInfo`.
//!
//! axum's own `serve` exposes none of these, hence this loop over hyper's builder.

use std::future::Future as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::Request;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Sleep;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

/// The connection-level limits of one listener.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub write_timeout: Duration,
    pub max_connections: usize,
    /// Connections one client address may hold (IPv6 by its /64); more are closed at once.
    pub max_per_ip: usize,
}

/// The address a client is counted under: IPv4 as it is, IPv6 by its /64 (one host gets
/// a whole /64).
pub fn client_key(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => std::net::IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                std::net::IpAddr::V6(std::net::Ipv6Addr::from(bits))
            }
        },
        v4 => v4,
    }
}

/// Open connections of a listener, for metrics and tests.
#[derive(Debug, Clone)]
pub struct Open(Arc<Semaphore>, usize);

impl Open {
    pub fn count(&self) -> usize {
        self.1.saturating_sub(self.0.available_permits())
    }
}

/// Serves `router` on `listener` until `shutdown`, then lets open requests finish for
/// up to `drain`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
    drain: Duration,
) -> (Open, tokio::task::JoinHandle<()>) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let open = Open(Arc::clone(&slots), limits.max_connections);
    let task = tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        // HTTP/1.1 only: the TLS proxy in front speaks HTTP/2 to browsers, and hyper's
        // header-read deadline does not hold HTTP/2 connections (one idle h2c client
        // would keep its slot).
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout);
        let per_ip: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>> =
            Arc::default();
        loop {
            let permit = tokio::select! {
                permit = Arc::clone(&slots).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
                () = shutdown.cancelled() => break,
            };
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of descriptors and the like: wait rather than spin.
                        tracing::warn!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = shutdown.cancelled() => break,
            };
            let client = client_key(peer.ip());
            let held = {
                let mut counts = per_ip
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let count = counts.entry(client).or_default();
                if *count >= limits.max_per_ip {
                    None
                } else {
                    *count += 1;
                    Some(ClientSlot {
                        counts: Arc::clone(&per_ip),
                        client,
                    })
                }
            };
            let Some(held) = held else {
                tracing::debug!(%peer, "too many connections from one address: closed");
                drop(stream);
                drop(permit);
                continue;
            };
            tune(&stream);
            let service =
                router
                    .clone()
                    .map_request(move |mut request: Request<hyper::body::Incoming>| {
                        request.extensions_mut().insert(ConnectInfo(peer));
                        request
                    });
            let io = TokioIo::new(Deadlines::new(
                stream,
                limits.header_read_timeout,
                limits.write_timeout,
            ));
            // The origin upgrades nothing (no websocket is served), so no upgrades.
            let connection = builder.serve_connection(io, TowerToHyperService::new(service));
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%peer, error = %error, "connection ended with an error");
                }
                drop(permit);
                drop(held);
            });
        }
        drop(listener);
        if tokio::time::timeout(drain, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("requests still open after {drain:?}: stopped anyway");
        }
    });
    (open, task)
}

/// One connection counted under its client's address; dropping it counts it out.
struct ClientSlot {
    counts: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
    client: std::net::IpAddr,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.client);
            }
        }
    }
}

fn tune(stream: &TcpStream) {
    let _ = stream.set_nodelay(true);
    let socket = socket2::SockRef::from(stream);
    let keepalive = socket2::TcpKeepalive::new()
        .with_time(Duration::from_secs(30))
        .with_interval(Duration::from_secs(10));
    let _ = socket.set_tcp_keepalive(&keepalive);
}

/// A stream whose first read fails with `TimedOut` when no byte came within
/// `first_bytes`, and whose writes fail so once they have made no progress for `limit`:
/// hyper then closes the connection.
struct Deadlines<T> {
    inner: T,
    /// Armed until the first byte arrives.
    first_read: Option<Pin<Box<Sleep>>>,
    limit: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> Deadlines<T> {
    fn new(inner: T, first_bytes: Duration, limit: Duration) -> Self {
        Self {
            inner,
            first_read: Some(Box::pin(tokio::time::sleep(first_bytes))),
            limit,
            stalled: None,
        }
    }

    /// Called when the inner write is pending: arms the deadline, fails when it passed.
    fn pending<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let limit = self.limit;
        let deadline = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the peer stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Deadlines<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        match polled {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                self.first_read = None;
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match self.first_read.as_mut() {
                Some(deadline) => match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the peer sent nothing",
                    ))),
                    Poll::Pending => Poll::Pending,
                },
                None => Poll::Pending,
            },
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Deadlines<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Pending => self.pending(cx),
            ready => {
                self.stalled = None;
                ready
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending => self.pending(cx),
            ready => {
                self.stalled = None;
                ready
            }
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.pending(cx),
            ready => {
                self.stalled = None;
                ready
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// `SocketAddr` of the peer, for handlers (`ConnectInfo` is inserted for every request).
pub type Peer = ConnectInfo<SocketAddr>;

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn a_peer_that_stops_reading_is_cut_once_its_socket_stays_full() {
        let (near, _far) = tokio::io::duplex(1024);
        let mut guarded = Deadlines::new(near, Duration::from_secs(60), Duration::from_millis(200));
        let chunk = [0u8; 512];
        let started = std::time::Instant::now();
        let error = loop {
            match tokio::time::timeout(Duration::from_secs(5), guarded.write(&chunk)).await {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => break error,
                Err(_) => panic!("the write stalled without the deadline"),
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(200));
    }

    #[tokio::test]
    async fn a_peer_that_reads_in_time_keeps_its_connection() {
        let (near, mut far) = tokio::io::duplex(1024);
        let mut guarded = Deadlines::new(near, Duration::from_secs(60), Duration::from_millis(300));
        let reader = tokio::spawn(async move {
            let mut sink = [0u8; 256];
            let mut total = 0;
            while total < 16 * 1024 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                total += far.read(&mut sink).await.expect("read");
            }
        });
        for _ in 0..32 {
            guarded
                .write_all(&[1u8; 512])
                .await
                .expect("a slow but steady reader is fine");
        }
        reader.await.expect("reader");
    }

    #[tokio::test]
    async fn a_connection_that_sends_nothing_times_out_on_its_first_read() {
        let (near, _far) = tokio::io::duplex(64);
        let mut guarded = Deadlines::new(near, Duration::from_millis(100), Duration::from_secs(60));
        let mut buffer = [0u8; 8];
        let error = guarded.read(&mut buffer).await.expect_err("times out");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}

//! A real `redis-server` for tests: a child on a free loopback port, without
//! persistence, killed on drop. Tests that use it fail (not skip) without it.

#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ptero_origin::config::{RedisUrl, Secret};

/// A `redis-server` child on a free loopback port, without persistence; killed on drop.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl RedisServer {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    pub fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start redis-server ({error}): the Redis tests need a real redis-server on PATH; on Debian: apt-get install redis-server"
                )
            });
        let server = Self {
            child: Some(child),
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// The address as the origin's configuration holds it.
    pub fn address(&self) -> RedisUrl {
        RedisUrl {
            url: Secret::new(self.url()),
            shown: format!("127.0.0.1:{}/0", self.port),
        }
    }

    /// Kills it now (SIGKILL: no goodbye to its clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .expect("client")
            .get_multiplexed_async_connection()
            .await
            .expect("test connection to redis-server")
    }

    /// The instance id written in `server`'s lease (the one feeding it: its Wings
    /// socket, polling standing in), if any.
    pub async fn lease_holder(&self, server: &str) -> Option<String> {
        self.get(&format!("ptero-origin:lease:{server}")).await
    }

    async fn get(&self, key: &str) -> Option<String> {
        let mut connection = self.connection().await;
        redis::cmd("GET")
            .arg(key)
            .query_async(&mut connection)
            .await
            .expect("GET")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

//! The games' own status queries on each running server's primary allocation, as real
//! game servers answer them (with `SandboxConfig::games`): Minecraft Java's Server List
//! Ping over TCP (wiki.vg "Server List Ping"), Minecraft Bedrock's RakNet unconnected
//! ping and Source's `A2S_INFO` over UDP on the same port number. Each server gets a
//! free loopback port, written into its primary allocation, so sandboxes never collide.
//!
//! Only a running server answers; a stopped one closes the TCP connection and ignores
//! datagrams, as a game that is not running would. The fault `silent_games` makes a
//! server ignore every query while running (a firewall, a hung process).

use std::net::SocketAddr;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use ptero_api::PowerState;

use crate::state::{lock, AppState};

/// Players the sandbox reports: `ONLINE` of `MAX` while running.
pub const ONLINE: u32 = 12;
pub const MAX: u32 = 20;
/// The MOTD and version it reports.
pub const MOTD: &str = "A Pterodactyl sandbox server";
pub const VERSION: &str = "1.21.4";

/// Binds each server's query ports and rewrites its primary allocation to them; answers
/// the tasks that serve them.
pub async fn start(
    state: &AppState,
    ip: std::net::IpAddr,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<Vec<JoinHandle<()>>> {
    let servers: Vec<(String, u64)> = {
        let world = lock(&state.world);
        world
            .servers
            .iter()
            .map(|server| (server.identifier.clone(), server.node_id))
            .collect()
    };
    let mut tasks = Vec::new();
    for (server, node_id) in servers {
        let tcp = TcpListener::bind(SocketAddr::new(ip, 0)).await?;
        let port = tcp.local_addr()?.port();
        let udp = UdpSocket::bind(SocketAddr::new(ip, port)).await?;
        {
            let mut world = lock(&state.world);
            let uuid = world.server(&server).map(|record| record.uuid.clone());
            if let (Some(uuid), Some(node)) =
                (uuid, world.nodes.iter_mut().find(|node| node.id == node_id))
            {
                if let Some(primary) = node.allocations.iter_mut().find(|allocation| {
                    allocation.primary && allocation.server.as_deref() == Some(uuid.as_str())
                }) {
                    primary.ip = ip.to_string();
                    primary.alias = None;
                    primary.port = port;
                }
            }
        }
        tasks.push(tokio::spawn(serve_tcp(
            state.clone(),
            server.clone(),
            tcp,
            shutdown.clone(),
        )));
        tasks.push(tokio::spawn(serve_udp(
            state.clone(),
            server,
            udp,
            shutdown.clone(),
        )));
    }
    Ok(tasks)
}

/// Whether `server` answers queries now.
fn answering(state: &AppState, server: &str) -> bool {
    let running = state
        .runtime_of(server)
        .is_some_and(|runtime| runtime.state() == PowerState::Running);
    running
        && !state
            .faults
            .get()
            .silent_games
            .iter()
            .any(|silent| silent == server)
}

fn varint(mut value: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// The Server List Ping status answer: a packet `0x00` holding the status JSON.
fn java_status() -> Vec<u8> {
    let status = json!({
        "version": {"name": VERSION, "protocol": 769},
        "players": {"max": MAX, "online": ONLINE},
        "description": {"text": MOTD},
    })
    .to_string();
    let mut body = vec![0x00];
    body.extend(varint(status.len() as u32));
    body.extend(status.as_bytes());
    let mut packet = varint(body.len() as u32);
    packet.extend(body);
    packet
}

/// One Server List Ping conversation, packet by packet (a length varint, then the packet
/// id and body): the handshake is read and ignored, a status request (`0x00`, no body)
/// gets the status, a ping (`0x01`) its own packet back, after which the server closes the
/// connection, as Minecraft does (gamedig reads to the end of the stream). Reading whole
/// packets matters: a client's packets may arrive in one segment or several, and waiting
/// for more after the ping kept gamedig's read open until its timeout.
async fn answer_java(state: AppState, server: String, mut stream: TcpStream) {
    let wait = std::time::Duration::from_secs(5);
    let mut handshaken = false;
    while let Ok(Some(packet)) = tokio::time::timeout(wait, read_packet(&mut stream)).await {
        if !answering(&state, &server) {
            return;
        }
        let reply = match (handshaken, packet.first()) {
            (false, _) => {
                handshaken = true;
                continue;
            }
            (true, Some(0x00)) => java_status(),
            (true, Some(0x01)) => {
                let mut pong = varint(packet.len() as u32);
                pong.extend(&packet);
                let _ = stream.write_all(&pong).await;
                return;
            }
            _ => return,
        };
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

/// The next packet (id and body, without its length), or `None` at the end or on nonsense.
async fn read_packet(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut length: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = stream.read_u8().await.ok()?;
        length |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
    }
    if length == 0 || length > 4096 {
        return None;
    }
    let mut packet = vec![0; length as usize];
    stream.read_exact(&mut packet).await.ok()?;
    Some(packet)
}

async fn serve_tcp(
    state: AppState,
    server: String,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(answer_java(state.clone(), server.clone(), stream));
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// RakNet's offline-message magic.
const MAGIC: [u8; 16] = [
    0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe, 0xfe, 0xfe, 0xfd, 0xfd, 0xfd, 0xfd, 0x12, 0x34, 0x56, 0x78,
];

/// An unconnected pong for an unconnected ping (`0x01`, time, magic, client guid).
fn bedrock_pong(ping: &[u8], port: u16) -> Option<Vec<u8>> {
    let time = ping.get(1..9)?;
    let status = format!(
        "MCPE;{MOTD};748;{VERSION};{ONLINE};{MAX};6200873290135716531;Sandbox;Survival;1;{port};{port};"
    );
    let mut pong = vec![0x1c];
    pong.extend(time);
    pong.extend(6_200_873_290_135_716_531u64.to_be_bytes());
    pong.extend(MAGIC);
    pong.extend((status.len() as u16).to_be_bytes());
    pong.extend(status.as_bytes());
    Some(pong)
}

/// `A2S_INFO`'s answer (`0x49`), Source engine layout.
fn a2s_info() -> Vec<u8> {
    let mut info = vec![0xff, 0xff, 0xff, 0xff, 0x49, 17];
    for text in [MOTD, "sandbox", "cstrike", "Counter-Strike: Source"] {
        info.extend(text.as_bytes());
        info.push(0);
    }
    info.extend(240u16.to_le_bytes());
    info.extend([ONLINE as u8, MAX as u8, 0, b'd', b'l', 0, 0]);
    info.extend(VERSION.as_bytes());
    info.extend([0, 0]);
    info
}

async fn serve_udp(
    state: AppState,
    server: String,
    socket: UdpSocket,
    mut shutdown: watch::Receiver<bool>,
) {
    let port = socket.local_addr().map(|addr| addr.port()).unwrap_or(0);
    let mut buffer = [0u8; 1500];
    loop {
        let (n, from) = tokio::select! {
            received = socket.recv_from(&mut buffer) => match received {
                Ok(received) => received,
                Err(_) => continue,
            },
            _ = shutdown.changed() => return,
        };
        if !answering(&state, &server) {
            continue;
        }
        let datagram = &buffer[..n];
        let answer = match datagram {
            [0x01, ..] => bedrock_pong(datagram, port),
            [0xff, 0xff, 0xff, 0xff, 0x54, ..] => Some(a2s_info()),
            _ => None,
        };
        if let Some(answer) = answer {
            let _ = socket.send_to(&answer, from).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_little_endian_groups_of_seven() {
        assert_eq!(varint(0), [0]);
        assert_eq!(varint(300), [0xac, 0x02]);
    }

    #[test]
    fn the_bedrock_pong_echoes_the_ping_time_and_carries_the_status() {
        let mut ping = vec![0x01];
        ping.extend([1, 2, 3, 4, 5, 6, 7, 8]);
        ping.extend(MAGIC);
        let pong = bedrock_pong(&ping, 19132).expect("pong");
        assert_eq!(&pong[1..9], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(String::from_utf8_lossy(&pong).contains(";12;20;"));
    }
}

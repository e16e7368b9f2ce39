//! How many players a running server has, asked of the game itself at its primary
//! allocation with the `gamedig` crate: Minecraft Java's Server List Ping, Minecraft
//! Bedrock's RakNet ping, or Source's `A2S_INFO`, chosen from the server's egg. A query
//! never takes long (2 s) and never fails the rest of a server's data: its failure is only
//! "players unknown".

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use gamedig::games::minecraft;
use gamedig::protocols::types::{GatherToggle, TimeoutSettings};
use gamedig::protocols::valve::{self, Engine, GatheringSettings};

/// Which status query a game answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Game {
    MinecraftJava,
    MinecraftBedrock,
    /// Source engine games (Counter-Strike, Garry's Mod, TF2, Rust, ARK …).
    Source,
}

/// The game of an egg, by its name (the panel's eggs are named after their game and
/// server software); `None` when the origin knows no query for it.
pub fn game_of(egg: &str) -> Option<Game> {
    let egg = egg.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|word| egg.contains(word));
    if any(&["bedrock", "pocketmine", "nukkit", "geyser"]) {
        Some(Game::MinecraftBedrock)
    } else if any(&[
        "minecraft",
        "paper",
        "spigot",
        "bukkit",
        "purpur",
        "forge",
        "fabric",
        "vanilla",
        "bungeecord",
        "waterfall",
        "velocity",
        "sponge",
        "folia",
        "quilt",
    ]) {
        Some(Game::MinecraftJava)
    } else if any(&[
        "counter-strike",
        "csgo",
        "cs2",
        "css",
        "garry",
        "gmod",
        "team fortress",
        "tf2",
        "left 4 dead",
        "insurgency",
        "rust",
        "ark",
        "arma",
        "unturned",
        "7 days",
        "valheim",
        "source",
        "srcds",
    ]) {
        Some(Game::Source)
    } else {
        None
    }
}

/// `players` as a site may show them: the count with `count`, the MOTD and version only
/// with `details`; `None` without `count`.
pub fn as_shown(
    players: Option<ptero_api::origin::PlayerCount>,
    count: bool,
    details: bool,
) -> Option<ptero_api::origin::PlayerCount> {
    let mut players = players.filter(|_| count)?;
    if !details {
        players.motd = None;
        players.version = None;
    }
    Some(players)
}

/// What the game said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Players {
    pub online: u32,
    pub max: u32,
    pub motd: Option<String>,
    pub version: Option<String>,
}

/// Why a query found nothing (shown as "players unknown", logged at debug).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryFailed(pub String);

/// How often a running server's game is asked (the issue's "at most every 15 s").
pub const EVERY: Duration = Duration::from_secs(15);

/// How long one query may take.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(2);

/// The address to ask: the allocation's alias when it has one, else its IP (`0.0.0.0`,
/// a node binding everything, falls back to `fallback_host`, the node's address).
pub fn address(
    ip: &str,
    alias: Option<&str>,
    port: u16,
    fallback_host: &str,
) -> Option<SocketAddr> {
    let host = alias
        .filter(|alias| !alias.is_empty())
        .or(Some(ip).filter(|ip| !ip.is_empty() && *ip != "0.0.0.0" && *ip != "::"))
        .unwrap_or(fallback_host);
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, port));
    }
    (host, port).to_socket_addrs().ok()?.next()
}

/// A Minecraft MOTD as text: gamedig hands the JSON of `description` on as it came.
fn motd_text(description: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(description) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(serde_json::Value::Object(object)) => {
            let mut text = object
                .get("text")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if let Some(extra) = object.get("extra").and_then(serde_json::Value::as_array) {
                for part in extra {
                    text.push_str(
                        part.get("text")
                            .and_then(serde_json::Value::as_str)
                            .unwrap_or_default(),
                    );
                }
            }
            text
        }
        _ => description.to_owned(),
    }
}

/// Strips Minecraft's `§x` formatting codes.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '§' {
            chars.next();
        } else {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

fn query_blocking(game: Game, address: SocketAddr) -> Result<Players, QueryFailed> {
    let timeout = TimeoutSettings::new(
        Some(QUERY_TIMEOUT),
        Some(QUERY_TIMEOUT),
        Some(QUERY_TIMEOUT),
        0,
    )
    .map_err(|error| QueryFailed(error.to_string()))?;
    let failed = |error: gamedig::GDError| QueryFailed(error.to_string());
    match game {
        Game::MinecraftJava => {
            let answer =
                minecraft::protocol::query_java(&address, Some(timeout), None).map_err(failed)?;
            Ok(Players {
                online: answer.players_online,
                max: answer.players_maximum,
                motd: Some(plain(&motd_text(&answer.description))).filter(|motd| !motd.is_empty()),
                version: Some(answer.game_version).filter(|version| !version.is_empty()),
            })
        }
        Game::MinecraftBedrock => {
            let answer =
                minecraft::protocol::query_bedrock(&address, Some(timeout)).map_err(failed)?;
            Ok(Players {
                online: answer.players_online,
                max: answer.players_maximum,
                motd: Some(plain(&answer.name)).filter(|motd| !motd.is_empty()),
                version: Some(answer.version_name).filter(|version| !version.is_empty()),
            })
        }
        Game::Source => {
            let gather = GatheringSettings {
                players: GatherToggle::Skip,
                rules: GatherToggle::Skip,
                check_app_id: false,
            };
            let answer = valve::query(&address, Engine::Source(None), Some(gather), Some(timeout))
                .map_err(failed)?;
            Ok(Players {
                online: u32::from(answer.info.players_online),
                max: u32::from(answer.info.players_maximum),
                motd: Some(answer.info.name).filter(|name| !name.is_empty()),
                version: Some(answer.info.game_version).filter(|version| !version.is_empty()),
            })
        }
    }
}

/// Asks `game` at `address` (gamedig's sockets block: on the blocking pool).
pub async fn query(game: Game, address: SocketAddr) -> Result<Players, QueryFailed> {
    tokio::task::spawn_blocking(move || query_blocking(game, address))
        .await
        .map_err(|error| QueryFailed(format!("the query task failed: {error}")))?
}

/// Asks `game` at `host:port` (resolved on the blocking pool too).
pub async fn query_at(game: Game, host_port: String) -> Result<Players, QueryFailed> {
    tokio::task::spawn_blocking(move || {
        let address = host_port
            .to_socket_addrs()
            .ok()
            .and_then(|mut addresses| addresses.next())
            .ok_or_else(|| QueryFailed(format!("{host_port} does not resolve")))?;
        query_blocking(game, address)
    })
    .await
    .map_err(|error| QueryFailed(format!("the query task failed: {error}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eggs_name_their_game() {
        assert_eq!(game_of("Paper"), Some(Game::MinecraftJava));
        assert_eq!(game_of("Vanilla Bedrock"), Some(Game::MinecraftBedrock));
        assert_eq!(game_of("Garrys Mod"), Some(Game::Source));
        assert_eq!(
            game_of("Counter-Strike: Global Offensive"),
            Some(Game::Source)
        );
        assert_eq!(game_of("Terraria"), None);
    }

    #[test]
    fn motds_lose_their_json_and_formatting() {
        assert_eq!(
            plain(&motd_text(
                r#"{"text":"§aHello","extra":[{"text":" world"}]}"#
            )),
            "Hello world"
        );
        assert_eq!(plain(&motd_text(r#""§lBig""#)), "Big");
    }

    #[test]
    fn the_address_prefers_the_alias_and_never_asks_0_0_0_0() {
        assert_eq!(
            address("0.0.0.0", None, 25565, "127.0.0.1"),
            Some("127.0.0.1:25565".parse().expect("addr"))
        );
        assert_eq!(
            address("10.0.0.5", Some("127.0.0.2"), 25565, "x"),
            Some("127.0.0.2:25565".parse().expect("addr"))
        );
    }
}

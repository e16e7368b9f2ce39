//! Player counts asked of the games themselves (gamedig) against the sandbox's Minecraft
//! Java, Bedrock and Source responders on a running server's primary allocation, and
//! fanned out to the viewers of the sites that show them.

mod common;

use std::time::Duration;

use common::{Harness, Options};
use ptero_api::origin::StreamEvent;

use ptero_origin::players::{query, Game};
use ptero_sandbox::seed::servers::{OFFLINE, RUNNING};
use ptero_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn every_protocol_reports_the_running_servers_players() {
    let sandbox = Sandbox::start(SandboxConfig {
        games: true,
        ..SandboxConfig::fast()
    })
    .await
    .expect("sandbox");
    let address = sandbox.game_address(RUNNING).expect("an allocation");
    for game in [Game::MinecraftJava, Game::MinecraftBedrock, Game::Source] {
        let players = query(game, address)
            .await
            .unwrap_or_else(|error| panic!("{game:?}: {error:?}"));
        assert_eq!((players.online, players.max), (12, 20), "{game:?}");
        assert_eq!(
            players.motd.as_deref(),
            Some("A Pterodactyl sandbox server"),
            "{game:?}"
        );
    }
    // A stopped game answers nothing, quickly.
    let stopped = sandbox.game_address(OFFLINE).expect("an allocation");
    let started = std::time::Instant::now();
    assert!(query(Game::MinecraftJava, stopped).await.is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
    // A silent one neither.
    sandbox
        .faults()
        .update(|faults| faults.silent_games = vec![RUNNING.to_owned()]);
    assert!(query(Game::MinecraftBedrock, address).await.is_err());
    sandbox.shutdown().await;
}

async fn players_of(harness: &Harness) -> (Option<ptero_api::origin::PlayerCount>, usize) {
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    let mut resources = 0;
    let mut players = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(6);
    while std::time::Instant::now() < deadline {
        match events.next(Duration::from_secs(1)).await {
            Some(StreamEvent::Players { players: seen, .. }) => players = Some(seen),
            Some(StreamEvent::Summary(summary)) if summary.players.is_some() => {
                players = summary.players
            }
            Some(StreamEvent::Resources { .. }) => resources += 1,
            _ => {}
        }
    }
    (players, resources)
}

#[tokio::test]
async fn a_site_that_shows_players_gets_the_games_count_and_others_do_not() {
    for (site_extra, count, details) in [
        ("players = true", true, false),
        ("players = true\nplayer_details = true", true, true),
        ("", false, false),
    ] {
        let harness = Harness::with(Options {
            sandbox: SandboxConfig {
                games: true,
                ..SandboxConfig::fast()
            },
            site_extra: site_extra.to_owned(),
            ..Options::default()
        })
        .await;
        let (players, _) = players_of(&harness).await;
        match (count, players) {
            (true, Some(players)) => {
                assert_eq!((players.online, players.max), (12, 20), "{site_extra}");
                assert_eq!(players.motd.is_some(), details, "{site_extra}");
            }
            (false, None) => {}
            (expected, seen) => panic!("{site_extra}: expected players {expected}, saw {seen:?}"),
        }
        harness.stop().await;
    }
}

#[tokio::test]
async fn a_silent_game_hides_only_its_players() {
    let harness = Harness::with(Options {
        sandbox: SandboxConfig {
            games: true,
            ..SandboxConfig::fast()
        },
        site_extra: "players = true".to_owned(),
        ..Options::default()
    })
    .await;
    harness
        .sandbox
        .faults()
        .update(|faults| faults.silent_games = vec![RUNNING.to_owned()]);
    let (players, resources) = players_of(&harness).await;
    assert_eq!(players, None);
    assert!(resources > 0, "the server's numbers still came");
    harness.stop().await;
}

//! Player counts asked of the games themselves (gamedig) against the sandbox's Minecraft
//! Java, Bedrock and Source responders on a running server's primary allocation.

use std::time::Duration;

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

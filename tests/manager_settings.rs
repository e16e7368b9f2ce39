//! The settings and startup tabs' requests (`api/manage.rs`, `api/client.rs`) against
//! the sandbox: rename with a description, reinstall (the server installs and comes
//! back), the docker image from the egg's list, startup variables within their rules,
//! each read back from the panel. A subuser without `settings.*` / `startup.*` gets the
//! specific 403 and nothing changes; past the panel's per-user request limit the rename
//! is answered 429 and the name stays.
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::{PanelError, Server};
use ptero_web::api::{ApiError, PanelClient};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn server(client: &PanelClient, id: &str) -> Server {
    client
        .server(id)
        .await
        .unwrap_or_else(|e| panic!("GET /servers/{id}: {e}"))
        .attributes
}

async fn variable(client: &PanelClient, id: &str, env: &str) -> String {
    let startup = client.startup(id).await.expect("the startup variables");
    startup
        .data
        .into_iter()
        .map(|item| item.attributes)
        .find(|v| v.env_variable == env)
        .unwrap_or_else(|| panic!("no {env}"))
        .effective_value()
        .to_owned()
}

#[wasm_bindgen_test]
async fn a_rename_saves_the_name_and_the_description() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, id) = (alice_manager(), servers::bench(30));
    alice
        .rename_server(&id, "Creative build", "Where the spawn is built")
        .await
        .expect("renamed");
    let renamed = server(&alice, &id).await;
    assert_eq!(renamed.name, "Creative build");
    assert_eq!(renamed.description, "Where the spawn is built");
    // An empty name is the panel's 422, beside its field.
    match alice.rename_server(&id, "", "").await {
        Err(ApiError::Panel(PanelError::Validation { errors })) => {
            assert!(
                errors.iter().any(|e| e.source_field == "name"),
                "{errors:?}"
            )
        }
        other => panic!("expected the 422 of an empty name, got {other:?}"),
    }
    assert_eq!(server(&alice, &id).await.name, "Creative build");
    audit.assert_forwardable(4).await;
}

#[wasm_bindgen_test]
async fn a_reinstall_installs_the_server_and_it_comes_back() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, id) = (alice_manager(), servers::bench(31));
    alice.reinstall(&id).await.expect("reinstalling");
    let installing = server(&alice, &id).await;
    assert!(installing.is_installing, "{:?}", installing.status);
    eventually("the install to finish", || async {
        let now = server(&alice, &id).await;
        if now.is_installing {
            Err(format!("{:?}", now.status))
        } else {
            Ok(())
        }
    })
    .await;
    audit.assert_forwardable(3).await;
}

#[wasm_bindgen_test]
async fn the_docker_image_is_one_the_egg_lists() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, id) = (alice_manager(), servers::bench(32));
    let startup = alice.startup(&id).await.expect("startup");
    let images = startup
        .meta
        .and_then(|meta| meta.docker_images)
        .expect("the egg's images");
    let java_21 = images.0.get("Java 21").expect("Java 21 is listed").clone();
    assert_ne!(server(&alice, &id).await.docker_image, java_21);
    alice
        .set_docker_image(&id, &java_21)
        .await
        .expect("image set");
    assert_eq!(server(&alice, &id).await.docker_image, java_21);
    // An image the egg does not list is the panel's refusal; the image stays.
    let other = alice
        .set_docker_image(&id, "ghcr.io/someone/else:latest")
        .await;
    match other {
        Err(ApiError::Panel(PanelError::Validation { errors })) => {
            assert!(
                errors.iter().any(|e| e.source_field == "docker_image"),
                "{errors:?}"
            )
        }
        other => panic!("expected the 422 of an image not listed, got {other:?}"),
    }
    assert_eq!(server(&alice, &id).await.docker_image, java_21);
    audit.assert_forwardable(5).await;
}

#[wasm_bindgen_test]
async fn startup_variables_are_saved_within_their_rules() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, id) = (alice_manager(), servers::bench(33));
    alice
        .set_variable(&id, "MAX_PLAYERS", "64")
        .await
        .expect("saved");
    assert_eq!(variable(&alice, &id, "MAX_PLAYERS").await, "64");
    // `between:1,500`: the panel's 422, and the value stays.
    match alice.set_variable(&id, "MAX_PLAYERS", "900").await {
        Err(ApiError::Panel(PanelError::Validation { errors })) => {
            assert!(!errors.is_empty())
        }
        other => panic!("expected the 422 of the rule, got {other:?}"),
    }
    assert_eq!(variable(&alice, &id, "MAX_PLAYERS").await, "64");
    // Read-only for users.
    let fixed = alice.set_variable(&id, "QUERY_PORT", "30000").await;
    assert_refused("a read-only variable", fixed, "is read-only");
    assert_eq!(variable(&alice, &id, "QUERY_PORT").await, "25565");
    audit.assert_forwardable(6).await;
}

#[wasm_bindgen_test]
async fn a_subuser_without_settings_rights_is_refused_and_nothing_changes() {
    let (bob, id) = (bob(), servers::SHARED);
    let before = server(&alice(), id).await;
    assert_missing_permission("rename", bob.rename_server(id, "Bob's", "").await);
    assert_missing_permission("reinstall", bob.reinstall(id).await);
    assert_missing_permission(
        "docker image",
        bob.set_docker_image(id, "ghcr.io/pterodactyl/yolks:java_21")
            .await,
    );
    assert_missing_permission("startup", bob.startup(id).await);
    assert_missing_permission("variable", bob.set_variable(id, "MAX_PLAYERS", "2").await);
    let after = server(&alice(), id).await;
    assert_eq!(
        (
            after.name,
            after.description,
            after.docker_image,
            after.is_installing
        ),
        (before.name, before.description, before.docker_image, false)
    );
    assert_eq!(variable(&alice(), id, "MAX_PLAYERS").await, "20");
}

#[wasm_bindgen_test]
async fn past_the_panels_request_limit_a_rename_is_answered_429_and_the_name_stays() {
    // Carol's budget on the limited sandbox: no other wasm test uses Carol there.
    let carol = client(sandbox_limited(), more_keys::CAROL);
    let admin = client(sandbox_limited(), more_keys::ADMIN);
    let before = server(&admin, CAROL_SERVER).await.name;
    spend_request_budget(sandbox_limited(), more_keys::CAROL).await;
    let refused = carol
        .rename_server(CAROL_SERVER, "Renamed while limited", "")
        .await;
    assert_rate_limited("a rename past the limit", refused);
    assert_eq!(server(&admin, CAROL_SERVER).await.name, before);
}

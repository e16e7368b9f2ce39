//! The API layer's Pelican branches against a Pelican panel (`PTERO_TEST_SANDBOX_PELICAN`,
//! `pacc_` keys): a rename sends the name to `settings/rename` and the description to
//! Pelican's own `settings/description`, both read back; an SSH key is removed with
//! Pelican's `DELETE /account/ssh-keys/{fingerprint}`; two-factor status is not asked
//! for (Pelican has no such route) and is unknown; a subuser without `settings.rename`
//! gets the specific 403 there too.
//! Every request is one the origin's pass-through forwards unchanged (its allow-list
//! takes Pelican's base64 fingerprint as one segment).
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::{Flavor, StoreSshKeyRequest, TwoFactorStatus};
use ptero_web::api::PanelClient;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEKn6Gy9iwdiqdB0GKPra5G+84UqLG3koVYV/xYjLhoT dana@desk";

fn on_pelican(key: &str) -> PanelClient {
    client(sandbox_pelican(), &pelican_key(key))
}

#[wasm_bindgen_test]
async fn a_rename_sends_the_description_to_pelicans_own_route() {
    let audit = RouteAudit::start(sandbox_pelican()).await;
    let alice = on_pelican(keys::ALICE);
    assert!(alice.is_pelican());
    alice
        .rename_server(
            servers::OFFLINE,
            "Old world, kept",
            "The first map, read-only",
        )
        .await
        .expect("renamed and described");
    let server = alice
        .server(servers::OFFLINE)
        .await
        .expect("the server")
        .attributes;
    assert_eq!(server.name, "Old world, kept");
    assert_eq!(server.description, "The first map, read-only");
    let posts: Vec<String> = audit
        .sent()
        .await
        .into_iter()
        .filter(|(method, _)| method == "POST")
        .map(|(_, target)| target)
        .collect();
    let base = format!("/api/client/servers/{}/settings", servers::OFFLINE);
    assert_eq!(
        posts,
        [format!("{base}/rename"), format!("{base}/description")]
    );
    audit.assert_forwardable(3).await;
}

#[wasm_bindgen_test]
async fn an_ssh_key_is_removed_with_pelicans_delete_route() {
    let audit = RouteAudit::start(sandbox_pelican()).await;
    let alice = on_pelican(keys::ALICE);
    let before = alice.ssh_keys().await.expect("the SSH keys");
    let added = alice
        .add_ssh_key(&StoreSshKeyRequest {
            name: "desk".into(),
            public_key: SSH_KEY.into(),
        })
        .await
        .expect("added");
    assert!(alice
        .ssh_keys()
        .await
        .expect("keys")
        .iter()
        .any(|k| k.fingerprint == added.fingerprint));
    alice
        .remove_ssh_key(Flavor::Pelican, &added.fingerprint)
        .await
        .expect("removed");
    assert_eq!(alice.ssh_keys().await.expect("keys"), before);
    let deletes: Vec<(String, String)> = audit
        .sent()
        .await
        .into_iter()
        .filter(|(method, _)| method == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    assert!(
        deletes[0].1.starts_with("/api/client/account/ssh-keys/"),
        "{deletes:?}"
    );
    audit.assert_forwardable(5).await;
}

#[wasm_bindgen_test]
async fn two_factor_status_is_unknown_and_not_asked_for() {
    let audit = RouteAudit::start(sandbox_pelican()).await;
    assert_eq!(
        on_pelican(more_keys::BOB).two_factor(Flavor::Pelican).await,
        Ok(TwoFactorStatus::Unknown)
    );
    assert_eq!(audit.sent().await, Vec::<(String, String)>::new());
}

#[wasm_bindgen_test]
async fn a_subuser_without_settings_rights_is_refused_on_pelican_too() {
    let bob = on_pelican(more_keys::BOB);
    let alice = on_pelican(keys::ALICE);
    let before = alice
        .server(servers::SHARED)
        .await
        .expect("Shared")
        .attributes;
    assert_missing_permission(
        "rename",
        bob.rename_server(servers::SHARED, "Bob's", "mine").await,
    );
    let after = alice
        .server(servers::SHARED)
        .await
        .expect("Shared")
        .attributes;
    assert_eq!(
        (after.name, after.description),
        (before.name, before.description)
    );
}

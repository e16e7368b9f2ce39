//! The account page's requests (`api/account.rs`) against the main sandbox: an API key
//! is created with its description and allowed IPs, its secret (shown once) works as a
//! key, and once deleted it is refused; at the panel's 25 keys another is refused with
//! its sentence; a key whose allowed IPs leave out this browser gets the specific 403 on
//! the account's routes (they have no per-permission rights: a key's allow-list is what
//! refuses there). SSH keys are added (a malformed one is refused beside its field) and
//! removed; email and password change behind the current password; two-factor status
//! is read; the account's activity lists what was done. Carol's account is the one
//! changed, and put back as it was.
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::{
    full_key, CreateApiKeyRequest, Flavor, ForbiddenReason, PanelError, StoreSshKeyRequest,
    TwoFactorStatus, UpdateEmailRequest, UpdatePasswordRequest,
};
use ptero_web::api::{ActivityOf, ApiError, PanelClient};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEKn6Gy9iwdiqdB0GKPra5G+84UqLG3koVYV/xYjLhoT dana@desk";

fn carol() -> PanelClient {
    client(sandbox(), more_keys::CAROL)
}

fn key_request(description: &str, ips: &[&str]) -> CreateApiKeyRequest {
    CreateApiKeyRequest {
        description: description.to_owned(),
        allowed_ips: ips.iter().map(|ip| (*ip).to_owned()).collect(),
    }
}

async fn identifiers(client: &PanelClient) -> Vec<String> {
    client
        .api_keys()
        .await
        .expect("the API keys")
        .into_iter()
        .map(|key| key.identifier)
        .collect()
}

#[wasm_bindgen_test]
async fn a_new_api_keys_secret_works_until_the_key_is_deleted() {
    let audit = RouteAudit::start(sandbox()).await;
    let carol = carol();
    let before = identifiers(&carol).await;
    let created = carol
        .create_api_key(&key_request("Home automation", &[]))
        .await
        .expect("created");
    let key = full_key(&created).expect("a usable key from the secret");
    let identifier = created.attributes.identifier.clone();
    assert!(key.expose_secret().starts_with(&identifier));
    let listed = carol.api_keys().await.expect("keys");
    let listed = listed
        .iter()
        .find(|k| k.identifier == identifier)
        .expect("listed");
    assert_eq!(listed.description, "Home automation");
    // The new key is a key: it reads Carol's account.
    let with_it = client(sandbox(), key.expose_secret());
    let account = with_it.account().await.expect("the new key works");
    assert_eq!(account.username, "carol");

    carol.delete_api_key(&identifier).await.expect("deleted");
    assert_eq!(identifiers(&carol).await, before);
    assert_eq!(
        with_it.account().await.err(),
        Some(ApiError::Panel(PanelError::Unauthenticated)),
        "a deleted key is refused"
    );
    // The account's activity says so, newest first.
    let log = carol
        .activity(&ActivityOf::Account, 1)
        .await
        .expect("the log");
    let events = event_names(&log);
    assert_eq!(
        events.get(..2),
        Some(&["user:api-key.delete", "user:api-key.create"][..]),
        "{events:?}"
    );
    audit.assert_forwardable(7).await;
}

#[wasm_bindgen_test]
async fn a_key_whose_allowed_ips_leave_this_browser_out_is_refused_with_the_403() {
    let carol = carol();
    let created = carol
        .create_api_key(&key_request("Office only", &["203.0.113.7", "10.0.0.0/8"]))
        .await
        .expect("created");
    let listed = carol.api_keys().await.expect("keys");
    let office = listed
        .iter()
        .find(|k| k.identifier == created.attributes.identifier)
        .expect("listed");
    assert_eq!(office.allowed_ips, ["203.0.113.7", "10.0.0.0/8"]);
    let key = full_key(&created).expect("a key");
    let office_key = client(sandbox(), key.expose_secret());
    let refused = office_key
        .create_api_key(&key_request("from elsewhere", &[]))
        .await;
    carol
        .delete_api_key(&created.attributes.identifier)
        .await
        .expect("cleaned up");
    match refused {
        Err(ApiError::Panel(PanelError::Forbidden(ForbiddenReason::IpNotAllowed { ip }))) => {
            assert_eq!(ip.as_deref(), Some("127.0.0.1"))
        }
        other => panic!("expected the 403 of the key's allowed IPs, got {other:?}"),
    }
    // The seeded IP-restricted key of Alice's: the same on the SSH keys.
    let alice_ip = client(sandbox(), keys::ALICE_IP_RESTRICTED);
    assert!(matches!(
        alice_ip.ssh_keys().await,
        Err(ApiError::Panel(PanelError::Forbidden(
            ForbiddenReason::IpNotAllowed { .. }
        )))
    ));
    assert!(!identifiers(&carol)
        .await
        .contains(&created.attributes.identifier));
}

#[wasm_bindgen_test]
async fn at_twenty_five_keys_the_panel_refuses_another_with_its_sentence() {
    let carol = carol();
    let before = identifiers(&carol).await;
    let mut made = Vec::new();
    for n in before.len()..25 {
        let created = carol
            .create_api_key(&key_request(&format!("filler {n}"), &[]))
            .await
            .unwrap_or_else(|e| panic!("key {n}: {e}"));
        made.push(created.attributes.identifier);
    }
    let over = carol
        .create_api_key(&key_request("one too many", &[]))
        .await;
    let at_limit = identifiers(&carol).await.len();
    for identifier in &made {
        carol.delete_api_key(identifier).await.expect("cleaned up");
    }
    assert_refused("the 26th key", over, "account limit for number of API keys");
    assert_eq!(at_limit, 25);
    assert_eq!(identifiers(&carol).await, before);
}

#[wasm_bindgen_test]
async fn an_ssh_key_is_added_and_removed_and_a_malformed_one_refused_by_its_field() {
    let audit = RouteAudit::start(sandbox()).await;
    let alice = alice();
    let before = alice.ssh_keys().await.expect("the SSH keys");
    let malformed = alice
        .add_ssh_key(&StoreSshKeyRequest {
            name: "desk".into(),
            public_key: "ssh-ed25519 not-base64 dana@desk".into(),
        })
        .await;
    match malformed {
        Err(ApiError::Panel(PanelError::Validation { errors })) => {
            assert!(
                errors.iter().any(|e| e.source_field == "public_key"),
                "{errors:?}"
            )
        }
        other => panic!("expected the 422 of a malformed key, got {other:?}"),
    }
    let added = alice
        .add_ssh_key(&StoreSshKeyRequest {
            name: "desk".into(),
            public_key: SSH_KEY.into(),
        })
        .await
        .expect("added");
    // The panel's fingerprint: the key's SHA-256, unpadded base64.
    assert_eq!(added.fingerprint.len(), 43, "{}", added.fingerprint);
    let listed = alice.ssh_keys().await.expect("keys");
    assert!(listed
        .iter()
        .any(|k| k.fingerprint == added.fingerprint && k.name == "desk"));
    alice
        .remove_ssh_key(Flavor::Pterodactyl111, &added.fingerprint)
        .await
        .expect("removed");
    assert_eq!(alice.ssh_keys().await.expect("keys"), before);
    audit.assert_forwardable(6).await;
}

#[wasm_bindgen_test]
async fn email_and_password_change_only_behind_the_current_password() {
    let audit = RouteAudit::start(sandbox()).await;
    let carol = carol();
    let email = |email: &str, password: &str| UpdateEmailRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    let password = |current: &str, new: &str| UpdatePasswordRequest {
        current_password: current.to_owned(),
        password: new.to_owned(),
        password_confirmation: new.to_owned(),
    };
    let wrong = carol
        .update_email(&email("carol@example.net", "not-her-password"))
        .await;
    assert_refused("a wrong password", wrong, "password provided was invalid");
    assert_eq!(
        carol.account().await.expect("account").email,
        "carol@example.org"
    );

    carol
        .update_email(&email("carol@example.net", "carol-password"))
        .await
        .expect("email changed");
    assert_eq!(
        carol.account().await.expect("account").email,
        "carol@example.net"
    );
    carol
        .update_password(&password("carol-password", "a much longer secret"))
        .await
        .expect("password changed");
    // The old password no longer opens it; the new one does (and puts the email back).
    let old = carol
        .update_email(&email("carol@example.org", "carol-password"))
        .await;
    assert_refused("the old password", old, "password provided was invalid");
    carol
        .update_email(&email("carol@example.org", "a much longer secret"))
        .await
        .expect("email back");
    carol
        .update_password(&password("a much longer secret", "carol-password"))
        .await
        .expect("password back");
    assert_eq!(
        carol.account().await.expect("account").email,
        "carol@example.org"
    );
    audit.assert_forwardable(9).await;
}

#[wasm_bindgen_test]
async fn two_factor_status_is_off_for_alice_and_on_for_bob() {
    let audit = RouteAudit::start(sandbox()).await;
    let flavor = Flavor::Pterodactyl111;
    assert_eq!(
        alice().two_factor(flavor).await,
        Ok(TwoFactorStatus::Disabled)
    );
    assert_eq!(bob().two_factor(flavor).await, Ok(TwoFactorStatus::Enabled));
    // Pelican's API has no such route: nothing is asked.
    assert_eq!(
        alice().two_factor(Flavor::Pelican).await,
        Ok(TwoFactorStatus::Unknown)
    );
    audit.assert_forwardable(2).await;
}

//! The seeded world's names, for tests and the demo: keys, users, nodes and servers.
//!
//! These identities never change with `--seed`; the seed only chooses what varies
//! (stats, file sizes and times, node signing keys). All keys are well-formed 48-character
//! panel keys: a 16-character identifier and a 32-character secret.

/// API keys (whole keys, `Authorization: Bearer <key>`).
pub mod keys {
    /// The root administrator's client key: sees every server with `?type=admin-all`,
    /// and is accepted by the application API too.
    pub const ADMIN: &str = concat!("ptlc_SbxAdmin001", "AdminSecret0123456789ABCDEFGHIJK");
    /// Alice's client key: she owns most servers.
    pub const ALICE: &str = concat!("ptlc_SbxAlice001", "AliceSecret0123456789ABCDEFGHIJK");
    /// Another key of Alice's, usable only from 10.0.0.0/8 (so refused on loopback: 403).
    pub const ALICE_IP_RESTRICTED: &str =
        concat!("ptlc_SbxAliceIP1", "AliceIPOnly0123456789ABCDEFGHIJK");
    /// Bob's client key: owns one server, subuser of [`super::servers::SHARED`].
    pub const BOB: &str = concat!("ptlc_SbxBob00001", "BobSecret000123456789ABCDEFGHIJK");
    /// Carol's client key: owns one server nobody else sees.
    pub const CAROL: &str = concat!("ptlc_SbxCarol001", "CarolSecret0123456789ABCDEFGHIJK");
    /// The application key (`ptla_`), owned by the administrator. Refused on the Client
    /// API with 403, as the panel does.
    pub const APPLICATION: &str = concat!("ptla_SbxApplic01", "ApplicSecret123456789ABCDEFGHIJK");

    /// A seeded key as `flavor`'s panel issues it: Pelican's keys start `pacc_` (client)
    /// and `papp_` (application); the rest of the key stays the same.
    pub fn for_flavor(flavor: ptero_api::Flavor, key: &str) -> String {
        let pelican = flavor.family() == ptero_api::Family::Pelican;
        match (pelican, key.get(..5), key.get(5..)) {
            (true, Some("ptlc_"), Some(rest)) => format!("pacc_{rest}"),
            (true, Some("ptla_"), Some(rest)) => format!("papp_{rest}"),
            _ => key.to_owned(),
        }
    }
}

/// Users: ids, emails, usernames.
pub mod users {
    pub const ADMIN_ID: u64 = 1;
    pub const ADMIN_EMAIL: &str = "admin@sandbox.test";
    pub const ADMIN_USERNAME: &str = "admin";
    pub const ADMIN_UUID: &str = "0a1b2c3d-0000-4000-a000-000000000001";

    pub const ALICE_ID: u64 = 2;
    pub const ALICE_EMAIL: &str = "alice@example.com";
    pub const ALICE_USERNAME: &str = "alice";
    pub const ALICE_UUID: &str = "0a1b2c3d-0000-4000-a000-000000000002";
    pub const ALICE_EXTERNAL_ID: &str = "pteroca-2";

    pub const BOB_ID: u64 = 3;
    pub const BOB_EMAIL: &str = "bob@example.com";
    pub const BOB_USERNAME: &str = "bob";
    pub const BOB_UUID: &str = "0a1b2c3d-0000-4000-a000-000000000003";
    pub const BOB_EXTERNAL_ID: &str = "pteroca-3";

    pub const CAROL_ID: u64 = 4;
    pub const CAROL_EMAIL: &str = "carol@example.org";
    pub const CAROL_USERNAME: &str = "carol";
    pub const CAROL_UUID: &str = "0a1b2c3d-0000-4000-a000-000000000004";
}

/// Nodes (Wings instances). Each listens on its own port.
pub mod nodes {
    /// `de-fra-1`: RUNNING, OFFLINE, INSTALLING, CAROL.
    pub const FRA: u64 = 1;
    /// `us-nyc-1`: SUSPENDED, BOB, SHARED. Reports file times at +05:30 (a node in
    /// another zone).
    pub const NYC: u64 = 2;
    /// `sg-maint-1`, under maintenance: MAINTENANCE.
    pub const MAINTENANCE: u64 = 3;
}

/// Servers: the 8-character identifier (the panel's `uuidShort`, the uuid's first 8
/// characters) and the uuid.
pub mod servers {
    /// Alice's, running, on FRA.
    pub const RUNNING: &str = "1a7c3f02";
    pub const RUNNING_UUID: &str = "1a7c3f02-5b7e-4c1d-9a3e-0f2b6d8e4a10";
    /// Alice's, offline, on FRA.
    pub const OFFLINE: &str = "2b8d4e13";
    pub const OFFLINE_UUID: &str = "2b8d4e13-6c8f-4d2e-8b4f-1a3c7e9f5b21";
    /// Alice's, still installing (`status: installing`), on FRA.
    pub const INSTALLING: &str = "3c9e5f24";
    pub const INSTALLING_UUID: &str = "3c9e5f24-7d90-4e3f-9c50-2b4d8fa06c32";
    /// Alice's, suspended, on NYC.
    pub const SUSPENDED: &str = "4dafa035";
    pub const SUSPENDED_UUID: &str = "4dafa035-8ea1-4f40-8d61-3c5e9ab17d43";
    /// Alice's, on the node under maintenance.
    pub const MAINTENANCE: &str = "5eb0b146";
    pub const MAINTENANCE_UUID: &str = "5eb0b146-9fb2-4051-9e72-4d6faac28e54";
    /// Bob's own server, running, on NYC.
    pub const BOB: &str = "6fc1c257";
    pub const BOB_UUID: &str = "6fc1c257-a0c3-4162-8f83-5e70bbd39f65";
    /// Alice's, running, on NYC; Bob is a subuser with [`BOB_SHARED_PERMISSIONS`].
    pub const SHARED: &str = "70d2d368";
    pub const SHARED_UUID: &str = "70d2d368-b1d4-4273-9094-6f81cce4a076";
    /// Carol's, offline, on FRA: invisible to Alice and Bob (404), visible to the admin.
    pub const CAROL: &str = "81e3e479";
    pub const CAROL_UUID: &str = "81e3e479-c2e5-4384-a1a5-7092ddf5b187";

    /// Bob's permissions on SHARED: console and start, but not stop/restart, startup
    /// variables or the subuser list.
    pub const BOB_SHARED_PERMISSIONS: &[&str] = &[
        "websocket.connect",
        "control.console",
        "control.start",
        "file.read",
        "file.read-content",
    ];

    /// Every seeded server identifier.
    pub const ALL: [&str; 8] = [
        RUNNING,
        OFFLINE,
        INSTALLING,
        SUSPENDED,
        MAINTENANCE,
        BOB,
        SHARED,
        CAROL,
    ];
}

/// Seeded backups (uuids), completed: Survival has two (the first locked), Shared one.
/// Survival's limit is 5; Old world (OFFLINE) has no backups allowed (`null` limit).
pub mod backups {
    pub const RUNNING_LOCKED: &str = "b1a7c3f0-0001-4000-8000-000000000001";
    pub const RUNNING_WEEKLY: &str = "b1a7c3f0-0002-4000-8000-000000000002";
    pub const SHARED_NIGHTLY: &str = "b70d2d36-0001-4000-8000-000000000003";
}

/// The PteroCA addon's SSO shared secret (HS256) the sandbox panel verifies with.
pub const SSO_SECRET: &str = "sandbox-pteroca-sso-secret-0123456789abcdef";

/// The PteroCA addon version `GET /api/application/pteroca/version` reports.
pub const PTEROCA_ADDON_VERSION: &str = "1.2.0";

/// Per-user limit of client keys created through the application API (nextscale addon).
pub const MAX_KEYS_PER_USER: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use ptero_api::{ApiKey, KeyKind, ServerId};

    #[test]
    fn seeded_keys_are_well_formed() {
        for key in [
            keys::ADMIN,
            keys::ALICE,
            keys::ALICE_IP_RESTRICTED,
            keys::BOB,
            keys::CAROL,
        ] {
            assert_eq!(
                ApiKey::parse(key).map(|k| k.kind()),
                Ok(KeyKind::Client),
                "{key}"
            );
        }
        assert_eq!(
            ApiKey::parse(keys::APPLICATION).map(|k| k.kind()),
            Ok(KeyKind::Application)
        );
    }

    #[test]
    fn server_identifiers_are_uuid_prefixes() {
        let pairs = [
            (servers::RUNNING, servers::RUNNING_UUID),
            (servers::OFFLINE, servers::OFFLINE_UUID),
            (servers::INSTALLING, servers::INSTALLING_UUID),
            (servers::SUSPENDED, servers::SUSPENDED_UUID),
            (servers::MAINTENANCE, servers::MAINTENANCE_UUID),
            (servers::BOB, servers::BOB_UUID),
            (servers::SHARED, servers::SHARED_UUID),
            (servers::CAROL, servers::CAROL_UUID),
        ];
        for (short, uuid) in pairs {
            assert!(matches!(ServerId::parse(short), Ok(ServerId::Short(_))));
            assert!(matches!(ServerId::parse(uuid), Ok(ServerId::Uuid(_))));
            assert!(uuid.starts_with(short));
        }
    }
}

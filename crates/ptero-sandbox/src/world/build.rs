//! The seeded world: fixed identities from [`crate::seed`], with sizes, times and node
//! signing keys drawn from the seed so the same seed gives the same world.

use std::borrow::Cow;
use std::collections::BTreeMap;

use ptero_api::{
    ApiKey, EggSummary, FeatureLimits, Flavor, KeyKind, Limits, PowerState, ServerStatus,
};

use super::seed_files::file_tree;
use super::{
    BackupRecord, FileNode, KeyRecord, Node, NodeAllocation, ServerRecord, SubuserRecord, User,
    VariableRecord, World,
};
use crate::rng::Rng;
use crate::seed::{keys, nodes, servers, users};

/// Where a node's Wings listener is reachable.
#[derive(Debug, Clone)]
pub struct NodeEndpoint {
    pub fqdn: String,
    pub port: u16,
}

/// 2024-01-15T09:30:00Z: the seeded world's "install day".
const EPOCH: u64 = 1_705_311_000;

const PAPER_STARTUP: &str = "java -Xms128M -Xmx{{SERVER_MEMORY}}M -Dterminal.jline=false -jar {{SERVER_JARFILE}} --port {{SERVER_PORT}} --max-players {{MAX_PLAYERS}} --rcon-password {{RCON_PASSWORD}}";

/// What besides the seed shapes the world.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Whose keys the panel issues (Pelican: `pacc_` / `papp_`).
    pub flavor: Flavor,
    /// Servers added beside the fixed ones (see [`crate::SandboxConfig::extra_servers`]).
    pub extra_servers: usize,
}

/// Builds the world for `seed`; `endpoints` are the nodes' listeners in node order
/// (FRA, NYC, MAINTENANCE).
pub fn build(seed: u64, endpoints: &[NodeEndpoint], shape: Shape) -> World {
    let mut rng = Rng::derive(seed, 1);
    let mut servers = seeded_servers(&mut rng);
    let first_extra = servers.len() as u64 + 1;
    servers.extend(
        (0..shape.extra_servers as u64).map(|n| server(&mut rng, first_extra + n, extra(n + 1))),
    );
    let mut world = World {
        users: seeded_users(),
        keys: seeded_keys(shape.flavor),
        nodes: seeded_nodes(&mut rng, endpoints),
        servers,
        audit: Vec::new(),
        manage: Default::default(),
    };
    assign_allocations(&mut world);
    seed_backups(&mut world);
    super::manage_seed::seed(&mut world, EPOCH);
    world
}

/// Survival (RUNNING) has two completed backups, the first locked; Shared one.
fn seed_backups(world: &mut World) {
    use crate::seed::backups;
    let made = |uuid: &str, name: &str, locked: bool, at: u64, files: &[FileNode]| {
        let snapshot = super::backups::snapshot(files, &[]);
        BackupRecord {
            uuid: uuid.to_owned(),
            name: name.to_owned(),
            ignored: Vec::new(),
            locked,
            successful: true,
            checksum: Some(format!("sha1:{}", crate::rng::digest_hex(uuid))),
            bytes: super::backups::size_of(&snapshot),
            created: at,
            completed: Some(at + 94),
            snapshot,
        }
    };
    for server in &mut world.servers {
        let seeded: Vec<BackupRecord> = match server.uuid.as_str() {
            servers::RUNNING_UUID => vec![
                made(
                    backups::RUNNING_LOCKED,
                    "Before 1.20.4 update",
                    true,
                    EPOCH + 200_000,
                    &server.files,
                ),
                made(
                    backups::RUNNING_WEEKLY,
                    "Weekly",
                    false,
                    EPOCH + 800_000,
                    &server.files,
                ),
            ],
            servers::SHARED_UUID => vec![made(
                backups::SHARED_NIGHTLY,
                "Nightly",
                false,
                EPOCH + 500_000,
                &server.files,
            )],
            _ => Vec::new(),
        };
        server.backups = seeded;
    }
}

/// The `n`-th extra server: Alice's, running, on FRA.
fn extra(n: u64) -> Spec {
    Spec {
        uuid: format!("be{n:06x}-0000-4000-8000-{n:012x}").into(),
        name: format!("Bench {n:03}").into(),
        description: "",
        owner: users::ALICE_ID,
        node: nodes::FRA,
        status: None,
        state: PowerState::Running,
        memory: 1024,
        subusers: Vec::new(),
    }
}

/// Gives every server its primary allocation (Survival a second one, with notes); the
/// rest stay free for `allocations/free`.
fn assign_allocations(world: &mut World) {
    for server in &world.servers {
        let wanted = if server.internal_id == 1 { 2 } else { 1 };
        let Some(node) = world
            .nodes
            .iter_mut()
            .find(|node| node.id == server.node_id)
        else {
            continue;
        };
        let free_now = node
            .allocations
            .iter()
            .filter(|allocation| allocation.server.is_none())
            .count();
        // Extra servers outnumber the seeded allocations: the node gets more ports.
        for _ in free_now..wanted {
            let template = node.allocations.last().cloned();
            if let Some(mut allocation) = template {
                allocation.id += 1_000;
                allocation.port = allocation.port.wrapping_add(1);
                allocation.server = None;
                allocation.primary = false;
                allocation.notes = None;
                node.allocations.push(allocation);
            }
        }
        let free = node
            .allocations
            .iter_mut()
            .filter(|allocation| allocation.server.is_none())
            .take(wanted);
        for (position, allocation) in free.enumerate() {
            allocation.server = Some(server.uuid.clone());
            allocation.primary = position == 0;
            if position == 1 {
                allocation.notes = Some("Dynmap".to_owned());
            }
        }
    }
}

fn user(id: u64, uuid: &str, username: &str, email: &str, names: (&str, &str)) -> User {
    User {
        id,
        uuid: uuid.to_owned(),
        username: username.to_owned(),
        email: email.to_owned(),
        first_name: names.0.to_owned(),
        last_name: names.1.to_owned(),
        language: "en".to_owned(),
        root_admin: false,
        external_id: None,
        created_at: EPOCH + id * 3600,
        password: format!("{username}-password"),
        use_totp: false,
    }
}

fn seeded_users() -> Vec<User> {
    let mut admin = user(
        users::ADMIN_ID,
        users::ADMIN_UUID,
        users::ADMIN_USERNAME,
        users::ADMIN_EMAIL,
        ("Sandbox", "Admin"),
    );
    admin.root_admin = true;
    let mut alice = user(
        users::ALICE_ID,
        users::ALICE_UUID,
        users::ALICE_USERNAME,
        users::ALICE_EMAIL,
        ("Alice", "Anders"),
    );
    alice.external_id = Some(users::ALICE_EXTERNAL_ID.to_owned());
    let mut bob = user(
        users::BOB_ID,
        users::BOB_UUID,
        users::BOB_USERNAME,
        users::BOB_EMAIL,
        ("Bob", "Brown"),
    );
    bob.external_id = Some(users::BOB_EXTERNAL_ID.to_owned());
    bob.use_totp = true;
    let carol = user(
        users::CAROL_ID,
        users::CAROL_UUID,
        users::CAROL_USERNAME,
        users::CAROL_EMAIL,
        ("Carol", "Chen"),
    );
    vec![admin, alice, bob, carol]
}

fn key(
    flavor: Flavor,
    seeded: &str,
    user_id: u64,
    description: &str,
    allowed_ips: &[&str],
) -> KeyRecord {
    let whole = keys::for_flavor(flavor, seeded);
    let (identifier, secret) = whole.split_at(ptero_api::key::IDENTIFIER_LENGTH);
    KeyRecord {
        identifier: identifier.to_owned(),
        secret: secret.to_owned(),
        user_id,
        kind: ApiKey::parse(&whole).map_or(KeyKind::Legacy, |key| key.kind()),
        description: description.to_owned(),
        allowed_ips: allowed_ips.iter().map(|ip| (*ip).to_owned()).collect(),
        created_at: EPOCH + 86_400,
        last_used_at: None,
    }
}

fn seeded_keys(flavor: Flavor) -> Vec<KeyRecord> {
    let key = |seeded: &str, user_id, description: &str, allowed_ips: &[&str]| {
        key(flavor, seeded, user_id, description, allowed_ips)
    };
    vec![
        key(keys::ADMIN, users::ADMIN_ID, "admin scripts", &[]),
        key(keys::ALICE, users::ALICE_ID, "ptero-web", &[]),
        key(
            keys::ALICE_IP_RESTRICTED,
            users::ALICE_ID,
            "office only",
            &["10.0.0.0/8"],
        ),
        key(keys::BOB, users::BOB_ID, "ptero-web", &[]),
        key(keys::CAROL, users::CAROL_ID, "ptero-web", &[]),
        key(
            keys::APPLICATION,
            users::ADMIN_ID,
            "PteroCA Integration",
            &[],
        ),
    ]
}

fn seeded_nodes(rng: &mut Rng, endpoints: &[NodeEndpoint]) -> Vec<Node> {
    let specs = [
        (nodes::FRA, "de-fra-1", false, 0),
        (nodes::NYC, "us-nyc-1", false, 330),
        (nodes::MAINTENANCE, "sg-maint-1", true, 480),
    ];
    let mut allocation_id = 0;
    specs
        .iter()
        .enumerate()
        .map(|(index, &(id, name, maintenance, offset))| {
            let endpoint = endpoints.get(index).cloned().unwrap_or(NodeEndpoint {
                fqdn: "127.0.0.1".to_owned(),
                port: 8080,
            });
            let ip = format!("10.0.{id}.10");
            let allocations = (0..8u16)
                .map(|port_index| {
                    allocation_id += 1;
                    NodeAllocation {
                        id: allocation_id,
                        ip: ip.clone(),
                        alias: (id == nodes::NYC).then(|| format!("play{id}.example.com")),
                        port: 25565 + port_index,
                        notes: None,
                        server: None,
                        primary: false,
                    }
                })
                .collect();
            Node {
                id,
                name: name.to_owned(),
                fqdn: endpoint.fqdn,
                port: endpoint.port,
                maintenance,
                daemon_token: rng.alphanumeric(64),
                utc_offset_minutes: offset,
                allocations,
            }
        })
        .collect()
}

struct Spec {
    uuid: Cow<'static, str>,
    name: Cow<'static, str>,
    description: &'static str,
    owner: u64,
    node: u64,
    status: Option<ServerStatus>,
    state: PowerState,
    memory: i64,
    subusers: Vec<SubuserRecord>,
}

fn seeded_servers(rng: &mut Rng) -> Vec<ServerRecord> {
    let shared_grant = SubuserRecord {
        user_id: users::BOB_ID,
        permissions: servers::BOB_SHARED_PERMISSIONS
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
        created_at: EPOCH + 5 * 86_400,
    };
    let specs = vec![
        Spec {
            uuid: servers::RUNNING_UUID.into(),
            name: "Survival".into(),
            description: "The main survival world",
            owner: users::ALICE_ID,
            node: nodes::FRA,
            status: None,
            state: PowerState::Running,
            memory: 4096,
            subusers: Vec::new(),
        },
        Spec {
            uuid: servers::OFFLINE_UUID.into(),
            name: "Creative".into(),
            description: "",
            owner: users::ALICE_ID,
            node: nodes::FRA,
            status: None,
            state: PowerState::Offline,
            memory: 2048,
            subusers: Vec::new(),
        },
        Spec {
            uuid: servers::INSTALLING_UUID.into(),
            name: "Modpack (installing)".into(),
            description: "All the Mods 9",
            owner: users::ALICE_ID,
            node: nodes::FRA,
            status: Some(ServerStatus::Installing),
            state: PowerState::Offline,
            memory: 8192,
            subusers: Vec::new(),
        },
        Spec {
            uuid: servers::SUSPENDED_UUID.into(),
            name: "Old world".into(),
            description: "Suspended for non-payment",
            owner: users::ALICE_ID,
            node: nodes::NYC,
            status: Some(ServerStatus::Suspended),
            state: PowerState::Offline,
            memory: 1024,
            subusers: Vec::new(),
        },
        Spec {
            uuid: servers::MAINTENANCE_UUID.into(),
            name: "Lobby".into(),
            description: "On a node under maintenance",
            owner: users::ALICE_ID,
            node: nodes::MAINTENANCE,
            status: None,
            state: PowerState::Offline,
            memory: 1024,
            subusers: Vec::new(),
        },
        Spec {
            uuid: servers::BOB_UUID.into(),
            name: "Bob's SMP".into(),
            description: "Friends only",
            owner: users::BOB_ID,
            node: nodes::NYC,
            status: None,
            state: PowerState::Running,
            memory: 3072,
            subusers: Vec::new(),
        },
        Spec {
            uuid: servers::SHARED_UUID.into(),
            name: "Shared minigames".into(),
            description: "Alice's, Bob helps",
            owner: users::ALICE_ID,
            node: nodes::NYC,
            status: None,
            state: PowerState::Running,
            memory: 6144,
            subusers: vec![shared_grant],
        },
        Spec {
            uuid: servers::CAROL_UUID.into(),
            name: "Carol's test".into(),
            description: "",
            owner: users::CAROL_ID,
            node: nodes::FRA,
            status: None,
            state: PowerState::Offline,
            memory: 512,
            subusers: Vec::new(),
        },
    ];
    specs
        .into_iter()
        .enumerate()
        .map(|(index, spec)| server(rng, index as u64 + 1, spec))
        .collect()
}

fn variable(
    name: &str,
    env: &str,
    default: &str,
    value: Option<&str>,
    (viewable, editable): (bool, bool),
    rules: &str,
    description: &str,
) -> VariableRecord {
    VariableRecord {
        name: name.to_owned(),
        description: description.to_owned(),
        env: env.to_owned(),
        default_value: default.to_owned(),
        server_value: value.map(str::to_owned),
        user_viewable: viewable,
        user_editable: editable,
        rules: rules.to_owned(),
    }
}

fn paper_variables(rng: &mut Rng) -> Vec<VariableRecord> {
    vec![
        variable(
            "Server Jar File",
            "SERVER_JARFILE",
            "server.jar",
            Some("server.jar"),
            (true, true),
            "required|string|max:20",
            "The name of the server jarfile to run the server with.",
        ),
        variable(
            "Minecraft Version",
            "MINECRAFT_VERSION",
            "latest",
            Some("1.20.4"),
            (true, true),
            "nullable|string|max:20",
            "The version of minecraft to download.",
        ),
        variable(
            "World Seed",
            "LEVEL_SEED",
            "",
            None,
            (true, true),
            "nullable|alpha_num|max:32",
            "The seed of the world, letters and numbers.",
        ),
        variable(
            "Max Players",
            "MAX_PLAYERS",
            "20",
            Some("20"),
            (true, true),
            "required|integer|between:1,500",
            "How many players may join at once.",
        ),
        variable(
            "Query Port",
            "QUERY_PORT",
            "25565",
            None,
            (true, false),
            "required|integer|between:1024,65535",
            "Set by the host; read-only.",
        ),
        variable(
            "RCON Password",
            "RCON_PASSWORD",
            "",
            Some(&rng.alphanumeric(16)),
            (false, false),
            "required|string|max:64",
            "Hidden from users.",
        ),
    ]
}

fn server(rng: &mut Rng, internal_id: u64, spec: Spec) -> ServerRecord {
    let identifier = spec.uuid.get(..8).unwrap_or(&spec.uuid).to_owned();
    let created = EPOCH + internal_id * 86_400;
    let disk_bytes = rng.range(400, 21_000) * 1024 * 1024 + rng.range(0, 1024 * 1024);
    let mut docker_images = BTreeMap::new();
    // One egg ships no image list: the panel then sends `[]`.
    if spec.uuid != servers::CAROL_UUID {
        docker_images.insert(
            "Java 17".to_owned(),
            "ghcr.io/pterodactyl/yolks:java_17".to_owned(),
        );
        docker_images.insert(
            "Java 21".to_owned(),
            "ghcr.io/pterodactyl/yolks:java_21".to_owned(),
        );
    }
    ServerRecord {
        internal_id,
        uuid: spec.uuid.into_owned(),
        identifier,
        name: spec.name.into_owned(),
        description: spec.description.to_owned(),
        owner_id: spec.owner,
        node_id: spec.node,
        status: spec.status,
        limits: Limits {
            memory: spec.memory,
            swap: if internal_id % 2 == 0 { -1 } else { 0 },
            disk: 25_600,
            io: 500,
            cpu: if internal_id == 1 { 400 } else { 0 },
            threads: (internal_id == 1).then(|| "0-3".to_owned()),
            oom_disabled: internal_id % 3 == 0,
        },
        feature_limits: FeatureLimits {
            databases: Some(2),
            allocations: Some(3),
            backups: if internal_id == 2 { None } else { Some(5) },
        },
        docker_image: "ghcr.io/pterodactyl/yolks:java_17".to_owned(),
        docker_images,
        egg: EggSummary {
            uuid: "9ac39f3d-0c34-4d93-8174-c52ab891d7e9".to_owned(),
            name: "Paper".to_owned(),
        },
        egg_features: (internal_id % 2 == 1)
            .then(|| vec!["eula".to_owned(), "java_version".to_owned()]),
        startup: PAPER_STARTUP.to_owned(),
        variables: paper_variables(rng),
        subusers: spec.subusers,
        backups: Vec::new(),
        backups_started: Vec::new(),
        files: file_tree(rng, created),
        initial_state: spec.state,
        disk_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints() -> Vec<NodeEndpoint> {
        (0..3)
            .map(|index| NodeEndpoint {
                fqdn: "127.0.0.1".to_owned(),
                port: 9000 + index,
            })
            .collect()
    }

    #[test]
    fn same_seed_gives_the_same_world() {
        let a = build(7, &endpoints(), Shape::default());
        let b = build(7, &endpoints(), Shape::default());
        let c = build(8, &endpoints(), Shape::default());
        assert_eq!(format!("{:?}", a.servers), format!("{:?}", b.servers));
        assert_eq!(a.nodes[0].daemon_token, b.nodes[0].daemon_token);
        assert_ne!(a.nodes[0].daemon_token, c.nodes[0].daemon_token);
        assert_eq!(a.servers.len(), 8);
    }

    #[test]
    fn extra_servers_are_running_alices_with_their_own_allocation() {
        let shape = Shape {
            extra_servers: 200,
            ..Shape::default()
        };
        let world = build(1, &endpoints(), shape);
        assert_eq!(world.servers.len(), 208);
        let last = world.servers.last().expect("a server");
        assert_eq!(
            (last.name.as_str(), last.identifier.as_str()),
            ("Bench 200", "be0000c8")
        );
        let primaries = world.nodes[0]
            .allocations
            .iter()
            .filter(|allocation| allocation.primary)
            .count();
        assert_eq!(primaries, 4 + 200);
    }

    #[test]
    fn a_pelican_panel_issues_pacc_and_papp_keys() {
        let shape = Shape {
            flavor: Flavor::Pelican,
            ..Shape::default()
        };
        let world = build(1, &endpoints(), shape);
        assert!(world
            .keys
            .iter()
            .all(|key| key.identifier.starts_with("pacc_") || key.identifier.starts_with("papp_")));
        assert!(world
            .keys
            .iter()
            .any(|key| key.kind == KeyKind::PelicanApplication));
    }
}

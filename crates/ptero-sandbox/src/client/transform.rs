//! The panel's Client API transformers: a server record as a `server` object (with its
//! relationships, according to the caller's permissions), egg variables, and the startup
//! command with values filled in (`StartupCommandService`).

use ptero_api::{
    Allocation, EggVariable, Item, List, Relation, Server, ServerMeta, ServerRelationships,
    SftpDetails, Subuser,
};

use crate::world::{Node, ServerRecord, VariableRecord, World};

/// Optional includes of `?include=egg,subusers`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Includes {
    pub egg: bool,
    pub subusers: bool,
}

impl Includes {
    pub fn parse(include: Option<&str>) -> Self {
        let words = include.unwrap_or_default();
        let has = |name: &str| words.split(',').any(|word| word.trim() == name);
        Self {
            egg: has("egg"),
            subusers: has("subusers"),
        }
    }
}

pub fn egg_variable(variable: &VariableRecord) -> EggVariable {
    EggVariable {
        name: variable.name.clone(),
        description: variable.description.clone(),
        env_variable: variable.env.clone(),
        default_value: variable.default_value.clone(),
        server_value: variable.server_value.clone(),
        is_editable: variable.user_editable,
        rules: variable.rules.clone(),
    }
}

/// The startup command with values substituted; variables users may not view read
/// `[hidden]`, and every variable does with `hide_all` (no `startup.read`).
pub fn startup_command(world: &World, server: &ServerRecord, hide_all: bool) -> String {
    let primary = world.allocations_of(server).into_iter().next();
    let mut command = server
        .startup
        .replace("{{SERVER_MEMORY}}", &server.limits.memory.to_string())
        .replace(
            "{{SERVER_IP}}",
            primary.map(|a| a.ip.as_str()).unwrap_or("0.0.0.0"),
        )
        .replace(
            "{{SERVER_PORT}}",
            &primary.map(|a| a.port).unwrap_or(25565).to_string(),
        );
    for variable in &server.variables {
        let value = if hide_all || !variable.user_viewable {
            "[hidden]".to_owned()
        } else {
            variable
                .server_value
                .clone()
                .unwrap_or_else(|| variable.default_value.clone())
        };
        command = command
            .replace(&format!("{{{{{}}}}}", variable.env), &value)
            .replace(&format!("{{{{env.{}}}}}", variable.env), &value);
    }
    command
}

fn allocations(world: &World, server: &ServerRecord, meta: &ServerMeta) -> List<Allocation> {
    let see_all = meta.can("allocation.read");
    let items = world
        .allocations_of(server)
        .into_iter()
        .filter(|allocation| see_all || allocation.primary)
        .map(|allocation| Allocation {
            id: allocation.id,
            ip: allocation.ip.clone(),
            ip_alias: allocation.alias.clone(),
            port: allocation.port,
            notes: if see_all {
                allocation.notes.clone()
            } else {
                None
            },
            is_default: allocation.primary,
        });
    List::new("allocation", items)
}

fn subusers(world: &World, server: &ServerRecord) -> List<Subuser> {
    let items = server.subusers.iter().filter_map(|grant| {
        let user = world.user(grant.user_id)?;
        Some(super::subusers::subuser_object(user, grant))
    });
    List::new("server_subuser", items)
}

/// A `server` object as `caller_id` with `meta` sees it.
pub fn server_object(
    world: &World,
    server: &ServerRecord,
    node: &Node,
    caller_id: u64,
    meta: &ServerMeta,
    includes: Includes,
) -> Server {
    let can_startup = meta.can("startup.read");
    let variables = if can_startup {
        Relation::List(List::new(
            "egg_variable",
            server
                .variables
                .iter()
                .filter(|variable| variable.user_viewable)
                .map(egg_variable),
        ))
    } else {
        Relation::Null
    };
    let subusers = includes.subusers.then(|| {
        if meta.can("user.read") {
            Relation::List(subusers(world, server))
        } else {
            Relation::Null
        }
    });
    Server {
        server_owner: server.owner_id == caller_id,
        identifier: server.identifier.clone(),
        internal_id: Some(server.internal_id),
        uuid: server.uuid.clone(),
        name: server.name.clone(),
        node: node.name.clone(),
        is_node_under_maintenance: node.maintenance,
        sftp_details: SftpDetails {
            ip: node.fqdn.clone(),
            port: 2022,
        },
        description: server.description.clone(),
        limits: server.limits.clone(),
        invocation: startup_command(world, server, !can_startup),
        docker_image: server.docker_image.clone(),
        egg_features: server.egg_features.clone(),
        feature_limits: server.feature_limits.clone(),
        status: server.status.clone(),
        is_suspended: server.is_suspended(),
        is_installing: server.is_installing(),
        is_transferring: false,
        relationships: Some(ServerRelationships {
            allocations: Some(Relation::List(allocations(world, server, meta))),
            variables: Some(variables),
            egg: includes
                .egg
                .then(|| Relation::Item(Item::new("egg", server.egg.clone()))),
            subusers,
        }),
    }
}

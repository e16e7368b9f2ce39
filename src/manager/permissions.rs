//! What the viewer may do on this server (`meta.user_permissions`): the manager hides
//! what the panel would refuse.

use std::sync::Arc;

/// `user_permissions`, shared by the tabs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Permissions(Arc<[String]>);

impl Permissions {
    pub fn new(list: Vec<String>) -> Self {
        Self(list.into())
    }

    /// As the panel decides: the permission itself, or `*` (all but `admin.*`).
    pub fn can(&self, permission: &str) -> bool {
        self.0
            .iter()
            .any(|p| p == permission || (p == "*" && !permission.starts_with("admin.")))
    }

    /// Whether any permission of a family (`file.`, `backup.`) is granted.
    pub fn any(&self, prefix: &str) -> bool {
        self.0.iter().any(|p| p == "*" || p.starts_with(prefix))
    }

    pub fn list(&self) -> &[String] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_grants_all_but_admin_permissions() {
        let owner = Permissions::new(vec!["*".into()]);
        assert!(owner.can("file.delete") && owner.any("backup."));
        assert!(!owner.can("admin.websocket.errors"));
        let bob = Permissions::new(vec!["file.read".into(), "control.start".into()]);
        assert!(bob.can("file.read") && !bob.can("file.create"));
        assert!(bob.any("file.") && !bob.any("backup."));
    }
}

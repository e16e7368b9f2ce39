//! The hosting sites that sign hand-off tokens, by `iss`: replaceable while running (the
//! file's `[sites]` reloads like the allow-list), so a removed site's tokens stop being
//! accepted at once.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use crate::config::Site;

#[derive(Debug, Clone, Default)]
pub struct Sites {
    sites: Arc<RwLock<Arc<BTreeMap<String, Site>>>>,
}

impl Sites {
    pub fn new(sites: BTreeMap<String, Site>) -> Self {
        Self {
            sites: Arc::new(RwLock::new(Arc::new(sites))),
        }
    }

    /// The sites now (a snapshot: a reload does not change it under the caller).
    pub fn current(&self) -> Arc<BTreeMap<String, Site>> {
        Arc::clone(&self.sites.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Installs `next`; answers the issuers it no longer has.
    pub fn replace(&self, next: BTreeMap<String, Site>) -> Vec<String> {
        let mut sites = self.sites.write().unwrap_or_else(PoisonError::into_inner);
        let removed = sites
            .keys()
            .filter(|issuer| !next.contains_key(*issuer))
            .cloned()
            .collect();
        *sites = Arc::new(next);
        removed
    }
}

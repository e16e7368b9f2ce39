//! `/servers/{id}/network/allocations`: the server's ports, with notes, the primary one
//! and the limit (panel `NetworkAllocationController`, `AllocationTransformer.php`,
//! `UpdateAllocationRequest.php`). An allocation's shape is [`crate::Allocation`].

use serde::{Deserialize, Serialize};

use crate::envelope::{Item, List};
use crate::server::Allocation;

/// `GET /servers/{id}/network/allocations` (not paged).
pub type AllocationList = List<Allocation>;
/// One allocation (`POST /allocations`, `POST /allocations/{id}`, `…/primary`).
pub type AllocationItem = Item<Allocation>;

/// `notes` `max:256`.
pub const MAX_NOTES: usize = 256;

/// `POST /allocations/{id}`: `notes` must be present; `null` (or `""`) clears them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateAllocationRequest {
    pub notes: Option<String>,
}

impl Allocation {
    /// `alias:port` when the allocation has an alias, else `ip:port`.
    pub fn address(&self) -> String {
        let host = self.ip_alias.as_deref().unwrap_or(&self.ip);
        format!("{host}:{}", self.port)
    }
}

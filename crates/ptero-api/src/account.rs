//! `GET /api/client/account`: the user a client key belongs to.

use serde::{Deserialize, Serialize};

use crate::envelope::Item;

/// `GET /api/client/account` answer (`object: "user"`).
pub type AccountItem = Item<Account>;

/// `attributes` of the account. The flag is `admin`, not `root_admin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: u64,
    #[serde(default)]
    pub admin: bool,
    pub username: String,
    pub email: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub first_name: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub last_name: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub language: String,
}

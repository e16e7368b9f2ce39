//! The Client API calls of the management screens: schedules and tasks, databases,
//! subusers and the permission groups, allocations, activity, and the account's own
//! keys and credentials (panel `ScheduleController`, `DatabaseController`,
//! `SubuserController`, `NetworkAllocationController`, `ActivityLogController`,
//! `ApiKeyController`, `SSHKeyController`, `TwoFactorController`, `AccountController`).

use ptero_api::account_security::TWO_FACTOR_ALREADY_ENABLED;
use ptero_api::activity::PER_PAGE;
use ptero_api::{
    ActivityList, Allocation, AllocationItem, AllocationList, CreateApiKeyRequest, CreatedApiKey,
    Database, DatabaseItem, DatabaseList, Flavor, List, PanelError, PermissionGroups,
    PermissionsItem, RemoveSshKeyRequest, Schedule, ScheduleItem, ScheduleList, ScheduleRequest,
    SshKey, SshKeyItem, SshKeyList, StoreDatabaseRequest, StoreSshKeyRequest, StoreSubuserRequest,
    Subuser, SubuserItem, SubuserList, Task, TaskItem, TaskRequest, TwoFactorSetup,
    TwoFactorStatus, UpdateAllocationRequest, UpdateEmailRequest, UpdatePasswordRequest,
    UpdateSubuserRequest, UserApiKey, UserApiKeyList,
};

use super::client::{encode, to_json};
use super::fetch;
use super::{ApiError, PanelClient};

/// Whose activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityOf {
    Server(String),
    Account,
}

fn server(id: &str, rest: &str) -> String {
    format!("/servers/{id}{rest}")
}

fn attributes<T>(list: List<T>) -> Vec<T> {
    list.data.into_iter().map(|item| item.attributes).collect()
}

impl PanelClient {
    async fn send_json(
        &self,
        method: &'static str,
        path: &str,
        body: Option<String>,
    ) -> Result<(), ApiError> {
        fetch::send(self.call(method, path, body)).await.map(drop)
    }

    // --- Schedules -------------------------------------------------------------------

    pub async fn schedules(&self, id: &str) -> Result<Vec<Schedule>, ApiError> {
        let list: ScheduleList =
            fetch::json(self.call("GET", &server(id, "/schedules"), None)).await?;
        Ok(attributes(list))
    }

    /// Creates a schedule, or updates the one with `schedule`.
    pub async fn save_schedule(
        &self,
        id: &str,
        schedule: Option<u64>,
        body: &ScheduleRequest,
    ) -> Result<Schedule, ApiError> {
        let path = match schedule {
            Some(schedule) => server(id, &format!("/schedules/{schedule}")),
            None => server(id, "/schedules"),
        };
        let item: ScheduleItem = fetch::json(self.call("POST", &path, to_json(body))).await?;
        Ok(item.attributes)
    }

    /// Runs a schedule now (202).
    pub async fn run_schedule(&self, id: &str, schedule: u64) -> Result<(), ApiError> {
        self.send_json(
            "POST",
            &server(id, &format!("/schedules/{schedule}/execute")),
            Some("{}".into()),
        )
        .await
    }

    pub async fn delete_schedule(&self, id: &str, schedule: u64) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &server(id, &format!("/schedules/{schedule}")),
            None,
        )
        .await
    }

    /// Creates a task, or updates the one with `task`.
    pub async fn save_task(
        &self,
        id: &str,
        schedule: u64,
        task: Option<u64>,
        body: &TaskRequest,
    ) -> Result<Task, ApiError> {
        let path = match task {
            Some(task) => server(id, &format!("/schedules/{schedule}/tasks/{task}")),
            None => server(id, &format!("/schedules/{schedule}/tasks")),
        };
        let item: TaskItem = fetch::json(self.call("POST", &path, to_json(body))).await?;
        Ok(item.attributes)
    }

    pub async fn delete_task(&self, id: &str, schedule: u64, task: u64) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &server(id, &format!("/schedules/{schedule}/tasks/{task}")),
            None,
        )
        .await
    }

    // --- Databases -------------------------------------------------------------------

    /// The server's databases; with `passwords`, each one's password (for users who may
    /// see them).
    pub async fn databases(&self, id: &str, passwords: bool) -> Result<Vec<Database>, ApiError> {
        let path = server(
            id,
            if passwords {
                "/databases?include=password"
            } else {
                "/databases"
            },
        );
        let list: DatabaseList = fetch::json(self.call("GET", &path, None)).await?;
        Ok(attributes(list))
    }

    pub async fn create_database(
        &self,
        id: &str,
        body: &StoreDatabaseRequest,
    ) -> Result<Database, ApiError> {
        let item: DatabaseItem =
            fetch::json(self.call("POST", &server(id, "/databases"), to_json(body))).await?;
        Ok(item.attributes)
    }

    pub async fn rotate_database_password(
        &self,
        id: &str,
        database: &str,
    ) -> Result<Database, ApiError> {
        let path = server(
            id,
            &format!("/databases/{}/rotate-password", encode(database)),
        );
        let item: DatabaseItem = fetch::json(self.call("POST", &path, Some("{}".into()))).await?;
        Ok(item.attributes)
    }

    pub async fn delete_database(&self, id: &str, database: &str) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &server(id, &format!("/databases/{}", encode(database))),
            None,
        )
        .await
    }

    // --- Subusers --------------------------------------------------------------------

    /// `GET /api/client/permissions`: the groups, in the panel's order.
    pub async fn permission_groups(&self) -> Result<PermissionGroups, ApiError> {
        let item: PermissionsItem = fetch::json(self.call("GET", "/permissions", None)).await?;
        Ok(item.attributes.permissions)
    }

    pub async fn subusers(&self, id: &str) -> Result<Vec<Subuser>, ApiError> {
        let list: SubuserList = fetch::json(self.call("GET", &server(id, "/users"), None)).await?;
        Ok(attributes(list))
    }

    pub async fn invite_subuser(
        &self,
        id: &str,
        body: &StoreSubuserRequest,
    ) -> Result<Subuser, ApiError> {
        let item: SubuserItem =
            fetch::json(self.call("POST", &server(id, "/users"), to_json(body))).await?;
        Ok(item.attributes)
    }

    pub async fn update_subuser(
        &self,
        id: &str,
        user: &str,
        body: &UpdateSubuserRequest,
    ) -> Result<Subuser, ApiError> {
        let path = server(id, &format!("/users/{}", encode(user)));
        let item: SubuserItem = fetch::json(self.call("POST", &path, to_json(body))).await?;
        Ok(item.attributes)
    }

    pub async fn remove_subuser(&self, id: &str, user: &str) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &server(id, &format!("/users/{}", encode(user))),
            None,
        )
        .await
    }

    // --- Network ---------------------------------------------------------------------

    pub async fn allocations(&self, id: &str) -> Result<Vec<Allocation>, ApiError> {
        let list: AllocationList =
            fetch::json(self.call("GET", &server(id, "/network/allocations"), None)).await?;
        Ok(attributes(list))
    }

    pub async fn add_allocation(&self, id: &str) -> Result<Allocation, ApiError> {
        let path = server(id, "/network/allocations");
        let item: AllocationItem = fetch::json(self.call("POST", &path, Some("{}".into()))).await?;
        Ok(item.attributes)
    }

    pub async fn set_allocation_notes(
        &self,
        id: &str,
        allocation: u64,
        notes: Option<String>,
    ) -> Result<Allocation, ApiError> {
        let path = server(id, &format!("/network/allocations/{allocation}"));
        let body = to_json(&UpdateAllocationRequest { notes });
        let item: AllocationItem = fetch::json(self.call("POST", &path, body)).await?;
        Ok(item.attributes)
    }

    pub async fn make_primary(&self, id: &str, allocation: u64) -> Result<Allocation, ApiError> {
        let path = server(id, &format!("/network/allocations/{allocation}/primary"));
        let item: AllocationItem = fetch::json(self.call("POST", &path, Some("{}".into()))).await?;
        Ok(item.attributes)
    }

    pub async fn remove_allocation(&self, id: &str, allocation: u64) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &server(id, &format!("/network/allocations/{allocation}")),
            None,
        )
        .await
    }

    // --- Activity --------------------------------------------------------------------

    /// One page (from 1) of a log, newest first, with each entry's actor.
    pub async fn activity(&self, of: &ActivityOf, page: u64) -> Result<ActivityList, ApiError> {
        let base = match of {
            ActivityOf::Server(id) => server(id, "/activity"),
            ActivityOf::Account => "/account/activity".to_owned(),
        };
        let path = format!("{base}?sort=-timestamp&include=actor&per_page={PER_PAGE}&page={page}");
        fetch::json(self.call("GET", &path, None)).await
    }

    // --- The account's keys and credentials ------------------------------------------

    pub async fn api_keys(&self) -> Result<Vec<UserApiKey>, ApiError> {
        let list: UserApiKeyList = fetch::json(self.call("GET", "/account/api-keys", None)).await?;
        Ok(attributes(list))
    }

    /// A new key; the answer's meta holds its secret, shown once.
    pub async fn create_api_key(
        &self,
        body: &CreateApiKeyRequest,
    ) -> Result<CreatedApiKey, ApiError> {
        fetch::json(self.call("POST", "/account/api-keys", to_json(body))).await
    }

    pub async fn delete_api_key(&self, identifier: &str) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &format!("/account/api-keys/{}", encode(identifier)),
            None,
        )
        .await
    }

    pub async fn ssh_keys(&self) -> Result<Vec<SshKey>, ApiError> {
        let list: SshKeyList = fetch::json(self.call("GET", "/account/ssh-keys", None)).await?;
        Ok(attributes(list))
    }

    pub async fn add_ssh_key(&self, body: &StoreSshKeyRequest) -> Result<SshKey, ApiError> {
        let item: SshKeyItem =
            fetch::json(self.call("POST", "/account/ssh-keys", to_json(body))).await?;
        Ok(item.attributes)
    }

    /// Removes a key by fingerprint: Pterodactyl's `POST /ssh-keys/remove`, Pelican's
    /// `DELETE /ssh-keys/{fingerprint}`.
    pub async fn remove_ssh_key(&self, flavor: Flavor, fingerprint: &str) -> Result<(), ApiError> {
        if flavor == Flavor::Pelican {
            return self
                .send_json(
                    "DELETE",
                    &format!("/account/ssh-keys/{}", encode(fingerprint)),
                    None,
                )
                .await;
        }
        let body = to_json(&RemoveSshKeyRequest {
            fingerprint: fingerprint.to_owned(),
        });
        self.send_json("POST", "/account/ssh-keys/remove", body)
            .await
    }

    /// Whether the account uses two-factor: the panel answers its setup route with 400
    /// "already enabled" when it does; Pelican has no such route.
    pub async fn two_factor(&self) -> Result<TwoFactorStatus, ApiError> {
        match fetch::json::<TwoFactorSetup>(self.call("GET", "/account/two-factor", None)).await {
            Ok(_) => Ok(TwoFactorStatus::Disabled),
            Err(ApiError::Panel(PanelError::Refused { detail }))
                if detail == TWO_FACTOR_ALREADY_ENABLED =>
            {
                Ok(TwoFactorStatus::Enabled)
            }
            Err(ApiError::Panel(PanelError::NotFound)) => Ok(TwoFactorStatus::Unknown),
            Err(other) => Err(other),
        }
    }

    pub async fn update_email(&self, body: &UpdateEmailRequest) -> Result<(), ApiError> {
        self.send_json("PUT", "/account/email", to_json(body)).await
    }

    pub async fn update_password(&self, body: &UpdatePasswordRequest) -> Result<(), ApiError> {
        self.send_json("PUT", "/account/password", to_json(body))
            .await
    }
}

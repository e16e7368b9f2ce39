//! The Client API calls of a server's management screens: schedules and tasks,
//! databases, subusers and the permission groups, allocations (panel
//! `ScheduleController`, `DatabaseController`, `SubuserController`,
//! `NetworkAllocationController`). The activity logs and the account's own calls are in
//! [`super::account`].

use ptero_api::{
    Allocation, AllocationItem, AllocationList, Database, DatabaseItem, DatabaseList, List,
    PermissionGroups, PermissionsItem, Schedule, ScheduleItem, ScheduleList, ScheduleRequest,
    StoreDatabaseRequest, StoreSubuserRequest, Subuser, SubuserItem, SubuserList, Task, TaskItem,
    TaskRequest, UpdateAllocationRequest, UpdateSubuserRequest,
};

use super::client::{encode, to_json};
use super::fetch;
use super::{ApiError, PanelClient};

pub(super) fn server(id: &str, rest: &str) -> String {
    format!("/servers/{id}{rest}")
}

pub(super) fn attributes<T>(list: List<T>) -> Vec<T> {
    list.data.into_iter().map(|item| item.attributes).collect()
}

impl PanelClient {
    pub(super) async fn send_json(
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
}

//! The wire model of ptero-web: every shape the app, the card, the origin server and the
//! sandbox send or receive, with no I/O, for wasm32 and native alike.
//!
//! - Panel Client API objects and their envelopes: [`envelope`], [`server`], [`account`],
//!   [`resources`], [`files`], [`backups`], [`settings`], [`startup`], [`websocket`];
//!   the management screens' [`schedules`] (with [`cron`] in words), [`databases`],
//!   [`subusers`], [`network`], [`activity`] and [`account_security`];
//!   application API pieces in
//!   [`application`].
//! - The panel's error envelope, read into a [`PanelError`] that says what to do:
//!   [`error`].
//! - Parsers of what people type: [`ApiKey`] ([`key`]), [`PanelUrl`] ([`url`]),
//!   [`ServerId`] ([`identifier`]), [`Origin`] ([`origin_parse`], with [`punycode`]) and
//!   the exact [`OriginAllowList`] ([`allowlist`]).
//! - The Wings websocket codec: [`ws`]; why a socket is not live and how long to wait:
//!   [`wings_link`].
//! - Panel flavours (Pterodactyl 1.11, 1.12, Pelican) and their limits: [`flavor`].
//! - Noticing crashes, stops and high use from what a watcher sees: [`alerts`].
//! - The Client API routes the origin's pass-through forwards: [`client_routes`].
//! - JWT claim sets (hand-off, PteroCA SSO, Wings): [`claims`].
//! - The origin server's public API: [`origin`] (not re-exported at the root; its
//!   `OriginError` is the origin's error body, not [`OriginError`] the parse error), and
//!   serde-free readers of its answers for the card: [`json_view`].
//!
//! Most types are re-exported at the crate root.

pub mod account;
pub mod account_security;
pub mod activity;
pub mod alerts;
pub mod allowlist;
pub mod application;
pub mod backups;
pub mod claims;
pub mod client_routes;
pub mod cron;
pub mod databases;
mod de;
pub mod envelope;
pub mod error;
pub mod files;
pub mod flavor;
pub mod identifier;
pub mod json_view;
pub mod key;
pub mod network;
pub mod origin;
pub mod origin_parse;
pub mod punycode;
pub mod resource_limits;
pub mod resources;
pub mod schedules;
pub mod server;
pub mod settings;
pub mod startup;
pub mod subusers;
pub mod url;
pub mod websocket;
pub mod wings_link;
pub mod ws;

pub use account::{Account, AccountItem};
pub use allowlist::{AllowListError, OriginAllowList};
pub use application::{
    full_key, AppServer, AppServerList, AppServerRelationships, AppSubuser, AppUser, AppUserList,
    CreateApiKeyRequest, CreatedApiKey, FreeAllocation, FreeAllocationList, PterocaVersion,
    SecretTokenMeta, UserApiKey, UserApiKeyList,
};
pub use backups::{
    Backup, BackupItem, BackupList, BackupListMeta, BackupState, RestoreBackupRequest,
    StoreBackupRequest,
};
pub use claims::{
    check_times, Action, Audience, HandoffClaims, SsoClaims, SsoUser, TimeError, UnknownActions,
    WingsTokenClaims, WingsUrlClaims,
};
pub use envelope::{Item, List, ListMeta, PageLinks, Pagination, Relation, NULL_RESOURCE};
pub use error::{
    ConflictReason, ErrorEntry, ErrorEnvelope, ErrorMeta, FieldError, ForbiddenReason, PanelError,
};
pub use files::{
    join_path, sort_like_panel, valid_mode, ChmodFile, ChmodRequest, CopyFileRequest,
    CreateFolderRequest, DecompressRequest, FileItem, FileList, FileObject, FilesRequest,
    PullFileRequest, RenameFile, RenameFilesRequest, SignedUrl, SignedUrlItem,
};
pub use flavor::{ActionLimit, Family, Flavor, KeyUse, LimitScope, UnknownFlavor};
pub use identifier::{ServerId, ServerIdError};
pub use key::{ApiKey, KeyError, KeyKind, WrongKeyKind};
pub use origin_parse::{Host, HostError, Origin, OriginError, Scheme};
pub use resources::{
    CommandRequest, NetworkStats, PowerRequest, PowerSignal, PowerState, ReportedState, Resources,
    Stats, StatsItem, UnknownPowerSignal, UnknownPowerState, WingsStats,
};
pub use server::{
    Allocation, EggSummary, FeatureLimits, Limits, Server, ServerDetail, ServerList, ServerMeta,
    ServerRelationships, ServerStatus, SftpDetails, Subuser,
};
pub use settings::{DescriptionRequest, DockerImageRequest, RenameServerRequest};
pub use startup::{
    DockerImages, EggVariable, StartupList, StartupMeta, StartupVariableItem, UpdateVariableRequest,
};
pub use url::{PanelUrl, PanelUrlError, PanelUrlWarning};
pub use websocket::{WebsocketCredentials, WebsocketToken};
pub use ws::{BackupCompleted, Frame, Inbound, JwtErrorKind, Outbound, WsError};
// The management screens' shapes (schedules, databases, subusers, network, activity,
// the account's keys).
pub use account_security::{
    RemoveSshKeyRequest, SshKey, SshKeyItem, SshKeyList, StoreSshKeyRequest, TwoFactorSetup,
    TwoFactorStatus, UpdateEmailRequest, UpdatePasswordRequest,
};
pub use activity::{ActivityList, ActivityLog, Properties, UserSummary};
pub use databases::{Database, DatabaseHost, DatabaseItem, DatabaseList, StoreDatabaseRequest};
pub use network::{AllocationItem, AllocationList, UpdateAllocationRequest};
pub use schedules::{
    Cron, Schedule, ScheduleItem, ScheduleList, ScheduleRequest, Task, TaskAction, TaskItem,
    TaskRequest,
};
pub use subusers::{
    PermissionGroup, PermissionGroups, PermissionsItem, StoreSubuserRequest, SubuserItem,
    SubuserList, SystemPermissions, UpdateSubuserRequest,
};

//! The Client API calls of the server manager: file actions and signed URLs, backups,
//! settings (panel `FileController`, `BackupController`, `SettingsController`). Pelican
//! describes a server apart from renaming it ([`PanelClient::rename_server`] does both).

use ptero_api::{
    Backup, BackupItem, BackupList, ChmodFile, ChmodRequest, CopyFileRequest, CreateFolderRequest,
    DecompressRequest, DescriptionRequest, DockerImageRequest, FileItem, FileObject, FilesRequest,
    PullFileRequest, RenameFile, RenameFilesRequest, RenameServerRequest, RestoreBackupRequest,
    SignedUrlItem, StoreBackupRequest,
};

use super::client::encode;
use super::{ApiError, PanelClient};

/// Backups asked for per page: the panel's maximum.
const BACKUP_PAGE: u32 = 50;

/// `{}`: the body of actions that take none (the panel reads JSON either way).
#[derive(serde::Serialize)]
struct Empty {}

fn server(id: &str, rest: &str) -> String {
    format!("/servers/{id}{rest}")
}

impl PanelClient {
    /// Saves `text` as the file at `path` (created when missing).
    pub async fn write_file(&self, id: &str, path: &str, text: String) -> Result<(), ApiError> {
        let at = server(id, &format!("/files/write?file={}", encode(path)));
        self.act(self.post_text(&at, text)).await
    }

    pub async fn create_folder(&self, id: &str, root: &str, name: &str) -> Result<(), ApiError> {
        let body = CreateFolderRequest {
            root: root.to_owned(),
            name: name.to_owned(),
        };
        self.act(self.post(&server(id, "/files/create-folder"), &body))
            .await
    }

    /// Renames or moves each `(from, to)`, both relative to `root`.
    pub async fn rename_files(
        &self,
        id: &str,
        root: &str,
        moves: &[(String, String)],
    ) -> Result<(), ApiError> {
        let body = RenameFilesRequest {
            root: root.to_owned(),
            files: moves
                .iter()
                .map(|(from, to)| RenameFile {
                    from: from.clone(),
                    to: to.clone(),
                })
                .collect(),
        };
        self.act(self.put(&server(id, "/files/rename"), &body))
            .await
    }

    pub async fn copy_file(&self, id: &str, location: &str) -> Result<(), ApiError> {
        let body = CopyFileRequest {
            location: location.to_owned(),
        };
        self.act(self.post(&server(id, "/files/copy"), &body)).await
    }

    pub async fn delete_files(
        &self,
        id: &str,
        root: &str,
        files: &[String],
    ) -> Result<(), ApiError> {
        let body = FilesRequest {
            root: root.to_owned(),
            files: files.to_vec(),
        };
        self.act(self.post(&server(id, "/files/delete"), &body))
            .await
    }

    /// Sets each `(file, mode)`; `mode` is octal digits (`"755"`).
    pub async fn chmod(
        &self,
        id: &str,
        root: &str,
        files: &[(String, String)],
    ) -> Result<(), ApiError> {
        let body = ChmodRequest {
            root: root.to_owned(),
            files: files
                .iter()
                .map(|(file, mode)| ChmodFile {
                    file: file.clone(),
                    mode: mode.clone(),
                })
                .collect(),
        };
        self.act(self.post(&server(id, "/files/chmod"), &body))
            .await
    }

    /// Packs `files` of `root` into one archive there; answers the archive.
    pub async fn compress(
        &self,
        id: &str,
        root: &str,
        files: &[String],
    ) -> Result<FileObject, ApiError> {
        let body = FilesRequest {
            root: root.to_owned(),
            files: files.to_vec(),
        };
        let item: FileItem = self
            .read(self.post(&server(id, "/files/compress"), &body))
            .await?;
        Ok(item.attributes)
    }

    pub async fn decompress(&self, id: &str, root: &str, file: &str) -> Result<(), ApiError> {
        let body = DecompressRequest {
            root: root.to_owned(),
            file: file.to_owned(),
        };
        self.act(self.post(&server(id, "/files/decompress"), &body))
            .await
    }

    /// Has Wings download `url` into `directory` (`filename` overrides its name).
    pub async fn pull(
        &self,
        id: &str,
        url: &str,
        directory: &str,
        filename: Option<String>,
    ) -> Result<(), ApiError> {
        let body = PullFileRequest {
            url: url.to_owned(),
            directory: Some(directory.to_owned()),
            filename,
            use_header: true,
            foreground: false,
        };
        self.act(self.post(&server(id, "/files/pull"), &body)).await
    }

    /// A one-time Wings URL that downloads the file at `path` (15 minutes).
    pub async fn download_url(&self, id: &str, path: &str) -> Result<String, ApiError> {
        let at = server(id, &format!("/files/download?file={}", encode(path)));
        let item: SignedUrlItem = self.read(self.get(&at)).await?;
        Ok(item.attributes.url)
    }

    /// A one-time Wings URL to upload into `directory` (15 minutes).
    pub async fn upload_url(&self, id: &str, directory: &str) -> Result<String, ApiError> {
        let item: SignedUrlItem = self.read(self.get(&server(id, "/files/upload"))).await?;
        Ok(format!(
            "{}&directory={}",
            item.attributes.url,
            encode(directory)
        ))
    }

    /// Every backup of the server (following pages) and how many count against its limit.
    pub async fn backups(&self, id: &str) -> Result<(Vec<Backup>, u64), ApiError> {
        let mut backups = Vec::new();
        for page in 1..=20u32 {
            let at = server(id, &format!("/backups?page={page}&per_page={BACKUP_PAGE}"));
            let list: BackupList = self.read(self.get(&at)).await?;
            let meta = list.meta.clone().unwrap_or_default();
            backups.extend(list.data.into_iter().map(|item| item.attributes));
            let more = meta
                .pagination
                .is_some_and(|p| p.current_page < p.total_pages);
            if !more {
                return Ok((backups, meta.backup_count));
            }
        }
        let count = backups
            .iter()
            .filter(|b| b.state() != ptero_api::BackupState::Failed)
            .count();
        Ok((backups, count as u64))
    }

    pub async fn create_backup(
        &self,
        id: &str,
        request: &StoreBackupRequest,
    ) -> Result<Backup, ApiError> {
        let item: BackupItem = self
            .read(self.post(&server(id, "/backups"), request))
            .await?;
        Ok(item.attributes)
    }

    pub async fn backup_download_url(&self, id: &str, uuid: &str) -> Result<String, ApiError> {
        let at = server(id, &format!("/backups/{uuid}/download"));
        let item: SignedUrlItem = self.read(self.get(&at)).await?;
        Ok(item.attributes.url)
    }

    /// Locks an unlocked backup, unlocks a locked one.
    pub async fn toggle_backup_lock(&self, id: &str, uuid: &str) -> Result<Backup, ApiError> {
        let at = server(id, &format!("/backups/{uuid}/lock"));
        let item: BackupItem = self.read(self.post(&at, &Empty {})).await?;
        Ok(item.attributes)
    }

    pub async fn restore_backup(
        &self,
        id: &str,
        uuid: &str,
        truncate: bool,
    ) -> Result<(), ApiError> {
        let at = server(id, &format!("/backups/{uuid}/restore"));
        self.act(self.post(&at, &RestoreBackupRequest { truncate }))
            .await
    }

    pub async fn delete_backup(&self, id: &str, uuid: &str) -> Result<(), ApiError> {
        self.act(self.delete(&server(id, &format!("/backups/{uuid}"))))
            .await
    }

    /// Renames the server and sets its description: one request on Pterodactyl, two on
    /// Pelican (its rename takes only the name).
    pub async fn rename_server(
        &self,
        id: &str,
        name: &str,
        description: &str,
    ) -> Result<(), ApiError> {
        let pelican = self.is_pelican();
        let body = RenameServerRequest {
            name: name.to_owned(),
            description: (!pelican).then(|| description.to_owned()),
        };
        self.act(self.post(&server(id, "/settings/rename"), &body))
            .await?;
        if pelican {
            let body = DescriptionRequest {
                description: Some(description.to_owned()),
            };
            self.act(self.post(&server(id, "/settings/description"), &body))
                .await?;
        }
        Ok(())
    }

    pub async fn reinstall(&self, id: &str) -> Result<(), ApiError> {
        self.act(self.post(&server(id, "/settings/reinstall"), &Empty {}))
            .await
    }

    pub async fn set_docker_image(&self, id: &str, image: &str) -> Result<(), ApiError> {
        let body = DockerImageRequest {
            docker_image: image.to_owned(),
        };
        self.act(self.put(&server(id, "/settings/docker-image"), &body))
            .await
    }
}

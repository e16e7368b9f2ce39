//! The file manager's uploads: each file through a fresh signed Wings URL, one after
//! another, with its progress and its own failure.

use leptos::prelude::*;

use super::{sentence, Files};
use crate::api::ApiError;

/// One file being uploaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub name: String,
    pub sent: f64,
    pub total: f64,
    pub state: UploadState,
}

#[derive(Clone, Debug, PartialEq)]
pub enum UploadState {
    Waiting,
    Sending,
    Done,
    Failed(String),
}

impl Files {
    /// Uploads `files` into the current directory one after another, each with its
    /// progress.
    pub fn upload(&self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        let (client, server, dir) = (self.client(), self.server(), self.directory.get_untracked());
        let this = *self;
        self.uploads.update(|list| {
            list.retain(|u| matches!(u.state, UploadState::Waiting | UploadState::Sending));
            list.extend(files.iter().map(|f| Upload {
                name: f.name(),
                sent: 0.0,
                total: f.size(),
                state: UploadState::Waiting,
            }));
        });
        let offset = self.uploads.with_untracked(Vec::len) - files.len();
        let files = send_wrapper::SendWrapper::new(files);
        self.spawn(async move {
            for (index, file) in files.iter().enumerate() {
                let row = offset + index;
                let set = move |change: &dyn Fn(&mut Upload)| {
                    this.uploads.update(|list| {
                        if let Some(upload) = list.get_mut(row) {
                            change(upload);
                        }
                    });
                };
                set(&|u| u.state = UploadState::Sending);
                let progress = move |sent: f64, total: f64| {
                    this.uploads.update(|list| {
                        if let Some(upload) = list.get_mut(row) {
                            upload.sent = sent;
                            upload.total = total.max(upload.total);
                        }
                    });
                };
                match crate::api::transfer::upload(&client, &server, &dir, file, progress).await {
                    Ok(()) => set(&|u| {
                        u.sent = u.total;
                        u.state = UploadState::Done;
                    }),
                    Err(ApiError::Aborted) => return,
                    Err(error) => {
                        let text = sentence(&error);
                        set(&|u| u.state = UploadState::Failed(text.clone()));
                    }
                }
            }
            this.reload();
        });
    }
}

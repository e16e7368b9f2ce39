//! The file manager's requests (`api/manage.rs`, `api/transfer.rs`) against the sandbox:
//! each action changes the server's tree as Wings would and is read back; uploads and
//! downloads go straight to Wings over the panel's signed URLs; a subuser without
//! `file.create` / `.update` / `.delete` / `.archive` gets the specific 403 and nothing
//! changes; past 1.12's pull throttle the panel answers 429; a file over the editor's
//! size is refused with the panel's sentence. Each changing test has a bench server of
//! its own on the manager sandbox (Pterodactyl 1.12).
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::FileObject;
use ptero_web::api::{transfer, PanelClient};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn listing(client: &PanelClient, server: &str, directory: &str) -> Vec<FileObject> {
    client
        .files(server, directory)
        .await
        .unwrap_or_else(|e| panic!("listing {directory} of {server}: {e}"))
}

async fn names(client: &PanelClient, server: &str, directory: &str) -> Vec<String> {
    listing(client, server, directory)
        .await
        .into_iter()
        .map(|file| file.name)
        .collect()
}

async fn contents(client: &PanelClient, server: &str, path: &str) -> String {
    client
        .file_contents(server, path)
        .await
        .unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

#[wasm_bindgen_test]
async fn folders_and_files_are_created_written_copied_moved_chmodded_and_deleted() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(10));
    alice
        .create_folder(&server, "/", "notes")
        .await
        .expect("a folder");
    alice
        .write_file(&server, "/notes/todo.txt", "buy milk\n".into())
        .await
        .expect("a new file");
    let listed = listing(&alice, &server, "/notes").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].is_file && listed[0].name == "todo.txt" && listed[0].size == 9);
    assert_eq!(
        contents(&alice, &server, "/notes/todo.txt").await,
        "buy milk\n"
    );

    // Saving again replaces the text.
    alice
        .write_file(&server, "/notes/todo.txt", "buy milk\nand eggs\n".into())
        .await
        .expect("saved");
    assert_eq!(
        contents(&alice, &server, "/notes/todo.txt").await,
        "buy milk\nand eggs\n"
    );

    alice
        .copy_file(&server, "/notes/todo.txt")
        .await
        .expect("a copy");
    assert_eq!(
        names(&alice, &server, "/notes").await,
        ["todo copy.txt", "todo.txt"]
    );
    assert_eq!(
        contents(&alice, &server, "/notes/todo copy.txt").await,
        "buy milk\nand eggs\n"
    );

    // Rename one and move the other into a folder that does not exist yet.
    alice
        .rename_files(
            &server,
            "/notes",
            &[
                ("todo copy.txt".into(), "done.txt".into()),
                ("todo.txt".into(), "archive/todo.txt".into()),
            ],
        )
        .await
        .expect("renamed and moved");
    assert_eq!(
        names(&alice, &server, "/notes").await,
        ["archive", "done.txt"]
    );
    assert_eq!(
        contents(&alice, &server, "/notes/archive/todo.txt").await,
        "buy milk\nand eggs\n"
    );

    alice
        .chmod(&server, "/notes", &[("done.txt".into(), "600".into())])
        .await
        .expect("chmod");
    let done = listing(&alice, &server, "/notes").await;
    let done = done
        .iter()
        .find(|f| f.name == "done.txt")
        .expect("done.txt");
    assert_eq!(
        (done.mode_bits.as_str(), done.mode.as_str()),
        ("600", "-rw-------")
    );

    alice
        .delete_files(&server, "/", &["notes".into()])
        .await
        .expect("deleted");
    let root = names(&alice, &server, "/").await;
    assert!(!root.contains(&"notes".to_owned()), "{root:?}");
    assert!(root.contains(&"server.properties".to_owned()), "{root:?}");
    audit.assert_forwardable(15).await;
}

#[wasm_bindgen_test]
async fn an_archive_holds_what_it_was_made_of_and_unpacks_it_again() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(11));
    let before = contents(&alice, &server, "/plugins/README.txt").await;
    let archive = alice
        .compress(&server, "/plugins", &["README.txt".into()])
        .await
        .expect("an archive");
    assert!(
        archive.name.starts_with("archive-") && archive.name.ends_with(".tar.gz"),
        "{archive:?}"
    );
    assert!(names(&alice, &server, "/plugins")
        .await
        .contains(&archive.name));
    alice
        .delete_files(&server, "/plugins", &["README.txt".into()])
        .await
        .expect("deleted");
    assert_eq!(
        names(&alice, &server, "/plugins").await,
        std::slice::from_ref(&archive.name)
    );
    alice
        .decompress(&server, "/plugins", &archive.name)
        .await
        .expect("unpacked");
    assert_eq!(
        contents(&alice, &server, "/plugins/README.txt").await,
        before
    );
    // A file that is no archive: Wings' refusal, through the panel.
    let refused = alice
        .decompress(&server, "/plugins", "README.txt")
        .await
        .expect_err("not an archive");
    assert!(
        matches!(
            refused,
            ptero_web::api::ApiError::Panel(ptero_api::PanelError::Daemon { .. })
        ),
        "{refused:?}"
    );
    audit.assert_forwardable(7).await;
}

#[wasm_bindgen_test]
async fn uploads_and_downloads_go_through_wings_signed_urls() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(12));
    let parts = js_sys::Array::of1(&"motd=uploaded from the browser\n".into());
    let file = web_sys::File::new_with_str_sequence(&parts, "upload.properties").expect("a File");
    let progress = std::rc::Rc::new(std::cell::Cell::new((0.0, 0.0)));
    let seen = progress.clone();
    transfer::upload(&alice, &server, "/plugins", &file, move |sent, total| {
        seen.set((sent, total))
    })
    .await
    .expect("uploaded to Wings");
    // The XHR spec's last upload `progress` event: the whole multipart body, sent.
    let (sent, total) = progress.get();
    assert!(sent == total && total > 31.0, "progress {sent} of {total}");
    let uploaded = listing(&alice, &server, "/plugins").await;
    let uploaded = uploaded
        .iter()
        .find(|f| f.name == "upload.properties")
        .unwrap_or_else(|| panic!("the upload is listed: {uploaded:?}"));
    assert_eq!(uploaded.size, 31);
    assert_eq!(
        contents(&alice, &server, "/plugins/upload.properties").await,
        "motd=uploaded from the browser\n"
    );

    let url = alice
        .download_url(&server, "/server.properties")
        .await
        .expect("a signed URL");
    assert!(url.contains("/download/file?token="), "{url}");
    let (status, body) = fetch_text("GET", &url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, contents(&alice, &server, "/server.properties").await);
    // One use: Wings refuses the same URL again.
    let (again, _) = fetch_text("GET", &url, &[]).await;
    assert_eq!(again, 404, "a used download URL");
    audit.assert_forwardable(5).await;
}

#[wasm_bindgen_test]
async fn a_subuser_without_the_file_rights_is_refused_and_nothing_changes() {
    let (bob, server) = (bob(), servers::SHARED);
    // What Bob holds works.
    assert!(names(&bob, server, "/")
        .await
        .contains(&"eula.txt".to_owned()));
    assert_eq!(contents(&bob, server, "/eula.txt").await, "eula=true\n");
    assert!(bob.download_url(server, "/eula.txt").await.is_ok());
    // What he does not is refused with the 403 of a missing permission.
    let files = || vec!["eula.txt".to_owned()];
    assert_missing_permission(
        "write",
        bob.write_file(server, "/bob.txt", "hi".into()).await,
    );
    assert_missing_permission("folder", bob.create_folder(server, "/", "bob").await);
    assert_missing_permission("copy", bob.copy_file(server, "/eula.txt").await);
    assert_missing_permission(
        "rename",
        bob.rename_files(server, "/", &[("eula.txt".into(), "gone.txt".into())])
            .await,
    );
    assert_missing_permission(
        "chmod",
        bob.chmod(server, "/", &[("eula.txt".into(), "777".into())])
            .await,
    );
    assert_missing_permission("compress", bob.compress(server, "/", &files()).await);
    assert_missing_permission("delete", bob.delete_files(server, "/", &files()).await);
    assert_missing_permission("upload", bob.upload_url(server, "/").await);
    // The owner sees the tree as it was.
    let alice = alice();
    let root = listing(&alice, server, "/").await;
    let names: Vec<&str> = root.iter().map(|f| f.name.as_str()).collect();
    assert!(!names
        .iter()
        .any(|n| n.starts_with("bob") || *n == "gone.txt" || n.contains("copy")));
    let eula = root
        .iter()
        .find(|f| f.name == "eula.txt")
        .expect("eula.txt");
    assert_eq!(eula.mode_bits, "644");
}

#[wasm_bindgen_test]
async fn past_the_pull_throttle_the_panel_answers_429_and_pulls_nothing() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(13));
    // Pterodactyl 1.12: 5 pulls per 10 minutes per server.
    for n in 1..=5 {
        let url = format!("https://downloads.example.com/pack-{n}.zip");
        alice
            .pull(&server, &url, "/plugins", None)
            .await
            .unwrap_or_else(|e| panic!("pull {n}: {e}"));
    }
    let sixth = alice
        .pull(
            &server,
            "https://downloads.example.com/pack-6.zip",
            "/plugins",
            None,
        )
        .await;
    assert_rate_limited("the sixth pull", sixth);
    let pulled = names(&alice, &server, "/plugins").await;
    for n in 1..=5 {
        assert!(pulled.contains(&format!("pack-{n}.zip")), "{pulled:?}");
    }
    assert!(!pulled.contains(&"pack-6.zip".to_owned()), "{pulled:?}");
    audit.assert_forwardable(7).await;
}

#[wasm_bindgen_test]
async fn a_file_over_the_editors_size_is_refused_with_the_panels_sentence() {
    let refused = alice().file_contents(servers::RUNNING, "/server.jar").await;
    assert_refused("reading server.jar", refused, "too large to view");
}

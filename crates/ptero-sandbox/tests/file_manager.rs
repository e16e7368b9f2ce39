//! The file actions over loopback HTTP as the panel answers them (panel `FileController`
//! and its FormRequests, Wings' sentences), and Wings' signed URLs: downloads and
//! uploads with one-time 15-minute tokens, in every flavour.

mod common;

use common::*;
use ptero_api::{FileItem, FileList, Flavor, SignedUrlItem, WingsUrlClaims};
use ptero_sandbox::seed::{keys, servers};
use reqwest::{Method, StatusCode};
use serde_json::json;

const RUNNING: &str = servers::RUNNING;

async fn names(sandbox: &ptero_sandbox::Sandbox, directory: &str) -> Vec<String> {
    let answer = get(
        sandbox,
        &server_path(RUNNING, &format!("/files/list?directory={directory}")),
        keys::ALICE,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let list: FileList = serde_json::from_value(answer.json).expect("a listing");
    list.attributes().map(|f| f.name.clone()).collect()
}

async fn contents(sandbox: &ptero_sandbox::Sandbox, file: &str) -> String {
    let answer = get(
        sandbox,
        &server_path(RUNNING, &format!("/files/contents?file={file}")),
        keys::ALICE,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.text
}

async fn write(sandbox: &ptero_sandbox::Sandbox, key: &str, file: &str, text: &str) -> Answer {
    let response = http()
        .post(format!(
            "{}{}",
            sandbox.panel_url(),
            server_path(RUNNING, &format!("/files/write?file={file}"))
        ))
        .header("Accept", "application/json")
        .header("Content-Type", "text/plain")
        .bearer_auth(key)
        .body(text.to_owned())
        .send()
        .await
        .expect("answered");
    read(response).await
}

#[tokio::test]
async fn write_create_folder_rename_copy_and_delete_change_the_tree() {
    let sandbox = start().await;
    let written = write(&sandbox, keys::ALICE, "%2Fconfig%2Fmotd.txt", "hello\n").await;
    assert_eq!(written.status, StatusCode::NO_CONTENT, "{}", written.text);
    assert_eq!(contents(&sandbox, "/config/motd.txt").await, "hello\n");

    let created = post(
        &sandbox,
        &server_path(RUNNING, "/files/create-folder"),
        keys::ALICE,
        json!({"root": "/", "name": "backups-old"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::NO_CONTENT);
    assert!(names(&sandbox, "/")
        .await
        .contains(&"backups-old".to_owned()));

    let moved = put(
        &sandbox,
        &server_path(RUNNING, "/files/rename"),
        keys::ALICE,
        json!({"root": "/", "files": [{"from": "eula.txt", "to": "backups-old/eula.txt"},
                                      {"from": "ops.json", "to": "operators.json"}]}),
    )
    .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{}", moved.text);
    assert_eq!(names(&sandbox, "/backups-old").await, ["eula.txt"]);
    let root = names(&sandbox, "/").await;
    assert!(root.contains(&"operators.json".to_owned()) && !root.contains(&"ops.json".to_owned()));

    let exists = put(
        &sandbox,
        &server_path(RUNNING, "/files/rename"),
        keys::ALICE,
        json!({"root": "/", "files": [{"from": "operators.json", "to": "server.properties"}]}),
    )
    .await;
    assert_eq!(exists.status, StatusCode::BAD_REQUEST);
    assert_eq!(exists.error().0, "DaemonConnectionException");
    assert!(exists
        .detail()
        .starts_with("An error occurred on the remote host: Cannot move or rename file, destination already exists.. (request id: "),
        "{}", exists.detail());

    for _ in 0..2 {
        let copied = post(
            &sandbox,
            &server_path(RUNNING, "/files/copy"),
            keys::ALICE,
            json!({"location": "/server.properties"}),
        )
        .await;
        assert_eq!(copied.status, StatusCode::NO_CONTENT);
    }
    let root = names(&sandbox, "/").await;
    assert!(
        root.contains(&"server copy.properties".to_owned()),
        "{root:?}"
    );
    assert!(
        root.contains(&"server copy 1.properties".to_owned()),
        "{root:?}"
    );
    let directory = post(
        &sandbox,
        &server_path(RUNNING, "/files/copy"),
        keys::ALICE,
        json!({"location": "/logs"}),
    )
    .await;
    assert_eq!(
        directory.status,
        StatusCode::NOT_FOUND,
        "a directory is not copied"
    );

    let deleted = post(
        &sandbox,
        &server_path(RUNNING, "/files/delete"),
        keys::ALICE,
        json!({"root": "/", "files": ["backups-old", "server copy.properties"]}),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let root = names(&sandbox, "/").await;
    assert!(!root.contains(&"backups-old".to_owned()));
    assert!(!root.contains(&"server copy.properties".to_owned()));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn chmod_compress_and_decompress() {
    let sandbox = start().await;
    let chmod = post(
        &sandbox,
        &server_path(RUNNING, "/files/chmod"),
        keys::ALICE,
        json!({"root": "/", "files": [{"file": "eula.txt", "mode": "600"}]}),
    )
    .await;
    assert_eq!(chmod.status, StatusCode::NO_CONTENT);
    let listing = get(&sandbox, &server_path(RUNNING, "/files/list"), keys::ALICE).await;
    let list: FileList = serde_json::from_value(listing.json).unwrap();
    let eula = list.attributes().find(|f| f.name == "eula.txt").unwrap();
    assert_eq!(
        (eula.mode_bits.as_str(), eula.mode.as_str()),
        ("600", "-rw-------")
    );
    let octal = post(
        &sandbox,
        &server_path(RUNNING, "/files/chmod"),
        keys::ALICE,
        json!({"root": "/", "files": [{"file": "eula.txt", "mode": "999"}]}),
    )
    .await;
    assert_eq!(octal.status, StatusCode::BAD_REQUEST);
    assert!(
        octal.detail().contains("Invalid file mode."),
        "{}",
        octal.detail()
    );
    let not_a_number = post(
        &sandbox,
        &server_path(RUNNING, "/files/chmod"),
        keys::ALICE,
        json!({"root": "/", "files": [{"file": "eula.txt", "mode": "rwx"}]}),
    )
    .await;
    assert_eq!(not_a_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        not_a_number.json["errors"][0]["meta"]["source_field"],
        "files.0.mode"
    );
    assert_eq!(not_a_number.detail(), "The files.0.mode must be a number.");

    let compressed = post(
        &sandbox,
        &server_path(RUNNING, "/files/compress"),
        keys::ALICE,
        json!({"root": "/", "files": ["logs", "eula.txt"]}),
    )
    .await;
    assert_eq!(compressed.status, StatusCode::OK, "{}", compressed.text);
    let archive: FileItem = serde_json::from_value(compressed.json).unwrap();
    assert!(archive.attributes.name.starts_with("archive-"));
    assert!(archive.attributes.name.ends_with(".tar.gz"));
    assert_eq!(archive.attributes.mimetype, "application/gzip");

    let deleted = post(
        &sandbox,
        &server_path(RUNNING, "/files/delete"),
        keys::ALICE,
        json!({"root": "/", "files": ["logs"]}),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(!names(&sandbox, "/").await.contains(&"logs".to_owned()));
    let decompressed = post(
        &sandbox,
        &server_path(RUNNING, "/files/decompress"),
        keys::ALICE,
        json!({"root": "/", "file": archive.attributes.name}),
    )
    .await;
    assert_eq!(
        decompressed.status,
        StatusCode::NO_CONTENT,
        "{}",
        decompressed.text
    );
    assert_eq!(names(&sandbox, "/logs").await, ["latest.log"]);
    let not_an_archive = post(
        &sandbox,
        &server_path(RUNNING, "/files/decompress"),
        keys::ALICE,
        json!({"root": "/", "file": "eula.txt"}),
    )
    .await;
    assert_eq!(not_an_archive.status, StatusCode::BAD_REQUEST);
    assert!(not_an_archive
        .detail()
        .contains("The archive provided is in a format Wings does not understand."));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn each_action_needs_its_permission_and_the_panels_rules() {
    let sandbox = start().await;
    // Bob may read Shared's files but not change them.
    for (method, action, body) in [
        (Method::POST, "/files/write?file=/x", json!({})),
        (
            Method::POST,
            "/files/create-folder",
            json!({"root": "/", "name": "x"}),
        ),
        (
            Method::PUT,
            "/files/rename",
            json!({"root": "/", "files": [{"from": "a", "to": "b"}]}),
        ),
        (
            Method::POST,
            "/files/copy",
            json!({"location": "/eula.txt"}),
        ),
        (
            Method::POST,
            "/files/delete",
            json!({"root": "/", "files": ["eula.txt"]}),
        ),
        (
            Method::POST,
            "/files/chmod",
            json!({"root": "/", "files": [{"file": "a", "mode": "644"}]}),
        ),
        (
            Method::POST,
            "/files/compress",
            json!({"root": "/", "files": ["eula.txt"]}),
        ),
        (
            Method::POST,
            "/files/decompress",
            json!({"root": "/", "file": "a.tar.gz"}),
        ),
        (
            Method::POST,
            "/files/pull",
            json!({"url": "https://example.com/a.jar"}),
        ),
        (Method::GET, "/files/upload", json!(null)),
    ] {
        let body = (!body.is_null()).then_some(body);
        let answer = request(
            &sandbox,
            method.clone(),
            &server_path(servers::SHARED, action),
            Some(keys::BOB),
            body,
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{method} {action}: {}",
            answer.text
        );
        assert_eq!(answer.detail(), "This action is unauthorized.");
    }
    let download = get(
        &sandbox,
        &server_path(servers::SHARED, "/files/download?file=/eula.txt"),
        keys::BOB,
    )
    .await;
    assert_eq!(
        download.status,
        StatusCode::OK,
        "file.read-content allows downloads"
    );

    let missing = put(
        &sandbox,
        &server_path(RUNNING, "/files/rename"),
        keys::ALICE,
        json!({"files": [{"from": "a"}]}),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = missing.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["meta"]["source_field"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(
        fields.contains(&"root".to_owned()) && fields.contains(&"files.0.to".to_owned()),
        "{fields:?}"
    );
    let no_files = post(
        &sandbox,
        &server_path(RUNNING, "/files/delete"),
        keys::ALICE,
        json!({"root": "/", "files": []}),
    )
    .await;
    assert_eq!(no_files.detail(), "The files field is required.");
    let bad_url = post(
        &sandbox,
        &server_path(RUNNING, "/files/pull"),
        keys::ALICE,
        json!({"url": "not a url"}),
    )
    .await;
    assert_eq!(bad_url.detail(), "The url format is invalid.");
    // A suspended server refuses every action before its rules.
    let suspended = post(
        &sandbox,
        &server_path(servers::SUSPENDED, "/files/delete"),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(suspended.status, StatusCode::CONFLICT);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn pulls_are_throttled_as_each_flavour_throttles_them() {
    for flavor in Flavor::ALL {
        let sandbox =
            start_with(|c| *c = ptero_sandbox::SandboxConfig::fast_flavored(flavor)).await;
        let key = sandbox.key(keys::ALICE);
        let limit = flavor.file_pull_limit();
        for n in 0..limit.count {
            let pulled = post(
                &sandbox,
                &server_path(RUNNING, "/files/pull"),
                &key,
                json!({"url": format!("https://example.com/plugins/p{n}.jar"), "directory": "/plugins"}),
            )
            .await;
            assert_eq!(
                pulled.status,
                StatusCode::NO_CONTENT,
                "{flavor}: {}",
                pulled.text
            );
        }
        let throttled = post(
            &sandbox,
            &server_path(RUNNING, "/files/pull"),
            &key,
            json!({"url": "https://example.com/one-more.jar"}),
        )
        .await;
        assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS, "{flavor}");
        assert_eq!(throttled.detail(), "Too Many Attempts.");
        let retry: u64 = throttled.header("retry-after").unwrap().parse().unwrap();
        assert!(
            retry > 60 && retry <= limit.period_secs,
            "{flavor}: {retry}"
        );
        // 1.11 counts per user (another server is limited too), the others per server.
        let other = post(
            &sandbox,
            &server_path(servers::OFFLINE, "/files/pull"),
            &key,
            json!({"url": "https://example.com/elsewhere.jar"}),
        )
        .await;
        let expected = match flavor {
            Flavor::Pterodactyl111 => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::NO_CONTENT,
        };
        assert_eq!(other.status, expected, "{flavor}");
        let plugins = get(
            &sandbox,
            &server_path(RUNNING, "/files/list?directory=/plugins"),
            &key,
        )
        .await;
        assert!(
            plugins.text.contains("p0.jar"),
            "{flavor}: the pulled file is there"
        );
        sandbox.shutdown().await;
    }
}

fn token_of(url: &str) -> WingsUrlClaims {
    let token = url.split("token=").nth(1).expect("a token");
    let payload = token.split('.').nth(1).expect("a payload");
    let bytes = base64_url(payload);
    serde_json::from_slice(&bytes).expect("claims")
}

/// Base64url without padding (the JWT's payload), decoded by hand: a test helper.
fn base64_url(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    };
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        buffer = (buffer << 6) | u32::from(value(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

#[tokio::test]
async fn signed_download_and_upload_urls_are_one_time_and_scoped() {
    for flavor in Flavor::ALL {
        let sandbox =
            start_with(|c| *c = ptero_sandbox::SandboxConfig::fast_flavored(flavor)).await;
        let key = sandbox.key(keys::ALICE);
        let answer = get(
            &sandbox,
            &server_path(RUNNING, "/files/download?file=%2Fserver.properties"),
            &key,
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
        let signed: SignedUrlItem = serde_json::from_value(answer.json).unwrap();
        assert_eq!(signed.object, "signed_url");
        let url = signed.attributes.url;
        assert!(url.starts_with(&sandbox.node_urls()[0]), "{url}");
        let claims = token_of(&url);
        assert_eq!(claims.file_path.as_deref(), Some("/server.properties"));
        assert_eq!(claims.exp - claims.iat, 900, "15 minutes");
        assert_eq!(
            claims.scope.as_deref(),
            (flavor != Flavor::Pterodactyl111).then_some("file-download")
        );
        let first = http()
            .get(&url)
            .header("Origin", "http://app.test")
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(
            first.headers()["content-disposition"],
            "attachment; filename=\"server.properties\""
        );
        let body = first.text().await.unwrap();
        assert!(body.starts_with("#Minecraft server properties"), "{body}");
        let again = http().get(&url).send().await.unwrap();
        assert_eq!(
            again.status(),
            StatusCode::NOT_FOUND,
            "{flavor}: one use only"
        );

        // A download token does not upload on 1.12 and Pelican (its scope).
        let upload_url = get(&sandbox, &server_path(RUNNING, "/files/upload"), &key).await;
        let upload: SignedUrlItem = serde_json::from_value(upload_url.json).unwrap();
        let form = || {
            reqwest::multipart::Form::new()
                .part(
                    "files",
                    reqwest::multipart::Part::text("a=1\n").file_name("new.cfg"),
                )
                .part(
                    "files",
                    reqwest::multipart::Part::bytes(vec![0u8, 159, 146, 150]).file_name("blob.bin"),
                )
        };
        let uploaded = http()
            .post(format!("{}&directory=/config", upload.attributes.url))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), StatusCode::OK, "{flavor}");
        let listing = get(
            &sandbox,
            &server_path(RUNNING, "/files/list?directory=/config"),
            &key,
        )
        .await;
        let list: FileList = serde_json::from_value(listing.json).unwrap();
        let uploaded: Vec<_> = list
            .attributes()
            .map(|f| (f.name.as_str(), f.size))
            .collect();
        assert_eq!(uploaded, [("blob.bin", 4), ("new.cfg", 4)]);
        let replay = http()
            .post(format!("{}&directory=/config", upload.attributes.url))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), StatusCode::NOT_FOUND);
        let forged = format!("{}x", url.replace("/download/file", "/upload/file"));
        let refused = http().post(forged).multipart(form()).send().await.unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "a bad signature"
        );
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn wings_answers_cors_for_its_allowed_origins_and_limits_uploads() {
    let sandbox = start_with(|c| {
        c.node_allowed_origins = vec!["http://app.test".into()];
        c.upload_limit_mib = 1;
    })
    .await;
    let node = &sandbox.node_urls()[0];
    let preflight = http()
        .request(Method::OPTIONS, format!("{node}/upload/file?token=x"))
        .header("Origin", "http://app.test")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://app.test"
    );
    let other = http()
        .request(Method::OPTIONS, format!("{node}/upload/file"))
        .header("Origin", "http://elsewhere.test")
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.headers()["access-control-allow-origin"],
        sandbox.panel_url().as_str(),
        "another origin gets the panel's"
    );
    let upload = get(
        &sandbox,
        &server_path(RUNNING, "/files/upload"),
        keys::ALICE,
    )
    .await;
    let url = upload.json["attributes"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let big = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(vec![b'x'; 1024 * 1024 + 1]).file_name("big.log"),
    );
    let refused = read(http().post(&url).multipart(big).send().await.unwrap()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.json["error"],
        "File big.log is larger than the maximum file upload size of 1 MB."
    );
    sandbox.shutdown().await;
}

//! The app's pass-through (`/panel/api/client/…`) reaches the panel's Client API and
//! nothing else, whatever the encoding. Requests go out as raw bytes (reqwest would
//! normalise dot segments itself), and the sandbox's log of request targets shows what
//! reached the panel.

mod common;

use common::Harness;
use ptero_sandbox::seed;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `method target` with `Authorization` as raw HTTP/1.1 and answers the status and
/// the whole response text.
async fn raw(harness: &Harness, method: &str, target: &str, body: &str) -> (u16, String) {
    raw_typed(harness, method, target, "application/json", body).await
}

/// [`raw`] with the body's `Content-Type`.
async fn raw_typed(
    harness: &Harness,
    method: &str,
    target: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    raw_request(
        harness,
        seed::keys::ADMIN,
        method,
        target,
        content_type,
        body,
    )
    .await
}

/// [`raw`] with another key (a Pelican sandbox's `pacc_` form).
async fn raw_with_key(
    harness: &Harness,
    key: &str,
    method: &str,
    target: &str,
    body: &str,
) -> (u16, String) {
    raw_request(harness, key, method, target, "application/json", body).await
}

async fn raw_request(
    harness: &Harness,
    key: &str,
    method: &str,
    target: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(harness.origin.addr())
        .await
        .expect("connect");
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nAccept: application/json\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        harness.origin.addr(),
        key,
        body.len(),
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Every target the panel saw that is not one of the Client API paths the app uses.
fn escaped(harness: &Harness) -> Vec<String> {
    harness
        .sandbox
        .request_log()
        .into_iter()
        .map(|entry| format!("{} {}", entry.method, entry.target))
        .filter(|line| {
            let target = line.split(' ').nth(1).unwrap_or_default();
            let path = target.split('?').next().unwrap_or_default();
            let Some(rest) = path.strip_prefix("/api/client") else {
                return true;
            };
            ptero_api::client_routes::resolve(line.split(' ').next().unwrap_or_default(), rest)
                .map_or(true, |resolved| resolved.path != rest)
        })
        .collect()
}

const ESCAPES: &[&str] = &[
    "/panel/api/client/../../__sandbox/nodes",
    "/panel/api/client/%2e%2e/%2e%2e/__sandbox/nodes",
    "/panel/api/client/%252e%252e/%252e%252e/__sandbox/nodes",
    "/panel/api/client/.%2e/.%2e/__sandbox/nodes",
    "/panel/api/client/.%252e/.%252e/__sandbox/nodes",
    "/panel/api/client/%2E%2E/%2e./__sandbox/nodes",
    "/panel/api/client/..%5C..%5C__sandbox/nodes",
    "/panel/api/client/..%5c..%5c__sandbox%5cnodes",
    "/panel/api/client/..\\..\\__sandbox\\nodes",
    "/panel/api/client/servers%2f..%2f..%2f..%2f__sandbox%2fnodes",
    "/panel/api/client/%2e%2e%2f%2e%2e%2f__sandbox%2fnodes",
    "/panel/api/client/servers/%3f/../../../__sandbox/nodes",
    "/panel/api/client/account%3f/../../../__sandbox/nodes",
    "/panel/api/client/account%23/../../../__sandbox/nodes",
    "/panel/api/client/%c0%ae%c0%ae/%c0%ae%c0%ae/__sandbox/nodes",
    "/panel/api/client/%e0%80%ae%e0%80%ae/__sandbox/nodes",
    "/panel/api/client/%c0%af__sandbox/nodes",
    "/panel/api/client//..//..//__sandbox/nodes",
    "/panel/api/client/;/../../__sandbox/nodes",
    "/panel/api/client/account/..;/..;/__sandbox/nodes",
    "/panel/api/client/servers/1a7c3f02/../../../../__sandbox/nodes",
    "/panel/api/client/@evil.example.net/x",
    "/panel/api/client/%40evil.example.net/x",
    "/panel/api/client/%00/../../__sandbox/nodes",
    "/panel/api/client/%0d%0aX-Injected:%201/account",
    "/panel/api/client/../application/users",
    "/panel/api/client/%2e%2e/application/users",
];

#[tokio::test]
async fn no_encoding_of_a_path_leaves_the_client_api() {
    let harness = Harness::start().await;
    harness.sandbox.reset_requests();
    for target in ESCAPES {
        for method in ["GET", "PUT", "DELETE"] {
            let body = if method == "PUT" {
                r#"{"stuck":true}"#
            } else {
                ""
            };
            let (status, text) = raw(&harness, method, target, body).await;
            assert!(
                (400..500).contains(&status),
                "{method} {target} answered {status}: {text}"
            );
            assert!(
                !text.contains("wings_url") && !text.contains("\"stuck\""),
                "{method} {target} leaked the sandbox's control data: {text}"
            );
        }
    }
    assert_eq!(escaped(&harness), Vec::<String>::new());
    assert!(
        !harness.sandbox.faults().get().stuck,
        "a PUT reached the sandbox's fault switches"
    );
    harness.stop().await;
}

#[tokio::test]
async fn only_the_apps_routes_and_methods_are_forwarded() {
    let harness = Harness::start().await;
    harness.sandbox.reset_requests();
    for (method, target) in [
        ("DELETE", "/panel/api/client/servers/1a7c3f02"),
        // Turning two-factor on or off is the panel's own page's job, not the app's.
        ("POST", "/panel/api/client/account/two-factor"),
        ("POST", "/panel/api/client/account/two-factor/disable"),
        ("GET", "/panel/api/client/servers/1a7c3f02/files/delete"),
        ("PATCH", "/panel/api/client/account"),
    ] {
        let (status, text) = raw(&harness, method, target, "").await;
        assert!(
            status == 404 || status == 405,
            "{method} {target}: {status} {text}"
        );
        assert!(text.contains("pass-through"), "{text}");
    }
    assert!(
        harness.sandbox.request_log().is_empty(),
        "{:?}",
        harness.sandbox.request_log()
    );
    // The app's own routes still pass, in canonical form.
    let (status, text) = raw(
        &harness,
        "GET",
        "/panel/api/client/servers/1A7C3F02/resources",
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let (status, _) = raw(&harness, "GET", "/panel/api/client?page=1&per_page=100", "").await;
    assert_eq!(status, 200);
    let log: Vec<String> = harness
        .sandbox
        .request_log()
        .into_iter()
        .map(|entry| entry.target)
        .collect();
    assert_eq!(
        log,
        vec![
            "/api/client/servers/1a7c3f02/resources".to_owned(),
            "/api/client?page=1&per_page=100".to_owned(),
        ]
    );
    harness.stop().await;
}

#[tokio::test]
async fn proxied_answers_are_json_that_nothing_can_render() {
    let harness = Harness::start().await;
    let (status, text) = raw(&harness, "GET", "/panel/api/client/account", "").await;
    assert_eq!(status, 200, "{text}");
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("cache-control: no-store"), "{head}");
    // A file's contents come back as plain text, whatever the file holds.
    let (status, text) = raw(
        &harness,
        "GET",
        "/panel/api/client/servers/1a7c3f02/files/contents?file=%2Fserver.properties",
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        head.contains("content-type: text/plain; charset=utf-8"),
        "{head}"
    );
    assert!(head.contains("content-disposition: attachment"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    harness.stop().await;
}

/// The file manager's, backups' and settings' routes pass in canonical form with their
/// bodies as they came (a file's text as `text/plain`), and nothing else does.
#[tokio::test]
async fn file_backup_and_settings_routes_pass_with_their_bodies() {
    let harness = Harness::start().await;
    harness.sandbox.reset_requests();
    let server = "/panel/api/client/servers/1A7C3F02";
    let (status, text) = raw_typed(
        &harness,
        "POST",
        &format!("{server}/files/write?file=%2Fnotes%2Fhello%20world.txt"),
        "text/plain",
        "line one\n{\"not\": \"json\"}\n",
    )
    .await;
    assert_eq!(status, 204, "{text}");
    let (status, text) = raw(
        &harness,
        "GET",
        &format!("{server}/files/contents?file=%2Fnotes%2Fhello%20world.txt"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("line one\n{\"not\": \"json\"}\n"), "{text}");
    for (method, path, body, expected) in [
        (
            "PUT",
            "/files/rename",
            r#"{"root":"/","files":[{"from":"notes","to":"old-notes"}]}"#,
            204,
        ),
        (
            "POST",
            "/files/create-folder",
            r#"{"root":"/","name":"made"}"#,
            204,
        ),
        ("POST", "/files/copy", r#"{"location":"/eula.txt"}"#, 204),
        (
            "POST",
            "/files/chmod",
            r#"{"root":"/","files":[{"file":"eula.txt","mode":"640"}]}"#,
            204,
        ),
        (
            "POST",
            "/files/compress",
            r#"{"root":"/","files":["made"]}"#,
            200,
        ),
        (
            "POST",
            "/files/delete",
            r#"{"root":"/","files":["made"]}"#,
            204,
        ),
        (
            "POST",
            "/files/pull",
            r#"{"url":"https://example.com/a.jar"}"#,
            204,
        ),
        ("GET", "/files/download?file=%2Feula.txt", "", 200),
        ("GET", "/files/upload", "", 200),
        ("GET", "/backups", "", 200),
        (
            "POST",
            "/backups/b1a7c3f0-0002-4000-8000-000000000002/lock",
            "",
            200,
        ),
        (
            "GET",
            "/backups/B1A7C3F0-0002-4000-8000-000000000002/download",
            "",
            200,
        ),
        (
            "DELETE",
            "/backups/b1a7c3f0-0002-4000-8000-000000000002",
            "",
            400,
        ),
        (
            "POST",
            "/settings/rename",
            r#"{"name":"Survival","description":"x"}"#,
            204,
        ),
        (
            "PUT",
            "/settings/docker-image",
            r#"{"docker_image":"ghcr.io/pterodactyl/yolks:java_21"}"#,
            204,
        ),
    ] {
        let (status, text) = raw(&harness, method, &format!("{server}{path}"), body).await;
        assert_eq!(status, expected, "{method} {path}: {text}");
    }
    // Wings' signed URLs come back as they are: the browser calls Wings itself.
    let (_, text) = raw(&harness, "GET", &format!("{server}/files/upload"), "").await;
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    assert!(body.contains("/upload/file?token="), "{body}");
    for (method, path) in [
        ("GET", "/backups/1"),
        ("DELETE", "/backups/b1a7c3f0-0002-4000-8000-00000000000"),
        ("POST", "/files/search"),
        ("PUT", "/settings/rename"),
    ] {
        let (status, _) = raw(&harness, method, &format!("{server}{path}"), "").await;
        assert!(status == 404 || status == 405, "{method} {path}: {status}");
    }
    assert_eq!(escaped(&harness), Vec::<String>::new());
    let log: Vec<String> = harness
        .sandbox
        .request_log()
        .into_iter()
        .map(|entry| format!("{} {}", entry.method, entry.target))
        .collect();
    assert!(
        log.contains(
            &"DELETE /api/client/servers/1a7c3f02/backups/b1a7c3f0-0002-4000-8000-000000000002"
                .to_owned()
        ),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|line| line.starts_with("POST /api/client/servers/1a7c3f02/files/write?file=")),
        "{log:?}"
    );
    harness.stop().await;
}

/// Pelican removes an SSH key with `DELETE /account/ssh-keys/{fingerprint}`, a base64
/// fingerprint that may hold `+` and `/`: the pass-through forwards it as one encoded
/// segment, so the key is removed, and a `/` anywhere else is still refused.
#[tokio::test]
async fn pelicans_ssh_key_removal_passes_with_its_encoded_fingerprint() {
    let harness = Harness::with(common::Options {
        sandbox: ptero_sandbox::SandboxConfig::fast_flavored(ptero_api::Flavor::Pelican),
        ..common::Options::default()
    })
    .await;
    let key = harness.sandbox.key(seed::keys::ADMIN);
    let send = |method: &'static str, target: String, body: String| {
        let (harness, key) = (&harness, key.clone());
        async move { raw_with_key(harness, &key, method, &target, &body).await }
    };
    // Its fingerprint has both: mKqU+0K8OhKmA8bBQi9Rz0Q5l7/g160hIP+rJYSTNj4.
    let public_key =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g desk";
    let body = serde_json::json!({ "name": "desk", "public_key": public_key }).to_string();
    let (status, text) = send("POST", "/panel/api/client/account/ssh-keys".into(), body).await;
    assert_eq!(status, 200, "{text}");
    let fingerprint = "mKqU+0K8OhKmA8bBQi9Rz0Q5l7/g160hIP+rJYSTNj4";
    assert!(text.contains(fingerprint), "{text}");
    let encoded = fingerprint.replace('+', "%2B").replace('/', "%2F");
    harness.sandbox.reset_requests();
    let (status, text) = send(
        "DELETE",
        format!("/panel/api/client/account/ssh-keys/{encoded}"),
        String::new(),
    )
    .await;
    assert_eq!(status, 204, "{text}");
    let targets: Vec<String> = harness
        .sandbox
        .request_log()
        .into_iter()
        .map(|entry| format!("{} {}", entry.method, entry.target))
        .collect();
    assert_eq!(
        targets,
        [format!("DELETE /api/client/account/ssh-keys/{encoded}")]
    );
    let (_, text) = send(
        "GET",
        "/panel/api/client/account/ssh-keys".into(),
        String::new(),
    )
    .await;
    assert!(!text.contains(fingerprint), "removed: {text}");
    // The wider segment is the fingerprint's only: not a way past the allow-list.
    harness.sandbox.reset_requests();
    for target in [
        "/panel/api/client/account/ssh-keys/..%2F..%2F__sandbox%2Fnodes",
        "/panel/api/client/account%2Fssh-keys/x",
        "/panel/api/client/servers/1a7c3f02%2F..%2F..%2F__sandbox/resources",
    ] {
        let (status, text) = send("DELETE", target.into(), String::new()).await;
        assert_eq!(status, 400, "{target}: {text}");
    }
    assert!(harness.sandbox.request_log().is_empty());
}

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
    let mut stream = TcpStream::connect(harness.origin.addr())
        .await
        .expect("connect");
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        harness.origin.addr(),
        seed::keys::ADMIN,
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

//! The server's SFTP details with copy buttons and an `sftp://` link (a desktop client
//! opens it), from the node's address and the account's user name.

use leptos::prelude::*;
use ptero_api::SftpDetails;

use super::glance::CopyValue;
use crate::api::{Load, PanelClient};
use crate::components::ErrorNote;

/// `sftp://user@host:port`; an IPv6 host goes in brackets.
pub fn sftp_link(user: &str, host: &str, port: u16) -> String {
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let user = js_sys::encode_uri_component(user);
    format!("sftp://{user}@{host}:{port}")
}

#[component]
pub fn Sftp(client: PanelClient, sftp: SftpDetails, server: String) -> impl IntoView {
    let account = Load::new(move || {
        let client = client.clone();
        async move { client.account().await }
    });
    view! {
        <section class="sftp" aria-labelledby="sftp-title" data-testid="sftp">
            <h2 id="sftp-title">"SFTP"</h2>
            {move || match account.answer() {
                None => view! { <p class="loading">"Loading account…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error/> }.into_any(),
                Some(Ok(account)) => {
                    // The panel's SFTP user name is "<username>.<server identifier>".
                    let user = format!("{}.{}", account.username, server);
                    let link = sftp_link(&user, &sftp.ip, sftp.port);
                    view! {
                        <dl class="copy-list">
                            <dt>"Host"</dt><dd><CopyValue label="host" value=sftp.ip.clone()/></dd>
                            <dt>"Port"</dt><dd><CopyValue label="port" value=sftp.port.to_string()/></dd>
                            <dt>"User name"</dt><dd><CopyValue label="user name" value=user/></dd>
                            <dt>"Password"</dt><dd class="muted">"Your panel password"</dd>
                        </dl>
                        <p><a class="button" href=link.clone() data-testid="sftp-link">"Open in an SFTP client"</a>
                            " " <code class="muted">{link}</code></p>
                    }.into_any()
                }
            }}
        </section>
    }
}

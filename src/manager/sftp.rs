//! The server's SFTP details with copy buttons and an `sftp://` link (a desktop client
//! opens it), from the node's address and the account's user name.

use crate::i18n::ui::t;
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
                None => view! { <p class="loading">{t("sftp.loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error/> }.into_any(),
                Some(Ok(account)) => {
                    // The panel's SFTP user name is "<username>.<server identifier>".
                    let user = format!("{}.{}", account.username, server);
                    let link = sftp_link(&user, &sftp.ip, sftp.port);
                    view! {
                        <dl class="copy-list">
                            <dt>{t("sftp.host")}</dt><dd><CopyValue label=t("sftp.the_host") value=sftp.ip.clone()/></dd>
                            <dt>{t("sftp.port")}</dt><dd><CopyValue label=t("sftp.the_port") value=sftp.port.to_string()/></dd>
                            <dt>{t("sftp.user")}</dt><dd><CopyValue label=t("sftp.the_user") value=user/></dd>
                            <dt>{t("sftp.password")}</dt><dd class="muted">{t("sftp.password_hint")}</dd>
                        </dl>
                        <p><a class="button" href=link.clone() data-testid="sftp-link">{t("sftp.open")}</a>
                            " " <code class="muted">{link}</code></p>
                    }.into_any()
                }
            }}
        </section>
    }
}

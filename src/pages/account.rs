//! The account's details and the server's SFTP connection details, with copy buttons.

use leptos::prelude::*;
use ptero_api::SftpDetails;

use crate::api::{Load, PanelClient};
use crate::components::ErrorNote;

fn copy(text: String) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(&text);
    }
}

#[component]
fn CopyRow(label: &'static str, value: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = value.clone();
    view! {
        <dt>{label}</dt>
        <dd>
            <code>{value}</code> " "
            <button type="button" class="link" aria-label=format!("Copy {label}")
                on:click=move |_| { copy(text.clone()); copied.set(true); }>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </dd>
    }
}

#[component]
pub fn AccountAndSftp(client: PanelClient, sftp: SftpDetails, server: String) -> impl IntoView {
    let account = Load::new(move || {
        let client = client.clone();
        async move { client.account().await }
    });
    view! {
        <section class="account" aria-labelledby="sftp-title">
            <h2 id="sftp-title">"SFTP and account"</h2>
            {move || match account.answer() {
                None => view! { <p class="loading">"Loading account…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error/> }.into_any(),
                Some(Ok(account)) => view! {
                    <dl>
                        <CopyRow label="Host" value=sftp.ip.clone()/>
                        <CopyRow label="Port" value=sftp.port.to_string()/>
                        // The panel's SFTP user name is "<username>.<server identifier>".
                        <CopyRow label="Username" value=format!("{}.{}", account.username, server)/>
                        <dt>"Account"</dt>
                        <dd>{format!("{} {} <{}>", account.first_name, account.last_name, account.email)}</dd>
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}

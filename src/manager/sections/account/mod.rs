//! `/account`: who the key belongs to, its API keys ([`api_keys`]), SSH keys
//! ([`ssh_keys`]), email, password and two-factor status ([`credentials`]), and the
//! account's activity. It works on the panel in use.

mod api_keys;
mod credentials;
mod ssh_keys;

use crate::i18n::ui::t;
use leptos::prelude::*;
use ptero_api::{Flavor, KeyKind};

use super::activity::ActivityLogView;
use crate::api::{ActivityOf, Load, PanelClient};
use crate::components::{ErrorNote, RequireSignIn};
use crate::session::use_session;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! { <RequireSignIn><Account/></RequireSignIn> }
}

/// What the account page needs: the client and the key in use (its identifier is
/// marked in the key list, its flavour picks Pelican's routes).
#[derive(Clone)]
pub struct AccountContext {
    pub client: PanelClient,
    pub key_identifier: String,
    pub flavor: Flavor,
}

#[component]
fn Account() -> impl IntoView {
    let session = use_session();
    let Some(context) = session.context() else {
        return ().into_any();
    };
    let client = context.client.clone();
    let account = Load::new(move || {
        let client = client.clone();
        async move { client.account().await }
    });
    view! {
        <div class="account-page" data-testid="account-page">
            <section class="sheet" aria-labelledby="account-title">
                <h1 id="account-title">{t("account.title")}</h1>
                {move || match account.answer() {
                    None => view! { <p class="loading" aria-busy="true">{t("sftp.loading")}</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| account.reload())/> }.into_any(),
                    Some(Ok(account)) => view! {
                        <dl class="facts">
                            <dt>{t("databases.username")}</dt><dd>{account.username.clone()}</dd>
                            <dt>{t("account.name")}</dt><dd>{format!("{} {}", account.first_name, account.last_name)}</dd>
                            <dt>{t("account.email")}</dt><dd data-testid="account-email">{account.email.clone()}</dd>
                            {account.admin.then(|| view! { <dt>{t("account.role")}</dt><dd>{t("account.admin")}</dd> })}
                        </dl>
                    }.into_any(),
                }}
            </section>
            <api_keys::ApiKeys context=context.clone()/>
            <ssh_keys::SshKeys context=context.clone()/>
            <credentials::Credentials context=context.clone() account/>
            <ActivityLogView client=context.client.clone() of=ActivityOf::Account title=t("account.activity")/>
        </div>
    }
    .into_any()
}

impl crate::session::Session {
    /// The account page's view of the connection in use.
    pub fn context(&self) -> Option<AccountContext> {
        let client = self.client()?;
        let key = self.active_key()?;
        let flavor = match key.kind() {
            KeyKind::PelicanClient | KeyKind::PelicanApplication => Flavor::Pelican,
            _ => Flavor::Pterodactyl112,
        };
        Some(AccountContext {
            client,
            key_identifier: key
                .expose_secret()
                .get(..ptero_api::key::IDENTIFIER_LENGTH)
                .unwrap_or_default()
                .to_owned(),
            flavor,
        })
    }
}

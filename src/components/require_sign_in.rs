//! Shows its children only with credentials; otherwise sends the user to /connect.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::session::use_session;

#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if session.is_signed_in() {
            children().into_any()
        } else {
            view! { <Redirect path="/connect"/> }.into_any()
        }
    }
}

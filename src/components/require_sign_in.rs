//! Shows its children only with credentials; otherwise sends the user to /connect.

use leptos::prelude::*;

use crate::router::use_router;
use crate::session::use_session;

#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    move || {
        if session.is_signed_in() {
            children().into_any()
        } else {
            // After this render: navigating re-renders the route that is rendering this.
            Effect::new(move |_| router.navigate("/connect"));
            ().into_any()
        }
    }
}

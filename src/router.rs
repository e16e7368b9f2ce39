//! The app's own router: the four places it has, read from `location.pathname`, kept in
//! a signal that `history.pushState` and the browser's back/forward buttons update.
//!
//! A general router (matching, nested routes, params) cost the bundle far more than these
//! four routes need; this is all the app uses of one.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where the app is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/`: the server list.
    Servers,
    /// `/connect`: panel URL and key.
    Connect,
    /// `/server/:id`: one server.
    Server { id: String },
    /// `/account`: API and SSH keys, email, password, two-factor, the account's activity.
    Account,
    /// `/panels`: the panels the app is connected to.
    Panels,
    /// Any other path.
    NotFound,
}

impl Route {
    /// The route at `pathname` (a trailing slash and a query are ignored).
    pub fn parse(pathname: &str) -> Route {
        let pathname = pathname.split(['?', '#']).next().unwrap_or(pathname);
        let path = pathname.strip_suffix('/').unwrap_or(pathname);
        match path {
            "" => Route::Servers,
            "/connect" => Route::Connect,
            "/account" => Route::Account,
            "/panels" => Route::Panels,
            _ => match path.strip_prefix("/server/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Route::Server { id: id.into() },
                _ => Route::NotFound,
            },
        }
    }
}

/// Whether a link to `href` is the current page for `pathname`: the same path (trailing
/// slash aside), or a page nested under it (never under `/`, which is a page of its own).
pub fn is_current(href: &str, pathname: &str) -> bool {
    let (href, path) = (href.trim_end_matches('/'), pathname.trim_end_matches('/'));
    path == href
        || (!href.is_empty()
            && path
                .strip_prefix(href)
                .is_some_and(|rest| rest.starts_with('/')))
}

fn pathname() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into())
}

/// Whether `href` is the page at `path`, whatever either's query.
fn same_page(href: &str, path: &str) -> bool {
    let bare = |text: &str| text.split('?').next().unwrap_or_default().to_owned();
    is_current(&bare(href), &bare(path))
}

/// The current path and route, provided at the app root; read it with [`use_router`].
#[derive(Clone, Copy)]
pub struct Router {
    path: RwSignal<String>,
    route: Memo<Route>,
}

impl Router {
    /// Reads the page's path, follows back/forward until the calling owner is cleaned up,
    /// and provides the router as context.
    pub fn provide() -> Router {
        let path = RwSignal::new(pathname());
        let router = Router {
            path,
            route: Memo::new(move |_| path.with(|p| Route::parse(p))),
        };
        let popstate = window_event_listener(leptos::ev::popstate, move |_| {
            path.try_set(pathname());
        });
        on_cleanup(move || popstate.remove());
        provide_context(router);
        router
    }

    /// The current route (tracked; changes only when the route does).
    pub fn route(&self) -> Route {
        self.route.get()
    }

    /// The current path (tracked).
    pub fn path(&self) -> String {
        self.path.get()
    }

    /// Goes to `path` without reloading: a new history entry (or the same one, when `path`
    /// is already the current one), the route signal follows, the page scrolls to the top.
    /// A `popstate` event tells the page's other router (the server page's bundle has its
    /// own) where the page went.
    pub fn navigate(&self, path: &str) {
        let window = window();
        if let Ok(history) = window.history() {
            let same = self.path.get_untracked() == path;
            let _ = if same {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
            } else {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
            };
        }
        self.path.set(path.to_string());
        if let Ok(event) = web_sys::PopStateEvent::new("popstate") {
            let _ = window.dispatch_event(&event);
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The router the app root provided.
pub fn use_router() -> Router {
    use_context::<Router>().expect("the app root provides the router")
}

/// Whether a click is one for the app to handle: a plain left click, not already handled,
/// on a link that does not ask for another window or a download.
pub fn plain_click(ev: &MouseEvent) -> bool {
    let link = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    !ev.default_prevented()
        && ev.button() == 0
        && !(ev.meta_key() || ev.ctrl_key() || ev.shift_key() || ev.alt_key())
        && link.is_some_and(|a| !a.has_attribute("target") && !a.has_attribute("download"))
}

/// Whether the page may be left: no unsaved editor changes, or the person agreed to drop
/// them. The flag is the page's `<html data-unsaved>` (set by the server page, which may be
/// another bundle); asking is this function's only job, so the first load carries no more
/// of the guard than this.
pub fn may_leave() -> bool {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return true;
    };
    if !root.has_attribute("data-unsaved") {
        return true;
    }
    let leave = window()
        .confirm_with_message(crate::i18n::ui::t("unsaved.confirm"))
        .unwrap_or(true);
    if leave {
        let _ = root.remove_attribute("data-unsaved");
    }
    leave
}

/// A real `<a href>` (open in a new tab, copy, middle click all work); a plain left click
/// navigates in place, after asking when the editor has unsaved changes.
/// `aria-current="page"` marks a link to the current page.
#[component]
pub fn Link(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let router = use_router();
    let target = href.clone();
    let current = {
        let href = href.clone();
        move || {
            router
                .path
                .with(|path| same_page(&href, path))
                .then_some("page")
        }
    };
    view! {
        <a href=href aria-current=current on:click=move |ev: MouseEvent| {
            if plain_click(&ev) {
                ev.prevent_default();
                if may_leave() {
                    router.navigate(&target);
                }
            }
        }>{children()}</a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_to_routes() {
        assert_eq!(Route::parse("/"), Route::Servers);
        assert_eq!(Route::parse(""), Route::Servers);
        assert_eq!(Route::parse("/connect"), Route::Connect);
        assert_eq!(Route::parse("/connect/"), Route::Connect);
        assert_eq!(Route::parse("/account"), Route::Account);
        assert_eq!(Route::parse("/panels/"), Route::Panels);
        assert_eq!(
            Route::parse("/server/1a7c3f02?panel=9f3e21aa"),
            Route::Server {
                id: "1a7c3f02".into()
            }
        );
        assert_eq!(
            Route::parse("/server/1a7c3f02"),
            Route::Server {
                id: "1a7c3f02".into()
            }
        );
        assert_eq!(
            Route::parse("/server/1a7c3f02/"),
            Route::Server {
                id: "1a7c3f02".into()
            }
        );
        for other in [
            "/server",
            "/server/",
            "/server/a/b",
            "/servers",
            "/connect/x",
            "/nope",
        ] {
            assert_eq!(Route::parse(other), Route::NotFound, "{other}");
        }
    }

    #[test]
    fn a_link_is_current_on_its_page_and_below_it() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/connect"));
        assert!(!is_current("/", "/server/abc"));
        assert!(is_current("/server/abc", "/server/abc"));
        assert!(is_current("/server/abc", "/server/abc/"));
        assert!(is_current("/server/abc", "/server/abc/files"));
        assert!(!is_current("/server/abc", "/server/abcd"));
        assert!(!is_current("/server/abc", "/"));
    }
}

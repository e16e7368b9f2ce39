//! Loads the server page's own bundle (`ptero-manager-*.js` + wasm) when the first
//! server page opens: the first load (connect and the server list) stays small, the file
//! manager, editor, backups and charts come on demand. The build names the module in
//! `<meta name="ptero-manager" content="/ptero-manager-HASH.js">`; the module defines
//! `<ptero-server-manager>`, which the shell renders.

use std::cell::RefCell;
use std::fmt;
use std::time::Duration;

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The element the bundle defines.
pub const MANAGER_TAG: &str = "ptero-server-manager";
/// How long the bundle may take to start once its script loaded.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// Why the server page's bundle is not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleError {
    /// This build names no bundle (a development build without `cargo xtask dist`).
    Missing,
    /// The script did not load (offline, or the server refused it).
    Failed,
    /// It loaded but did not start (its wasm did not load).
    NotStarted,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BundleError::Missing => {
                "This build of the app has no server page: build it with `cargo xtask dist`."
            }
            BundleError::Failed => {
                "The server page could not be downloaded: check the connection and try again."
            }
            BundleError::NotStarted => {
                "The server page was downloaded but did not start: reload the page to try again."
            }
        })
    }
}

thread_local! {
    /// The script added to the page, once.
    static ADDED: RefCell<bool> = const { RefCell::new(false) };
}

fn defined() -> bool {
    web_sys::window()
        .map(|w| w.custom_elements())
        .is_some_and(|registry| !registry.get(MANAGER_TAG).is_undefined())
}

/// Loads the bundle once per page; resolves when `<ptero-server-manager>` is defined.
pub async fn load_manager() -> Result<(), BundleError> {
    if defined() {
        return Ok(());
    }
    let window = web_sys::window().ok_or(BundleError::Failed)?;
    let document = window.document().ok_or(BundleError::Failed)?;
    if !ADDED.with(|added| *added.borrow()) {
        let url = document
            .query_selector("meta[name=ptero-manager]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .ok_or(BundleError::Missing)?;
        let script = document
            .create_element("script")
            .map_err(|_| BundleError::Failed)?;
        let _ = script.set_attribute("type", "module");
        let _ = script.set_attribute("src", &url);
        let (tx, rx) = oneshot::channel::<bool>();
        let tx = RefCell::new(Some(tx));
        let settle = std::rc::Rc::new(move |ok: bool| {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(ok);
            }
        });
        let (on_load, on_error) = {
            let (a, b) = (settle.clone(), settle);
            (
                Closure::<dyn FnMut()>::new(move || a(true)),
                Closure::<dyn FnMut()>::new(move || b(false)),
            )
        };
        let _ = script.add_event_listener_with_callback("load", on_load.as_ref().unchecked_ref());
        let _ = script.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
        document
            .head()
            .ok_or(BundleError::Failed)?
            .append_child(&script)
            .map_err(|_| BundleError::Failed)?;
        let loaded = rx.await.unwrap_or(false);
        drop((on_load, on_error));
        if !loaded {
            // A later try adds the script again.
            script.remove();
            return Err(BundleError::Failed);
        }
        ADDED.with(|added| *added.borrow_mut() = true);
    }
    let defined = JsFuture::from(
        window
            .custom_elements()
            .when_defined(MANAGER_TAG)
            .map_err(|_| BundleError::NotStarted)?,
    );
    let deadline = crate::live::sleep(START_DEADLINE);
    futures::pin_mut!(defined);
    match futures::future::select(defined, deadline).await {
        futures::future::Either::Left((Ok(_), _)) => Ok(()),
        _ => Err(BundleError::NotStarted),
    }
}

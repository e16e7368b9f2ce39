//! Uploads with progress: the one request of the one HTTP path that goes through
//! `XMLHttpRequest` (see [`Request::upload`]), aborted the same ways as the others.

use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::{scope, InFlight, Request, Transport};

/// What an upload answered: the status and the body's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub status: u16,
    pub text: String,
}

/// Ends an upload when dropped before it answered (its task was stopped): the request is
/// aborted and its handlers let go.
struct UploadGuard {
    xhr: web_sys::XmlHttpRequest,
    done: std::rc::Rc<std::cell::Cell<bool>>,
    signal: Option<AbortSignal>,
    on_abort: wasm_bindgen::closure::Closure<dyn FnMut()>,
    _on_progress: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::ProgressEvent)>,
    _on_end: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for UploadGuard {
    fn drop(&mut self) {
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        self.xhr.set_onloadend(None);
        if let Some(signal) = &self.signal {
            let _ = signal.remove_event_listener_with_callback(
                "abort",
                self.on_abort.as_ref().unchecked_ref(),
            );
        }
        if !self.done.get() {
            let _ = self.xhr.abort();
        }
    }
}

impl Request {
    /// Sends `form` (multipart) and reports `(sent, total)` bytes as they go up.
    ///
    /// `fetch` cannot report upload progress (a streamed request body needs HTTP/2, and
    /// Wings speaks HTTP/1.1), so this one request goes through `XMLHttpRequest`, as the
    /// panel's own UI does. It is aborted like every other request: with its scope's
    /// signal, or when the task awaiting it is dropped.
    pub async fn upload(
        self,
        form: &web_sys::FormData,
        progress: impl Fn(f64, f64) + 'static,
    ) -> Result<Uploaded, Transport> {
        let signal = self.signal.or_else(scope::current_signal);
        if signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(Transport::Aborted);
        }
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| Transport::Failed)?;
        xhr.open_with_async(self.method, &self.url, true)
            .map_err(|_| Transport::Failed)?;
        for (name, value) in &self.headers {
            xhr.set_request_header(name, value)
                .map_err(|_| Transport::Failed)?;
        }
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        let tx = std::cell::RefCell::new(Some(tx));
        let done = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_end = {
            let done = done.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                done.set(true);
                if let Some(tx) = tx.borrow_mut().take() {
                    let _ = tx.send(());
                }
            })
        };
        let on_progress = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
            move |event: web_sys::ProgressEvent| progress(event.loaded(), event.total()),
        );
        let on_abort = {
            let xhr = xhr.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let _ = xhr.abort();
            })
        };
        xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        if let Some(signal) = &signal {
            let _ =
                signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        let guard = UploadGuard {
            xhr: xhr.clone(),
            done,
            signal: signal.clone(),
            on_abort,
            _on_progress: on_progress,
            _on_end: on_end,
        };
        let counted = InFlight::new();
        xhr.send_with_opt_form_data(Some(form))
            .map_err(|_| Transport::Failed)?;
        let _ = rx.await;
        drop(counted);
        drop(guard);
        if signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(Transport::Aborted);
        }
        match xhr.status() {
            Ok(0) | Err(_) => Err(Transport::Failed),
            Ok(status) => Ok(Uploaded {
                status,
                text: xhr.response_text().ok().flatten().unwrap_or_default(),
            }),
        }
    }
}

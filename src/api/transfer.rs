//! Files to and from Wings over the panel's signed URLs: uploads go straight to Wings
//! (one fresh one-time URL per file, with progress), downloads are the browser's own
//! navigation to the URL. Never through the origin's pass-through.

use js_sys::Array;
use wasm_bindgen::JsCast;

use super::{ApiError, PanelClient, Request, Transport};

/// Uploads `file` into `directory` and reports `(sent, total)` bytes as it goes.
pub async fn upload(
    client: &PanelClient,
    server: &str,
    directory: &str,
    file: &web_sys::File,
    progress: impl Fn(f64, f64) + 'static,
) -> Result<(), ApiError> {
    let url = client.upload_url(server, directory).await?;
    let form = web_sys::FormData::new().map_err(|_| ApiError::Decode("no FormData".into()))?;
    form.append_with_blob_and_filename("files", file, &file.name())
        .map_err(|_| ApiError::Decode("the file could not be read".into()))?;
    let host = host_of(&url);
    match Request::post(url).upload(&form, progress).await {
        Ok(answer) if (200..300).contains(&answer.status) => Ok(()),
        Ok(answer) => Err(ApiError::Wings {
            status: answer.status,
            detail: wings_sentence(&answer.text),
        }),
        Err(Transport::Aborted) => Err(ApiError::Aborted),
        Err(Transport::Failed) => Err(ApiError::WingsUnreachable { host }),
    }
}

/// Wings' `{"error": "…"}`, or the body itself.
fn wings_sentence(body: &str) -> String {
    super::browser_json::BrowserJson::parse(body)
        .and_then(|json| {
            use ptero_api::json_view::JsonView;
            json.member("error")?.string()
        })
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn host_of(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.host())
        .unwrap_or_else(|_| url.to_owned())
}

/// Starts the browser's download of `url` (a signed Wings URL: it answers with
/// `Content-Disposition: attachment`, so the page stays).
pub fn download(url: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", url);
    let _ = link.set_attribute("download", "");
    let _ = link.set_attribute("rel", "noopener");
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
}

/// The files of a drop or a file input, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    let array = Array::from(&list);
    array
        .iter()
        .filter_map(|file| file.dyn_into::<web_sys::File>().ok())
        .collect()
}

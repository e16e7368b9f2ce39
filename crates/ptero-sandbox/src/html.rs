//! Minimal HTML for the sandbox panel's own pages, every interpolated text escaped.

pub use axum::response::Html;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A page with a title and one paragraph (both escaped here).
pub fn page(title: &str, text: &str) -> String {
    page_with_body(title, &format!("<p>{}</p>", escape(text)))
}

/// A page with a title (escaped here) and a body that is already safe HTML.
pub fn page_with_body(title: &str, body_html: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} - Pterodactyl (sandbox)</title></head>\n<body><h1>{}</h1>\n{body_html}\n</body></html>\n",
        escape(title),
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}

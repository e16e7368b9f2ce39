//! ANSI colour codes (SGR) in console lines turned into styled text segments. Output is
//! rendered as text nodes, never as HTML: console text is server data.

use leptos::prelude::*;

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// `ansi-fg-1` … `ansi-fg-15` style classes plus `ansi-bold`; empty for plain text.
    pub class: String,
}

#[derive(Default, Clone, Copy, PartialEq)]
struct Style {
    fg: Option<u8>,
    bold: bool,
}

impl Style {
    fn class(self) -> String {
        let mut class = String::new();
        if let Some(fg) = self.fg {
            class.push_str(&format!("ansi-fg-{fg}"));
        }
        if self.bold {
            if !class.is_empty() {
                class.push(' ');
            }
            class.push_str("ansi-bold");
        }
        class
    }

    fn apply(&mut self, params: &str) {
        let codes: Vec<u16> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
        let mut i = 0;
        while i < codes.len() {
            match codes[i] {
                0 => *self = Style::default(),
                1 => self.bold = true,
                22 => self.bold = false,
                c @ 30..=37 => self.fg = Some((c - 30) as u8),
                c @ 90..=97 => self.fg = Some((c - 90 + 8) as u8),
                39 => self.fg = None,
                // 38;5;n and 38;2;r;g;b: skip their arguments (kept uncoloured).
                38 => i += if codes.get(i + 1) == Some(&5) { 2 } else { 4 },
                _ => {}
            }
            i += 1;
        }
    }
}

/// Splits `line` into styled segments, dropping escape sequences it does not render.
pub fn parse(line: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut style = Style::default();
    let mut text = String::new();
    let mut chars = line.chars().peekable();
    let flush = |text: &mut String, style: Style, segments: &mut Vec<Segment>| {
        if !text.is_empty() {
            segments.push(Segment {
                text: std::mem::take(text),
                class: style.class(),
            });
        }
    };
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            if c >= ' ' || c == '\t' {
                text.push(c);
            }
            continue;
        }
        match chars.next() {
            Some('[') => {}
            // Charset designations (ESC ( B) carry one more character; drop them whole.
            Some('(' | ')' | '*' | '+') => {
                chars.next();
                continue;
            }
            _ => continue, // a two-character escape: drop it
        }
        let mut params = String::new();
        let mut last = None;
        for p in chars.by_ref() {
            if ('@'..='~').contains(&p) {
                last = Some(p);
                break;
            }
            params.push(p);
        }
        if last == Some('m') {
            flush(&mut text, style, &mut segments);
            style.apply(&params);
        }
    }
    flush(&mut text, style, &mut segments);
    segments
}

/// One console line as styled spans (text only).
#[component]
pub fn AnsiLine(line: String) -> impl IntoView {
    view! {
        <div class="console-line">
            {parse(&line).into_iter().map(|s| view! { <span class=s.class>{s.text}</span> }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(text: &str, class: &str) -> Segment {
        Segment {
            text: text.into(),
            class: class.into(),
        }
    }

    #[test]
    fn colours_and_reset_become_classes() {
        assert_eq!(
            parse("\u{1b}[33mwarn\u{1b}[0m done"),
            vec![seg("warn", "ansi-fg-3"), seg(" done", "")]
        );
        assert_eq!(
            parse("\u{1b}[1;92mok"),
            vec![seg("ok", "ansi-fg-10 ansi-bold")]
        );
    }

    #[test]
    fn markup_in_console_text_stays_text() {
        assert_eq!(
            parse("<img src=x onerror=alert(1)>"),
            vec![seg("<img src=x onerror=alert(1)>", "")]
        );
    }

    #[test]
    fn unknown_escapes_and_control_characters_are_dropped() {
        assert_eq!(parse("a\u{1b}[2Kb\u{7}c\u{1b}(B"), vec![seg("abc", "")]);
        assert_eq!(
            parse("\u{1b}[38;5;208mx\u{1b}[39my"),
            vec![seg("x", ""), seg("y", "")]
        );
        assert_eq!(parse("\u{1b}["), vec![]);
    }
}

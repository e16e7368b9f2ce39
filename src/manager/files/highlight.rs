//! Syntax highlighting for the editor: the formats game servers keep their settings in
//! (`.properties`, YAML, JSON, TOML, XML, INI/`.cfg`, shell scripts), one line at a time
//! into runs of `(class, text)`. The runs only colour a mirror of the text area; they
//! never reach the page as HTML.
//!
//! Hand-written: a highlighting crate (syntect, tree-sitter) carries grammars and regex
//! engines worth hundreds of KB of wasm; these seven formats need a few token rules each.
//!
//! Longer than ~300 lines: seven small tokenizers and their tests, one screen each.

/// A language the editor colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Properties,
    Yaml,
    Json,
    Toml,
    Xml,
    Ini,
    Shell,
    Plain,
}

impl Language {
    /// By the file's name.
    pub fn of(name: &str) -> Language {
        let lower = name.to_ascii_lowercase();
        let extension = lower.rsplit_once('.').map_or("", |(_, ext)| ext);
        match extension {
            "properties" | "env" => Language::Properties,
            "yml" | "yaml" => Language::Yaml,
            "json" | "mcmeta" | "json5" => Language::Json,
            "toml" => Language::Toml,
            "xml" | "html" | "htm" | "svg" => Language::Xml,
            "ini" | "cfg" | "conf" => Language::Ini,
            "sh" | "bash" | "zsh" | "command" => Language::Shell,
            _ if lower == "eula.txt" => Language::Properties,
            _ => Language::Plain,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Properties => "Properties",
            Language::Yaml => "YAML",
            Language::Json => "JSON",
            Language::Toml => "TOML",
            Language::Xml => "XML",
            Language::Ini => "INI",
            Language::Shell => "Shell",
            Language::Plain => "Plain text",
        }
    }

    pub const ALL: [Language; 8] = [
        Language::Properties,
        Language::Yaml,
        Language::Json,
        Language::Toml,
        Language::Xml,
        Language::Ini,
        Language::Shell,
        Language::Plain,
    ];
}

/// One run of a line: a class (`tok-key`, `tok-string`, … or `""`) and its text.
pub type Run = (&'static str, String);

const KEY: &str = "tok-key";
const STRING: &str = "tok-string";
const NUMBER: &str = "tok-number";
const COMMENT: &str = "tok-comment";
const KEYWORD: &str = "tok-keyword";
const PUNCT: &str = "tok-punct";
const SECTION: &str = "tok-section";
const TAG: &str = "tok-tag";
const VARIABLE: &str = "tok-variable";

/// Collects runs, merging neighbours of one class.
#[derive(Default)]
struct Runs(Vec<Run>);

impl Runs {
    fn push(&mut self, class: &'static str, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some((last, existing)) if *last == class => existing.push_str(text),
            _ => self.0.push((class, text.to_owned())),
        }
    }
}

/// The runs of `line` in `language`; their texts joined are `line`.
pub fn line(language: Language, line: &str) -> Vec<Run> {
    let mut runs = Runs::default();
    match language {
        Language::Properties | Language::Ini => {
            key_value(&mut runs, line, language == Language::Ini)
        }
        Language::Toml => toml(&mut runs, line),
        Language::Yaml => yaml(&mut runs, line),
        Language::Json => json(&mut runs, line),
        Language::Xml => xml(&mut runs, line),
        Language::Shell => shell(&mut runs, line),
        Language::Plain => runs.push("", line),
    }
    runs.0
}

fn is_number(word: &str) -> bool {
    let word = word.trim();
    !word.is_empty()
        && word
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && word.chars().any(|c| c.is_ascii_digit())
}

/// A value: numbers, booleans, quoted strings, else plain.
fn value(runs: &mut Runs, text: &str) {
    let trimmed = text.trim();
    let class = if is_number(trimmed) {
        NUMBER
    } else if matches!(
        trimmed,
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
    ) {
        KEYWORD
    } else if trimmed.len() >= 2
        && ((trimmed.starts_with('"') && trimmed.ends_with('"'))
            || (trimmed.starts_with('\'') && trimmed.ends_with('\'')))
    {
        STRING
    } else {
        ""
    };
    runs.push(class, text);
}

/// `.properties` / `.ini`: `# comment`, `[section]` (ini), `key=value` or `key: value`.
fn key_value(runs: &mut Runs, line: &str, sections: bool) {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with(';') || trimmed.starts_with('!') {
        return runs.push(COMMENT, line);
    }
    if sections && trimmed.starts_with('[') {
        return runs.push(SECTION, line);
    }
    match line.find(['=', ':']) {
        Some(at) => {
            runs.push(KEY, &line[..at]);
            runs.push(PUNCT, &line[at..at + 1]);
            value(runs, &line[at + 1..]);
        }
        None => runs.push("", line),
    }
}

/// The end of a quoted string starting at `start` (its quote), past the closing quote.
fn string_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let quote = bytes[start];
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b if b == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// A comment starting at an unquoted `#`.
fn split_comment(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' | b'\'' => at = string_end(line, at),
            b'#' => return (&line[..at], &line[at..]),
            _ => at += 1,
        }
    }
    (line, "")
}

fn toml(runs: &mut Runs, line: &str) {
    let (code, comment) = split_comment(line);
    if code.trim_start().starts_with('[') {
        runs.push(SECTION, code);
    } else if let Some(at) = code.find('=') {
        runs.push(KEY, &code[..at]);
        runs.push(PUNCT, "=");
        value(runs, &code[at + 1..]);
    } else {
        runs.push("", code);
    }
    runs.push(COMMENT, comment);
}

fn yaml(runs: &mut Runs, line: &str) {
    let (code, comment) = split_comment(line);
    let indent = code.len() - code.trim_start().len();
    runs.push("", &code[..indent]);
    let mut rest = &code[indent..];
    if let Some(item) = rest
        .strip_prefix("- ")
        .or_else(|| (rest == "-").then_some(""))
    {
        runs.push(PUNCT, &rest[..rest.len() - item.len()]);
        rest = item;
    }
    let key_end = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len));
    match key_end {
        Some(at) if !rest.starts_with(['"', '\'']) || rest[..at].ends_with(['"', '\'']) => {
            runs.push(KEY, &rest[..at]);
            runs.push(PUNCT, ":");
            value(runs, &rest[at + 1..]);
        }
        _ => value(runs, rest),
    }
    runs.push(COMMENT, comment);
}

fn json(runs: &mut Runs, line: &str) {
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c == b'"' {
            let end = string_end(line, at);
            let is_key = line[end..].trim_start().starts_with(':');
            runs.push(if is_key { KEY } else { STRING }, &line[at..end]);
            at = end;
        } else if c.is_ascii_digit() || c == b'-' {
            let end = line[at..]
                .find(|ch: char| {
                    !(ch.is_ascii_digit() || matches!(ch, '.' | '-' | '+' | 'e' | 'E'))
                })
                .map_or(line.len(), |n| at + n);
            runs.push(NUMBER, &line[at..end]);
            at = end;
        } else if c.is_ascii_alphabetic() {
            let end = line[at..]
                .find(|ch: char| !ch.is_ascii_alphabetic())
                .map_or(line.len(), |n| at + n);
            runs.push(KEYWORD, &line[at..end]);
            at = end;
        } else {
            let ch = line[at..].chars().next().map_or(1, char::len_utf8);
            let class = if matches!(c, b'{' | b'}' | b'[' | b']' | b':' | b',') {
                PUNCT
            } else {
                ""
            };
            runs.push(class, &line[at..at + ch]);
            at += ch;
        }
    }
}

fn xml(runs: &mut Runs, line: &str) {
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").map_or(rest.len(), |n| n + 7);
            runs.push(COMMENT, &rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let Some(open) = rest.find('<') else {
            runs.push("", rest);
            break;
        };
        runs.push("", &rest[..open]);
        let tag = &rest[open..];
        let close = tag.find('>').map_or(tag.len(), |n| n + 1);
        let inside = &tag[..close];
        let name_end = inside[1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(inside.len(), |n| n + 1)
            .max(1);
        let name_end = if inside[1..].starts_with('/') {
            inside[2..]
                .find(|c: char| c.is_whitespace() || c == '>')
                .map_or(inside.len(), |n| n + 2)
        } else {
            name_end
        };
        runs.push(TAG, &inside[..name_end]);
        let mut attrs = &inside[name_end..];
        while !attrs.is_empty() {
            if attrs.starts_with(['"', '\'']) {
                let end = string_end(attrs, 0);
                runs.push(STRING, &attrs[..end]);
                attrs = &attrs[end..];
            } else if attrs.starts_with(['>', '/', '?']) {
                runs.push(TAG, &attrs[..1]);
                attrs = &attrs[1..];
            } else {
                let end = attrs
                    .find(['"', '\'', '>', '/', '?'])
                    .unwrap_or(attrs.len());
                let (names, equals) = match attrs[..end].rfind('=') {
                    Some(eq) => (&attrs[..eq], &attrs[eq..end]),
                    None => (&attrs[..end], ""),
                };
                runs.push(KEY, names);
                runs.push(PUNCT, equals);
                attrs = &attrs[end..];
            }
        }
        rest = &tag[close..];
    }
}

const SHELL_WORDS: [&str; 20] = [
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case",
    "esac", "function", "return", "export", "local", "exit", "cd", "echo",
];

fn shell(runs: &mut Runs, line: &str) {
    let (code, comment) = if line.trim_start().starts_with('#') {
        ("", line)
    } else {
        match line.find(" #") {
            Some(at) => (&line[..at + 1], &line[at + 1..]),
            None => (line, ""),
        }
    };
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c == b'"' || c == b'\'' {
            let end = string_end(code, at);
            runs.push(STRING, &code[at..end]);
            at = end;
        } else if c == b'$' {
            let end = if code[at + 1..].starts_with('{') {
                code[at..].find('}').map_or(code.len(), |n| at + n + 1)
            } else {
                code[at + 1..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .map_or(code.len(), |n| at + 1 + n)
            };
            runs.push(VARIABLE, &code[at..end.max(at + 1)]);
            at = end.max(at + 1);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = code[at..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'))
                .map_or(code.len(), |n| at + n);
            let word = &code[at..end];
            runs.push(
                if SHELL_WORDS.contains(&word) {
                    KEYWORD
                } else {
                    ""
                },
                word,
            );
            at = end;
        } else {
            let ch = code[at..].chars().next().map_or(1, char::len_utf8);
            runs.push("", &code[at..at + ch]);
            at += ch;
        }
    }
    runs.push(COMMENT, comment);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(language: Language, text: &str) -> Vec<(&'static str, String)> {
        let runs = line(language, text);
        assert_eq!(
            runs.iter().map(|(_, t)| t.as_str()).collect::<String>(),
            text,
            "lossless"
        );
        runs
    }

    fn has(runs: &[Run], class: &str, text: &str) -> bool {
        runs.iter().any(|(c, t)| *c == class && t == text)
    }

    #[test]
    fn languages_come_from_the_name() {
        assert_eq!(Language::of("server.properties"), Language::Properties);
        assert_eq!(Language::of("config/paper-global.YML"), Language::Yaml);
        assert_eq!(Language::of("ops.json"), Language::Json);
        assert_eq!(Language::of("Cargo.toml"), Language::Toml);
        assert_eq!(Language::of("log4j2.xml"), Language::Xml);
        assert_eq!(Language::of("server.cfg"), Language::Ini);
        assert_eq!(Language::of("start.sh"), Language::Shell);
        assert_eq!(Language::of("notes.txt"), Language::Plain);
    }

    #[test]
    fn each_language_marks_its_tokens() {
        let p = classes(Language::Properties, "max-players=20");
        assert!(has(&p, "tok-key", "max-players") && has(&p, "tok-number", "20"));
        assert!(has(
            &classes(Language::Properties, "# comment"),
            "tok-comment",
            "# comment"
        ));
        let y = classes(Language::Yaml, "  motd: \"hi\" # greet");
        assert!(
            has(&y, "tok-key", "motd")
                && has(&y, "tok-string", " \"hi\" ")
                && has(&y, "tok-comment", "# greet")
        );
        assert!(has(
            &classes(Language::Yaml, "- enabled: true"),
            "tok-keyword",
            " true"
        ));
        let j = classes(
            Language::Json,
            r#"{"name": "Notch", "level": 4, "op": true}"#,
        );
        assert!(has(&j, "tok-key", "\"name\"") && has(&j, "tok-string", "\"Notch\""));
        assert!(has(&j, "tok-number", "4") && has(&j, "tok-keyword", "true"));
        let t = classes(Language::Toml, "[server] # x");
        assert!(has(&t, "tok-section", "[server] ") && has(&t, "tok-comment", "# x"));
        let x = classes(
            Language::Xml,
            r#"<Logger name="x" level="info"/><!-- c -->"#,
        );
        assert!(
            has(&x, "tok-tag", "<Logger")
                && has(&x, "tok-string", "\"x\"")
                && has(&x, "tok-comment", "<!-- c -->")
        );
        assert!(has(
            &classes(Language::Ini, "[general]"),
            "tok-section",
            "[general]"
        ));
        let s = classes(
            Language::Shell,
            "if [ -f \"$JAR\" ]; then java -jar ${JAR} # run",
        );
        assert!(has(&s, "tok-keyword", "if") && has(&s, "tok-string", "\"$JAR\""));
        assert!(has(&s, "tok-variable", "${JAR}") && has(&s, "tok-comment", "# run"));
    }

    #[test]
    fn odd_lines_lose_nothing() {
        for language in Language::ALL {
            for text in [
                "",
                "\"unterminated",
                "<a href='x",
                "${",
                "key=",
                "é=ü # ö",
                "- ",
                "[[a]]",
                "-",
                "<",
                "$",
            ] {
                classes(language, text);
            }
        }
    }
}

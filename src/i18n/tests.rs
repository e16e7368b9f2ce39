use super::*;
use std::collections::BTreeSet;

/// The folders of catalogs: the card's (and the components it shares with the app), the
/// app's first load, the server manager.
const FOLDERS: &[&str] = &["card", "app", "manager"];

/// Every catalog of `folder`, English first, read from the source tree (all but English
/// are fetched at run time).
fn catalogs(folder: &str) -> Vec<(String, &'static str)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("i18n")
        .join(folder);
    let mut tags: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .into_string()
                .ok()?
                .strip_suffix(".txt")
                .map(str::to_owned)
        })
        .collect();
    tags.sort_by_key(|tag| (tag != "en", tag.clone()));
    tags.into_iter()
        .map(|tag| {
            let text = std::fs::read_to_string(dir.join(format!("{tag}.txt"))).expect("catalog");
            (tag, &*Box::leak(text.into_boxed_str()))
        })
        .collect()
}

#[test]
fn every_language_has_a_catalog_file_and_no_file_is_left_out() {
    let listed: BTreeSet<String> = LANGUAGES
        .iter()
        .map(|t| t.to_string())
        .chain(["en".into()])
        .collect();
    for folder in FOLDERS {
        let known: BTreeSet<String> = catalogs(folder).into_iter().map(|(tag, _)| tag).collect();
        assert_eq!(listed, known, "i18n/{folder}");
    }
    assert_eq!(catalogs("card")[0].1, ENGLISH);
    assert_eq!(catalogs("app")[0].1, ui::APP_TEXTS.english);
    assert_eq!(catalogs("manager")[0].1, ui::MANAGER_TEXTS.english);
    let named: BTreeSet<String> = ui::NAMES.iter().map(|(t, _)| t.to_string()).collect();
    assert_eq!(named, listed, "the language setting offers every language");
}

/// `key` without its plural category (`card.players.few` → `card.players`).
fn base(key: &str) -> &str {
    for category in [".zero", ".one", ".two", ".few", ".many", ".other"] {
        if let Some(stem) = key.strip_suffix(category) {
            return stem;
        }
    }
    key
}

fn entries(catalog: &'static str) -> Vec<(&'static str, &'static str)> {
    catalog
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (key, text) = line
                .split_once(" = ")
                .unwrap_or_else(|| panic!("not `key = text`: {line:?}"));
            (key.trim(), text.trim())
        })
        .collect()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    (0..4)
        .map(|i| format!("{{{i}}}"))
        .filter(|p| text.contains(p.as_str()))
        .collect()
}

#[test]
fn every_catalog_translates_every_key_with_the_same_placeholders() {
    for folder in FOLDERS {
        every_key_translated(&catalogs(folder), folder);
    }
}

fn every_key_translated(catalogs: &[(String, &'static str)], folder: &str) {
    let english = entries(catalogs[0].1);
    for (tag, catalog) in catalogs {
        let code = format!("{folder}/{tag}");
        let own = entries(catalog);
        let keys: BTreeSet<&str> = own.iter().map(|(k, _)| base(k)).collect();
        for (key, text) in &english {
            assert!(keys.contains(base(key)), "{code}: {key} is not translated");
            let Some((_, translated)) = own
                .iter()
                .find(|(k, _)| base(k) == base(key) && (k == key || key.ends_with(".other")))
            else {
                continue;
            };
            assert_eq!(
                placeholders(translated),
                placeholders(text),
                "{code}: {key} keeps its placeholders"
            );
        }
        for (key, text) in &own {
            assert!(!text.is_empty(), "{code}: {key} is empty");
            assert!(
                english.iter().any(|(k, _)| base(k) == base(key)),
                "{code}: {key} is not a key of the English catalog"
            );
        }
        let unique: BTreeSet<&str> = own.iter().map(|(k, _)| *k).collect();
        assert_eq!(unique.len(), own.len(), "{code}: a key appears twice");
    }
}

#[test]
fn plural_keys_have_the_forms_each_language_uses() {
    for folder in FOLDERS {
        let catalogs = catalogs(folder);
        let plural_keys: BTreeSet<&str> = entries(catalogs[0].1)
            .into_iter()
            .filter(|(k, _)| base(k) != *k)
            .map(|(k, _)| base(k))
            .collect();
        assert!(folder != &"card" || !plural_keys.is_empty());
        plural_forms(&catalogs, &plural_keys);
    }
}

fn plural_forms(catalogs: &[(String, &'static str)], plural_keys: &BTreeSet<&str>) {
    for (code, catalog) in catalogs {
        let forms = match code.as_str() {
            "pl" | "ru" => &["one", "few", "many", "other"][..],
            _ => &["one", "other"][..],
        };
        for key in plural_keys {
            for form in forms {
                assert!(
                    lookup(catalog, &format!("{key}.{form}")).is_some(),
                    "{code}: {key}.{form}"
                );
            }
        }
    }
}

#[test]
fn the_language_is_chosen_by_its_primary_subtag_and_falls_back_to_english() {
    assert_eq!(catalog_tag("de-AT"), Some("de"));
    assert_eq!(catalog_tag("pt"), Some("pt-BR"));
    assert_eq!(catalog_tag("pt_PT"), Some("pt-BR"));
    assert_eq!(catalog_tag("EN-gb"), None);
    assert_eq!(catalog_tag("xx"), None);
    assert_eq!(catalog_tag(""), None);
    let de = catalogs("card")
        .into_iter()
        .find(|(tag, _)| tag == "de")
        .expect("de")
        .1;
    let german = Texts::with_catalog("de-AT", de);
    assert_eq!(
        german.get("power.start"),
        lookup(de, "power.start").unwrap()
    );
    assert!(!german.is_english());
    // A catalog that lacks a key: English for it.
    let partial = Texts::with_catalog("de", "power.start = Starten\n");
    assert_eq!(partial.get("power.stop"), "Stop");
    assert_eq!(Texts::new("pt_BR").lang(), "pt-BR");
    assert_eq!(Texts::new("xx").get("power.start"), "Start");
    assert_eq!(Texts::new("").get("power.start"), "Start");
    // Garbage in the attribute is no tag, and no trap.
    assert_eq!(Texts::new("<script>").lang(), "script");
    assert_eq!(Texts::new("--").lang(), "");
}

#[test]
fn texts_fill_their_placeholders_and_choose_plurals() {
    let en = Texts::english();
    assert_eq!(en.fill("card.server_is", &["running"]), "Server is running");
    assert_eq!(en.plural("card.players", 1.0, &["1", "1"]), "1 / 1 player");
    assert_eq!(
        en.plural("card.players", 20.0, &["12", "20"]),
        "12 / 20 players"
    );
    assert_eq!(en.get("no.such.key"), "");
    assert_eq!(en.duration_ms(7_500_000), "2h 5m");
    assert_eq!(en.duration_ms(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
}

/// The keys the app's sources ask for (`t("…")`, `tf("…"`, `tp("…"`), by file.
fn used_keys(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            used_keys(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source");
        let file = path.to_string_lossy().into_owned();
        // `t(` then the literal, also where rustfmt broke the call after its parenthesis.
        for call in ["t(", "tf(", "tp("] {
            let mut rest = source.as_str();
            while let Some(at) = rest.find(call) {
                let before = rest[..at].chars().next_back();
                rest = &rest[at + call.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let Some(literal) = rest.trim_start().strip_prefix('"') else {
                    continue;
                };
                let key = &literal[..literal.find('"').expect("a closed literal")];
                found.push((file.clone(), key.to_owned()));
            }
        }
    }
}

/// Every key the app and the manager ask for is in their English catalogs (the manager's
/// bundle has both; the first load only its own), and every key there is asked for: keys
/// are literals in the sources, so a typo or a left-over fails here, not in a browser.
#[test]
fn the_sources_ask_for_exactly_the_keys_the_english_catalogs_have() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    used_keys(&src, &mut found);
    let app: BTreeSet<&str> = entries(ui::APP_TEXTS.english)
        .into_iter()
        .map(|(k, _)| base(k))
        .collect();
    let manager: BTreeSet<&str> = entries(ui::MANAGER_TEXTS.english)
        .into_iter()
        .map(|(k, _)| base(k))
        .collect();
    let mut used = BTreeSet::new();
    for (file, key) in &found {
        let in_manager = file.contains("/src/manager/") || file.contains("/src/bin/manager");
        if file.contains("/src/card/") || file.contains("/src/i18n/") {
            continue;
        }
        let known = app.contains(key.as_str()) || (in_manager && manager.contains(key.as_str()));
        assert!(
            known,
            "{file} asks for `{key}`, which its bundle's English catalog lacks"
        );
        used.insert(key.as_str());
    }
    for key in app.iter().chain(&manager) {
        assert!(
            used.contains(key),
            "`{key}` is in an English catalog but no source asks for it"
        );
    }
}

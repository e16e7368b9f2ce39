use super::*;
use std::collections::BTreeSet;

/// Every catalog, English first (the others are fetched at run time; the tests read them
/// from the source tree).
const CATALOGS: &[(&str, &str)] = &[
    ("en", ENGLISH),
    ("de", include_str!("../../i18n/card/de.txt")),
    ("fr", include_str!("../../i18n/card/fr.txt")),
    ("es", include_str!("../../i18n/card/es.txt")),
    ("pl", include_str!("../../i18n/card/pl.txt")),
    ("pt-BR", include_str!("../../i18n/card/pt-BR.txt")),
    ("nl", include_str!("../../i18n/card/nl.txt")),
    ("ru", include_str!("../../i18n/card/ru.txt")),
];

#[test]
fn every_language_has_a_catalog_file_and_no_file_is_left_out() {
    let files: BTreeSet<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/i18n/card"))
            .expect("i18n/card")
            .filter_map(|e| {
                e.ok()?
                    .file_name()
                    .into_string()
                    .ok()?
                    .strip_suffix(".txt")
                    .map(str::to_owned)
            })
            .collect();
    let known: BTreeSet<String> = CATALOGS.iter().map(|(tag, _)| tag.to_string()).collect();
    assert_eq!(files, known);
    let listed: BTreeSet<String> = LANGUAGES
        .iter()
        .map(|t| t.to_string())
        .chain(["en".into()])
        .collect();
    assert_eq!(listed, known);
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
    let english = entries(ENGLISH);
    for (code, catalog) in CATALOGS {
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
    let plural_keys: BTreeSet<&str> = entries(ENGLISH)
        .into_iter()
        .filter(|(k, _)| base(k) != *k)
        .map(|(k, _)| base(k))
        .collect();
    assert!(!plural_keys.is_empty());
    for (code, catalog) in CATALOGS {
        let forms = match *code {
            "pl" | "ru" => &["one", "few", "many", "other"][..],
            _ => &["one", "other"][..],
        };
        for key in &plural_keys {
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
    let german = Texts::with_catalog("de-AT", CATALOGS[1].1);
    assert_eq!(
        german.get("power.start"),
        lookup(CATALOGS[1].1, "power.start").unwrap()
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

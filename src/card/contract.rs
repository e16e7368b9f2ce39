//! The element's public contract is written down twice (the header of `card/element.js`
//! and the README) and lives in the code (events, parts, custom properties, attributes);
//! these tests hold the three in step, so neither list can drift from what the card does.

use std::collections::BTreeSet;

use super::events::CardEvent;

const ELEMENT_JS: &str = include_str!("../../card/element.js");
const README: &str = include_str!("../../README.md");
const CARD_CSS: &str = include_str!("../../style/card.css");
/// Everything that renders into the card's shadow root.
const RENDERERS: [&str; 8] = [
    include_str!("view.rs"),
    include_str!("actions.rs"),
    include_str!("alert.rs"),
    include_str!("panel.rs"),
    include_str!("../components/dom.rs"),
    include_str!("../components/power.rs"),
    include_str!("../components/state_badge.rs"),
    ELEMENT_JS,
];

type Names = BTreeSet<String>;

/// `// @{tag} NAME …` lines of the element's header.
fn documented(tag: &str) -> Names {
    let prefix = format!("// @{tag} ");
    ELEMENT_JS
        .lines()
        .filter_map(|line| line.trim().strip_prefix(&prefix))
        .filter_map(|rest| rest.split([' ', '(']).next())
        .map(str::to_owned)
        .collect()
}

/// The words that follow each `marker` in `text`, up to a quote.
fn quoted_after(text: &str, marker: &str) -> Names {
    text.match_indices(marker)
        .filter_map(|(at, _)| text[at + marker.len()..].split('"').next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The README's section on the card.
fn readme_card_section() -> &'static str {
    let start = README
        .find("## Embedding a server card")
        .expect("the README's card section");
    let end = README[start..]
        .find("\n## ")
        .map_or(README.len(), |end| start + end);
    &README[start..end]
}

/// Backticked words of `text` starting with `prefix`.
fn backticked(text: &str, prefix: &str) -> Names {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            word.starts_with(prefix)
                && word[prefix.len()..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
        })
        .map(str::to_owned)
        .collect()
}

fn set(names: &[&str]) -> Names {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn events_are_the_ones_the_card_fires_in_the_header_and_the_readme() {
    let fired = set(&CardEvent::NAMES);
    assert_eq!(documented("event"), fired, "card/element.js header");
    let readme = backticked(readme_card_section(), "ptero-");
    let readme_events: Names = readme
        .into_iter()
        .filter(|w| w != "ptero-server-card")
        .collect();
    assert_eq!(readme_events, fired, "README");
}

#[test]
fn parts_are_the_ones_the_shadow_root_renders() {
    let mut rendered = Names::new();
    for source in RENDERERS {
        rendered.extend(quoted_after(source, "part=\""));
        rendered.extend(quoted_after(source, "(\"part\", \""));
        rendered.extend(quoted_after(source, "\"part\", \""));
        rendered.extend(quoted_after(source, "setAttribute(\"part\", \""));
    }
    assert_eq!(documented("csspart"), rendered, "card/element.js header");
    let section = readme_card_section();
    let list = section
        .split("::part(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the README lists ::part(…)");
    let readme: Names = list.split('|').map(|p| p.trim().to_owned()).collect();
    assert_eq!(readme, rendered, "README");
}

#[test]
fn custom_properties_are_the_ones_the_stylesheet_reads() {
    let read: Names = CARD_CSS
        .match_indices("var(--ptero-")
        .map(|(at, _)| {
            CARD_CSS[at + 4..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect()
        })
        .collect();
    assert_eq!(documented("cssproperty"), read, "card/element.js header");
    assert_eq!(
        backticked(readme_card_section(), "--ptero-"),
        read,
        "README"
    );
}

#[test]
fn attributes_are_the_observed_ones_and_the_reflected_state() {
    let observed = ELEMENT_JS
        .split("const ATTRIBUTES = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the ATTRIBUTES list");
    let mut attributes: Names = quoted_after(observed, "\"")
        .into_iter()
        .filter(|name| !name.starts_with(',') && !name.trim().is_empty())
        .collect();
    attributes.insert("state".to_owned());
    assert_eq!(
        documented("attribute"),
        attributes,
        "card/element.js header"
    );
    let section = readme_card_section();
    let table: Names = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .take_while(|line| !line.starts_with("| `ptero-"))
        .filter_map(|line| line.split('`').nth(1))
        .map(str::to_owned)
        .collect();
    assert_eq!(table, attributes, "README's attribute table");
}

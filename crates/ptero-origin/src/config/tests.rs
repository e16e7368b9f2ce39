use super::*;

const KEY: &str = "ptlc_SbxAdmin001AdminSecret0123456789ABCDEFGHIJK";
const SECRET: &str = "0123456789abcdef0123456789abcdef-site";

const FILE: &str = r#"
public_url = "https://cards.example.com"

[panel]
url = "https://panel.example.com"

[origins]
allowed = ["https://shop.example.com"]

[sites.shop]
issuer = "https://shop.example.com"
algorithm = "HS256"
actions = ["start", "stop", "console"]
"#;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn secrets() -> Vec<(String, String)> {
    env(&[
        ("PTERO_ORIGIN__PANEL__CLIENT_KEY", KEY),
        ("PTERO_ORIGIN__SITES__SHOP__SECRET", SECRET),
    ])
}

#[test]
fn a_file_with_secrets_from_env_loads() {
    let config = Config::from_toml(FILE, "test.toml", secrets()).expect("valid");
    assert_eq!(config.public_url.to_string(), "https://cards.example.com");
    assert!(config.allowed_origins.allows("https://shop.example.com"));
    let site = config.sites.get("https://shop.example.com").expect("site");
    assert_eq!(site.actions, [Action::Start, Action::Stop, Action::Console]);
    assert_eq!(config.stream.poll_interval, Duration::from_secs(5));
}

#[test]
fn an_inline_secret_is_refused_naming_the_env_variable() {
    let file = FILE.replace("[origins]", &format!("client_key = \"{KEY}\"\n\n[origins]"));
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("PTERO_ORIGIN__PANEL__CLIENT_KEY"),
        "{message}"
    );
    assert!(!message.contains("ptlc_"), "{message}");
}

#[test]
fn an_inline_site_secret_is_refused() {
    let file = format!("{FILE}secret = \"{SECRET}\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(error
        .to_string()
        .contains("PTERO_ORIGIN__SITES__SHOP__SECRET"));
}

#[test]
fn env_overrides_any_key() {
    let mut vars = secrets();
    vars.extend(env(&[
        ("PTERO_ORIGIN__LISTEN", "127.0.0.1:9999"),
        (
            "PTERO_ORIGIN__ORIGINS__ALLOWED",
            "[\"https://other.example\"]",
        ),
        ("PTERO_ORIGIN__STREAM__POLL_INTERVAL_MS", "7000"),
    ]));
    let config = Config::from_toml(FILE, "test.toml", vars).expect("valid");
    assert_eq!(config.listen.port(), 9999);
    assert!(config.allowed_origins.allows("https://other.example"));
    assert!(!config.allowed_origins.allows("https://shop.example.com"));
    assert_eq!(config.stream.poll_interval, Duration::from_secs(7));
}

#[test]
fn debug_output_redacts_every_secret() {
    let config = Config::from_toml(FILE, "test.toml", secrets()).expect("valid");
    let debug = format!("{config:?}");
    assert!(!debug.contains("AdminSecret"), "{debug}");
    assert!(!debug.contains(SECRET), "{debug}");
}

#[test]
fn an_application_key_is_refused() {
    let vars = env(&[
        (
            "PTERO_ORIGIN__PANEL__CLIENT_KEY",
            "ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK",
        ),
        ("PTERO_ORIGIN__SITES__SHOP__SECRET", SECRET),
    ]);
    let error = Config::from_toml(FILE, "test.toml", vars).expect_err("refused");
    assert!(error.to_string().contains("application"), "{error}");
}

#[test]
fn a_short_hs256_secret_is_refused() {
    let vars = env(&[
        ("PTERO_ORIGIN__PANEL__CLIENT_KEY", KEY),
        ("PTERO_ORIGIN__SITES__SHOP__SECRET", "short"),
    ]);
    let error = Config::from_toml(FILE, "test.toml", vars).expect_err("refused");
    assert!(error.to_string().contains("32 characters"), "{error}");
}

#[test]
fn a_missing_public_url_says_what_to_set() {
    let file = FILE.replace("public_url = \"https://cards.example.com\"", "");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(error.to_string().contains("public_url"));
}

#[test]
fn a_wildcard_origin_is_refused() {
    let file = FILE.replace("https://shop.example.com\"]", "https://*.example.com\"]");
    assert!(Config::from_toml(&file, "test.toml", secrets()).is_err());
}

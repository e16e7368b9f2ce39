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

const APPLICATION: &str = "ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK";
const SSO_SECRET: &str = "sandbox-pteroca-sso-secret-0123456789abcdef";

#[test]
fn the_store_is_sqlite_by_default_and_memory_on_request() {
    let config = Config::from_toml(FILE, "test.toml", secrets()).expect("valid");
    assert_eq!(
        config.store,
        StoreKind::Sqlite {
            path: PathBuf::from("ptero-origin.db")
        }
    );
    let file = format!("{FILE}\n[store]\nkind = \"memory\"\n");
    let config = Config::from_toml(&file, "test.toml", secrets()).expect("valid");
    assert_eq!(config.store, StoreKind::Memory);
    let file = format!("{FILE}\n[store]\nkind = \"postgres\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(error.to_string().contains("sqlite"), "{error}");
}

#[test]
fn sso_and_the_application_key_come_from_the_environment() {
    let file = format!("{FILE}\n[sso]\nissuer = \"https://shop.example.com\"\n");
    let mut vars = secrets();
    vars.extend(env(&[
        ("PTERO_ORIGIN__SSO__SECRET", SSO_SECRET),
        ("PTERO_ORIGIN__PANEL__APPLICATION_KEY", APPLICATION),
    ]));
    let config = Config::from_toml(&file, "test.toml", vars).expect("valid");
    let sso = config.sso.as_ref().expect("sso");
    assert_eq!(sso.secret.expose(), SSO_SECRET);
    assert_eq!(sso.issuer, "https://shop.example.com");
    assert!(config.panel.application_key.is_some());
    let debug = format!("{config:?}");
    assert!(
        !debug.contains(SSO_SECRET) && !debug.contains("ApplicSecret"),
        "{debug}"
    );
}

#[test]
fn no_sso_section_means_sso_is_off() {
    let config = Config::from_toml(FILE, "test.toml", secrets()).expect("valid");
    assert!(config.sso.is_none());
    assert!(config.panel.application_key.is_none());
    assert_eq!(config.panel.key_mode, KeyMode::Shared);
}

#[test]
fn inline_sso_and_encryption_secrets_are_refused() {
    for (section, key, env_name) in [
        ("sso", "secret", "PTERO_ORIGIN__SSO__SECRET"),
        (
            "keys",
            "encryption_key",
            "PTERO_ORIGIN__KEYS__ENCRYPTION_KEY",
        ),
    ] {
        let file = format!("{FILE}\n[{section}]\n{key} = \"x\"\n");
        let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
        assert!(error.to_string().contains(env_name), "{error}");
    }
}

#[test]
fn a_client_key_is_refused_as_the_application_key() {
    let mut vars = secrets();
    vars.extend(env(&[("PTERO_ORIGIN__PANEL__APPLICATION_KEY", KEY)]));
    let error = Config::from_toml(FILE, "test.toml", vars).expect_err("refused");
    assert!(error.to_string().contains("ptla_"), "{error}");
}

#[test]
fn a_pelican_client_key_as_the_application_key_is_told_to_use_papp() {
    let mut vars = secrets();
    vars.extend(env(&[(
        "PTERO_ORIGIN__PANEL__APPLICATION_KEY",
        "pacc_SbxAdmin001AdminSecret0123456789ABCDEFGHIJK",
    )]));
    let error = Config::from_toml(FILE, "test.toml", vars).expect_err("refused");
    assert!(error.to_string().contains("papp_"), "{error}");
    assert!(!error.to_string().contains("ptla_"), "{error}");
}

#[test]
fn keys_of_two_projects_are_refused_together() {
    // A Pelican panel's client key with a Pterodactyl application key: one is wrong.
    let vars = env(&[
        (
            "PTERO_ORIGIN__PANEL__CLIENT_KEY",
            "pacc_SbxAdmin001AdminSecret0123456789ABCDEFGHIJK",
        ),
        (
            "PTERO_ORIGIN__PANEL__APPLICATION_KEY",
            "ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK",
        ),
        ("PTERO_ORIGIN__SITES__SHOP__SECRET", SECRET),
    ]);
    let error = Config::from_toml(FILE, "test.toml", vars).expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("Pelican") && text.contains("papp_"), "{text}");
}

#[test]
fn sso_without_a_secret_or_issuer_says_what_to_set() {
    let file = format!("{FILE}\n[sso]\nissuer = \"https://shop.example.com\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(
        error.to_string().contains("PTERO_ORIGIN__SSO__SECRET"),
        "{error}"
    );
    let mut vars = secrets();
    vars.extend(env(&[("PTERO_ORIGIN__SSO__SECRET", SSO_SECRET)]));
    let error = Config::from_toml(FILE, "test.toml", vars).expect_err("refused");
    assert!(error.to_string().contains("sso.issuer"), "{error}");
}

#[test]
fn per_user_keys_need_an_application_key_and_an_encryption_key() {
    let file = FILE.replace(
        "url = \"https://panel.example.com\"",
        "url = \"https://panel.example.com\"\nkey_mode = \"per_user\"",
    );
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(error.to_string().contains("application_key"), "{error}");
    let mut vars = secrets();
    vars.push((
        "PTERO_ORIGIN__PANEL__APPLICATION_KEY".to_owned(),
        APPLICATION.to_owned(),
    ));
    let error = Config::from_toml(&file, "test.toml", vars.clone()).expect_err("refused");
    assert!(
        error.to_string().contains("openssl rand -base64 32"),
        "{error}"
    );
    vars.push((
        "PTERO_ORIGIN__KEYS__ENCRYPTION_KEY".to_owned(),
        "c2hvcnQ=".to_owned(),
    ));
    let error = Config::from_toml(&file, "test.toml", vars.clone()).expect_err("refused");
    assert!(error.to_string().contains("32 bytes"), "{error}");
    vars.pop();
    vars.push((
        "PTERO_ORIGIN__KEYS__ENCRYPTION_KEY".to_owned(),
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned(),
    ));
    let config = Config::from_toml(&file, "test.toml", vars).expect("valid");
    assert_eq!(config.panel.key_mode, KeyMode::PerUser);
    assert_eq!(
        config.encryption_key,
        Some(EncryptionKey(*b"0123456789abcdef0123456789abcdef"))
    );
}

#[test]
fn the_example_file_loads_with_secrets_from_the_environment() {
    let text = include_str!("../../ptero-origin.example.toml");
    let mut vars = secrets();
    vars.push((
        "PTERO_ORIGIN__SITES__SHOP__SECRET".to_owned(),
        SECRET.to_owned(),
    ));
    let config = Config::from_toml(text, "ptero-origin.example.toml", vars).expect("valid");
    assert!(matches!(config.store, StoreKind::Sqlite { .. }));
    assert_eq!(config.panel.key_mode, KeyMode::Shared);
}

#[test]
fn a_redis_store_keeps_its_password_out_of_debug_output() {
    let mut vars = secrets();
    vars.extend(env(&[
        ("PTERO_ORIGIN__STORE__KIND", "redis"),
        (
            "PTERO_ORIGIN__STORE__REDIS_URL",
            "redis://:hunter2-password@10.0.0.5:6380/2",
        ),
    ]));
    let config = Config::from_toml(FILE, "test.toml", vars).expect("valid");
    let crate::store::StoreKind::Redis(address) = &config.store else {
        panic!("expected a Redis store, got {:?}", config.store);
    };
    assert_eq!(address.shown, "10.0.0.5:6380/2");
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn a_redis_store_without_an_address_says_what_to_set() {
    let file = format!("{FILE}\n[store]\nkind = \"redis\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("store.redis_url"), "{message}");
    assert!(
        message.contains("PTERO_ORIGIN__STORE__REDIS_URL"),
        "{message}"
    );
}

#[test]
fn an_unknown_store_or_a_bad_redis_address_is_refused() {
    let file = format!("{FILE}\n[store]\nkind = \"postgres\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(error.to_string().contains("\"redis\""), "{error}");
    assert!(error.to_string().contains("\"sqlite\""), "{error}");
    let file = format!("{FILE}\n[store]\nkind = \"redis\"\nredis_url = \"http://cache:6379\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    assert!(error.to_string().contains("store.redis_url"), "{error}");
}

#[test]
fn the_example_file_loads_and_switches_to_redis_by_environment() {
    let example = include_str!("../../ptero-origin.example.toml");
    let config = Config::from_toml(example, "example.toml", secrets()).expect("valid");
    assert!(matches!(
        config.store,
        crate::store::StoreKind::Sqlite { .. }
    ));
    let mut vars = secrets();
    vars.extend(env(&[
        ("PTERO_ORIGIN__STORE__KIND", "redis"),
        ("PTERO_ORIGIN__STORE__REDIS_URL", "redis://127.0.0.1:6379/0"),
    ]));
    let config = Config::from_toml(example, "example.toml", vars).expect("valid");
    assert!(matches!(config.store, crate::store::StoreKind::Redis(_)));
}

#[test]
fn a_tls_redis_address_is_refused_with_a_reason() {
    let file =
        format!("{FILE}\n[store]\nkind = \"redis\"\nredis_url = \"rediss://cache:6380/0\"\n");
    let error = Config::from_toml(&file, "test.toml", secrets()).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("store.redis_url"), "{message}");
    assert!(message.contains("TLS"), "{message}");
}

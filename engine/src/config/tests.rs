use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |var| map.get(var).cloned()
}

fn parse(text: &str) -> Config {
    Config::from_toml(text).expect("valid toml").0
}

fn config_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(text.as_bytes()).expect("write config");
    file
}

#[test]
fn defaults_run_the_demo_on_localhost() {
    let config = Config::load(None, no_env, &Overrides::default()).expect("defaults are valid");
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.data_dir, PathBuf::from("./data"));
    assert_eq!(config.plugins.max_upload_bytes, 16 << 20);
    assert_eq!(config.plugins.max_memory_bytes, 64 << 20);
    assert_eq!(config.plugins.strategy_deadline_ms, 50);
    assert_eq!(config.plugins.bot_deadline_ms, 200);
    assert_eq!(config.plugins.provider_deadline_ms, 500);
    assert_eq!(config.display_url(), "http://127.0.0.1:8080");
    assert_eq!(
        config.plugin_cache_dir(),
        PathBuf::from("./data/cache/plugins")
    );
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse(""), Config::default());
}

#[test]
fn file_sets_nested_plugin_limits() {
    let config = parse(
        r#"
        listen = "0.0.0.0:9000"
        public_url = "https://cc.example.com/"
        [plugins]
        strategy_deadline_ms = 20
        max_upload_bytes = 1048576
        "#,
    );
    assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(config.plugins.strategy_deadline_ms, 20);
    assert_eq!(config.plugins.max_upload_bytes, 1 << 20);
    assert_eq!(
        config.plugins.bot_deadline_ms, 200,
        "unset keys keep their default"
    );
    assert_eq!(config.display_url(), "https://cc.example.com");
}

#[test]
fn unknown_keys_are_refused_with_their_name() {
    let error = Config::from_toml("listne = \"127.0.0.1:1\"").expect_err("typo must fail");
    assert!(error.contains("listne"), "{error}");
    let error = Config::from_toml("[plugins]\nstrategy_deadline = 5").expect_err("typo must fail");
    assert!(error.contains("strategy_deadline"), "{error}");
}

#[test]
fn a_value_of_the_wrong_shape_names_the_key() {
    let file = config_file("listen = \"not an address\"");
    let error =
        Config::load(Some(file.path()), no_env, &Overrides::default()).expect_err("bad address");
    let message = error.to_string();
    assert!(message.contains("listen"), "{message}");
}

#[test]
fn a_missing_file_says_which() {
    let error = Config::load(
        Some(Path::new("/nonexistent/switchboard.toml")),
        no_env,
        &Overrides::default(),
    )
    .expect_err("missing file");
    assert!(
        error.to_string().contains("/nonexistent/switchboard.toml"),
        "{error}"
    );
}

#[test]
fn environment_overrides_the_file_and_flags_override_the_environment() {
    let file =
        config_file("listen = \"127.0.0.1:1000\"\ndata_dir = \"/from/file\"\nlog = \"warn\"");
    let env = env_of(&[
        ("SWITCHBOARD_LISTEN", "127.0.0.1:2000"),
        ("SWITCHBOARD_DATA_DIR", "/from/env"),
        ("SWITCHBOARD_LOG", "debug"),
        ("SWITCHBOARD_PUBLIC_URL", "https://env.example.com"),
    ]);
    let config = Config::load(Some(file.path()), &env, &Overrides::default()).expect("valid");
    assert_eq!(config.listen.to_string(), "127.0.0.1:2000");
    assert_eq!(config.data_dir, PathBuf::from("/from/env"));
    assert_eq!(config.log, "debug");
    assert_eq!(
        config.public_url.as_deref(),
        Some("https://env.example.com")
    );

    let flags = Overrides {
        listen: Some("127.0.0.1:3000".parse().expect("addr")),
        data_dir: Some(PathBuf::from("/from/flag")),
        demo: false,
    };
    let config = Config::load(Some(file.path()), &env, &flags).expect("valid");
    assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
    assert_eq!(config.data_dir, PathBuf::from("/from/flag"));
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let env = env_of(&[("SWITCHBOARD_LISTEN", "localhost")]);
    let error = Config::load(None, env, &Overrides::default()).expect_err("bad address");
    assert!(error.to_string().contains("SWITCHBOARD_LISTEN"), "{error}");
}

#[test]
fn demo_uses_its_own_data_dir_unless_one_is_given() {
    let demo = Overrides {
        demo: true,
        ..Overrides::default()
    };
    let config = Config::load(None, no_env, &demo).expect("valid");
    assert_eq!(config.data_dir, PathBuf::from(DEMO_DATA_DIR));

    let env = env_of(&[("SWITCHBOARD_DATA_DIR", "/env/dir")]);
    let config = Config::load(None, env, &demo).expect("valid");
    assert_eq!(config.data_dir, PathBuf::from("/env/dir"));

    let file = config_file("data_dir = \"./data\"");
    let config = Config::load(Some(file.path()), no_env, &demo).expect("valid");
    assert_eq!(
        config.data_dir,
        PathBuf::from("./data"),
        "an explicit ./data is respected"
    );

    let flags = Overrides {
        data_dir: Some(PathBuf::from("/flag/dir")),
        demo: true,
        ..Overrides::default()
    };
    let config = Config::load(None, no_env, &flags).expect("valid");
    assert_eq!(config.data_dir, PathBuf::from("/flag/dir"));
}

#[test]
fn admin_token_from_the_environment_must_be_long_enough() {
    let env = env_of(&[("SWITCHBOARD_ADMIN_TOKEN", "0123456789abcdef0123")]);
    let config = Config::load(None, env, &Overrides::default()).expect("valid");
    assert_eq!(
        config.admin_token.as_ref().map(Secret::expose),
        Some("0123456789abcdef0123")
    );
    assert!(
        !format!("{config:?}").contains("0123456789abcdef0123"),
        "secrets stay out of logs"
    );

    let env = env_of(&[("SWITCHBOARD_ADMIN_TOKEN", "short")]);
    let error = Config::load(None, env, &Overrides::default()).expect_err("too short");
    assert!(error.to_string().contains("admin_token"), "{error}");
}

#[test]
fn validation_names_the_key_at_fault() {
    let cases = [
        ("public_url = \"cc.example.com\"", "public_url"),
        ("log = \"switchboard=loud\"", "log"),
        ("data_dir = \"\"", "data_dir"),
        (
            "[plugins]\nmax_upload_bytes = 0",
            "plugins.max_upload_bytes",
        ),
        ("[plugins]\nmax_instances = 0", "plugins.max_instances"),
        (
            "[plugins]\nstrategy_deadline_ms = 0",
            "plugins.strategy_deadline_ms",
        ),
        (
            "[plugins]\nbot_deadline_ms = 600000",
            "plugins.bot_deadline_ms",
        ),
        (
            "[plugins]\nprovider_memory_bytes = 134217728",
            "plugins.provider_memory_bytes",
        ),
        (
            "[plugins]\nstrategy_memory_bytes = 1024",
            "plugins.strategy_memory_bytes",
        ),
        (
            "[plugins]\nmax_memory_bytes = 1024",
            "plugins.max_memory_bytes",
        ),
        ("[plugins]\ncache_dir = \"\"", "plugins.cache_dir"),
    ];
    for (text, key) in cases {
        let error = parse(text).validate().expect_err(text);
        match &error {
            ConfigError::Invalid { key: named, .. } => assert_eq!(*named, key, "{text}"),
            other => panic!("{text}: unexpected {other}"),
        }
        assert!(error.to_string().contains(key), "{error}");
    }
}

#[test]
fn settings_become_registry_and_runtime_limits() {
    let config = parse(
        "[plugins]\nstrategy_deadline_ms = 25\nbot_memory_bytes = 8388608\nmax_instances = 10",
    );
    let limits = config.plugins.registry_limits();
    assert_eq!(limits.strategy.deadline, Duration::from_millis(25));
    assert_eq!(limits.bot.memory_cap, 8 << 20);
    assert_eq!(limits.max_upload_bytes, 16 << 20);
    let runtime = config.plugins.runtime_config(PathBuf::from("/cache"));
    assert_eq!(runtime.max_instances, 10);
    assert_eq!(runtime.cache_dir, Some(PathBuf::from("/cache")));

    let config = parse("data_dir = \"/d\"\n[plugins]\ncache_dir = \"/shared/cache\"");
    assert_eq!(config.plugin_cache_dir(), PathBuf::from("/shared/cache"));
    assert_eq!(
        parse("data_dir = \"/d\"").plugin_cache_dir(),
        PathBuf::from("/d/cache/plugins")
    );
}

#[test]
fn auth_settings_come_from_the_file_and_the_environment() {
    let file = config_file(
        "public_url = \"https://cc.example.com\"\n[auth]\nargon2_memory_kib = 65536\n\
         session_idle_timeout_s = 600\nlogin_attempts_per_ip = 1000\n",
    );
    let config = Config::load(Some(file.path()), no_env, &Overrides::default()).expect("valid");
    assert_eq!(config.auth.argon2_memory_kib, 65_536);
    assert_eq!(
        config.auth.argon2_iterations, 2,
        "unset keys keep their default"
    );
    assert_eq!(config.auth.idle_timeout(), Duration::from_secs(600));
    assert_eq!(config.auth.login_attempts_per_ip, 1_000);
    assert!(config.is_https());

    let env = env_of(&[
        ("SWITCHBOARD_ARGON2_MEMORY_KIB", "8"),
        ("SWITCHBOARD_ARGON2_ITERATIONS", "1"),
        ("SWITCHBOARD_LOGIN_ATTEMPTS_PER_IP", "5000"),
    ]);
    let config = Config::load(Some(file.path()), env, &Overrides::default()).expect("valid");
    assert_eq!(
        (
            config.auth.argon2_memory_kib,
            config.auth.argon2_iterations,
            config.auth.login_attempts_per_ip
        ),
        (8, 1, 5_000)
    );
    assert!(!Config::default().is_https());
}

#[test]
fn auth_settings_out_of_range_name_their_key() {
    for (text, key) in [
        ("[auth]\nargon2_memory_kib = 4", "auth.argon2_memory_kib"),
        ("[auth]\nargon2_iterations = 0", "auth.argon2_iterations"),
        ("[auth]\nsession_lifetime_s = 0", "auth.session_lifetime_s"),
        (
            "[auth]\nlogin_attempts_per_account = 0",
            "auth.login_attempts_per_account",
        ),
    ] {
        let error = parse(text).validate().expect_err(text);
        assert!(error.to_string().contains(key), "{text}: {error}");
    }
    let env = env_of(&[("SWITCHBOARD_ARGON2_ITERATIONS", "two")]);
    let error = Config::load(None, env, &Overrides::default()).expect_err("not a number");
    assert!(
        error.to_string().contains("SWITCHBOARD_ARGON2_ITERATIONS"),
        "{error}"
    );
}

//! `.env.example` is the list of settings: every variable the code reads is in it, each value
//! it shows is one the code accepts, and each value it presents as a default is the default.

use std::collections::BTreeMap;

use leptos::config::LeptosOptions;
use server::config::{Config, Vars};

const ENV_EXAMPLE: &str = include_str!("../../.env.example");

/// The variables the example shows with a value that is an example rather than the default.
const EXAMPLES: &[&str] = &[
    "DESCOPE_PROJECT_ID",
    "DESCOPE_BASE_URL",
    "DESCOPE_LOCAL_SEED_FILE",
    "DESCOPE_LOCAL_ALLOWED_ORIGINS",
    "DESCOPE_LOCAL_REDIRECT_ORIGINS",
    "DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL",
    "DESCOPE_LOCAL_EXPOSE",
    "DESCOPE_LOCAL_PUBLIC_URL",
    "DESCOPE_LOCAL_PROJECT_ID",
];

/// Read by the code only to refuse it with the name that replaced it.
const RETIRED: &[&str] = &["DESCOPE_LOCAL_ADDRESS_ATTEMPTS"];

/// Read by libraries rather than by name in our code: `tracing-subscriber` and Leptos.
const READ_BY_LIBRARIES: &[&str] = &["RUST_LOG", "LEPTOS_SITE_ADDR", "LEPTOS_SITE_ROOT"];

/// `NAME=value` of every line that sets a variable, commented out or not.
fn example_values() -> BTreeMap<String, String> {
    ENV_EXAMPLE
        .lines()
        .map(|line| line.trim_start_matches('#').trim())
        .filter_map(|line| line.split_once('='))
        .filter(|(name, _)| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// The names of the settings the code reads: string literals that look like one, in the
/// sources of the crates that make up the app and the local server.
fn names_in_code() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut names = Vec::new();
    let mut folders: Vec<_> = ["server/src", "descope-local/src", "app/src", "descope/src"]
        .iter()
        .map(|f| std::path::Path::new(root).join(f))
        .collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let setting = ["DESCOPE_", "APP_", "LEPTOS_", "RUST_LOG"]
                    .iter()
                    .any(|prefix| literal.starts_with(prefix))
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if setting && !literal.ends_with('_') && !RETIRED.contains(&literal) {
                    names.push(literal.to_owned());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn vars(pairs: &[(&str, &str)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// What the app makes of `vars`, to compare configurations.
fn app(vars: &Vars) -> String {
    let config = Config::from_vars(LeptosOptions::builder().output_name("x").build(), vars)
        .unwrap_or_else(|e| panic!("{vars:?}: {e}"));
    format!("{:?} {}", config.descope, config.verified_token_cache)
}

/// What the standalone local server makes of `vars`.
fn standalone(vars: &Vars) -> String {
    let config = descope_local::Config::from_vars(descope_local::DEFAULT_DATA_DIR, |name| {
        vars.get(name).cloned()
    })
    .unwrap_or_else(|e| panic!("{vars:?}: {e}"));
    format!("{config:?}")
}

#[test]
fn every_setting_the_code_reads_is_in_the_example() {
    let documented = example_values();
    let code = names_in_code();
    assert!(
        code.len() >= 15,
        "found too few settings to be looking in the right place: {code:?}"
    );
    let missing: Vec<_> = code
        .iter()
        .filter(|n| !documented.contains_key(*n))
        .collect();
    assert!(missing.is_empty(), ".env.example lacks {missing:?}");
    let unknown: Vec<_> = documented
        .keys()
        .filter(|n| !code.contains(n) && !READ_BY_LIBRARIES.contains(&n.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        ".env.example lists settings nothing reads: {unknown:?}"
    );
}

#[test]
fn every_value_in_the_example_is_accepted_and_defaults_are_the_defaults() {
    let defaults = vars(&[]);
    for (name, value) in example_values() {
        let set = vars(&[(&name, &value)]);
        match name.as_str() {
            "RUST_LOG" => assert_eq!(value, server::telemetry::DEFAULT_FILTER),
            "DESCOPE_LOCAL_ADDR" => assert_eq!(value, descope_local::DEFAULT_ADDR),
            // Leptos reads these itself; cargo-leptos sets them from Cargo.toml.
            "LEPTOS_SITE_ADDR" => assert_eq!(value, "127.0.0.1:3000"),
            "LEPTOS_SITE_ROOT" => assert_eq!(value, "target/site"),
            "LEPTOS_OUTPUT_NAME" => assert_eq!(value, "descope-leptos"),
            // A path from the repository's root, where the app is run; it holds the defaults.
            "DESCOPE_LOCAL_SETTINGS_FILE" => {
                let path = format!("{}/../{value}", env!("CARGO_MANIFEST_DIR"));
                assert_eq!(
                    app(&vars(&[(&name, &path)])),
                    app(&defaults),
                    "{value} is not the defaults"
                );
            }
            "DESCOPE_LOCAL_PROJECT_ID" | "DESCOPE_LOCAL_DATA_DIR" => {
                let shown = standalone(&set);
                if EXAMPLES.contains(&name.as_str()) {
                    assert_ne!(
                        shown,
                        standalone(&defaults),
                        "{name}={value} changes nothing"
                    );
                } else {
                    assert_eq!(
                        shown,
                        standalone(&defaults),
                        "{name}={value} is not the default"
                    );
                }
            }
            _ if EXAMPLES.contains(&name.as_str()) => {
                app(&set);
            }
            _ => assert_eq!(
                app(&set),
                app(&defaults),
                "{name}={value} is not the default"
            ),
        }
    }
}

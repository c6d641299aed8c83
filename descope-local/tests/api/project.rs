//! A whole project as one JSON document: seeded at start-up, exported and imported by the
//! binary, and carried into tokens.

use std::{path::Path, process::Command};

use serde_json::{json, Value};
use test_support::{
    local::{start_in, Local},
    TempDir,
};

/// A project document: a permission, a tenant with its own role, a project role, a user with a
/// password, one without, and a test user.
fn document() -> Value {
    json!({
        "permissions": [{"name": "deploy", "description": "Ship it"}],
        "tenants": [{"id": "T1", "name": "Acme", "customAttributes": {"plan": "pro"}}],
        "roles": [
            {"name": "ops", "permissionNames": ["deploy"]},
            {"name": "owner", "tenantId": "T1", "permissionNames": ["deploy"]}
        ],
        "users": [
            {"loginId": "root@example.com", "name": "Root", "password": "admin password",
             "roles": ["ops"], "tenants": {"T1": {"roles": ["owner"]}}},
            {"loginId": "code@example.com", "name": "Coder"},
            {"loginId": "tess@example.com", "test": true}
        ]
    })
}

/// Runs the `descope-local` binary with `args` on the data in `dir`; panics unless it succeeds.
fn cli(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_descope-local"))
        .args(args)
        .env("DESCOPE_LOCAL_DATA_DIR", dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

async fn sign_in(local: &Local, login_id: &str, password: &str) -> Value {
    let (status, _, body) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": login_id, "password": password}),
        )
        .await;
    assert_eq!(status, 200, "{login_id}: {body}");
    body
}

#[tokio::test]
async fn a_seeded_project_document_reaches_the_tokens_of_its_users() {
    let dir = TempDir::new("descope-local-test");
    let seed = dir.path().join("project.json");
    std::fs::write(&seed, document().to_string()).unwrap();
    let data = dir.path().join("data");
    let local = start_in(&data, |c| c.seed_file = Some(seed.clone())).await;

    let root = sign_in(&local, "root@example.com", "admin password").await;
    let claims = local
        .validator()
        .validate(root["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert!(claims.has_permission("deploy"));
    assert!(claims.has_tenant_permission("T1", "deploy"));
    assert_eq!(root["user"]["userTenants"][0]["tenantName"], "Acme");

    let (_, coder) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=code@example.com", Value::Null)
        .await;
    assert_eq!(
        coder["user"]["password"], false,
        "a user without a password"
    );
    let (status, _) = local
        .mgmt(
            "POST",
            "/v1/mgmt/tests/generate/otp",
            json!({"loginId": "tess@example.com"}),
        )
        .await;
    assert_eq!(status, 200, "a seeded test user");

    // Starting again changes nothing that exists.
    let again = start_in(&data, |c| c.seed_file = Some(seed)).await;
    sign_in(&again, "root@example.com", "admin password").await;
}

#[tokio::test]
async fn export_and_import_move_a_whole_project_with_its_passwords_and_keys() {
    let dir = TempDir::new("descope-local-test");
    let from = dir.path().join("from");
    let seed = dir.path().join("project.json");
    std::fs::write(&seed, document().to_string()).unwrap();
    let local = start_in(&from, |c| c.seed_file = Some(seed)).await;
    let (_, key) = local
        .mgmt(
            "POST",
            "/v1/mgmt/accesskey/create",
            json!({"name": "CI", "roleNames": ["ops"]}),
        )
        .await;
    let secret = key["cleartext"].as_str().unwrap().to_owned();
    local
        .mgmt(
            "PATCH",
            "/v1/mgmt/user/patch",
            json!({"loginId": "code@example.com", "givenName": "Cody", "verifiedPhone": true}),
        )
        .await;
    let (_, original) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=code@example.com", Value::Null)
        .await;

    let exported = cli(&from, &["export"]);
    assert!(!exported.contains("admin password"), "no password in clear");
    assert!(!exported.contains(&secret), "no access key secret");
    let file = dir.path().join("export.json");
    std::fs::write(&file, &exported).unwrap();

    let to = dir.path().join("to");
    cli(&to, &["import", file.to_str().unwrap()]);
    assert_eq!(cli(&to, &["export"]), exported, "the copy exports the same");
    cli(&to, &["import", file.to_str().unwrap()]);
    assert_eq!(
        cli(&to, &["export"]),
        exported,
        "importing again adds nothing"
    );

    let copy = start_in(&to, |_| {}).await;
    sign_in(&copy, "root@example.com", "admin password").await;
    let (_, copied) = copy
        .mgmt("GET", "/v1/mgmt/user?loginId=code@example.com", Value::Null)
        .await;
    for field in ["userId", "givenName", "verifiedPhone", "name"] {
        assert_eq!(copied["user"][field], original["user"][field], "{field}");
    }
    let (status, _, exchanged) = copy
        .post("/v1/auth/accesskey/exchange", Some(&secret), json!({}))
        .await;
    assert_eq!(status, 200, "the key works in the copy: {exchanged}");
}

#[tokio::test]
async fn an_invalid_entry_imports_nothing_and_says_which() {
    let dir = TempDir::new("descope-local-test");
    let mut bad = document();
    bad["roles"][0]["permissionNames"] = json!(["deploy", "nope"]);
    let file = dir.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let data = dir.path().join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_descope-local"))
        .args(["import", file.to_str().unwrap()])
        .env("DESCOPE_LOCAL_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("ops") && error.contains("nope"), "{error}");
    let exported: Value = serde_json::from_str(&cli(&data, &["export"])).unwrap();
    assert_eq!(
        exported["permissions"],
        json!([]),
        "nothing was imported: {exported}"
    );

    std::fs::write(&file, r#"{"users": [], "groups": []}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_descope-local"))
        .args(["import", file.to_str().unwrap()])
        .env("DESCOPE_LOCAL_DATA_DIR", &data)
        .output()
        .unwrap();
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && error.contains("groups"),
        "{error}"
    );
}

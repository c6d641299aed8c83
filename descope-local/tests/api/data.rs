//! The data folder: keys, users and the schema across restarts, rotations and upgrades.

use descope_local::{Config, LocalDescope, DEFAULT_PROJECT_ID};
use serde_json::{json, Value};
use test_support::{
    local::{refresh_jwt, rusqlite_open, start_in},
    TempDir,
};

#[tokio::test]
async fn the_key_set_is_public_and_survives_restarts_with_the_users() {
    let dir = TempDir::new("descope-local-test");
    let local = start_in(dir.path(), |_| {}).await;
    let rt = refresh_jwt(
        &local
            .signup("ada@example.com", "correct horse battery")
            .await,
    );
    let (status, keys) = local
        .get(&format!("/v2/keys/{DEFAULT_PROJECT_ID}"), None)
        .await;
    assert_eq!(status, 200);
    let key = &keys["keys"][0];
    assert_eq!(
        (
            key["alg"].as_str(),
            key["kty"].as_str(),
            key["use"].as_str()
        ),
        (Some("RS256"), Some("RSA"), Some("sig"))
    );
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(key.get(private).is_none(), "{private} published");
    }
    assert_eq!(local.get("/v2/keys/P2Other", None).await.0, 404);

    let restarted = start_in(dir.path(), |_| {}).await;
    let (_, keys_again) = restarted
        .get(&format!("/v2/keys/{DEFAULT_PROJECT_ID}"), None)
        .await;
    assert_eq!(keys, keys_again, "the signing key persists");
    let (status, body) = restarted.refresh(&rt).await;
    assert_eq!(status, 200, "refresh families persist");
    assert!(restarted
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());
    let (status, _, _) = restarted
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "users persist");
}

#[tokio::test]
async fn seeded_users_carry_their_roles_and_tenants_into_tokens() {
    let dir = TempDir::new("descope-local-test");
    let seed = dir.path().join("users.json");
    std::fs::write(
        &seed,
        json!([{"name": "Root", "email": "root@example.com", "password": "admin password",
                "roles": ["admin"], "tenants": {"T1": {"roles": ["editor"]}}}])
        .to_string(),
    )
    .unwrap();
    let local = start_in(dir.path(), |c| c.seed_file = Some(seed)).await;

    let (status, _, body) = local
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "root@example.com", "password": "admin password"}),
        )
        .await;
    assert_eq!(status, 200);
    let claims = local
        .validator()
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .unwrap();
    assert!(claims.has_role("admin"));
    assert!(claims.has_tenant_role("T1", "editor"));
    assert_eq!(body["user"]["userTenants"][0]["tenantId"], "T1");
}

#[tokio::test]
async fn a_rotated_key_signs_new_tokens_while_the_old_one_stays_published() {
    let dir = TempDir::new("descope-local-test");
    let before = start_in(dir.path(), |_| {}).await;
    let old_session = before
        .signup("ada@example.com", "correct horse battery")
        .await["sessionJwt"]
        .as_str()
        .unwrap()
        .to_owned();

    let kid =
        LocalDescope::rotate_signing_key(&Config::new(DEFAULT_PROJECT_ID, dir.path())).unwrap();
    let after = start_in(dir.path(), |_| {}).await;

    let (_, keys) = after
        .get(&format!("/v2/keys/{DEFAULT_PROJECT_ID}"), None)
        .await;
    let kids: Vec<_> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].clone())
        .collect();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[0], kid.as_str(), "the new key is listed first");
    let validator = after.validator();
    assert!(
        validator.validate(&old_session).await.is_ok(),
        "old tokens still validate"
    );
    let (_, _, body) = after
        .post(
            "/v1/auth/password/signin",
            None,
            json!({"loginId": "ada@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert!(validator
        .validate(body["sessionJwt"].as_str().unwrap())
        .await
        .is_ok());
}

#[tokio::test]
async fn a_data_folder_from_before_schema_versions_upgrades_in_place() {
    use aws_lc_rs::digest;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let hash =
        |token: &str| URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, token.as_bytes()));
    let dir = TempDir::new("descope-local-test");
    // The tables as the server wrote them before the schema had versions (user_version 0),
    // with a family whose first token was rotated once.
    rusqlite_open(dir.path())
        .execute_batch(&format!(
            "CREATE TABLE users (id TEXT PRIMARY KEY, login_id TEXT NOT NULL UNIQUE,
                email TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', password_hash TEXT,
                roles TEXT NOT NULL DEFAULT '[]', tenants TEXT NOT NULL DEFAULT '{{}}',
                verified_email INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
             CREATE TABLE refresh_families (id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id), amr TEXT NOT NULL,
                expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
             CREATE TABLE refresh_tokens (hash TEXT PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES refresh_families(id), parent TEXT,
                issued_at INTEGER NOT NULL, rotated_at INTEGER);
             INSERT INTO users (id, login_id, email, name, created_at)
                VALUES ('U1', 'ada@example.com', 'ada@example.com', 'Ada', 1);
             INSERT INTO refresh_families VALUES ('F1', 'U1', '[\"pwd\"]', 9999999999, 0);
             INSERT INTO refresh_tokens VALUES ('{rotated}', 'F1', NULL, 1, 2);
             INSERT INTO refresh_tokens VALUES ('{current}', 'F1', '{rotated}', 2, NULL);",
            rotated = hash("the rotated token"),
            current = hash("the current token"),
        ))
        .unwrap();

    let local = start_in(dir.path(), |_| {}).await;
    let (status, body) = local.refresh("the current token").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["name"], "Ada");
    assert_eq!(local.refresh(&refresh_jwt(&body)).await.0, 200);
    assert_eq!(
        local.refresh("the rotated token").await.0,
        401,
        "a token rotated before the upgrade stays spent"
    );
    let (status, loaded) = local
        .mgmt("GET", "/v1/mgmt/user?loginId=ada@example.com", Value::Null)
        .await;
    assert_eq!(status, 200, "{loaded}");
    assert_eq!(
        (&loaded["user"]["status"], &loaded["user"]["test"]),
        (&json!("enabled"), &json!(false)),
        "users from before the management API are enabled, not test users"
    );
    let version: i64 = rusqlite_open(dir.path())
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 7);
    let started: i64 = rusqlite_open(dir.path())
        .query_row(
            "SELECT created_at FROM refresh_families WHERE id = 'F1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        started, 1,
        "an older session began when its first token was issued"
    );
}

#[tokio::test]
async fn a_data_folder_from_a_newer_version_is_refused() {
    let dir = TempDir::new("descope-local-test");
    rusqlite_open(dir.path())
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let error = LocalDescope::open(Config::new(DEFAULT_PROJECT_ID, dir.path()))
        .err()
        .expect("a schema from the future is refused")
        .to_string();
    assert!(error.contains("schema version 99"), "{error}");
}

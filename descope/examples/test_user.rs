//! A test user through Descope's management API, signed in with a generated code, its session
//! validated: `cargo run -p descope --features session --example test_user` with
//! `DESCOPE_BASE_URL`, `DESCOPE_PROJECT_ID` and `DESCOPE_MANAGEMENT_KEY` set.

use descope::{
    api::{self, mgmt},
    session::Validator,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let (base, project) = (var("DESCOPE_BASE_URL")?, var("DESCOPE_PROJECT_ID")?);
    let manager = format!("Bearer {project}:{}", var("DESCOPE_MANAGEMENT_KEY")?);
    let http = reqwest::Client::new();
    let post = |path: &str| http.post(format!("{base}{path}"));

    let user = mgmt::UserRequest {
        login_id: Some("tina@example.com".into()),
        role_names: Some(vec!["admin".into()]),
        ..Default::default()
    };
    let created = post(mgmt::path::USER_CREATE_TEST)
        .header("authorization", &manager)
        .json(&user)
        .send()
        .await?
        .error_for_status()?;
    let created: mgmt::UserEnvelope = created.json().await?;

    let generate = mgmt::GenerateCode {
        login_id: Some("tina@example.com".into()),
        delivery_method: Some("email".into()),
        login_options: None,
    };
    let generated: mgmt::GeneratedCode = post(mgmt::path::TEST_GENERATE_OTP)
        .header("authorization", &manager)
        .json(&generate)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;

    let verify = api::CodeVerify::new("tina@example.com", &generated.code);
    let signed_in: api::JwtResponse = post(api::path::OTP_VERIFY)
        .header("authorization", format!("Bearer {project}"))
        .json(&verify)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let session = Validator::builder(&project)
        .base_url(&base)
        .build()
        .validate(&signed_in.session_jwt)
        .await?;
    assert_eq!(session.user_id, created.user.user_id);
    assert!(session.has_role("admin"));

    http.delete(format!("{base}{}", mgmt::path::USER_DELETE_TEST_USERS))
        .header("authorization", &manager)
        .send()
        .await?
        .error_for_status()?;
    println!("test user {} signed in and was deleted", session.user_id);
    Ok(())
}

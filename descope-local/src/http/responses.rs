//! The answers the auth and management APIs share: Descope's `JWTResponse` and
//! `UserResponse`, built from domain values in the shapes of [`descope::api`].

use std::collections::BTreeMap;

use axum::Json;
use descope::api::{JwtResponse, UserResponse, UserTenant};
use serde_json::{json, Value};

use crate::domain::{sessions::SignedIn, users::User};

/// Descope's `JWTResponse` for a session just started or refreshed.
pub(crate) fn jwt_response(signed_in: SignedIn) -> JwtResponse {
    JwtResponse {
        session_jwt: signed_in.session_jwt,
        refresh_jwt: Some(signed_in.refresh.token),
        cookie_domain: String::new(),
        cookie_path: "/".into(),
        cookie_max_age: signed_in.refresh_max_age,
        cookie_expiration: signed_in.refresh.expires_at,
        cookie_name: "DSR".into(),
        session_expiration: signed_in.session_expiration,
        user: Some(user_response(&signed_in.user, &signed_in.tenant_names)),
        first_seen: signed_in.first_seen,
        claims: json!({ "amr": signed_in.amr }),
        next_refresh_seconds: Some(signed_in.next_refresh_seconds),
    }
}

/// Descope's `UserResponse`; `tenant_names` names the user's tenants (one never created is
/// named by its ID).
pub(crate) fn user_response(user: &User, tenant_names: &BTreeMap<String, String>) -> UserResponse {
    UserResponse {
        login_ids: std::iter::once(&user.login_id)
            .chain(&user.additional_login_ids)
            .cloned()
            .collect(),
        user_id: user.id.clone(),
        name: user.name.clone(),
        given_name: user.given_name.clone(),
        middle_name: user.middle_name.clone(),
        family_name: user.family_name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone(),
        picture: user.picture.clone(),
        verified_email: user.verified_email,
        verified_phone: user.verified_phone,
        role_names: user.roles.clone(),
        user_tenants: user
            .tenants
            .iter()
            .map(|(id, tenant)| UserTenant {
                tenant_id: id.clone(),
                tenant_name: tenant_names.get(id).unwrap_or(id).clone(),
                role_names: tenant.roles.clone(),
                permissions: tenant.permissions.clone(),
            })
            .collect(),
        status: user.status.as_str().into(),
        test: user.test,
        custom_attributes: user.custom_attributes.clone(),
        external_ids: vec![user.login_id.clone()],
        created_time: user.created_at,
        password: user.has_password,
        ..UserResponse::default()
    }
}

/// `{}`: what a call with nothing to say answers, for the Node SDK parses every answer.
pub(crate) fn nothing() -> Json<Value> {
    Json(json!({}))
}

//! `/console`: a developer's view of the whole local project, and the controls to steer it.
//! Users (search, create, roles, tenants, sessions, disable, delete, passwords), the inbox,
//! the signing keys, the project's settings, export, import and reset, a minted token for
//! `curl`, the clock and the injected faults.
//!
//! Who may use it: clients on this machine only (the inbox's rule), and it is not mounted at
//! all when other machines may reach the server (see `http::router`). Its actions change
//! anything, so a page of another site must not be able to submit them from a browser on this
//! machine: every `POST` carries the console's token, which only a page read from the console
//! holds (the console is outside CORS, so no other origin reads it, and a rebound host name
//! gets 421), and must come from the console's own origin (`Origin`, `Sec-Fetch-Site`). Its
//! pages may not be framed.

mod view;

use axum::{
    extract::{
        DefaultBodyLimit, FromRequest, FromRequestParts, OriginalUri, Path, Query, Request, State,
    },
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::{dev::MAX_OFFSET_SECONDS, error::HttpError, extract::Shared, network};
use crate::domain::{
    management::users::{Filter, RoleChange, TestUsers, UserRef},
    users::{LoginId, Status, User},
    Error,
};
use view::{
    user_path, Frame, Minted, MintedPage, Overview, OverviewPage, Refused, UserPage, UserView,
};

/// The app's stylesheet, which the console's pages share.
const STYLESHEET: &str = include_str!("../../../../style/main.css");

/// The largest project document the console imports.
const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// What a console page may load: its stylesheet, nothing else; and no one may frame it.
const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                      form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route("/console", get(overview))
        .route("/console/style.css", get(stylesheet))
        .route("/console/project.json", get(export))
        .route("/console/users", post(create_user))
        .route("/console/users/{id}", get(user_page))
        .route("/console/users/{id}/status", post(set_status))
        .route("/console/users/{id}/logout", post(log_out))
        .route(
            "/console/users/{id}/sessions/{session}/revoke",
            post(revoke_session),
        )
        .route("/console/users/{id}/roles", post(set_roles))
        .route("/console/users/{id}/tenants", post(set_tenants))
        .route("/console/users/{id}/password", post(set_password))
        .route("/console/users/{id}/mint", post(mint))
        .route("/console/users/{id}/delete", post(delete_user))
        .route("/console/keys/rotate", post(rotate_key))
        .route(
            "/console/project/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/console/project/reset", post(reset))
        .route("/console/clock", post(advance_clock))
        .route("/console/clock/reset", post(reset_clock))
        .route("/console/faults/clear", post(clear_faults))
}

/// A request to the console from this machine, and the frame its page is drawn in.
struct Console {
    frame: Frame,
    /// `http://<host>` as the request named it: the app's origin when the server is embedded.
    origin: String,
}

impl FromRequestParts<Shared> for Console {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, api: &Shared) -> Result<Self, HttpError> {
        if !network::is_local_client(parts) {
            return Err(HttpError::LocalOnly);
        }
        // Where the server is mounted (`/descope` when embedded): the path the browser used,
        // less the path this router sees.
        let seen = parts.uri.path();
        let used = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(seen, |uri| uri.0.path());
        let mount = used.strip_suffix(seen).unwrap_or_default();
        let clock = &api.services.clock;
        Ok(Self {
            frame: Frame {
                base: format!("{mount}/console"),
                token: api.console_token.clone(),
                project_id: api.project_id.clone(),
                now: clock.now(),
                offset: clock.offset(),
            },
            origin: format!("http://{}", authority(parts).unwrap_or_default()),
        })
    }
}

impl Console {
    /// The page `title`, drawn in the frame, as a response no cache keeps and no page frames.
    fn page<V: leptos::IntoView + 'static>(
        self,
        status: StatusCode,
        title: &str,
        content: impl FnOnce() -> V + Send + 'static,
    ) -> Response {
        let html = view::render(self.frame, title, content);
        let mut response = (status, axum::response::Html(html)).into_response();
        guard_headers(response.headers_mut());
        response
    }

    /// Back to `path` (under the console, perhaps with a `#section`), saying what was `done`.
    fn done(&self, path: &str, done: Done) -> Response {
        let (path, section) = path.split_once('#').unwrap_or((path, ""));
        let section = match section {
            "" => String::new(),
            section => format!("#{section}"),
        };
        let done = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
        Redirect::to(&format!("{}{path}?{done}{section}", self.frame.base)).into_response()
    }

    /// Back to `path` saying what was `done`, or the page saying why it was not.
    fn outcome<T>(
        self,
        result: Result<T, impl Into<HttpError>>,
        path: &str,
        done: Done,
    ) -> Response {
        match result {
            Ok(_) => self.done(path, done),
            Err(e) => self.refused(e, path),
        }
    }

    /// The page saying why `error` stopped an action, with a link back to `path`, in the
    /// status the API gives the same error; 404 for a user or session that is not there.
    fn refused(self, error: impl Into<HttpError>, path: &str) -> Response {
        let error = error.into();
        let status = match &error {
            HttpError::Domain(Error::UserNotFound | Error::NotFound(_)) => StatusCode::NOT_FOUND,
            other => other.status(),
        };
        let message = match &error {
            HttpError::Domain(Error::Internal(detail)) => {
                tracing::error!("console: {detail}");
                "Something went wrong on the server; its log says what.".to_owned()
            }
            other => other.to_string(),
        };
        let back = format!("{}{path}", self.frame.base);
        self.page(status, "Not done", move || {
            leptos::view! { <Refused message=message back=back /> }
        })
    }
}

fn guard_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// A submitted console form: from this machine, from the console's own origin, with the
/// console's token; `T` holds its other fields.
struct Action<T> {
    console: Console,
    fields: T,
}

#[derive(Deserialize)]
struct Guarded<T> {
    csrf: String,
    #[serde(flatten)]
    fields: T,
}

/// The host and port the request named: a host the server answers to, since
/// `require_known_host` let it in. The console is served over plain HTTP on this machine.
fn authority(parts: &Parts) -> Option<&str> {
    match parts.uri.authority() {
        Some(authority) => Some(authority.as_str()),
        None => parts.headers.get(header::HOST)?.to_str().ok(),
    }
}

/// Whether a browser says the request comes from a page of this same origin. Clients that
/// send neither header (not a browser) pass: they need the token all the same.
fn same_origin(parts: &Parts) -> bool {
    let site = parts
        .headers
        .get("sec-fetch-site")
        .is_none_or(|site| site == "same-origin");
    let origin = match parts.headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .zip(authority(parts))
            .is_some_and(|(origin, authority)| origin.eq_ignore_ascii_case(authority)),
    };
    site && origin
}

impl<T: DeserializeOwned + Send> FromRequest<Shared> for Action<T> {
    type Rejection = Response;

    async fn from_request(request: Request, api: &Shared) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let console = Console::from_request_parts(&mut parts, api)
            .await
            .map_err(IntoResponse::into_response)?;
        if !same_origin(&parts) {
            tracing::warn!("console: refused a form sent from another origin");
            return Err(console.refused(HttpError::ForeignForm, ""));
        }
        let request = Request::from_parts(parts, body);
        let form = match Form::<Guarded<T>>::from_request(request, api).await {
            Ok(Form(form)) => form,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(console.refused(HttpError::TooLarge, ""))
            }
            // The rejection's text may quote the form, which may hold a password.
            Err(_) => {
                return Err(console.refused(
                    HttpError::BadRequest("the form is not one the console sends".into()),
                    "",
                ))
            }
        };
        if !api.accepts_console_token(&form.csrf) {
            tracing::warn!("console: refused a form without the console's token");
            return Err(console.refused(HttpError::ForeignForm, ""));
        }
        Ok(Self {
            console,
            fields: form.fields,
        })
    }
}

/// What an action did, for the page it returns to (`?done=`).
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Done {
    Created,
    Status,
    Revoked,
    Roles,
    Tenants,
    Password,
    Deleted,
    Rotated,
    Imported,
    Reset,
    Clock,
    Faults,
    /// A code no action gives: no notice.
    #[serde(other)]
    Unknown,
}

impl Done {
    fn text(self) -> Option<String> {
        let text = match self {
            Self::Created => "User created.",
            Self::Status => "Status changed.",
            Self::Revoked => "Session revoked: its refresh token is refused from now on.",
            Self::Roles => "Roles set: they are in the user's next session token.",
            Self::Tenants => "Tenants set: they are in the user's next session token.",
            Self::Password => "Password set; every session of the user ended.",
            Self::Deleted => "User deleted.",
            Self::Rotated => "Signing key rotated.",
            Self::Imported => "Project imported.",
            Self::Reset => "Project reset to empty.",
            Self::Clock => "Clock changed.",
            Self::Faults => "Faults cleared.",
            Self::Unknown => return None,
        };
        Some(text.to_owned())
    }
}

#[derive(Deserialize)]
struct PageQuery {
    #[serde(default)]
    q: String,
    done: Option<Done>,
}

/// The most users the front page lists.
const LISTED_USERS: usize = 100;

async fn overview(
    console: Console,
    State(api): State<Shared>,
    Query(query): Query<PageQuery>,
) -> Response {
    let services = &api.services;
    let filter = Filter {
        text: query.q.trim().to_owned(),
        test_users: TestUsers::With,
        ..Filter::default()
    };
    let found = services.users.search(filter, LISTED_USERS, 0).await;
    let keys = services.admin.keys().await;
    let ((users, total), keys) = match (found, keys) {
        (Ok(found), Ok(keys)) => (found, keys),
        (Err(e), _) | (_, Err(e)) => return console.refused(e, ""),
    };
    let overview = Overview {
        query: query.q,
        users,
        total,
        messages: services.inbox.list(None),
        keys,
        settings: api.settings.clone(),
        faults: {
            let now = std::time::Instant::now();
            api.faults.list().iter().map(|f| f.describe(now)).collect()
        },
    };
    let done = query.done.and_then(Done::text);
    console.page(StatusCode::OK, "Console", move || {
        leptos::view! { <OverviewPage overview=overview done=done /> }
    })
}

async fn stylesheet(_: Console) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
        .into_response()
}

async fn export(console: Console, State(api): State<Shared>) -> Response {
    match api.services.admin.export().await {
        Ok(document) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"project.json\"",
                    ),
                ],
                document,
            )
                .into_response();
            guard_headers(response.headers_mut());
            response
        }
        Err(e) => console.refused(e, "#project"),
    }
}

async fn user_page(
    console: Console,
    State(api): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let services = &api.services;
    let loaded = async {
        let user = services.users.load(UserRef::Id(id.clone())).await?;
        let sessions = services.sessions.of_user(user.id.clone()).await?;
        let roles = services
            .authz
            .roles()
            .await?
            .into_iter()
            .filter(|r| r.tenant_id.is_empty())
            .map(|r| r.name)
            .collect();
        let tenants = services
            .authz
            .tenants()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        Ok::<_, Error>(UserView {
            user,
            sessions,
            roles,
            tenants,
        })
    };
    match loaded.await {
        Ok(user) => {
            let done = query.done.and_then(Done::text);
            let title = user.user.login_id.clone();
            console.page(StatusCode::OK, &title, move || {
                leptos::view! { <UserPage view=user done=done /> }
            })
        }
        Err(e) => console.refused(e, "#users"),
    }
}

#[derive(Deserialize)]
struct NewUser {
    #[serde(rename = "loginId")]
    login_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    test: Option<String>,
}

async fn create_user(State(api): State<Shared>, action: Action<NewUser>) -> Response {
    let Action { console, fields } = action;
    let created = async {
        let login_id = LoginId::parse(fields.login_id.trim())?;
        let user = User {
            login_id: login_id.as_str().to_owned(),
            email: login_id.as_str().to_owned(),
            name: fields.name.trim().to_owned(),
            test: fields.test.is_some(),
            ..User::default()
        };
        let password = Some(fields.password).filter(|p| !p.is_empty());
        api.services.users.create(login_id, user, password).await
    };
    match created.await {
        Ok(user) => {
            tracing::info!(user = %user.id, test = user.test, "console: user created");
            console.done(&user_path(&user.id), Done::Created)
        }
        Err(e) => console.refused(e, "#users"),
    }
}

#[derive(Deserialize)]
struct NoFields {}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
}

async fn set_status(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<StatusForm>,
) -> Response {
    let Action { console, fields } = action;
    let back = user_path(&id);
    let status = match fields.status.as_str() {
        "enabled" => Status::Enabled,
        "disabled" => Status::Disabled,
        _ => return console.refused(HttpError::BadRequest("no such status".into()), &back),
    };
    let changed = api
        .services
        .users
        .modify(UserRef::Id(id), move |user| {
            user.status = status;
            Ok(())
        })
        .await;
    console.outcome(changed, &back, Done::Status)
}

async fn log_out(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<NoFields>,
) -> Response {
    let back = user_path(&id);
    action.console.outcome(
        api.services.users.log_out(UserRef::Id(id)).await,
        &back,
        Done::Revoked,
    )
}

async fn revoke_session(
    State(api): State<Shared>,
    Path((id, session)): Path<(String, String)>,
    action: Action<NoFields>,
) -> Response {
    let back = user_path(&id);
    action.console.outcome(
        api.services.sessions.revoke(id, session).await,
        &back,
        Done::Revoked,
    )
}

/// `a, b c` as `["a", "b c"]`: names may hold spaces (Descope's "Tenant Admin").
fn names(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Deserialize)]
struct RolesForm {
    roles: String,
}

async fn set_roles(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<RolesForm>,
) -> Response {
    let Action { console, fields } = action;
    let back = user_path(&id);
    let roles = names(&fields.roles);
    let set = api
        .services
        .users
        .change_roles(UserRef::Id(id), None, RoleChange::Set(roles))
        .await;
    console.outcome(set, &back, Done::Roles)
}

#[derive(Deserialize)]
struct TenantsForm {
    tenants: String,
}

async fn set_tenants(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<TenantsForm>,
) -> Response {
    let Action { console, fields } = action;
    let back = user_path(&id);
    let set = api
        .services
        .users
        .set_tenants(UserRef::Id(id), names(&fields.tenants))
        .await;
    console.outcome(set, &back, Done::Tenants)
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
    temporary: Option<String>,
}

async fn set_password(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<PasswordForm>,
) -> Response {
    let Action { console, fields } = action;
    let back = user_path(&id);
    let temporary = fields.temporary.is_some();
    let set = api
        .services
        .users
        .set_password(UserRef::Id(id), fields.password, temporary)
        .await;
    console.outcome(set, &back, Done::Password)
}

async fn delete_user(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<NoFields>,
) -> Response {
    match api.services.users.delete(UserRef::Id(id.clone())).await {
        Ok(()) => {
            tracing::info!(user = %id, "console: user deleted");
            action.console.done("", Done::Deleted)
        }
        Err(e) => action.console.refused(e, &user_path(&id)),
    }
}

async fn mint(
    State(api): State<Shared>,
    Path(id): Path<String>,
    action: Action<NoFields>,
) -> Response {
    let console = action.console;
    let back = user_path(&id);
    match api.services.admin.mint(id).await {
        Ok((user, token, expires_at)) => {
            tracing::info!(user = %user.id, "console: session token minted");
            // The app's origin: the first allowed origin, else this one (the app's, embedded).
            let app = api.app_origin.as_deref().unwrap_or(&console.origin);
            let curl = format!("curl -H 'Authorization: Bearer {token}' {app}/get_secret_message");
            let minted = Minted {
                user,
                token,
                expires_at,
                curl,
            };
            console.page(StatusCode::OK, "Session token", move || {
                leptos::view! { <MintedPage minted=minted /> }
            })
        }
        Err(e) => console.refused(e, &back),
    }
}

async fn rotate_key(State(api): State<Shared>, action: Action<NoFields>) -> Response {
    action.console.outcome(
        api.services.admin.rotate_key().await,
        "#keys",
        Done::Rotated,
    )
}

#[derive(Deserialize)]
struct ImportForm {
    document: String,
}

async fn import(State(api): State<Shared>, action: Action<ImportForm>) -> Response {
    let Action { console, fields } = action;
    match api.services.admin.import(fields.document).await {
        Ok(imported) => {
            tracing::info!(?imported, "console: project imported");
            console.done("#project", Done::Imported)
        }
        Err(e) => console.refused(e, "#project"),
    }
}

#[derive(Deserialize)]
struct ResetForm {
    confirm: String,
}

async fn reset(State(api): State<Shared>, action: Action<ResetForm>) -> Response {
    let Action { console, fields } = action;
    if fields.confirm != "RESET" {
        return console.refused(
            HttpError::BadRequest("type RESET to reset the project".into()),
            "#project",
        );
    }
    match api.services.admin.reset().await {
        Ok(()) => {
            tracing::warn!("console: project reset to empty");
            console.done("", Done::Reset)
        }
        Err(e) => console.refused(e, "#project"),
    }
}

#[derive(Deserialize)]
struct ClockForm {
    minutes: String,
}

async fn advance_clock(State(api): State<Shared>, action: Action<ClockForm>) -> Response {
    let Action { console, fields } = action;
    let clock = &api.services.clock;
    let advanced = fields
        .minutes
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| *m > 0)
        .and_then(|m| m.checked_mul(60))
        .is_some_and(|seconds| clock.advance_within(seconds, MAX_OFFSET_SECONDS));
    if !advanced {
        return console.refused(
            HttpError::BadRequest(
                "give a whole number of minutes above 0; the clock goes at most 100 years ahead"
                    .into(),
            ),
            "#time",
        );
    }
    tracing::info!(offset = clock.offset(), "console: clock advanced");
    console.done("#time", Done::Clock)
}

async fn reset_clock(State(api): State<Shared>, action: Action<NoFields>) -> Response {
    api.services.clock.reset();
    tracing::info!("console: clock back to real time");
    action.console.done("#time", Done::Clock)
}

async fn clear_faults(State(api): State<Shared>, action: Action<NoFields>) -> Response {
    let cleared = api.faults.clear();
    tracing::info!(cleared, "console: faults cleared");
    action.console.done("#time", Done::Faults)
}

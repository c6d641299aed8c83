//! The console's pages: Leptos components rendered to HTML on the server, in the app's
//! stylesheet. Plain links and forms, no script: every action is a `POST` a keyboard reaches,
//! and each form carries the console's token (see `super`).

use leptos::prelude::*;

use crate::{
    domain::{
        inbox::Message,
        tokens::rfc3339,
        users::{Status, User},
    },
    http::{dev::MAX_OFFSET_SECONDS, responses::escape_html},
    storage::{keys::KeyRecord, sessions::SessionRecord},
};

/// What every page knows: where the console is mounted, the token its forms carry, and the
/// server's clock.
#[derive(Clone)]
pub(super) struct Frame {
    /// The console's own path, e.g. `/descope/console` when embedded.
    pub(super) base: String,
    pub(super) token: String,
    pub(super) project_id: String,
    pub(super) now: i64,
    pub(super) offset: i64,
}

/// A whole page: `<!DOCTYPE html>` and the document. The head is written out: Leptos marks
/// text for hydration with comments, which a `<title>` would show. The empty icon keeps the
/// browser from asking the server for one.
pub(super) fn render<V: IntoView + 'static>(
    frame: Frame,
    title: &str,
    content: impl FnOnce() -> V + Send + 'static,
) -> String {
    let head = format!(
        "<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, \
         initial-scale=1\"><title>{} · Descope local console</title>\
         <link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"{}/style.css\"></head>",
        escape_html(title),
        escape_html(&frame.base),
    );
    let body = Owner::new().with(move || {
        provide_context(frame);
        view! { <Shell>{content()}</Shell> }.to_html()
    });
    format!("<!DOCTYPE html><html lang=\"en\">{head}<body>{body}</body></html>")
}

fn frame() -> Frame {
    expect_context::<Frame>()
}

/// `2026-12-03 20:41:07`, in UTC.
fn when(seconds: i64) -> String {
    match seconds {
        0 => "—".to_owned(),
        s => rfc3339(s).replace('T', " ").replace('Z', ""),
    }
}

#[component]
fn Shell(children: Children) -> impl IntoView {
    let Frame {
        base,
        project_id,
        now,
        offset,
        ..
    } = frame();
    let clock = match offset {
        0 => format!("Server time {} UTC", when(now)),
        ahead => format!("Server time {} UTC ({} ahead)", when(now), span(ahead)),
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="container header-row">
                <a href=base.clone() class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    "Descope local · console"
                </a>
                <nav aria-label="Console">
                    <ul class="nav-list">
                        <li><a href=format!("{base}#users")>"Users"</a></li>
                        <li><a href=format!("{base}#inbox")>"Inbox"</a></li>
                        <li><a href=format!("{base}#keys")>"Keys"</a></li>
                        <li><a href=format!("{base}#project")>"Project"</a></li>
                        <li><a href=format!("{base}#time")>"Time & faults"</a></li>
                    </ul>
                </nav>
            </div>
        </header>
        <main id="main" class="container console">
            <p class="muted console-meta">
                "Project " <code>{project_id}</code> " · " <span data-testid="server-time">{clock}</span>
            </p>
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                "For this machine only: the console is not served when the server is exposed."
            </div>
        </footer>
    }
}

/// The path of a user's page under the console, their ID percent-encoded: an imported ID may
/// hold any character.
pub(super) fn user_path(id: &str) -> String {
    let mut path = String::from("/users/");
    for byte in id.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'~' => {
                path.push(char::from(byte))
            }
            _ => path.push_str(&format!("%{byte:02X}")),
        }
    }
    path
}

/// `90 s`, `11 min`, `29 d`.
fn span(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// A form that `POST`s to `action` (under the console's path) with the console's token.
#[component]
fn Post(
    action: String,
    children: Children,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let Frame { base, token, .. } = frame();
    view! {
        <form method="post" action=format!("{base}{action}") class=class aria-label=(!label.is_empty()).then_some(label)>
            <input type="hidden" name="csrf" value=token />
            {children()}
        </form>
    }
}

/// One button that `POST`s to `action`.
#[component]
fn ActionButton(
    action: String,
    text: &'static str,
    #[prop(optional)] danger: bool,
    #[prop(optional)] test_id: &'static str,
) -> impl IntoView {
    let class = if danger {
        "button button-small button-danger"
    } else {
        "button button-small button-secondary"
    };
    view! {
        <Post action=action class="inline-form">
            <button type="submit" class=class data-testid=(!test_id.is_empty()).then_some(test_id)>{text}</button>
        </Post>
    }
}

/// What the last action did, when its redirect says (`?done=…`).
#[component]
fn Notice(text: Option<String>) -> impl IntoView {
    text.map(|text| {
        view! { <div class="notice notice-success" role="status" data-testid="done"><p>{text}</p></div> }
    })
}

/// What the console shows on its front page.
pub(super) struct Overview {
    pub(super) query: String,
    pub(super) users: Vec<User>,
    pub(super) total: usize,
    pub(super) messages: Vec<Message>,
    pub(super) keys: Vec<KeyRecord>,
    pub(super) settings: Vec<(&'static str, String)>,
    pub(super) faults: Vec<String>,
}

#[component]
pub(super) fn OverviewPage(overview: Overview, done: Option<String>) -> impl IntoView {
    let Overview {
        query,
        users,
        total,
        messages,
        keys,
        settings,
        faults,
    } = overview;
    view! {
        <h1>"Console"</h1>
        <Notice text=done />
        <UsersSection query=query users=users total=total />
        <InboxSection messages=messages />
        <KeysSection keys=keys />
        <ProjectSection settings=settings />
        <TimeSection faults=faults />
    }
}

fn status_badge(user: &User) -> impl IntoView {
    let (class, text) = match user.status {
        Status::Enabled => ("badge badge-success", "enabled"),
        Status::Disabled => ("badge badge-danger", "disabled"),
    };
    let test = user
        .test
        .then(|| view! { " " <span class="badge">"test user"</span> });
    view! { <span class=class>{text}</span> {test} }
}

#[component]
fn UsersSection(query: String, users: Vec<User>, total: usize) -> impl IntoView {
    let Frame { base, .. } = frame();
    let shown = users.len();
    let rows = users
        .into_iter()
        .map(|user| {
            let href = format!("{base}{}", user_path(&user.id));
            let badges = status_badge(&user);
            view! {
                <tr>
                    <td><a href=href>{user.login_id.clone()}</a></td>
                    <td>{user.name.clone()}</td>
                    <td>{user.email.clone()}</td>
                    <td>{badges}</td>
                    <td>{user.roles.join(", ")}</td>
                    <td class="time">{when(user.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let count = match (shown, total) {
        (0, _) if !query.is_empty() => "No user matches.".to_owned(),
        (0, _) => "No users yet: sign up in the app, or create one here.".to_owned(),
        (shown, total) if shown < total => {
            format!("The {shown} oldest of {total} users: search to find the others.")
        }
        (_, total) => format!("{total} user(s)."),
    };
    view! {
        <section id="users" class="card console-section" aria-labelledby="users-title">
            <h2 id="users-title">"Users"</h2>
            <form method="get" action=base.clone() class="form form-row" role="search">
                <label for="user-query">"Search login ID, email, name or phone"</label>
                <input id="user-query" name="q" type="search" value=query />
                <button type="submit" class="button button-small">"Search"</button>
            </form>
            <p class="muted">{count}</p>
            <div class="table-scroll">
                <table class="table" data-testid="users">
                    <thead>
                        <tr><th>"Login ID"</th><th>"Name"</th><th>"Email"</th><th>"Status"</th><th>"Roles"</th><th>"Created (UTC)"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>"Create a user"</h3>
            <Post action="/users".to_owned() class="form" label="Create a user">
                <div class="fields">
                    <div>
                        <label for="new-login">"Login ID (an email)"</label>
                        <input id="new-login" name="loginId" type="email" required autocomplete="off" />
                    </div>
                    <div>
                        <label for="new-name">"Name"</label>
                        <input id="new-name" name="name" type="text" autocomplete="off" />
                    </div>
                    <div>
                        <label for="new-password">"Password (optional)"</label>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" />
                    </div>
                </div>
                <label class="checkbox"><input name="test" type="checkbox" value="on" />" Test user (the management API may mint its codes and links)"</label>
                <button type="submit" class="button">"Create user"</button>
            </Post>
        </section>
    }
}

#[component]
fn InboxSection(messages: Vec<Message>) -> impl IntoView {
    let empty = messages.is_empty();
    let rows = messages
        .into_iter()
        .map(|m| {
            let content = match (m.code, m.link) {
                (Some(code), _) => view! { <code class="code">{code}</code> }.into_any(),
                (_, Some(link)) => {
                    let href = link.clone();
                    view! { <a href=href>{link}</a> }.into_any()
                }
                _ => ().into_any(),
            };
            view! {
                <tr><td>{m.to}</td><td>{m.kind}</td><td>{content}</td><td class="time">{when(m.sent_at)}</td></tr>
            }
        })
        .collect_view();
    view! {
        <section id="inbox" class="card console-section" aria-labelledby="inbox-title">
            <h2 id="inbox-title">"Inbox"</h2>
            <p class="muted">"Codes and magic links the server \"sent\": nothing here is real email. Newest first, the last 200."</p>
            {if empty {
                view! { <p>"No messages yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table" data-testid="inbox">
                            <thead><tr><th>"To"</th><th>"Kind"</th><th>"Code or link"</th><th>"Sent (UTC)"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn KeysSection(keys: Vec<KeyRecord>) -> impl IntoView {
    let rows = keys
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            // The JWKS publishes the current key and the one before it.
            let state = match (key.current, i) {
                (true, _) => "current, published",
                (false, 1) => "published (tokens it signed stay valid)",
                _ => "retired",
            };
            view! { <tr><td><code>{key.kid}</code></td><td>{state}</td><td class="time">{when(key.created_at)}</td></tr> }
        })
        .collect_view();
    view! {
        <section id="keys" class="card console-section" aria-labelledby="keys-title">
            <h2 id="keys-title">"Signing keys"</h2>
            <div class="table-scroll">
                <table class="table" data-testid="keys">
                    <thead><tr><th>"Key ID (kid)"</th><th>"State"</th><th>"Created (UTC)"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="muted">"Rotating signs new tokens with a new key at once; the previous key stays published."</p>
            <ActionButton action="/keys/rotate".to_owned() text="Rotate key" test_id="rotate-key" />
        </section>
    }
}

#[component]
fn ProjectSection(settings: Vec<(&'static str, String)>) -> impl IntoView {
    let Frame { base, .. } = frame();
    let rows = settings
        .into_iter()
        .map(|(name, value)| view! { <dt><code>{name}</code></dt><dd>{value}</dd> })
        .collect_view();
    view! {
        <section id="project" class="card console-section" aria-labelledby="project-title">
            <h2 id="project-title">"Project"</h2>
            <h3>"Settings in force"</h3>
            <dl class="details settings">{rows}</dl>
            <h3>"Export and import"</h3>
            <p>
                <a class="button button-small button-secondary" href=format!("{base}/project.json") download="project.json">"Export project (JSON)"</a>
            </p>
            <Post action="/project/import".to_owned() class="form" label="Import a project">
                <label for="import-text">"Import a project document (or a seed file's list of users): what is missing is created, an invalid entry changes nothing"</label>
                <textarea id="import-text" name="document" rows="6" required spellcheck="false"></textarea>
                <button type="submit" class="button button-small">"Import"</button>
            </Post>
            <h3>"Reset"</h3>
            <Post action="/project/reset".to_owned() class="form form-row danger-zone" label="Reset the project">
                <label for="reset-confirm">"Delete every user, session, role, tenant and access key: type RESET"</label>
                <input id="reset-confirm" name="confirm" type="text" required pattern="RESET" autocomplete="off" />
                <button type="submit" class="button button-small button-danger">"Reset to empty"</button>
            </Post>
        </section>
    }
}

#[component]
fn TimeSection(faults: Vec<String>) -> impl IntoView {
    let Frame { offset, .. } = frame();
    let listed = (!faults.is_empty()).then(|| {
        let items = faults
            .into_iter()
            .map(|f| view! { <li>{f}</li> })
            .collect_view();
        view! {
            <ul class="fault-list" data-testid="faults">{items}</ul>
            <ActionButton action="/faults/clear".to_owned() text="Clear faults" />
        }
    });
    view! {
        <section id="time" class="card console-section" aria-labelledby="time-title">
            <h2 id="time-title">"Time and faults"</h2>
            <p>
                {match offset {
                    0 => "The clock follows real time.".to_owned(),
                    s => format!("The clock is {} ahead of real time.", span(s)),
                }}
            </p>
            <Post action="/clock".to_owned() class="form form-row" label="Move the clock">
                <label for="advance">"Advance the clock by (minutes)"</label>
                <input id="advance" name="minutes" type="number" min="1" max=MAX_OFFSET_SECONDS / 60 required />
                <button type="submit" class="button button-small">"Advance"</button>
            </Post>
            {(offset != 0).then(|| view! { <ActionButton action="/clock/reset".to_owned() text="Back to real time" /> })}
            <h3>"Injected faults"</h3>
            {if listed.is_none() {
                view! { <p class="muted">"None waiting. Arm them with POST /_dev/faults."</p> }.into_any()
            } else {
                listed.into_any()
            }}
        </section>
    }
}

/// A user's page: who they are, their roles, tenants and sessions, and what can be done.
pub(super) struct UserView {
    pub(super) user: User,
    pub(super) sessions: Vec<SessionRecord>,
    /// Role names defined in the project.
    pub(super) roles: Vec<String>,
    /// Tenants as `(id, name)`.
    pub(super) tenants: Vec<(String, String)>,
}

#[component]
pub(super) fn UserPage(view: UserView, done: Option<String>) -> impl IntoView {
    let Frame { base, now, .. } = frame();
    let UserView {
        user,
        sessions,
        roles,
        tenants,
    } = view;
    let path = user_path(&user.id);
    let badges = status_badge(&user);
    let password = match (user.has_password, user.password_expired) {
        (false, _) => "none",
        (true, false) => "set",
        (true, true) => "set, must be replaced at next sign-in",
    };
    let login_ids = std::iter::once(user.login_id.clone())
        .chain(user.additional_login_ids.iter().cloned())
        .collect::<Vec<_>>()
        .join(", ");
    let (toggle_to, toggle_text) = match user.status {
        Status::Enabled => ("disabled", "Disable"),
        Status::Disabled => ("enabled", "Enable"),
    };
    let member_of = user.tenants.keys().cloned().collect::<Vec<_>>().join(", ");
    let tenant_roles = user
        .tenants
        .iter()
        .map(|(id, m)| format!("{id}: {}", m.roles.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    let known_tenants = tenants
        .iter()
        .map(|(id, name)| format!("{id} ({name})"))
        .collect::<Vec<_>>()
        .join(", ");
    let title = if user.name.is_empty() {
        user.login_id.clone()
    } else {
        user.name.clone()
    };
    view! {
        <p><a href=format!("{base}#users")>"← All users"</a></p>
        <h1>{title}</h1>
        <Notice text=done />
        <section class="card console-section" aria-label="Profile">
            <dl class="details">
                <dt>"User ID"</dt><dd><code data-testid="user-id">{user.id.clone()}</code></dd>
                <dt>"Login IDs"</dt><dd>{login_ids}</dd>
                <dt>"Email"</dt><dd>{user.email.clone()} {user.verified_email.then_some(" (verified)")}</dd>
                <dt>"Status"</dt><dd data-testid="status">{badges}</dd>
                <dt>"Password"</dt><dd>{password}</dd>
                <dt>"Created"</dt><dd>{when(user.created_at)} " UTC"</dd>
            </dl>
            <div class="actions">
                <Post action=format!("{path}/status") class="inline-form">
                    <input type="hidden" name="status" value=toggle_to />
                    <button type="submit" class="button button-small button-secondary">{toggle_text}</button>
                </Post>
                <ActionButton action=format!("{path}/logout") text="Revoke all sessions" test_id="revoke-all" />
                <Post action=format!("{path}/mint") class="inline-form">
                    <button type="submit" class="button button-small">"Mint a session token"</button>
                </Post>
            </div>
        </section>
        <section class="card console-section" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions"</h2>
            <Sessions path=path.clone() sessions=sessions now=now />
        </section>
        <section class="card console-section" aria-labelledby="access-title">
            <h2 id="access-title">"Roles and tenants"</h2>
            <div class="fields">
            <Post action=format!("{path}/roles") class="form" label="Set roles">
                <label for="roles">"Project roles, comma-separated"</label>
                <input id="roles" name="roles" type="text" value=user.roles.join(", ") autocomplete="off" />
                <p class="form-hint">{match roles[..] { [] => "The project defines no roles yet.".to_owned(), _ => format!("Defined: {}", roles.join(", ")) }}</p>
                <button type="submit" class="button button-small">"Set roles"</button>
            </Post>
            <Post action=format!("{path}/tenants") class="form" label="Set tenants">
                <label for="tenants">"Tenant IDs, comma-separated"</label>
                <input id="tenants" name="tenants" type="text" value=member_of autocomplete="off" />
                <p class="form-hint">
                    {match tenants[..] { [] => "The project has no tenants yet.".to_owned(), _ => format!("Tenants: {known_tenants}") }}
                    {(!tenant_roles.is_empty()).then(|| format!(". Roles in them: {tenant_roles}"))}
                </p>
                <button type="submit" class="button button-small">"Set tenants"</button>
            </Post>
            </div>
        </section>
        <section class="card console-section" aria-labelledby="password-title">
            <h2 id="password-title">"Reset the password"</h2>
            <Post action=format!("{path}/password") class="form" label="Set a password">
                <label for="password">"New password"</label>
                <input id="password" name="password" type="password" required autocomplete="new-password" />
                <label class="checkbox"><input name="temporary" type="checkbox" value="on" />" Must be replaced at next sign-in"</label>
                <button type="submit" class="button button-small">"Set password"</button>
            </Post>
            <p class="form-hint">"Setting a password ends every session of the user."</p>
        </section>
        <section class="card console-section danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete"</h2>
            <p>"Deletes the user, their sessions and pending codes."</p>
            <ActionButton action=format!("{path}/delete") text="Delete user" danger=true />
        </section>
    }
}

#[component]
fn Sessions(path: String, sessions: Vec<SessionRecord>, now: i64) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <p class="muted">"No sessions."</p> }.into_any();
    }
    let rows = sessions
        .into_iter()
        .map(|s| {
            let state = match (s.revoked, s.expires_at <= now) {
                (true, _) => "revoked",
                (false, true) => "expired",
                (false, false) => "live",
            };
            let revoke = (state == "live").then(|| {
                view! { <ActionButton action=format!("{path}/sessions/{}/revoke", s.id) text="Revoke" /> }
            });
            view! {
                <tr data-state=state>
                    <td><code>{s.id.chars().take(8).collect::<String>()}"…"</code></td>
                    <td>{s.amr.join(", ")}</td>
                    <td>{s.tenant.unwrap_or_default()}</td>
                    <td class="time">{when(s.created_at)}</td>
                    <td class="time">{when(s.last_used_at)}</td>
                    <td class="time">{when(s.expires_at)}</td>
                    <td>{state}</td>
                    <td>{revoke}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="sessions">
                <thead><tr><th>"Session"</th><th>"Signed in with"</th><th>"Tenant"</th><th>"Started (UTC)"</th><th>"Last refreshed"</th><th>"Expires"</th><th>"State"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A minted session token, with a `curl` line that uses it.
pub(super) struct Minted {
    pub(super) user: User,
    pub(super) token: String,
    pub(super) expires_at: i64,
    pub(super) curl: String,
}

#[component]
pub(super) fn MintedPage(minted: Minted) -> impl IntoView {
    let Frame { base, .. } = frame();
    let Minted {
        user,
        token,
        expires_at,
        curl,
    } = minted;
    view! {
        <p><a href=format!("{base}{}", user_path(&user.id))>"← " {user.login_id.clone()}</a></p>
        <h1>"Session token"</h1>
        <section class="card console-section">
            <p>
                "For " <strong>{user.login_id.clone()}</strong> ", with what their roles grant now; valid until "
                {when(expires_at)} " UTC. No session was started: it cannot be refreshed or revoked, and expires on its own."
            </p>
            <label for="token">"Token"</label>
            <textarea id="token" class="token" readonly rows="5" spellcheck="false" data-testid="token">{token}</textarea>
            <label for="curl">"Ask the app for the secret message"</label>
            <textarea id="curl" class="token" readonly rows="3" spellcheck="false" data-testid="curl">{curl}</textarea>
        </section>
    }
}

/// Why an action was refused, and the way back.
#[component]
pub(super) fn Refused(message: String, back: String) -> impl IntoView {
    view! {
        <h1>"Not done"</h1>
        <div class="notice" role="alert" data-testid="refused">
            <p>{message}</p>
        </div>
        <p><a href=back>"← Back"</a></p>
    }
}

//! Settings of the local server.

use std::{path::PathBuf, time::Duration};

use descope::api::LOCAL_PROJECT_ID;

use super::urls::{link_target, origin};

/// The project ID the local server uses unless told otherwise (see [`LOCAL_PROJECT_ID`]).
pub const DEFAULT_PROJECT_ID: &str = LOCAL_PROJECT_ID;

/// Where the standalone server listens unless `DESCOPE_LOCAL_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:4000";

/// Where the standalone server keeps its data unless `DESCOPE_LOCAL_DATA_DIR` says otherwise.
pub const DEFAULT_DATA_DIR: &str = "data/descope-local";

/// The length of a rate-limit window, in seconds: the failure and sign-up budgets count per
/// window.
pub(crate) const LIMIT_WINDOW_SECONDS: i64 = 600;

/// What a new password must have, as a Descope project's password settings say it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Fewest characters: at least 8, whatever the setting.
    pub min_length: usize,
    /// A lowercase letter.
    pub lowercase: bool,
    /// An uppercase letter.
    pub uppercase: bool,
    /// A digit.
    pub number: bool,
    /// A character that is neither letter nor digit.
    pub non_alphanumeric: bool,
}

impl Default for PasswordPolicy {
    /// Length only, as ASVS 5 recommends: at least 8 characters.
    fn default() -> Self {
        Self {
            min_length: MIN_PASSWORD_LENGTH,
            lowercase: false,
            uppercase: false,
            number: false,
            non_alphanumeric: false,
        }
    }
}

/// The longest minimum a password policy may set: passwords are at most 1024 bytes.
const MAX_PASSWORD_MIN_LENGTH: usize = 128;

/// The shortest password any policy allows.
pub const MIN_PASSWORD_LENGTH: usize = 8;

/// How sign-ins and refreshes hand out the refresh token, as a Descope project's "token
/// response method" says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenDelivery {
    /// In the JSON body, as `refreshJwt` (Descope's default).
    #[default]
    ResponseBody,
    /// As an httpOnly cookie only ("manage in cookies"): script on the page never sees it.
    Cookies,
}

/// A cookie's `SameSite` attribute: the project's cookie policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SameSite {
    /// Sent only with requests from the cookie's own site.
    #[default]
    Strict,
    /// Also with top-level navigations from other sites.
    Lax,
    /// With every request, which browsers allow only with `Secure`.
    None,
}

impl SameSite {
    /// The attribute's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "Strict",
            Self::Lax => "Lax",
            Self::None => "None",
        }
    }
}

/// The refresh-token cookie of [`TokenDelivery::Cookies`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshCookie {
    /// Its name: `DSR` unless the project renames it.
    pub name: String,
    /// Its `SameSite`: `Strict` by default.
    pub same_site: SameSite,
    /// Its `Domain`: none (the host that set it) by default.
    pub domain: Option<String>,
    /// Its `Path`: `/` by default.
    pub path: String,
}

impl Default for RefreshCookie {
    fn default() -> Self {
        Self {
            name: "DSR".into(),
            same_site: SameSite::Strict,
            domain: None,
            path: "/".into(),
        }
    }
}

impl RefreshCookie {
    /// Refuses a cookie a browser would drop or that would forge other attributes: a name
    /// that is not an RFC 6265 token, a domain that is not a host name, a path that does not
    /// start with `/` or holds `;` or control characters.
    fn check(&self) -> Result<(), String> {
        // RFC 6265's separators; `\u{22}` is the double quote.
        const SEPARATORS: &[char] = &[
            '(', ')', '<', '>', '@', ',', ';', ':', '\\', '\u{22}', '/', '[', ']', '?', '=', '{',
            '}',
        ];
        let token = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_graphic() && !SEPARATORS.contains(&c))
        };
        if !token(&self.name) {
            return Err(format!(
                "the refresh cookie name (DESCOPE_LOCAL_REFRESH_COOKIE_NAME, \
                 refreshTokenCookieName) {:?} is not a cookie name",
                self.name
            ));
        }
        if self.name == "DS" {
            return Err("the refresh cookie (DESCOPE_LOCAL_REFRESH_COOKIE_NAME, \
                 refreshTokenCookieName) cannot be named DS: that is the session token's \
                 cookie, which it would overwrite"
                .into());
        }
        if self.name.starts_with("__Host-") && (self.domain.is_some() || self.path != "/") {
            return Err("a __Host- cookie takes no domain and the path /".into());
        }
        if let Some(domain) = &self.domain {
            let host = domain.trim_start_matches('.');
            if host.is_empty()
                || !host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                return Err(format!(
                    "the cookie domain (DESCOPE_LOCAL_COOKIE_DOMAIN, cookieDomain) {domain:?} \
                     is not a host name"
                ));
            }
        }
        if !self.path.starts_with('/')
            || self
                .path
                .chars()
                .any(|c| c == ';' || c.is_control() || c == ' ')
        {
            return Err(format!(
                "the cookie path (DESCOPE_LOCAL_COOKIE_PATH, cookiePath) {:?} must be a path",
                self.path
            ));
        }
        Ok(())
    }
}

/// How the local server runs. [`Config::new`] gives the documented defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// The only project ID this server answers for; it is the `iss` of every token.
    pub project_id: String,
    /// Where the SQLite database lives. Created if missing.
    pub data_dir: PathBuf,
    /// Where this machine reaches the server, e.g. `http://127.0.0.1:4000` or
    /// `http://127.0.0.1:3000/descope` when embedded: the log points at the inbox there, and
    /// its host is one that requests may name. Whoever binds the listener sets it.
    pub base_url: String,
    /// Session token lifetime. Defaults to 10 minutes.
    pub session_ttl: Duration,
    /// Refresh token lifetime (absolute, not extended by rotation). Defaults to 28 days.
    pub refresh_ttl: Duration,
    /// Whether a refresh replaces the refresh token, with reuse detection (a replaced token
    /// presented again ends the session). Off by default, as in a Descope project: the refresh
    /// token then stays the same until it expires or is revoked.
    pub rotate_refresh_tokens: bool,
    /// Whether refresh tokens go in the body (the default, as in Descope) or in a cookie.
    pub token_delivery: TokenDelivery,
    /// The cookie refresh tokens go in with [`TokenDelivery::Cookies`].
    pub refresh_cookie: RefreshCookie,
    /// Whether sign-ins and refreshes also set the session token as the `DS` cookie (not
    /// httpOnly: the page reads it), for apps that render pages from it. Off by default.
    pub session_cookie: bool,
    /// How long the tokens a rotation replaced may still be used, for clients that refreshed
    /// at the same moment or lost the answer. At most 60 s; defaults to 10 s.
    pub refresh_grace: Duration,
    /// Browser origins allowed to call the API with credentials (CORS).
    pub allowed_origins: Vec<String>,
    /// Origins a magic link may point at (`scheme://host[:port]`). Empty: any loopback origin.
    pub redirect_origins: Vec<String>,
    /// Where a magic link leads when the request names no URL (a password reset or an email
    /// update from the Python SDK, which sends none), as a Descope project's magic-link
    /// redirect URL. None: such requests must name one.
    pub magic_link_redirect_url: Option<String>,
    /// Wrong passwords, and wrong codes, allowed per account (each kind on its own) per 10
    /// minutes before 429: defaults to 10, so at most 60 guesses an hour.
    pub account_failures: u32,
    /// Wrong secrets of every kind (passwords, codes, link tokens, the refresh token of a
    /// password update) allowed per client address per 10 minutes: defaults to 100.
    pub address_failures: u32,
    /// Sign-ups and requests for a code or a link (each may sign a new user up) allowed per
    /// client address per 10 minutes: defaults to 100. Raise it for test suites that sign up
    /// more users than that from one machine.
    pub address_signups: u32,
    /// What new passwords must have.
    pub password_policy: PasswordPolicy,
    /// Whether the server may listen where other machines reach it. Off by default: it hands
    /// codes and sessions to whoever asks, so exposing it must be a decision.
    pub expose: bool,
    /// The URL other machines use to reach the server (the app's URL when embedded), required
    /// when [`Config::expose`] is on: its host is one that requests may name (and the app
    /// adds its origin to the default [`Config::redirect_origins`]).
    pub public_url: Option<String>,
    /// The management API's key. Without one, a key is generated on the first start and kept
    /// in the data folder.
    pub management_key: Option<String>,
    /// A project document to import at start-up, creating what is missing: permissions,
    /// tenants, roles, users and access keys, as `descope-local export` writes them (or a list
    /// of users, `[{"name", "email", "password", "roles", "tenants"}]`).
    pub seed_file: Option<PathBuf>,
}

/// Why the environment does not make a configuration; names the variable.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// Not a whole number.
    #[error("{0} must be a whole number")]
    NotANumber(&'static str),
    /// A number above its limit.
    #[error("{0} must be at most {1}")]
    TooLarge(&'static str, u64),
    /// Neither `true` nor `false` (nor `1`, `0`).
    #[error("{0} must be true or false")]
    NotABool(&'static str),
    /// Not one of the values the setting takes.
    #[error("{0} must be one of: {1}")]
    NotOneOf(&'static str, &'static str),
    /// Not an `http(s)://host[:port]` URL.
    #[error("{0} must hold http(s) URLs, not {1:?}")]
    NotAnUrl(&'static str, String),
    /// Settings that would break the server; says which.
    #[error("{0}")]
    OutOfRange(String),
    /// A key too short to keep anyone out, or holding spaces or `:`.
    #[error("{0} must be at least {1} characters, without spaces or ':'")]
    WeakKey(&'static str, usize),
    /// The settings file cannot be read, or is not JSON of the settings' shape.
    #[error("DESCOPE_LOCAL_SETTINGS_FILE {0}: {1}")]
    SettingsFile(String, String),
    /// A variable that an earlier version read, under a name that no longer means anything.
    #[error("{0} is no longer read: use {1}")]
    Renamed(&'static str, &'static str),
}

impl Config {
    /// The settings in force, by the variable that sets each, as the console shows them; never
    /// the management key. Every field is named, so a new one is listed or left out on purpose.
    pub fn in_force(&self) -> Vec<(&'static str, String)> {
        let Self {
            project_id,
            data_dir,
            base_url,
            session_ttl,
            refresh_ttl,
            rotate_refresh_tokens,
            token_delivery,
            refresh_cookie,
            session_cookie,
            refresh_grace,
            allowed_origins,
            redirect_origins,
            magic_link_redirect_url,
            account_failures,
            address_failures,
            address_signups,
            password_policy,
            expose,
            public_url,
            management_key: _,
            seed_file,
        } = self;
        let list = |items: &[String]| match items {
            [] => "(none)".to_owned(),
            items => items.join(", "),
        };
        let or_none = |value: Option<String>| value.unwrap_or_else(|| "(none)".to_owned());
        let window = format!("per {} min", LIMIT_WINDOW_SECONDS / 60);
        let required: Vec<&str> = [
            (password_policy.lowercase, "a lowercase letter"),
            (password_policy.uppercase, "an uppercase letter"),
            (password_policy.number, "a digit"),
            (password_policy.non_alphanumeric, "a symbol"),
        ]
        .into_iter()
        .filter_map(|(on, what)| on.then_some(what))
        .collect();
        let delivery = match token_delivery {
            TokenDelivery::ResponseBody => "body".to_owned(),
            TokenDelivery::Cookies => format!(
                "cookies ({}, SameSite={:?}, Path={})",
                refresh_cookie.name, refresh_cookie.same_site, refresh_cookie.path
            ),
        };
        vec![
            ("DESCOPE_LOCAL_PROJECT_ID", project_id.clone()),
            ("DESCOPE_LOCAL_DATA_DIR", data_dir.display().to_string()),
            ("base URL", base_url.clone()),
            (
                "DESCOPE_LOCAL_SESSION_TTL",
                format!("{} s", session_ttl.as_secs()),
            ),
            (
                "DESCOPE_LOCAL_REFRESH_TTL",
                format!("{} s", refresh_ttl.as_secs()),
            ),
            (
                "DESCOPE_LOCAL_REFRESH_ROTATION",
                rotate_refresh_tokens.to_string(),
            ),
            (
                "DESCOPE_LOCAL_REFRESH_GRACE",
                format!("{} s", refresh_grace.as_secs()),
            ),
            ("DESCOPE_LOCAL_TOKEN_DELIVERY", delivery),
            ("DESCOPE_LOCAL_SESSION_COOKIE", session_cookie.to_string()),
            ("DESCOPE_LOCAL_ALLOWED_ORIGINS", list(allowed_origins)),
            ("DESCOPE_LOCAL_REDIRECT_ORIGINS", list(redirect_origins)),
            (
                "DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL",
                or_none(magic_link_redirect_url.clone()),
            ),
            (
                "DESCOPE_LOCAL_ACCOUNT_FAILURES",
                format!("{account_failures} {window}"),
            ),
            (
                "DESCOPE_LOCAL_ADDRESS_FAILURES",
                format!("{address_failures} {window}"),
            ),
            (
                "DESCOPE_LOCAL_ADDRESS_SIGNUPS",
                format!("{address_signups} {window}"),
            ),
            (
                "passwordPolicy",
                format!(
                    "at least {} characters; {}",
                    password_policy.min_length,
                    match required[..] {
                        [] => "nothing else".to_owned(),
                        _ => required.join(", "),
                    }
                ),
            ),
            ("DESCOPE_LOCAL_EXPOSE", expose.to_string()),
            ("DESCOPE_LOCAL_PUBLIC_URL", or_none(public_url.clone())),
            (
                "DESCOPE_LOCAL_SEED_FILE",
                or_none(seed_file.as_ref().map(|p| p.display().to_string())),
            ),
        ]
    }

    /// The defaults, overridden by the settings file `DESCOPE_LOCAL_SETTINGS_FILE` names (a
    /// Descope project's settings by their names: `sessionTokenExpiration`, `passwordPolicy`…),
    /// overridden in turn by the `DESCOPE_LOCAL_*` variables that are set (`.env.example` lists
    /// them): `PROJECT_ID`, `DATA_DIR`, `SESSION_TTL`, `REFRESH_TTL`, `REFRESH_GRACE`
    /// (seconds), `REFRESH_ROTATION`, `TOKEN_DELIVERY`, `REFRESH_COOKIE_NAME`,
    /// `COOKIE_POLICY`, `COOKIE_DOMAIN`, `COOKIE_PATH`, `SESSION_COOKIE`, `ALLOWED_ORIGINS`, `REDIRECT_ORIGINS`
    /// (comma-separated), `MAGIC_LINK_REDIRECT_URL`, `ACCOUNT_FAILURES`, `ADDRESS_FAILURES`,
    /// `ADDRESS_SIGNUPS`, `EXPOSE`, `PUBLIC_URL`, `MANAGEMENT_KEY` and `SEED_FILE`.
    pub fn from_env(default_data_dir: impl Into<PathBuf>) -> Result<Self, EnvError> {
        Self::from_vars(default_data_dir, |name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] with the variables read through `var`.
    pub fn from_vars(
        default_data_dir: impl Into<PathBuf>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, EnvError> {
        Self::from_vars_over(Self::new(DEFAULT_PROJECT_ID, default_data_dir), var)
    }

    /// [`Config::from_vars`] over `base` instead of the defaults: what the settings file and the
    /// variables leave unset is `base`'s (an app embedding the server chooses its own defaults).
    pub fn from_vars_over(
        base: Config,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, EnvError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let number = |name: &'static str, default: u64| match var(name) {
            Some(v) => v.trim().parse().map_err(|_| EnvError::NotANumber(name)),
            None => Ok(default),
        };
        let seconds =
            |name, default: Duration| number(name, default.as_secs()).map(Duration::from_secs);
        let count = |name, default: u32| {
            number(name, default.into()).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        let urls = |name: &'static str| -> Result<Vec<String>, EnvError> {
            var(name)
                .map(|list| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|u| !u.is_empty())
                        .map(|u| origin(u).ok_or_else(|| EnvError::NotAnUrl(name, u.to_owned())))
                        .collect()
                })
                .unwrap_or(Ok(Vec::new()))
        };

        if var("DESCOPE_LOCAL_ADDRESS_ATTEMPTS").is_some() {
            return Err(EnvError::Renamed(
                "DESCOPE_LOCAL_ADDRESS_ATTEMPTS",
                "DESCOPE_LOCAL_ADDRESS_FAILURES (wrong secrets) or DESCOPE_LOCAL_ADDRESS_SIGNUPS",
            ));
        }
        let mut config = base;
        if let Some(project_id) = var("DESCOPE_LOCAL_PROJECT_ID") {
            config.project_id = project_id;
        }
        if let Some(data_dir) = var("DESCOPE_LOCAL_DATA_DIR") {
            config.data_dir = PathBuf::from(data_dir);
        }
        if let Some(path) = var("DESCOPE_LOCAL_SETTINGS_FILE") {
            let fail = |reason: String| EnvError::SettingsFile(path.clone(), reason);
            let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
            let settings: Settings =
                serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
            settings.apply(&mut config).map_err(fail)?;
        }
        config.session_ttl = seconds("DESCOPE_LOCAL_SESSION_TTL", config.session_ttl)?;
        config.refresh_ttl = seconds("DESCOPE_LOCAL_REFRESH_TTL", config.refresh_ttl)?;
        config.refresh_grace = seconds("DESCOPE_LOCAL_REFRESH_GRACE", config.refresh_grace)?;
        if config.refresh_grace > MAX_REFRESH_GRACE {
            return Err(EnvError::TooLarge(
                "DESCOPE_LOCAL_REFRESH_GRACE",
                MAX_REFRESH_GRACE.as_secs(),
            ));
        }
        if let Some(origins) = var("DESCOPE_LOCAL_ALLOWED_ORIGINS") {
            config.allowed_origins = origins.split(',').map(|o| o.trim().to_owned()).collect();
        }
        if var("DESCOPE_LOCAL_REDIRECT_ORIGINS").is_some() {
            config.redirect_origins = urls("DESCOPE_LOCAL_REDIRECT_ORIGINS")?;
        }
        if let Some(url) = var("DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL") {
            config.magic_link_redirect_url = Some(link_target(&url).ok_or_else(|| {
                EnvError::NotAnUrl("DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL", url.clone())
            })?);
        }
        config.account_failures = count("DESCOPE_LOCAL_ACCOUNT_FAILURES", config.account_failures)?;
        config.address_failures = count("DESCOPE_LOCAL_ADDRESS_FAILURES", config.address_failures)?;
        config.address_signups = count("DESCOPE_LOCAL_ADDRESS_SIGNUPS", config.address_signups)?;
        let flag = |name: &'static str, default: bool| match var(name).as_deref().map(str::trim) {
            None => Ok(default),
            Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(_) => Err(EnvError::NotABool(name)),
        };
        config.expose = flag("DESCOPE_LOCAL_EXPOSE", config.expose)?;
        config.session_cookie = flag("DESCOPE_LOCAL_SESSION_COOKIE", config.session_cookie)?;
        match var("DESCOPE_LOCAL_TOKEN_DELIVERY")
            .as_deref()
            .map(str::trim)
        {
            None => {}
            Some("body") => config.token_delivery = TokenDelivery::ResponseBody,
            Some("cookies") => config.token_delivery = TokenDelivery::Cookies,
            Some(_) => {
                return Err(EnvError::NotOneOf(
                    "DESCOPE_LOCAL_TOKEN_DELIVERY",
                    "body, cookies",
                ))
            }
        }
        match var("DESCOPE_LOCAL_COOKIE_POLICY").as_deref().map(str::trim) {
            None => {}
            Some("strict") => config.refresh_cookie.same_site = SameSite::Strict,
            Some("lax") => config.refresh_cookie.same_site = SameSite::Lax,
            Some("none") => config.refresh_cookie.same_site = SameSite::None,
            Some(_) => {
                return Err(EnvError::NotOneOf(
                    "DESCOPE_LOCAL_COOKIE_POLICY",
                    "strict, lax, none",
                ))
            }
        }
        if let Some(name) = var("DESCOPE_LOCAL_REFRESH_COOKIE_NAME") {
            config.refresh_cookie.name = name.trim().to_owned();
        }
        if let Some(domain) = var("DESCOPE_LOCAL_COOKIE_DOMAIN") {
            config.refresh_cookie.domain = Some(domain.trim().to_owned());
        }
        if let Some(path) = var("DESCOPE_LOCAL_COOKIE_PATH") {
            config.refresh_cookie.path = path.trim().to_owned();
        }
        config.rotate_refresh_tokens = flag(
            "DESCOPE_LOCAL_REFRESH_ROTATION",
            config.rotate_refresh_tokens,
        )?;
        config.public_url = urls("DESCOPE_LOCAL_PUBLIC_URL")?.into_iter().next();
        config.seed_file = var("DESCOPE_LOCAL_SEED_FILE").map(PathBuf::from);
        config.management_key = var("DESCOPE_LOCAL_MANAGEMENT_KEY").map(|k| k.trim().to_owned());
        if let Some(key) = &config.management_key {
            if key.len() < MIN_MANAGEMENT_KEY_LENGTH
                || key.contains(|c: char| c.is_whitespace() || c.is_control() || c == ':')
            {
                return Err(EnvError::WeakKey(
                    "DESCOPE_LOCAL_MANAGEMENT_KEY",
                    MIN_MANAGEMENT_KEY_LENGTH,
                ));
            }
        }
        config.check().map_err(EnvError::OutOfRange)?;
        Ok(config)
    }

    /// Refuses settings, from the file or the environment, that would break the server:
    /// lifetimes of zero or of years, budgets of nothing, a password policy no password meets,
    /// and allowed origins that are not origins (`null`, `*`).
    fn check(&self) -> Result<(), String> {
        let day = Duration::from_secs(24 * 3600);
        if self.session_ttl.is_zero() || self.session_ttl > day {
            return Err("the session token lifetime must be 1 s to 1 day".into());
        }
        if self.refresh_ttl.is_zero() || self.refresh_ttl > 365 * day {
            return Err("the refresh token lifetime must be 1 s to 365 days".into());
        }
        if self.account_failures == 0 || self.address_failures == 0 || self.address_signups == 0 {
            return Err("lockout attempts and address budgets must be at least 1".into());
        }
        if self.password_policy.min_length > MAX_PASSWORD_MIN_LENGTH {
            return Err(format!(
                "the password policy's minimum length must be at most {MAX_PASSWORD_MIN_LENGTH}"
            ));
        }
        if let Some(bad) = self
            .allowed_origins
            .iter()
            .find(|o| origin(o).as_deref() != Some(o.trim_end_matches('/')))
        {
            return Err(format!(
                "allowed origins must be http(s) origins, not {bad:?}"
            ));
        }
        self.refresh_cookie.check()?;
        let cookies = self.token_delivery == TokenDelivery::Cookies;
        let plain_http = self
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("http:"));
        if cookies && self.refresh_cookie.same_site == SameSite::None && plain_http {
            return Err(
                "the cookie policy none (SameSite=None) needs Secure cookies, which \
                 browsers keep only over https: give an https public URL or another policy"
                    .into(),
            );
        }
        Ok(())
    }

    /// The defaults for `project_id`, with data in `data_dir`.
    pub fn new(project_id: impl Into<String>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            project_id: project_id.into(),
            data_dir: data_dir.into(),
            base_url: "http://127.0.0.1:4000".into(),
            session_ttl: Duration::from_secs(600),
            refresh_ttl: Duration::from_secs(28 * 24 * 3600),
            refresh_grace: Duration::from_secs(10),
            rotate_refresh_tokens: false,
            token_delivery: TokenDelivery::ResponseBody,
            refresh_cookie: RefreshCookie::default(),
            session_cookie: false,
            allowed_origins: Vec::new(),
            redirect_origins: Vec::new(),
            magic_link_redirect_url: None,
            account_failures: 10,
            address_failures: 100,
            address_signups: 100,
            password_policy: PasswordPolicy::default(),
            expose: false,
            public_url: None,
            management_key: None,
            seed_file: None,
        }
    }
}

/// A project's settings as a file gives them (`DESCOPE_LOCAL_SETTINGS_FILE`), named as in a
/// Descope project; the `DESCOPE_LOCAL_*` variables override them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Settings {
    /// Seconds a session token lives.
    session_token_expiration: Option<u64>,
    /// Seconds a refresh token lives.
    refresh_token_expiration: Option<u64>,
    /// Whether a refresh replaces the refresh token.
    refresh_token_rotation: Option<bool>,
    /// Seconds a replaced refresh token still works.
    refresh_token_grace: Option<u64>,
    /// Wrong passwords (or codes) per account per 10 minutes before it is locked.
    lockout_attempts: Option<u32>,
    /// Wrong secrets per client address per 10 minutes.
    address_failures: Option<u32>,
    /// Sign-ups and code or link requests per client address per 10 minutes.
    address_signups: Option<u32>,
    /// Origins magic links may point at.
    approved_domains: Option<Vec<String>>,
    /// Where magic links lead when a request names no URL.
    magic_link_redirect_url: Option<String>,
    /// `responseBody` or `cookies`.
    token_response_method: Option<TokenDelivery>,
    /// The refresh cookie's name.
    refresh_token_cookie_name: Option<String>,
    /// The refresh cookie's `SameSite`: `strict`, `lax` or `none`.
    cookie_policy: Option<SameSite>,
    /// The refresh cookie's `Domain`.
    cookie_domain: Option<String>,
    /// The refresh cookie's `Path`.
    cookie_path: Option<String>,
    /// The session token also as the `DS` cookie.
    session_token_via_cookie: Option<bool>,
    /// Browser origins allowed to call the API with credentials.
    allowed_origins: Option<Vec<String>>,
    /// What new passwords must have.
    password_policy: Option<PasswordPolicy>,
}

impl Settings {
    fn apply(self, config: &mut Config) -> Result<(), String> {
        let seconds = |s: Option<u64>, d: &mut Duration| {
            if let Some(s) = s {
                *d = Duration::from_secs(s);
            }
        };
        seconds(self.session_token_expiration, &mut config.session_ttl);
        seconds(self.refresh_token_expiration, &mut config.refresh_ttl);
        seconds(self.refresh_token_grace, &mut config.refresh_grace);
        if config.refresh_grace > MAX_REFRESH_GRACE {
            return Err(format!(
                "refreshTokenGrace must be at most {} s",
                MAX_REFRESH_GRACE.as_secs()
            ));
        }
        if let Some(rotate) = self.refresh_token_rotation {
            config.rotate_refresh_tokens = rotate;
        }
        let counts = [
            (self.lockout_attempts, &mut config.account_failures),
            (self.address_failures, &mut config.address_failures),
            (self.address_signups, &mut config.address_signups),
        ];
        for (value, field) in counts {
            if let Some(value) = value {
                *field = value;
            }
        }
        if let Some(domains) = self.approved_domains {
            config.redirect_origins = domains
                .iter()
                .map(|d| {
                    origin(d).ok_or_else(|| format!("approvedDomains: {d:?} is not an http(s) URL"))
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(delivery) = self.token_response_method {
            config.token_delivery = delivery;
        }
        let cookie = &mut config.refresh_cookie;
        if let Some(name) = self.refresh_token_cookie_name {
            cookie.name = name;
        }
        if let Some(policy) = self.cookie_policy {
            cookie.same_site = policy;
        }
        if self.cookie_domain.is_some() {
            cookie.domain = self.cookie_domain.filter(|d| !d.is_empty());
        }
        if let Some(path) = self.cookie_path {
            cookie.path = path;
        }
        if let Some(session_cookie) = self.session_token_via_cookie {
            config.session_cookie = session_cookie;
        }
        if let Some(url) = self.magic_link_redirect_url {
            config.magic_link_redirect_url =
                Some(link_target(&url).ok_or_else(|| {
                    format!("magicLinkRedirectUrl: {url:?} is not an http(s) URL")
                })?);
        }
        if let Some(origins) = self.allowed_origins {
            config.allowed_origins = origins;
        }
        if let Some(policy) = self.password_policy {
            if policy.min_length < MIN_PASSWORD_LENGTH {
                return Err(format!(
                    "passwordPolicy.minLength must be at least {MIN_PASSWORD_LENGTH}"
                ));
            }
            config.password_policy = policy;
        }
        Ok(())
    }
}

/// The shortest management key a setting may give: the key grants everything.
const MIN_MANAGEMENT_KEY_LENGTH: usize = 20;

/// The longest grace a rotated refresh token may have.
const MAX_REFRESH_GRACE: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, EnvError> {
        Config::from_vars("data", |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_environment_overrides_the_defaults() {
        let defaults = config(&[]).unwrap();
        assert_eq!(defaults.account_failures, 10);
        assert_eq!(defaults.address_failures, 100);
        assert_eq!(defaults.address_signups, 100);
        assert!(!defaults.expose);
        assert!(defaults.redirect_origins.is_empty());

        let set = config(&[
            ("DESCOPE_LOCAL_ACCOUNT_FAILURES", "3"),
            ("DESCOPE_LOCAL_ADDRESS_SIGNUPS", "99999999999"),
            ("DESCOPE_LOCAL_EXPOSE", "true"),
            ("DESCOPE_LOCAL_PUBLIC_URL", "https://Demo.Example.com/app/"),
            (
                "DESCOPE_LOCAL_REDIRECT_ORIGINS",
                "http://127.0.0.1:3000/verify, https://app.example.com",
            ),
        ])
        .unwrap();
        assert_eq!(set.account_failures, 3);
        assert_eq!(set.address_signups, u32::MAX);
        assert!(set.expose);
        assert_eq!(set.public_url.as_deref(), Some("https://demo.example.com"));
        assert_eq!(
            set.redirect_origins,
            ["http://127.0.0.1:3000", "https://app.example.com"]
        );
    }

    #[test]
    fn a_settings_file_sets_a_projects_settings_and_the_environment_overrides_it() {
        let dir =
            std::env::temp_dir().join(format!("descope-local-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("settings.json");
        std::fs::write(
            &file,
            r#"{"sessionTokenExpiration": 60, "refreshTokenRotation": true, "lockoutAttempts": 3,
                "approvedDomains": ["https://app.example.com/verify"],
                "passwordPolicy": {"minLength": 12, "number": true}}"#,
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let set = config(&[("DESCOPE_LOCAL_SETTINGS_FILE", path)]).unwrap();
        assert_eq!(set.session_ttl, Duration::from_secs(60));
        assert!(set.rotate_refresh_tokens);
        assert_eq!(set.account_failures, 3);
        assert_eq!(set.redirect_origins, ["https://app.example.com"]);
        assert_eq!(
            (set.password_policy.min_length, set.password_policy.number),
            (12, true)
        );

        let overridden = config(&[
            ("DESCOPE_LOCAL_SETTINGS_FILE", path),
            ("DESCOPE_LOCAL_SESSION_TTL", "90"),
            ("DESCOPE_LOCAL_REFRESH_ROTATION", "false"),
        ])
        .unwrap();
        assert_eq!(overridden.session_ttl, Duration::from_secs(90));
        assert!(!overridden.rotate_refresh_tokens);
        assert_eq!(
            overridden.account_failures, 3,
            "what the environment leaves is the file's"
        );

        for bad in [
            r#"{"passwordPolicy": {"minLength": 4}}"#,
            r#"{"passwordPolicy": {"minLength": 5000}}"#,
            r#"{"sessionTokenExpiration": 0}"#,
            r#"{"sessionTokenExpiration": 18446744073709551615}"#,
            r#"{"lockoutAttempts": 0}"#,
            r#"{"allowedOrigins": ["null"]}"#,
            r#"{"allowedOrigins": ["*"]}"#,
            r#"{"sessionTokenExpiry": 60}"#,
            r#"{"approvedDomains": ["javascript:alert(1)"]}"#,
            "not json",
        ] {
            std::fs::write(&file, bad).unwrap();
            let error = config(&[("DESCOPE_LOCAL_SETTINGS_FILE", path)])
                .unwrap_err()
                .to_string();
            // Named by the file, or by the rule the settings break.
            assert!(
                error.contains("DESCOPE_LOCAL_SETTINGS_FILE") || error.contains(" must "),
                "{bad}: {error}"
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_example_settings_file_holds_the_defaults() {
        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/settings.example.json");
        let from_file = config(&[("DESCOPE_LOCAL_SETTINGS_FILE", example)]).unwrap();
        assert_eq!(
            format!("{from_file:?}"),
            format!("{:?}", config(&[]).unwrap())
        );
    }

    #[test]
    fn cookie_settings_browsers_would_drop_are_refused() {
        let none_over = |url| {
            config(&[
                ("DESCOPE_LOCAL_TOKEN_DELIVERY", "cookies"),
                ("DESCOPE_LOCAL_COOKIE_POLICY", "none"),
                ("DESCOPE_LOCAL_PUBLIC_URL", url),
            ])
        };
        let error = none_over("http://demo.example.com")
            .unwrap_err()
            .to_string();
        assert!(error.contains("SameSite=None"), "{error}");
        assert!(none_over("https://demo.example.com").is_ok());
        let host_prefixed = config(&[
            ("DESCOPE_LOCAL_REFRESH_COOKIE_NAME", "__Host-DSR"),
            ("DESCOPE_LOCAL_COOKIE_DOMAIN", "example.com"),
        ]);
        assert!(host_prefixed.unwrap_err().to_string().contains("__Host-"));
        assert!(config(&[("DESCOPE_LOCAL_REFRESH_COOKIE_NAME", "__Host-DSR")]).is_ok());
    }

    #[test]
    fn malformed_values_name_their_variable() {
        for (name, value) in [
            ("DESCOPE_LOCAL_EXPOSE", "yes"),
            ("DESCOPE_LOCAL_REFRESH_ROTATION", "on"),
            ("DESCOPE_LOCAL_PUBLIC_URL", "demo.example.com"),
            ("DESCOPE_LOCAL_REDIRECT_ORIGINS", "javascript:alert(1)"),
            (
                "DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL",
                "javascript:alert(1)",
            ),
            ("DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL", "/verify"),
            ("DESCOPE_LOCAL_TOKEN_DELIVERY", "cookie"),
            ("DESCOPE_LOCAL_COOKIE_POLICY", "strictest"),
            ("DESCOPE_LOCAL_REFRESH_COOKIE_NAME", "D;S"),
            ("DESCOPE_LOCAL_REFRESH_COOKIE_NAME", "DS\u{22}R"),
            ("DESCOPE_LOCAL_COOKIE_DOMAIN", "app.test; Secure"),
            ("DESCOPE_LOCAL_COOKIE_PATH", "descope"),
            ("DESCOPE_LOCAL_COOKIE_PATH", "/a;b"),
            ("DESCOPE_LOCAL_REFRESH_COOKIE_NAME", "DS"),
            (
                "DESCOPE_LOCAL_REDIRECT_ORIGINS",
                "http://user:pw@example.com",
            ),
            ("DESCOPE_LOCAL_ADDRESS_FAILURES", "-1"),
            ("DESCOPE_LOCAL_REFRESH_GRACE", "61"),
            ("DESCOPE_LOCAL_ADDRESS_ATTEMPTS", "100"),
            ("DESCOPE_LOCAL_MANAGEMENT_KEY", "short"),
            (
                "DESCOPE_LOCAL_MANAGEMENT_KEY",
                "with:a:colon:is:refused:here",
            ),
        ] {
            let error = config(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }
}

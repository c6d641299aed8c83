//! Builds the router, binds the listener and serves until asked to stop.

use std::{future::Future, io, net::SocketAddr, ops::Deref, sync::Arc};

use app::{session::DescopeSettings, shell, App};
use axum::{
    extract::{FromRef, Request},
    routing::any,
    Router, ServiceExt,
};
use descope::session::Validator;
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower::Layer;

use crate::{
    api_error::ApiError,
    body_limit::BodyLimit,
    config::{Config, DescopeConfig, LOCAL_DESCOPE_PREFIX},
    edge::{Edge, EdgeLayer},
    page_session::PageSessions,
    routes,
    selective::StepLayer,
    user_details::{Management, UserDirectory},
};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The address cannot be bound.
    #[error("cannot listen: {0}")]
    Bind(#[from] io::Error),
    /// The embedded local Descope server cannot open its store or key.
    #[cfg(feature = "local")]
    #[error("cannot start the local Descope server: {0}")]
    Local(#[from] descope_local::StartError),
    /// The address would expose the embedded local Descope server to other machines.
    #[cfg(feature = "local")]
    #[error(
        "refusing to start the embedded local Descope server: {0}. To use real Descope \
         instead, set DESCOPE_PROJECT_ID"
    )]
    Exposed(#[from] descope_local::ExposureError),
}

/// What every handler may need. Leptos clones the state into every server-function call and
/// page render, so it is one shared allocation: cloning each field per request made their
/// reference counts bounce between cores (BENCHMARKS.md, "Changes the figures led to").
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

/// The contents of [`AppState`].
pub struct SharedState {
    /// The Leptos settings, for rendering and static files.
    pub leptos: LeptosOptions,
    /// Validates Descope session tokens.
    pub validator: Validator,
    /// Where the browser reaches Descope.
    pub descope: DescopeSettings,
    /// Where pages rendered whole look the signed-in user up.
    pub users: UserDirectory,
}

impl AppState {
    /// Wraps the shared state.
    pub fn new(state: SharedState) -> Self {
        Self(Arc::new(state))
    }
}

impl Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for Validator {
    fn from_ref(state: &AppState) -> Self {
        state.validator.clone()
    }
}

/// A server bound to its address and ready to run.
pub struct Application {
    listener: TcpListener,
    router: Edge<Router>,
}

impl Application {
    /// Binds `config.leptos.site_addr` (port 0 picks a free port), opens the embedded local
    /// Descope server unless a real one is configured, builds the router and starts keeping
    /// the Descope key set fresh. Unreachable keys do not stop start-up.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        for ignored in &config.ignored {
            tracing::warn!("{ignored}");
        }
        #[cfg(feature = "local")]
        if let DescopeConfig::Embedded(local) = &config.descope {
            descope_local::check_listen_address(config.leptos.site_addr, local)?;
        }
        let listener = TcpListener::bind(config.leptos.site_addr).await?;
        let listening = listener.local_addr()?;
        let base_url = config.descope.base_url(listening);
        let project_id = config.descope.project_id();
        let validator = Validator::builder(project_id)
            .base_url(&base_url)
            .cache_capacity(config.verified_token_cache);
        let (validator, local_descope, users) = match &config.descope {
            #[cfg(feature = "local")]
            DescopeConfig::Embedded(local) => {
                let local = open_embedded((**local).clone(), listening, &base_url)?;
                // The app validates tokens on the local server's clock, so moving it moves both.
                let validator = validator.clock(local.clock().clone());
                let router = local.router();
                (validator, Some(router), UserDirectory::Local(local))
            }
            DescopeConfig::Remote { management_key, .. } => {
                tracing::info!("Descope: {base_url} (project {project_id})");
                let management = management_key.as_ref().and_then(|key| {
                    let management = Management::new(&base_url, project_id, key.expose());
                    if management.is_none() {
                        tracing::warn!(
                            "DESCOPE_MANAGEMENT_KEY cannot be sent in a header; the browser \
                             will load users' details instead"
                        );
                    }
                    management
                });
                (validator, None, UserDirectory::Remote(management))
            }
        };
        let validator = validator.build();
        tokio::spawn(validator.clone().keep_keys_fresh());
        let state = AppState::new(SharedState {
            leptos: config.leptos,
            validator,
            descope: DescopeSettings {
                base_url: config.descope.browser_base_url().into(),
                project_id: project_id.into(),
            },
            users,
        });
        let router = router(state, local_descope);
        Ok(Self { listener, router })
    }

    /// The address actually bound, which tells tests the port they got.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has a local address")
    }

    /// Serves until `shutdown` completes, then stops accepting and lets in-flight requests finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        // Connection info gives the local Descope server client addresses for its rate limits.
        let service =
            ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(self.router);
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Opens the embedded local server, reached at `base_url` on the app's own address.
#[cfg(feature = "local")]
fn open_embedded(
    mut local: descope_local::Config,
    listening: SocketAddr,
    base_url: &str,
) -> Result<descope_local::LocalDescope, StartupError> {
    local.base_url = base_url.to_owned();
    if local.redirect_origins.is_empty() {
        local.redirect_origins = own_origins(listening, local.public_url.as_deref());
    }
    if local.magic_link_redirect_url.is_none() {
        // The app's page that completes a link: sign-in, password reset or email change.
        let app = local
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{}", listening.port()));
        local.magic_link_redirect_url = Some(format!("{}/verify", app.trim_end_matches('/')));
    }
    tracing::info!(
        "Descope: embedded local server at {base_url} (project {}, data in {}); codes and \
         magic links go to the inbox at {base_url}/inbox",
        local.project_id,
        local.data_dir.display()
    );
    if let Some(public) = &local.public_url {
        tracing::warn!(
            "Descope: the embedded local server is exposed to the network as \
             {public}{LOCAL_DESCOPE_PREFIX} (DESCOPE_LOCAL_EXPOSE): anyone who reaches it can \
             sign up and sign in; the inbox is served to this machine only"
        );
    }
    Ok(descope_local::LocalDescope::open(local)?)
}

/// The origins the app is reached at, where magic links of the embedded server may point:
/// this machine's names for the port it listens on, and the public URL's.
#[cfg(feature = "local")]
fn own_origins(listening: SocketAddr, public_url: Option<&str>) -> Vec<String> {
    let port = listening.port();
    let mut origins: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|host| format!("http://{host}:{port}"))
        .collect();
    if !listening.ip().is_unspecified() && !listening.ip().is_loopback() {
        origins.push(format!("http://{listening}"));
    }
    origins.extend(public_url.map(str::to_owned));
    origins
}

/// The whole HTTP surface: health checks, the secret API, Leptos pages and server functions,
/// static files, and the embedded local Descope server under [`LOCAL_DESCOPE_PREFIX`] when
/// there is one. Unknown `/api/…` paths and wrong methods answer JSON errors, and the bodies
/// of pages and server functions are capped before any handler runs; the local server caps
/// and answers its own errors in Descope's shape.
pub fn router(state: AppState, local_descope: Option<Router>) -> Edge<Router> {
    let routes = generate_route_list(App);
    let (validator, descope) = (state.validator.clone(), state.descope.clone());
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(validator.clone());
                provide_context(descope.clone());
            },
            {
                let leptos = state.leptos.clone();
                move || shell(leptos.clone())
            },
        )
        .layer(StepLayer(PageSessions::new(state.clone())))
        // The only routes that read bodies: the other handlers take none.
        .layer(StepLayer(BodyLimit));
    let app = Router::new()
        .merge(pages)
        .merge(routes::health::router())
        .merge(routes::secret::router())
        .route("/api/{*path}", any(|| async { ApiError::NotFound }))
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            {
                let descope = state.descope.clone();
                move || provide_context(descope.clone())
            },
            shell,
        ))
        .with_state(state);
    let app = match local_descope {
        Some(local) => app.nest(LOCAL_DESCOPE_PREFIX, local),
        None => app,
    };
    // Around the whole router, not through `Router::layer`, which would wrap each route in one
    // more boxed service.
    EdgeLayer.layer(app)
}

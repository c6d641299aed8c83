//! The axum server: server-side rendering, server functions, static files and health checks.
//!
//! `main.rs` only wires these together, so tests can build the same [`Application`] on a free
//! port and stop it when they are done.
//!
//! # Layout
//! - [`config`]: every setting, read once from the environment.
//! - [`startup`]: the router and the listener; [`shutdown`]: the signals that stop it.
//! - [`edge`]: the log span and security headers of every request and answer.
//! - [`api_error`] and [`body_limit`]: what the API refuses before a handler runs;
//!   [`selective`]: middleware that only some requests pay for.
//! - [`page_session`]: the `DS` cookie of page requests, and redirects that depend on it;
//!   [`user_details`]: who the signed-in user is, for pages rendered whole.
//! - [`routes`]: handlers outside the Leptos app (`/healthz`, `/get_secret_message`).
//! - [`telemetry`]: structured logging.

pub mod api_error;
pub mod body_limit;
pub mod config;
pub mod edge;
pub mod page_session;
pub mod routes;
pub mod selective;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod user_details;

pub use shutdown::shutdown_signal;
pub use startup::{Application, StartupError};

//! Routes served beside the Leptos app.

pub mod health;
pub mod secret;

//! Routes served beside the Leptos app.

pub mod health;

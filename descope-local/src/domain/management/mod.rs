//! What the management API may do: who may call it (`key`), and its work on users (`users`).

pub(crate) mod key;
pub(crate) mod users;

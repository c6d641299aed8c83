//! What the management API may do: who may call it (`key`), its work on users (`users`), and
//! access keys (`access_keys`), which machines exchange for session tokens.

pub(crate) mod access_keys;
pub(crate) mod key;
pub(crate) mod users;

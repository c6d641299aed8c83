//! Credentials: passwords, one-time codes and magic links, each checked here; a proven one
//! starts a session.
//!
//! - `hashing`: argon2id and the password policy.
//! - `passwords`: sign-up, sign-in, replace and update by password.
//! - `codes`: one-time codes by email: how a code is made, sent and checked.
//! - `links`: magic links by email.
//! - `email`: what codes and links share: who may be sent one, signing in the owner of a
//!   proven address, and changing a user's email to a proven new one.

pub(crate) mod codes;
mod email;
pub(crate) mod hashing;
pub(crate) mod links;
pub(crate) mod passwords;

pub(crate) use email::{Audience, Mailer, NewEmail};

//! The local server on a free port with a temporary database, driven over real HTTP: the
//! behaviour of each API family, one module each. The harness is `test_support::local`.

mod clock;
mod codes;
mod console;
mod cookies;
mod data;
mod email_update;
mod faults;
mod limits;
mod links;
mod management;
mod management_access_keys;
mod management_authz;
mod management_users;
mod passwords;
mod project;
mod requests;
mod sessions;

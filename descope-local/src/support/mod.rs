//! Small pieces every layer uses: the settings, the clock, random IDs and secret digests, and
//! what the server needs to know about URLs.

pub(crate) mod clock;
pub(crate) mod config;
pub(crate) mod ids;
pub(crate) mod urls;

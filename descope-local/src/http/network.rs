//! Who may reach the server.
//!
//! The local server hands codes and sessions to whoever asks, so by default only this machine
//! may reach it:
//! - it refuses to listen where other machines reach it unless exposing it is a decision
//!   ([`check_listen_address`]);
//! - requests must name a host it knows ([`known_host`]): a loopback name, the host it listens
//!   on, or the public URL's. A web page whose DNS name was rebound to 127.0.0.1 sends its own
//!   name, so it cannot read the API or the inbox;
//! - the development inbox answers only clients on this machine ([`is_local_client`]).

use std::net::SocketAddr;

use axum::{
    extract::ConnectInfo,
    http::{header, request::Parts},
};

use crate::support::{
    config::Config,
    urls::{host_of, is_loopback_name},
};

/// Why the server must not listen where it was asked to.
#[derive(Debug, thiserror::Error)]
pub enum ExposureError {
    /// A non-loopback address without `DESCOPE_LOCAL_EXPOSE`.
    #[error(
        "{0} is reachable from other machines, and the local Descope server signs in whoever \
         asks for a code. Listen on a loopback address (127.0.0.1), or expose it on purpose \
         with DESCOPE_LOCAL_EXPOSE=true and DESCOPE_LOCAL_PUBLIC_URL=<the URL browsers use>"
    )]
    NotLoopback(SocketAddr),
    /// `DESCOPE_LOCAL_EXPOSE` without `DESCOPE_LOCAL_PUBLIC_URL`.
    #[error(
        "DESCOPE_LOCAL_EXPOSE is set but DESCOPE_LOCAL_PUBLIC_URL is not: name the URL browsers \
         use to reach the server"
    )]
    NoPublicUrl,
}

/// Whether the server may listen on `addr`: loopback always, anything else only when
/// [`Config::expose`] is on and [`Config::public_url`] says where browsers come from.
pub fn check_listen_address(addr: SocketAddr, config: &Config) -> Result<(), ExposureError> {
    if addr.ip().to_canonical().is_loopback() {
        return Ok(());
    }
    if !config.expose {
        return Err(ExposureError::NotLoopback(addr));
    }
    if config.public_url.is_none() {
        return Err(ExposureError::NoPublicUrl);
    }
    Ok(())
}

/// Where this machine reaches a server listening on `listening`: `http://<address>`, with
/// 127.0.0.1 for an address that listens everywhere (`0.0.0.0`).
pub fn local_url(listening: SocketAddr) -> String {
    let reachable = if listening.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), listening.port())
    } else {
        listening
    };
    format!("http://{reachable}")
}

/// The host a request names: the URI's authority (HTTP/2) or the `Host` header, without port
/// or IPv6 brackets.
pub(crate) fn requested_host(parts: &Parts) -> Option<String> {
    let authority = match parts.uri.authority() {
        Some(authority) => authority.as_str().to_owned(),
        None => parts.headers.get(header::HOST)?.to_str().ok()?.to_owned(),
    };
    // A port, when there is one, is digits: the authority is copied into what the server
    // writes (the console's `curl` line).
    let port_ok = |port: &str| {
        !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
    };
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, port) = bracketed.split_once(']')?;
            if !(port.is_empty() || port.strip_prefix(':').is_some_and(port_ok)) {
                return None;
            }
            host
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) if port_ok(port) => host,
            Some(_) => return None,
            None => &authority,
        },
    };
    Some(host.to_ascii_lowercase())
}

/// The hosts of the URLs the server is reached at (its base URL and public URL), worked out
/// once at start-up for [`known_host`].
pub(crate) fn configured_hosts(config: &Config) -> Vec<String> {
    [Some(&config.base_url), config.public_url.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|url| host_of(url))
        .collect()
}

/// Whether `host` (as [`requested_host`] gives it) is one this server answers to: a loopback
/// name or one of the `configured` hosts.
pub(crate) fn known_host(host: &str, configured: &[String]) -> bool {
    is_loopback_name(host) || configured.iter().any(|known| known == host)
}

/// Headers by which proxies mark the requests they pass on.
const PROXY_HEADERS: &[&str] = &[
    "forwarded",
    "via",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-real-ip",
    "x-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
];

/// Whether the request comes from this machine, directly: a loopback peer, a loopback host
/// name, and no sign of a proxy in between (which would make every client look local). A
/// proxy on this machine that names a loopback host and marks nothing still passes: the
/// README says so.
pub(crate) fn is_local_client(parts: &Parts) -> bool {
    let peer_is_local = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().to_canonical().is_loopback());
    let proxied = PROXY_HEADERS
        .iter()
        .any(|name| parts.headers.contains_key(*name));
    peer_is_local && !proxied && requested_host(parts).is_some_and(|h| is_loopback_name(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(host: &str, peer: &str, extra: &[(&str, &str)]) -> Parts {
        let mut builder = axum::http::Request::builder()
            .uri("/inbox")
            .header("host", host);
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
        parts
    }

    #[test]
    fn hosts_are_loopback_names_or_the_configured_ones() {
        let mut config = Config::new("P", "unused");
        config.base_url = "http://192.168.1.5:3000/descope".into();
        config.public_url = Some("https://demo.example.com".into());
        let configured = configured_hosts(&config);
        for host in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "192.168.1.5",
            "demo.example.com",
        ] {
            assert!(known_host(host, &configured), "{host}");
        }
        for host in [
            "evil.test",
            "localhost.evil.test",
            "192.168.1.6",
            "example.com",
            "",
        ] {
            assert!(!known_host(host, &configured), "{host}");
        }
    }

    #[test]
    fn the_requested_host_drops_the_port_and_case() {
        let host = |h| requested_host(&parts(h, "127.0.0.1:1", &[]));
        assert_eq!(host("LocalHost:3000").as_deref(), Some("localhost"));
        assert_eq!(host("[::1]:3000").as_deref(), Some("::1"));
        assert_eq!(host("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(host("[::1]evil.test"), None);
        // A port is digits: anything else is no host this server answers to.
        for bad in [
            "127.0.0.1:3000';id;'",
            "127.0.0.1:",
            "localhost:30000000",
            "[::1]:x",
        ] {
            assert_eq!(host(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_direct_loopback_clients_are_local() {
        assert!(is_local_client(&parts(
            "127.0.0.1:3000",
            "127.0.0.1:5555",
            &[]
        )));
        assert!(is_local_client(&parts(
            "localhost",
            "[::ffff:127.0.0.1]:5555",
            &[]
        )));
        assert!(!is_local_client(&parts(
            "demo.example.com",
            "127.0.0.1:5555",
            &[]
        )));
        assert!(!is_local_client(&parts(
            "127.0.0.1",
            "192.168.1.9:5555",
            &[]
        )));
        for header in PROXY_HEADERS {
            assert!(
                !is_local_client(&parts("127.0.0.1", "127.0.0.1:5555", &[(header, "x")])),
                "{header}"
            );
        }
    }

    #[test]
    fn listening_beyond_loopback_needs_the_opt_in_and_a_public_url() {
        let mut config = Config::new("P", "unused");
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        check_listen_address("127.0.0.1:0".parse().unwrap(), &config).unwrap();
        check_listen_address("[::1]:0".parse().unwrap(), &config).unwrap();
        assert!(matches!(
            check_listen_address(any, &config),
            Err(ExposureError::NotLoopback(_))
        ));
        config.expose = true;
        assert!(matches!(
            check_listen_address(any, &config),
            Err(ExposureError::NoPublicUrl)
        ));
        config.public_url = Some("https://demo.example.com".into());
        check_listen_address(any, &config).unwrap();
    }
}

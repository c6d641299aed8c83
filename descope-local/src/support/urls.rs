//! What the server needs to know about URLs: origins, hosts, loopback names.

use std::net::IpAddr;

/// The origin (`scheme://host[:port]`) of an http(s) URL without credentials.
pub(crate) fn origin(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url.host().is_some();
    plain.then(|| url.origin().ascii_serialization())
}

/// An http(s) URL without credentials, as a link may lead to: the URL as parsed.
pub(crate) fn link_target(url: &str) -> Option<String> {
    origin(url.trim())?;
    Some(url::Url::parse(url.trim()).ok()?.into())
}

/// `localhost`, a name under it, or a loopback IP address (IPv6 without brackets).
pub(crate) fn is_loopback_name(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// The host of a URL, as a request's `Host` names it: lowercase, IPv6 without brackets.
pub(crate) fn host_of(url: &str) -> Option<String> {
    match url::Url::parse(url).ok()?.host()? {
        url::Host::Ipv6(ip) => Some(ip.to_string()),
        host => Some(host.to_string().to_ascii_lowercase()),
    }
}

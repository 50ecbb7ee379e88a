//! What a request must be to be answered. The corpus is private and the
//! port is on the user's machine: a web page the user visits could make
//! the browser ask `http://127.0.0.1:7700/…`, or a name it controls that
//! resolves there (DNS rebinding). Browsers send the name they asked for
//! in `Host`; only loopback names and addresses (and the address the
//! server was told to bind to) are answered.

use super::Reply;

/// Longest request target (path and query), in bytes.
pub const MAX_TARGET: usize = 4096;
/// Longest request body accepted (none is needed).
pub const MAX_BODY: usize = 0;

/// `Ok` when the request may be answered; otherwise the answer.
pub fn check(
    method: &str,
    target: &str,
    host: Option<&str>,
    allowed: &[String],
) -> Result<(), Reply> {
    if !matches!(method, "GET" | "HEAD") {
        return Err(Reply::error(405, "only GET and HEAD are answered"));
    }
    if target.len() > MAX_TARGET {
        return Err(Reply::error(414, "request target too long"));
    }
    if !target.starts_with('/') {
        return Err(Reply::error(400, "request target must be a path"));
    }
    match host {
        Some(host) if is_allowed(host, allowed) => Ok(()),
        Some(_) => Err(Reply::error(
            421,
            "this server answers requests for localhost only",
        )),
        None => Err(Reply::error(400, "no Host header")),
    }
}

/// Whether a `Host` header (a name or address, perhaps with a port) is a
/// loopback name or address, or one of `allowed`.
pub fn is_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:7700: the address, then nothing or a port.
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let port = after.strip_prefix(':').unwrap_or(after);
        if !port.bytes().all(|b| b.is_ascii_digit()) || (after.starts_with(':') && port.is_empty())
        {
            return false;
        }
        address.to_owned()
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
            _ => host.clone(),
        }
    };
    let name = name.trim_end_matches('.');
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    if let Ok(ip) = name.parse::<std::net::IpAddr>() {
        // 0.0.0.0 reaches this machine too (a server bound to every
        // address is opened at it); no other site's name can be it.
        if ip.is_loopback() || ip.is_unspecified() {
            return true;
        }
    }
    allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_only() {
        for host in [
            "localhost",
            "localhost:7700",
            "127.0.0.1:7700",
            "127.1.2.3",
            "[::1]:7700",
            "[::1]",
            "0.0.0.0:7700",
            "app.localhost",
        ] {
            assert!(is_allowed(host, &[]), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:7700",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "192.168.1.10:7700",
            "[::1].evil.example",
            "[::1]:7700@evil.example",
            "",
        ] {
            assert!(!is_allowed(host, &[]), "{host}");
        }
        assert!(is_allowed("192.168.1.10:7700", &["192.168.1.10".into()]));
    }

    #[test]
    fn methods_sizes_and_hosts() {
        let ok = |m: &str, t: &str, h: Option<&str>| check(m, t, h, &[]).map_err(|r| r.status);
        assert_eq!(ok("GET", "/", Some("localhost")), Ok(()));
        assert_eq!(ok("POST", "/", Some("localhost")), Err(405));
        assert_eq!(ok("GET", &"/".repeat(5000), Some("localhost")), Err(414));
        assert_eq!(ok("GET", "/", Some("evil.example")), Err(421));
        assert_eq!(ok("GET", "/", None), Err(400));
        assert_eq!(ok("GET", "http://evil/", Some("localhost")), Err(400));
    }
}

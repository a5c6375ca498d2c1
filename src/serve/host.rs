//! Which `Host` names the preview answers to: the guard against DNS rebinding.
//!
//! A page on any web site can make the browser resolve its own name to 127.0.0.1 and
//! then read the preview as if it were that site. Such a request still carries the
//! attacker's name in `Host`, so names are refused unless they are `localhost` (or
//! below it), the name given to `--bind`, or one the author allowed with
//! `--allow-host`. An IP address in `Host` cannot come from a rebinding attack (the
//! page would have to be on that address already), so `--bind 0.0.0.0` on a LAN keeps
//! working for every device that opens `http://192.168.…:3000/`.

use std::net::IpAddr;

/// The `Host` values a server accepts.
#[derive(Debug, Clone)]
pub(super) struct HostPolicy {
    /// Lowercase names without a trailing dot.
    names: Vec<String>,
}

impl HostPolicy {
    /// Accepts `localhost`, the `bind` name (when it is a name) and `extra` names.
    pub(super) fn new(bind: &str, extra: &[String]) -> Self {
        let mut names = vec!["localhost".to_string()];
        names.extend(
            std::iter::once(bind)
                .chain(extra.iter().map(String::as_str))
                .map(normalise)
                .filter(|name| !name.is_empty()),
        );
        HostPolicy { names }
    }

    /// Whether a request with this `Host` header may be answered.
    pub(super) fn allows(&self, host: &str) -> bool {
        let name = normalise(strip_port(host));
        if name.is_empty() {
            return false;
        }
        if is_ip_literal(&name) {
            return true;
        }
        // RFC 6761: `localhost` and every name below it are this machine.
        if name.ends_with(".localhost") {
            return true;
        }
        self.names.contains(&name)
    }
}

fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `example.org:3000` -> `example.org`, `[::1]:3000` -> `[::1]`.
fn strip_port(host: &str) -> &str {
    let host = host.trim();
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

fn is_ip_literal(name: &str) -> bool {
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    bare.parse::<IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(bind: &str, extra: &[&str]) -> HostPolicy {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        HostPolicy::new(bind, &extra)
    }

    #[test]
    fn loopback_names_and_addresses_are_allowed() {
        let p = policy("127.0.0.1", &[]);
        for host in [
            "localhost",
            "LOCALHOST:3000",
            "localhost.",
            "app.localhost:3000",
            "127.0.0.1:3000",
            "127.0.0.2",
            "[::1]:3000",
            "[::1]",
        ] {
            assert!(p.allows(host), "{host}");
        }
    }

    #[test]
    fn other_names_are_refused_unless_allowed() {
        let p = policy("127.0.0.1", &[]);
        for host in [
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "",
            ":3000",
        ] {
            assert!(!p.allows(host), "{host}");
        }
        let p = policy("0.0.0.0", &["preview.intranet"]);
        assert!(p.allows("preview.intranet:3000"));
        assert!(p.allows("Preview.Intranet."));
        assert!(p.allows("192.168.1.20:3000"), "LAN addresses keep working");
        assert!(!p.allows("evil.example"));
        let p = policy("laptop.local", &[]);
        assert!(p.allows("laptop.local:3000"), "the name given to --bind");
    }
}

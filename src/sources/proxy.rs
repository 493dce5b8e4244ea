//! Which proxy the API server of one cluster is reached through, as kubectl
//! decides it: the kubeconfig cluster's `proxy-url`, else `HTTPS_PROXY`
//! (`https_proxy`) unless `NO_PROXY` (`no_proxy`) names the server's host.
//! kube-rs reads the same variables but checks `NO_PROXY` against the proxy's
//! own address, so the choice is made here and handed to its `Config`.

/// The proxy for `server` (an `https://host:port` URL), if any.
pub fn for_server(proxy_url: Option<&str>, server: &str) -> Option<String> {
    if let Some(p) = proxy_url.filter(|p| !p.is_empty()) {
        return Some(p.to_owned());
    }
    let var = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
    };
    let proxy = var(["HTTPS_PROXY", "https_proxy"])?;
    let host = host_of(server)?;
    match var(["NO_PROXY", "no_proxy"]) {
        Some(list) if bypassed(&list, &host) => None,
        _ => Some(proxy),
    }
}

/// `https://[::1]:6443/x` → `::1`; `https://a.example:443` → `a.example`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split('/').next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Whether a `NO_PROXY` list names `host`: `*`, the host itself, a domain it
/// is under (`example.com`, `.example.com`), or an IPv4/IPv6 CIDR holding it.
fn bypassed(list: &str, host: &str) -> bool {
    let ip: Option<std::net::IpAddr> = host.parse().ok();
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            if let (Some(ip), Some((net, bits))) = (ip, entry.split_once('/')) {
                return in_cidr(ip, net, bits);
            }
            // A port in the entry (`host:443`) is ignored, as curl does.
            let name = match entry.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or(""),
                None if entry.matches(':').count() == 1 => entry.split(':').next().unwrap_or(""),
                None => entry.as_str(),
            };
            let domain = name.trim_start_matches('.');
            host == domain || host.ends_with(&format!(".{domain}"))
        })
}

fn in_cidr(ip: std::net::IpAddr, net: &str, bits: &str) -> bool {
    use std::net::IpAddr;
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_names_hosts_domains_and_networks() {
        assert_eq!(
            host_of("https://127.0.0.1:6443").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(host_of("https://[::1]:6443/").as_deref(), Some("::1"));
        assert_eq!(
            host_of("https://ABC.gr7.eu-west-1.eks.amazonaws.com").as_deref(),
            Some("abc.gr7.eu-west-1.eks.amazonaws.com")
        );
        let eks = "abc.gr7.eu-west-1.eks.amazonaws.com";
        assert!(bypassed(".amazonaws.com", eks));
        assert!(bypassed("localhost, eks.amazonaws.com", eks));
        assert!(!bypassed("example.com,amazonaws.co", eks));
        assert!(bypassed("*", eks));
        assert!(bypassed("10.0.0.0/8", "10.1.2.3"));
        assert!(!bypassed("10.0.0.0/8", "11.1.2.3"));
        assert!(bypassed("127.0.0.1:6443", "127.0.0.1"));
        assert!(bypassed("::1", "::1"));
        assert!(bypassed("fd00::/8", "fd12::1"));
        assert!(!bypassed("", eks));
    }

    #[test]
    fn the_kubeconfig_proxy_url_wins_over_the_environment() {
        assert_eq!(
            for_server(Some("socks5://127.0.0.1:1080"), "https://a.example").as_deref(),
            Some("socks5://127.0.0.1:1080")
        );
    }
}

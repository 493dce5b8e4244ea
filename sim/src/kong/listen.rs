//! Kong's listener settings as a pod's env states them (`KONG_ADMIN_LISTEN`,
//! `KONG_STATUS_LISTEN`): which address and port each listener binds and
//! whether it speaks TLS. The pod proxy and the port-forward both obey them.

use serde_json::Value;

/// Kong's own default when the env does not say (kong.conf.default).
pub const KONG_DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:8001, 127.0.0.1:8444 http2 ssl";
/// The official Helm chart's default for the admin API.
pub const CHART_ADMIN_LISTEN: &str = "127.0.0.1:8444 http2 ssl";
/// The chart's status listener.
pub const CHART_STATUS_LISTEN: &str = "0.0.0.0:8100";

/// One `address:port [flags]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub address: String,
    pub port: u16,
    pub ssl: bool,
}

impl Listener {
    /// Bound to loopback only: unreachable from outside the pod's network namespace.
    pub fn loopback(&self) -> bool {
        self.address == "127.0.0.1" || self.address == "localhost" || self.address == "[::1]"
    }
}

/// Parses a comma-separated listen setting; `off` and malformed entries yield nothing.
pub fn parse(setting: &str) -> Vec<Listener> {
    setting
        .split(',')
        .filter_map(|entry| {
            let mut words = entry.split_whitespace();
            let addr = words.next()?;
            let (address, port) = addr.rsplit_once(':')?;
            let port = port.parse().ok()?;
            let ssl = words.any(|w| w == "ssl");
            Some(Listener {
                address: address.to_owned(),
                port,
                ssl,
            })
        })
        .collect()
}

/// The value of env `name` on the pod's `proxy` container (Kong itself).
fn proxy_env<'a>(pod: &'a Value, name: &str) -> Option<&'a str> {
    pod.pointer("/spec/containers")?
        .as_array()?
        .iter()
        .find(|c| c["name"] == "proxy")?
        .get("env")?
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)?
        .get("value")?
        .as_str()
}

/// Every admin and status listener of a Kong pod (Kong's defaults when unset).
pub fn pod_listeners(pod: &Value) -> Vec<Listener> {
    let mut out = parse(proxy_env(pod, "KONG_ADMIN_LISTEN").unwrap_or(KONG_DEFAULT_ADMIN_LISTEN));
    out.extend(parse(proxy_env(pod, "KONG_STATUS_LISTEN").unwrap_or("off")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chart_and_kong_defaults() {
        assert_eq!(
            parse(CHART_ADMIN_LISTEN),
            [Listener {
                address: "127.0.0.1".into(),
                port: 8444,
                ssl: true
            }]
        );
        let d = parse(KONG_DEFAULT_ADMIN_LISTEN);
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(Listener::loopback));
        assert_eq!((d[0].port, d[0].ssl), (8001, false));
        assert!(parse("off").is_empty());
        assert!(!parse("0.0.0.0:8001")[0].loopback());
    }
}

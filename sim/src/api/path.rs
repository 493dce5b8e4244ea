//! Parsing an API path into the resource it names.

use crate::resources::{RESOURCES, Rid, find};

/// What a request path points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Version,
    Health,
    /// `/api` or `/apis`
    Root {
        core: bool,
    },
    /// `/api/v1`, `/apis/apps/v1`
    GroupVersion {
        group: String,
        version: String,
    },
    /// `/apis/apps`
    Group {
        group: String,
    },
    Resource(ResourcePath),
    OpenApi,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePath {
    pub rid: Rid,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
    /// Everything after the subresource (the proxied path).
    pub rest: String,
}

pub fn parse(path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => Some(Target::Version),
        ["healthz" | "livez" | "readyz", ..] => Some(Target::Health),
        ["openapi", ..] => Some(Target::OpenApi),
        ["api"] => Some(Target::Root { core: true }),
        ["apis"] => Some(Target::Root { core: false }),
        ["apis", group] => Some(Target::Group {
            group: (*group).to_owned(),
        }),
        ["api", version] => Some(Target::GroupVersion {
            group: String::new(),
            version: (*version).to_owned(),
        }),
        ["apis", group, version] => Some(Target::GroupVersion {
            group: (*group).to_owned(),
            version: (*version).to_owned(),
        }),
        ["api", version, rest @ ..] => resource("", version, rest),
        ["apis", group, version, rest @ ..] => resource(group, version, rest),
        _ => None,
    }
}

fn resource(group: &str, version: &str, segs: &[&str]) -> Option<Target> {
    let ns_rid = find("", "v1", "namespaces");
    let (namespace, segs) = match segs {
        // `/namespaces/NS/PLURAL…` (but `/namespaces/NS` and `/namespaces/NS/status` are the namespace itself)
        ["namespaces", ns, plural, rest @ ..]
            if find(group, version, plural).is_some_and(|r| RESOURCES[r].namespaced) =>
        {
            (Some(unescape(ns)), [&[*plural][..], rest].concat())
        }
        // A namespace's own subresources; anything else under it is unknown.
        ["namespaces", _, sub, ..] if !["status", "finalize"].contains(sub) => return None,
        _ => (None, segs.to_vec()),
    };
    let (plural, rest) = segs.split_first()?;
    let rid = find(group, version, plural)?;
    if namespace.is_none() && RESOURCES[rid].namespaced && !rest.is_empty() && Some(rid) != ns_rid {
        return None;
    }
    // Clients percent-encode names; a name is matched as the bytes stored.
    let name = rest.first().map(|s| unescape(s));
    let sub = rest.get(1).map(|s| (*s).to_owned());
    let rest = if rest.len() > 2 {
        rest[2..].join("/")
    } else {
        String::new()
    };
    Some(Target::Resource(ResourcePath {
        rid,
        namespace,
        name,
        sub,
        rest,
    }))
}

/// `evil%1B%5B31m` → `evil\u{1b}[31m`: percent-decoding of one path
/// segment; a `%` not followed by two hex digits stays as it is.
fn unescape(seg: &str) -> String {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(p: &str) -> ResourcePath {
        match parse(p) {
            Some(Target::Resource(r)) => r,
            other => panic!("{p}: {other:?}"),
        }
    }

    #[test]
    fn names_are_percent_decoded() {
        let r = res("/api/v1/namespaces/default/pods/evil%1B%5B31mred");
        assert_eq!(r.name.as_deref(), Some("evil\u{1b}[31mred"));
        assert_eq!(super::unescape("100%"), "100%");
        assert_eq!(super::unescape("a%zzb"), "a%zzb");
    }

    #[test]
    fn parses_the_shapes_kubectl_sends() {
        let r = res("/api/v1/namespaces/kong/pods/kong-0:8001/proxy/status/ready");
        assert_eq!(RESOURCES[r.rid].plural, "pods");
        assert_eq!(
            (r.namespace.as_deref(), r.name.as_deref(), r.sub.as_deref()),
            (Some("kong"), Some("kong-0:8001"), Some("proxy"))
        );
        assert_eq!(r.rest, "status/ready");
        let r = res("/apis/apps/v1/namespaces/default/deployments/web/scale");
        assert_eq!(r.sub.as_deref(), Some("scale"));
        let r = res("/api/v1/namespaces/default");
        assert_eq!(
            (RESOURCES[r.rid].plural, r.name.as_deref()),
            ("namespaces", Some("default"))
        );
        let r = res("/api/v1/pods");
        assert_eq!((r.namespace, r.name), (None, None));
        assert_eq!(
            parse("/apis/apps/v1"),
            Some(Target::GroupVersion {
                group: "apps".into(),
                version: "v1".into()
            })
        );
        assert!(parse("/api/v1/namespaces/default/widgets").is_none());
    }
}

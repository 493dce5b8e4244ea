//! VPC addresses: one /19 private subnet per availability zone (as eksctl
//! lays them out), addresses picked deterministically and never reused
//! while in use; EC2 DNS names derived from them.

use std::collections::HashSet;

use crate::rng::{hash_str, mix};

/// 0 for `…a`, 1 for `…b`, …
pub fn zone_index(zone: &str) -> u64 {
    zone.bytes()
        .last()
        .map(|b| u64::from(b.saturating_sub(b'a')))
        .unwrap_or(0)
        % 8
}

/// A free address in `zone`'s subnet, derived from `key`.
pub fn pick(seed: u64, zone: &str, key: &str, used: &HashSet<String>) -> String {
    let base = zone_index(zone) * 32;
    let mut n = mix(seed ^ hash_str(key));
    loop {
        let third = base + (n >> 8) % 32;
        let fourth = 1 + (n & 0xff) % 254;
        let ip = format!("10.0.{third}.{fourth}");
        if !used.contains(&ip) {
            return ip;
        }
        n = mix(n);
    }
}

/// The internal DNS suffix of a region (`ec2.internal` in us-east-1).
pub fn dns_suffix(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".to_owned()
    } else {
        format!("{region}.compute.internal")
    }
}

/// `ip-10-0-1-23.eu-west-1.compute.internal`
pub fn host_name(ip: &str, region: &str) -> String {
    format!("ip-{}.{}", ip.replace('.', "-"), dns_suffix(region))
}

/// The address back out of an EC2 or Fargate node name.
pub fn ip_of_node(name: &str) -> Option<String> {
    let rest = name.strip_prefix("fargate-").unwrap_or(name);
    let host = rest.strip_prefix("ip-")?.split('.').next()?;
    let parts: Vec<&str> = host.split('-').collect();
    (parts.len() == 4).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_stay_in_the_zone_subnet_and_avoid_used_ones() {
        let mut used = HashSet::new();
        let a = pick(1, "eu-west-1b", "pod-a", &used);
        assert!(a.starts_with("10.0."));
        let third: u64 = a
            .split('.')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert!((32..64).contains(&third), "{a}");
        used.insert(a.clone());
        assert_ne!(pick(1, "eu-west-1b", "pod-a", &used), a);
        let name = format!("fargate-{}", host_name(&a, "eu-west-1"));
        assert_eq!(ip_of_node(&name), Some(a));
        assert_eq!(
            host_name("10.0.1.2", "us-east-1"),
            "ip-10-0-1-2.ec2.internal"
        );
    }
}

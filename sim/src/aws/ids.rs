//! Identifiers the way AWS spells them: ARNs, UUID-shaped ids, task ids,
//! and the reverse (a name from an ARN or a bare name).
//!
//! Everything here is deterministic: ids come either from a stable hash of
//! their inputs or from the scenario's random source.

/// FNV-1a over the parts, separated so `("ab","c")` and `("a","bc")` differ.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A UUID-shaped string (`8-4-4-4-12` lowercase hex) from two 64-bit words.
pub fn uuid_from(a: u64, b: u64) -> String {
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A UUID-shaped string derived from the parts (stable across runs).
pub fn stable_uuid(parts: &[&str]) -> String {
    let a = stable_hash(parts);
    uuid_from(a, stable_hash(&[&a.to_string()]))
}

/// An ECS task id: 32 lowercase hex digits.
pub fn task_id(rng: &mut dyn FnMut() -> u64) -> String {
    format!("{:016x}{:016x}", rng(), rng())
}

pub fn eks_cluster_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:eks:{region}:{account}:cluster/{name}")
}

/// `…:nodegroup/<cluster>/<name>/<uuid>`; the uuid is stable for the
/// node group's identity (cluster, name, creation time).
pub fn eks_nodegroup_arn(
    region: &str,
    account: &str,
    cluster: &str,
    name: &str,
    created: &str,
) -> String {
    let id = stable_uuid(&["nodegroup", cluster, name, created]);
    format!("arn:aws:eks:{region}:{account}:nodegroup/{cluster}/{name}/{id}")
}

pub fn eks_fargate_profile_arn(
    region: &str,
    account: &str,
    cluster: &str,
    name: &str,
    created: &str,
) -> String {
    let id = stable_uuid(&["fargateprofile", cluster, name, created]);
    format!("arn:aws:eks:{region}:{account}:fargateprofile/{cluster}/{name}/{id}")
}

pub fn ecs_cluster_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:cluster/{name}")
}

pub fn ecs_service_arn(region: &str, account: &str, cluster: &str, name: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:service/{cluster}/{name}")
}

pub fn ecs_task_arn(region: &str, account: &str, cluster: &str, id: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:task/{cluster}/{id}")
}

pub fn ecs_container_arn(
    region: &str,
    account: &str,
    cluster: &str,
    task: &str,
    name: &str,
) -> String {
    let id = stable_uuid(&["container", cluster, task, name]);
    format!("arn:aws:ecs:{region}:{account}:container/{cluster}/{task}/{id}")
}

/// The resource name in a value that is either a bare name or an ARN
/// (`arn:aws:ecs:r:a:service/cluster/name` → `name`).
pub fn name_from_arn_or_name(value: &str) -> &str {
    if value.starts_with("arn:") {
        value.rsplit('/').next().unwrap_or(value)
    } else {
        value
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_the_uuid_shape() {
        let u = stable_uuid(&["nodegroup", "prod", "ng-1"]);
        let lens: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(lens, vec![8, 4, 4, 4, 12]);
        assert_eq!(u, stable_uuid(&["nodegroup", "prod", "ng-1"]));
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
    }

    #[test]
    fn names_come_out_of_arns() {
        assert_eq!(
            name_from_arn_or_name("arn:aws:ecs:eu-west-1:1:service/c/kong"),
            "kong"
        );
        assert_eq!(
            name_from_arn_or_name("arn:aws:ecs:eu-west-1:1:cluster/edge"),
            "edge"
        );
        assert_eq!(name_from_arn_or_name("edge"), "edge");
    }
}

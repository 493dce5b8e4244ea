//! Describe for what fleetdeck already holds in full: Kong nodes, upstreams
//! and targets (as polled per node), EKS/ECS objects (as polled per region)
//! and a cluster's connection. Built from the state's rows, no IO.

use jiff::Timestamp;

use crate::actions::subject::Subject;
use crate::model::fleet::Fleet;
use crate::model::kong::{KongDb, KongNode, KongVia};
use crate::model::text::sanitize;

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("<none>")
}

/// `(title, lines)` for a non-Kubernetes subject (or a whole cluster), or why not.
pub fn describe(
    fleet: &Fleet,
    subject: &Subject,
    now: Timestamp,
) -> Result<(String, Vec<String>), String> {
    let mut page = Page {
        fleet,
        now,
        out: Vec::new(),
    };
    let title = match subject {
        Subject::Kube(k) => return Err(format!("{} is described from the API", k.label())),
        Subject::Gateway(g) => return Err(format!("gateway {g}: describe one of its nodes")),
        Subject::Finding { code, .. } => {
            return Err(format!("finding {code}: describe one of its objects"));
        }
        Subject::Cluster(name) => page.cluster(name)?,
        Subject::KongNode { gateway, node } => page.kong_node_with_upstreams(gateway, node)?,
        Subject::KongUpstream {
            gateway,
            node,
            upstream,
        } => page.kong_upstream(gateway, node, upstream)?,
        Subject::KongTarget {
            gateway,
            node,
            upstream,
            target,
        } => page.kong_target(gateway, node, upstream, target)?,
        Subject::AwsRegion(region) => page.aws_region(region)?,
        Subject::EksCluster { region, name } => page.eks_cluster(region, name)?,
        Subject::FargateProfile {
            region,
            cluster,
            name,
        } => page.fargate_profile(region, cluster, name)?,
        Subject::Nodegroup {
            region,
            cluster,
            name,
        } => page.nodegroup(region, cluster, name)?,
        Subject::EcsCluster { region, name } => page.ecs_cluster(region, name)?,
        Subject::EcsService {
            region,
            cluster,
            name,
        } => page.ecs_service(region, cluster, name)?,
        Subject::EcsTask {
            region,
            cluster,
            id,
        } => page.ecs_task(region, cluster, id)?,
    };
    Ok((title, page.out.iter().map(|l| sanitize(l)).collect()))
}

/// One describe page being written: the state it reads and the lines so far.
/// Each subject's method writes its lines and returns the page's title.
struct Page<'a> {
    fleet: &'a Fleet,
    now: Timestamp,
    out: Vec<String>,
}

impl Page<'_> {
    /// `Key:` padded to a column, then the value.
    fn kv(&mut self, indent: usize, k: &str, v: impl AsRef<str>) {
        let key = if k.is_empty() {
            String::new()
        } else {
            format!("{k}:")
        };
        self.out.push(format!(
            "{}{key:<w$}{}",
            " ".repeat(indent),
            v.as_ref(),
            w = 16.max(key.len() + 1)
        ));
    }

    /// A cluster's connection, per-kind sources and object counts.
    fn cluster(&mut self, name: &str) -> Result<String, String> {
        let c = self
            .fleet
            .clusters
            .get(name)
            .ok_or_else(|| format!("cluster {name} is gone"))?;
        self.kv(0, "Context", &c.name);
        self.kv(0, "Server", opt(&c.server));
        self.kv(0, "Version", opt(&c.version));
        self.kv(
            0,
            "Region",
            self.fleet.cluster_region(name).unwrap_or_default(),
        );
        self.kv(0, "Connection", c.connection.label(self.now));
        self.out.push("Sources:".into());
        for (kind, st) in &c.kinds {
            let mut line = st.label(self.now);
            if let Some(e) = st.error() {
                line = format!("{line} — {}", e.message());
            }
            self.kv(2, kind.label(), line);
        }
        let s = &c.stores;
        self.out.push("Objects:".into());
        self.kv(2, "nodes", s.nodes.len().to_string());
        self.kv(2, "pods", s.pods.len().to_string());
        self.kv(2, "deployments", s.deployments.len().to_string());
        self.kv(2, "statefulsets", s.statefulsets.len().to_string());
        self.kv(2, "hpas", s.hpas.len().to_string());
        self.kv(2, "pvcs", s.pvcs.len().to_string());
        Ok(format!("cluster {name}"))
    }

    /// A Kong node as polled, with its upstreams.
    fn kong_node_with_upstreams(&mut self, gateway: &str, node: &str) -> Result<String, String> {
        let n = kong_node(self.fleet, gateway, node)?;
        self.node_lines(n);
        for u in &n.upstreams {
            self.out.push(format!(
                "  {} balancer {} · {} targets",
                u.name,
                u.balancer.as_deref().unwrap_or("-"),
                u.targets.len()
            ));
        }
        Ok(format!("Kong node {gateway}/{node}"))
    }

    /// An upstream as one node sees it: balancer and targets.
    fn kong_upstream(
        &mut self,
        gateway: &str,
        node: &str,
        upstream: &str,
    ) -> Result<String, String> {
        let n = kong_node(self.fleet, gateway, node)?;
        let u = n
            .upstreams
            .iter()
            .find(|u| u.name == *upstream)
            .ok_or_else(|| format!("{node} has no upstream {upstream}"))?;
        self.kv(0, "Upstream", &u.name);
        self.kv(0, "Gateway", gateway);
        self.kv(0, "Seen by node", node);
        self.kv(
            0,
            "Balancer",
            u.balancer.as_deref().unwrap_or("<not polled>"),
        );
        if u.broken() {
            self.out.push("Warning: no peer available: clients routed through this node get 503 \"failure to get a peer from the ring-balancer\"".into());
        }
        self.out.push(format!("Targets ({}):", u.targets.len()));
        self.out
            .push(format!("  {:<28} {:>7}  Health", "Target", "Weight"));
        for t in &u.targets {
            self.out
                .push(format!("  {:<28} {:>7}  {}", t.target, t.weight, t.health));
        }
        Ok(format!("Kong upstream {upstream} @ {node}"))
    }

    /// A target, and the pod or ECS task that has its IP (if any).
    fn kong_target(
        &mut self,
        gateway: &str,
        node: &str,
        upstream: &str,
        target: &str,
    ) -> Result<String, String> {
        let n = kong_node(self.fleet, gateway, node)?;
        let t = n
            .upstreams
            .iter()
            .find(|u| u.name == *upstream)
            .and_then(|u| u.targets.iter().find(|t| t.target == *target))
            .ok_or_else(|| format!("{node} has no target {target} in {upstream}"))?;
        self.kv(0, "Target", &t.target);
        self.kv(0, "Upstream", upstream);
        self.kv(0, "Gateway", gateway);
        self.kv(0, "Seen by node", node);
        self.kv(0, "Weight", t.weight.to_string());
        self.kv(0, "Health", &t.health);
        let ip = target.rsplit_once(':').map_or(target, |(h, _)| h);
        let pods: Vec<String> = self
            .fleet
            .clusters
            .values()
            .flat_map(|c| {
                c.stores
                    .pods
                    .iter()
                    .filter(|p| p.ip.as_deref() == Some(ip))
                    .map(move |p| {
                        format!("pod {}/{}/{} ({})", c.name, p.namespace, p.name, p.status)
                    })
            })
            .chain(self.fleet.aws.values().flat_map(|r| {
                r.rows
                    .tasks
                    .iter()
                    .filter(|t| t.ip.as_deref() == Some(ip))
                    .map(|t| {
                        format!(
                            "ECS task {}/{} ({} {})",
                            t.cluster, t.id, t.last_status, t.health
                        )
                    })
            }))
            .collect();
        self.kv(
            0,
            "Behind it",
            if pods.is_empty() {
                "no pod or task has this IP (stale target)".into()
            } else {
                pods.join("; ")
            },
        );
        Ok(format!("Kong target {target}"))
    }

    /// A region's poll state and what it holds.
    fn aws_region(&mut self, region: &str) -> Result<String, String> {
        let r = self
            .fleet
            .aws
            .get(region)
            .ok_or_else(|| format!("region {region} is gone"))?;
        self.kv(0, "Region", &r.region);
        let mut st = r.state.label(self.now);
        if let Some(e) = r.state.error() {
            st = format!("{st} — {}", e.message());
        }
        self.kv(0, "State", st);
        self.kv(
            0,
            "Polled",
            r.polled
                .map(|t| t.to_string())
                .unwrap_or_else(|| "never".into()),
        );
        self.kv(0, "EKS clusters", r.rows.eks.len().to_string());
        self.kv(0, "Node groups", r.rows.nodegroups.len().to_string());
        self.kv(0, "ECS clusters", r.rows.ecs.len().to_string());
        self.kv(0, "ECS services", r.rows.services.len().to_string());
        Ok(format!("AWS region {region}"))
    }

    /// An EKS cluster with its Fargate profiles and node groups.
    fn eks_cluster(&mut self, region: &str, name: &str) -> Result<String, String> {
        let r = region_rows(self.fleet, region)?;
        let c = r
            .eks
            .iter()
            .find(|c| c.name == *name)
            .ok_or_else(|| format!("EKS cluster {name} is gone"))?;
        self.kv(0, "Name", &c.name);
        self.kv(0, "Region", &c.region);
        self.kv(0, "Status", &c.status);
        self.kv(0, "Version", opt(&c.version));
        self.kv(0, "Endpoint", opt(&c.endpoint));
        self.out.push("Fargate profiles:".into());
        for p in r.profiles.iter().filter(|p| p.cluster == *name) {
            self.out.push(format!(
                "  {} ({}): {}",
                p.name,
                p.status,
                p.selectors.join("; ")
            ));
        }
        self.out.push("Node groups:".into());
        for g in r.nodegroups.iter().filter(|g| g.cluster == *name) {
            self.out.push(format!(
                "  {} ({}) {} ≤ {} ≤ {}",
                g.name, g.status, g.min, g.desired, g.max
            ));
        }
        Ok(format!("EKS cluster {name}"))
    }

    /// A Fargate profile and its selectors.
    fn fargate_profile(
        &mut self,
        region: &str,
        cluster: &str,
        name: &str,
    ) -> Result<String, String> {
        let p = region_rows(self.fleet, region)?
            .profiles
            .iter()
            .find(|p| p.cluster == *cluster && p.name == *name)
            .ok_or_else(|| format!("Fargate profile {name} is gone"))?;
        self.kv(0, "Name", &p.name);
        self.kv(0, "Cluster", &p.cluster);
        self.kv(0, "Region", &p.region);
        self.kv(0, "Status", &p.status);
        self.out.push("Selectors:".into());
        for s in &p.selectors {
            self.out.push(format!("  {s}"));
        }
        self.out.push(
            "Note: profiles are immutable; a pod created before its profile must be recreated."
                .into(),
        );
        Ok(format!("Fargate profile {cluster}/{name}"))
    }

    /// A node group: instances, scaling, health issues.
    fn nodegroup(&mut self, region: &str, cluster: &str, name: &str) -> Result<String, String> {
        let g = region_rows(self.fleet, region)?
            .nodegroups
            .iter()
            .find(|g| g.cluster == *cluster && g.name == *name)
            .ok_or_else(|| format!("node group {name} is gone"))?;
        self.kv(0, "Name", &g.name);
        self.kv(0, "Cluster", &g.cluster);
        self.kv(0, "Region", &g.region);
        self.kv(0, "Status", &g.status);
        self.kv(0, "Capacity Type", opt(&g.capacity_type));
        self.kv(0, "Instance Types", g.instance_types.join(", "));
        self.kv(
            0,
            "Scaling",
            format!("min {} · desired {} · max {}", g.min, g.desired, g.max),
        );
        self.kv(
            0,
            "Health issues",
            if g.issues.is_empty() {
                "<none>".into()
            } else {
                g.issues.join("; ")
            },
        );
        Ok(format!("node group {cluster}/{name}"))
    }

    /// An ECS cluster's task counts and services.
    fn ecs_cluster(&mut self, region: &str, name: &str) -> Result<String, String> {
        let r = region_rows(self.fleet, region)?;
        let c = r
            .ecs
            .iter()
            .find(|c| c.name == *name)
            .ok_or_else(|| format!("ECS cluster {name} is gone"))?;
        self.kv(0, "Name", &c.name);
        self.kv(0, "Region", &c.region);
        self.kv(0, "Status", &c.status);
        self.kv(
            0,
            "Tasks",
            format!("{} running · {} pending", c.running_tasks, c.pending_tasks),
        );
        self.out.push("Services:".into());
        for s in r.services.iter().filter(|s| s.cluster == *name) {
            self.out.push(format!(
                "  {} ({}) {}/{} running, {} pending",
                s.name, s.status, s.running, s.desired, s.pending
            ));
        }
        Ok(format!("ECS cluster {name}"))
    }

    /// An ECS service: deployments, last event, tasks.
    fn ecs_service(&mut self, region: &str, cluster: &str, name: &str) -> Result<String, String> {
        let r = region_rows(self.fleet, region)?;
        let s = r
            .services
            .iter()
            .find(|s| s.cluster == *cluster && s.name == *name)
            .ok_or_else(|| format!("ECS service {name} is gone"))?;
        self.kv(0, "Name", &s.name);
        self.kv(0, "Cluster", &s.cluster);
        self.kv(0, "Region", &s.region);
        self.kv(0, "Status", &s.status);
        self.kv(0, "Launch Type", opt(&s.launch_type));
        self.kv(
            0,
            "Tasks",
            format!(
                "{} desired · {} running · {} pending",
                s.desired, s.running, s.pending
            ),
        );
        self.out.push("Deployments:".into());
        for d in &s.deployments {
            self.out.push(format!("  {d}"));
        }
        self.kv(0, "Last event", opt(&s.last_event));
        self.out.push("Tasks:".into());
        for t in r
            .tasks
            .iter()
            .filter(|t| t.cluster == *cluster && t.service.as_deref() == Some(name))
        {
            self.out.push(format!(
                "  {} {} {} ip {}",
                t.id,
                t.last_status,
                t.health,
                t.ip.as_deref().unwrap_or("-")
            ));
        }
        Ok(format!("ECS service {cluster}/{name}"))
    }

    /// One ECS task.
    fn ecs_task(&mut self, region: &str, cluster: &str, id: &str) -> Result<String, String> {
        let t = region_rows(self.fleet, region)?
            .tasks
            .iter()
            .find(|t| t.cluster == *cluster && t.id == *id)
            .ok_or_else(|| format!("ECS task {id} is gone"))?;
        self.kv(0, "Task", &t.id);
        self.kv(0, "Cluster", &t.cluster);
        self.kv(0, "Region", &t.region);
        self.kv(0, "Service", opt(&t.service));
        self.kv(0, "Last Status", &t.last_status);
        self.kv(0, "Desired Status", &t.desired_status);
        self.kv(0, "Health", &t.health);
        self.kv(0, "IP", opt(&t.ip));
        self.kv(0, "Launch Type", opt(&t.launch_type));
        Ok(format!("ECS task {cluster}/{id}"))
    }

    fn node_lines(&mut self, n: &KongNode) {
        self.kv(0, "Node", &n.name);
        self.kv(0, "Gateway", &n.gateway);
        let via = match &n.via {
            KongVia::Pod {
                cluster,
                namespace,
                pod,
                access,
            } => format!("{} of {cluster} {namespace}/{pod}", access.describe()),
            KongVia::Url(u) => match n.url_tls.describe() {
                Some(tls) => format!("admin URL {u} ({tls})"),
                None => format!("admin URL {u}"),
            },
        };
        self.kv(0, "Reached via", via);
        self.kv(0, "IP", n.ip.as_deref().unwrap_or("<unknown>"));
        if let Some(h) = &n.hostname {
            self.kv(0, "Hostname", h);
        }
        let host = self
            .fleet
            .gateways
            .get(&n.gateway)
            .and_then(|g| crate::model::kong_host::host_of(self.fleet, g, n));
        match host {
            Some(h) => {
                for (k, v) in h.lines(self.now) {
                    self.kv(0, k, v);
                }
            }
            None => self.kv(
                0,
                "Runs as",
                "? (no polled pod or ECS task matches this node)",
            ),
        }
        self.kv(0, "Version", n.version.as_deref().unwrap_or("<unknown>"));
        self.kv(
            0,
            "Reachable",
            match &n.reachable {
                Ok(()) => "yes".to_owned(),
                Err(e) => format!("no — {e}"),
            },
        );
        self.kv(
            0,
            "Ready",
            match &n.ready {
                Some(Ok(())) => "yes".to_owned(),
                Some(Err(e)) => format!("no — {e}"),
                None => "<not polled>".to_owned(),
            },
        );
        self.kv(
            0,
            "Database",
            match &n.db {
                KongDb::Reachable(true) => "reachable".to_owned(),
                KongDb::Reachable(false) => "UNREACHABLE".to_owned(),
                KongDb::Hash(h) if h == crate::model::kong::EMPTY_CONFIG_HASH => {
                    format!("DB-less, configuration_hash {h} (no configuration)")
                }
                KongDb::Hash(h) => format!("DB-less, configuration_hash {h}"),
                KongDb::Unknown => "<unknown>".to_owned(),
            },
        );
        self.kv(
            0,
            "Polled",
            n.polled
                .map(|t| format!("{} ago", crate::model::format::age(Some(t), self.now)))
                .unwrap_or_else(|| "never".into()),
        );
        self.kv(0, "Healthy", if n.healthy() { "yes" } else { "NO" });
        self.out.push(format!("Upstreams ({}):", n.upstreams.len()));
    }
}

fn kong_node<'a>(fleet: &'a Fleet, gateway: &str, node: &str) -> Result<&'a KongNode, String> {
    fleet
        .gateways
        .get(gateway)
        .and_then(|g| g.nodes.get(node))
        .ok_or_else(|| format!("Kong node {gateway}/{node} is gone"))
}

fn region_rows<'a>(
    fleet: &'a Fleet,
    region: &str,
) -> Result<&'a crate::model::aws::AwsRegionRows, String> {
    fleet
        .aws
        .get(region)
        .map(|r| &r.rows)
        .ok_or_else(|| format!("region {region} is gone"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kong::{KongTarget, KongUpstream};

    #[test]
    fn kong_target_and_upstream_describe_from_the_polled_node() {
        let mut fleet = Fleet::default();
        let mut n = KongNode::new("kong", "kong-0", KongVia::Url("http://k:8001".into()));
        n.reachable = Ok(());
        n.upstreams.push(KongUpstream {
            name: "hello.shop.80.svc".into(),
            balancer: Some("UNHEALTHY".into()),
            targets: vec![KongTarget {
                target: "10.0.9.9:8080".into(),
                weight: 100,
                health: "UNHEALTHY".into(),
            }],
        });
        let mut g = crate::model::fleet::Gateway {
            name: "kong".into(),
            cluster: None,
            ecs_service: None,
            ecs_service_found: false,
            state: crate::model::status::SourceState::Live,
            nodes: Default::default(),
        };
        g.nodes.insert("kong-0".into(), n);
        fleet.gateways.insert("kong".into(), g);
        let now = Timestamp::UNIX_EPOCH;
        let (title, lines) = describe(
            &fleet,
            &Subject::KongUpstream {
                gateway: "kong".into(),
                node: "kong-0".into(),
                upstream: "hello.shop.80.svc".into(),
            },
            now,
        )
        .expect("upstream");
        let t = lines.join("\n");
        assert_eq!(title, "Kong upstream hello.shop.80.svc @ kong-0");
        assert!(t.contains("failure to get a peer"), "{t}");
        assert!(
            t.contains("10.0.9.9:8080") && t.contains("UNHEALTHY"),
            "{t}"
        );
        let (_, lines) = describe(
            &fleet,
            &Subject::KongTarget {
                gateway: "kong".into(),
                node: "kong-0".into(),
                upstream: "hello.shop.80.svc".into(),
                target: "10.0.9.9:8080".into(),
            },
            now,
        )
        .expect("target");
        assert!(lines.join("\n").contains("stale target"));
        let (_, lines) = describe(
            &fleet,
            &Subject::KongNode {
                gateway: "kong".into(),
                node: "kong-0".into(),
            },
            now,
        )
        .expect("node");
        assert!(lines.join("\n").contains("admin URL http://k:8001"));
        let t = lines.join("\n");
        assert!(!t.contains("TLS"), "{t}");
    }

    #[test]
    fn an_insecure_admin_url_says_its_certificate_is_not_verified() {
        let mut fleet = Fleet::default();
        let url = "https://10.0.0.7:8444";
        let mut n = KongNode::new("ecs", "10.0.0.7:8444", KongVia::Url(url.into()));
        n.url_tls = crate::model::kong::UrlTls::for_url(url, None, true);
        let mut g = crate::model::fleet::Gateway {
            name: "ecs".into(),
            cluster: None,
            ecs_service: None,
            ecs_service_found: false,
            state: crate::model::status::SourceState::Live,
            nodes: Default::default(),
        };
        g.nodes.insert(n.name.clone(), n);
        fleet.gateways.insert("ecs".into(), g);
        let subject = Subject::KongNode {
            gateway: "ecs".into(),
            node: "10.0.0.7:8444".into(),
        };
        let (_, lines) = describe(&fleet, &subject, Timestamp::UNIX_EPOCH).expect("node");
        let t = lines.join("\n");
        assert!(t.contains("certificate NOT verified"), "{t}");
        assert!(t.contains("insecure = true"), "{t}");
    }
}

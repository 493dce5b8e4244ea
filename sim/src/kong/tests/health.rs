//! Per-node target and balancer health.

use super::*;
use crate::kong::{Healthchecks, KongConfig, TargetHealth, Upstream};

async fn balancer(base: &str, upstream: &str) -> Value {
    let (code, body) = get_json(&format!(
        "{base}/upstreams/{upstream}/health?balancer_health=1"
    ))
    .await;
    assert_eq!(code, 200, "{body}");
    assert!(body["next"].is_null());
    body
}

async fn targets(base: &str, upstream: &str) -> Value {
    let (code, body) = get_json(&format!("{base}/upstreams/{upstream}/health")).await;
    assert_eq!(code, 200, "{body}");
    body
}

#[tokio::test]
async fn same_config_two_nodes_different_health() {
    let backends = [
        backend("cart", &[("10.0.0.1", 8080), ("10.0.0.2", 8080)], true),
        backend("pay", &[("10.0.1.1", 9000)], true),
    ];
    let a = dbless_node("kong-a", &backends);
    let b = dbless_node("kong-b", &backends);
    for t in ["10.0.0.1:8080", "10.0.0.2:8080"] {
        lock(&a).set_target_health("cart.shop.80.svc", t, TargetHealth::Unhealthy);
    }
    let (base_a, base_b) = (serve(&a).await, serve(&b).await);

    let on_a = balancer(&base_a, "cart.shop.80.svc").await;
    let on_b = balancer(&base_b, "cart.shop.80.svc").await;
    assert_eq!(on_a["node_id"], lock(&a).node_id.as_str());
    assert_eq!(on_b["node_id"], lock(&b).node_id.as_str());
    assert_ne!(on_a["node_id"], on_b["node_id"]);
    assert_eq!(on_a["data"]["balancer_health"], "UNHEALTHY");
    assert_eq!(on_a["data"]["health"], "UNHEALTHY");
    assert_eq!(
        on_a["data"]["details"]["weight"],
        serde_json::json!({"total": 200, "unavailable": 200, "available": 0})
    );
    assert_eq!(
        on_a["data"]["details"]["hosts"][0]["addresses"][0]["healthy"],
        false
    );
    assert_eq!(on_b["data"]["balancer_health"], "HEALTHY");
    assert_eq!(on_b["data"]["details"]["weight"]["available"], 200);
    // The other upstream is fine on both nodes.
    assert_eq!(
        balancer(&base_a, "pay.shop.80.svc").await["data"]["balancer_health"],
        "HEALTHY"
    );

    let rows_a = targets(&base_a, "cart.shop.80.svc").await;
    assert_eq!(rows_a["node_id"], lock(&a).node_id.as_str());
    let healths: Vec<&str> = rows_a["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["health"].as_str())
        .collect();
    assert_eq!(healths, ["UNHEALTHY", "UNHEALTHY"]);
    let rows_b = targets(&base_b, "cart.shop.80.svc").await;
    assert_eq!(rows_b["data"][0]["health"], "HEALTHY");
    assert_eq!(
        rows_b["data"][0]["data"]["addresses"][0]["health"],
        "HEALTHY"
    );
}

#[tokio::test]
async fn zero_targets_means_unhealthy_balancer_with_no_weight() {
    let node = dbless_node("kong-a", &[backend("cart", &[], false)]);
    let base = serve(&node).await;
    let body = balancer(&base, "cart.shop.80.svc").await;
    assert_eq!(body["data"]["balancer_health"], "UNHEALTHY");
    assert_eq!(body["data"]["health"], "HEALTHCHECKS_OFF");
    assert_eq!(body["data"]["details"]["weight"]["total"], 0);
    assert_eq!(body["data"]["details"]["hosts"], serde_json::json!([]));
    let rows = targets(&base, "cart.shop.80.svc").await;
    assert_eq!(rows["data"], serde_json::json!([]));
    assert!(rows["next"].is_null());
    let peer = lock(&node)
        .balancer("cart.shop.80.svc")
        .and_then(|b| b.peer_error());
    assert_eq!(peer, Some("No peers are available"));
}

#[tokio::test]
async fn healthchecks_off_by_default_and_dns_error_has_no_addresses() {
    let node = dbless_node(
        "kong-a",
        &[backend(
            "cart",
            &[("10.0.0.1", 8080), ("10.0.0.2", 8080)],
            false,
        )],
    );
    lock(&node).set_target_health("cart.shop.80.svc", "10.0.0.2:8080", TargetHealth::DnsError);
    let base = serve(&node).await;
    let rows = targets(&base, "cart.shop.80.svc").await;
    let row = |t: &str| {
        rows["data"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["target"] == t).cloned())
            .expect("row")
    };
    let ok = row("10.0.0.1:8080");
    assert_eq!(ok["health"], "HEALTHCHECKS_OFF");
    assert_eq!(
        ok["data"]["addresses"][0],
        serde_json::json!({"ip": "10.0.0.1", "port": 8080, "weight": 100, "health": "HEALTHCHECKS_OFF"})
    );
    assert_eq!(ok["data"]["dns"], "A");
    let dns = row("10.0.0.2:8080");
    assert_eq!(dns["health"], "DNS_ERROR");
    assert_eq!(dns["data"]["addresses"], serde_json::json!([]));
    assert_eq!(dns["data"]["weight"]["total"], 0);
    // A target with no addresses adds no weight; the other one still serves.
    let b = balancer(&base, "cart.shop.80.svc").await;
    assert_eq!(b["data"]["details"]["weight"]["total"], 100);
    assert_eq!(b["data"]["balancer_health"], "HEALTHY");
}

#[tokio::test]
async fn weight_zero_and_threshold() {
    let mut up = Upstream::new("orders.upstream");
    up.healthchecks = Healthchecks::active(5.0, "/health").with_threshold(50.0);
    up.add_target("10.0.2.1:8080", 100);
    up.add_target("10.0.2.2:8080", 100);
    up.add_target("10.0.2.3:8080", 0);
    let mut drained = Upstream::new("drained.upstream");
    drained.add_target("10.0.3.1:8080", 0);
    let mut n = KongNode::new(
        "7c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ecs",
        DbMode::Postgres { reachable: true },
    );
    n.set_config(KongConfig::builder().upstream(up).upstream(drained).build());
    n.set_target_health("orders.upstream", "10.0.2.2:8080", TargetHealth::Unhealthy);
    let node = n.shared();
    let base = serve(&node).await;

    // 100 of 200 available is 50%, not above the 50% threshold.
    let b = balancer(&base, "orders.upstream").await;
    assert_eq!(
        b["data"]["details"]["weight"],
        serde_json::json!({"total": 200, "unavailable": 100, "available": 100})
    );
    assert_eq!(b["data"]["balancer_health"], "UNHEALTHY");
    // Below threshold, yet round-robin still finds the available address.
    assert_eq!(
        lock(&node)
            .balancer("orders.upstream")
            .and_then(|b| b.peer_error()),
        None
    );
    let rows = targets(&base, "orders.upstream").await;
    let zero = rows["data"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["weight"] == 0).cloned())
        .expect("weight-0 row");
    assert_eq!(zero["health"], "HEALTHY");
    assert_eq!(zero["data"]["weight"]["total"], 0);

    lock(&node).set_target_health(
        "orders.upstream",
        "10.0.2.2:8080",
        TargetHealth::HealthchecksOff,
    );
    assert_eq!(
        balancer(&base, "orders.upstream").await["data"]["balancer_health"],
        "HEALTHY"
    );

    let d = balancer(&base, "drained.upstream").await;
    assert_eq!(d["data"]["details"]["weight"]["total"], 0);
    assert_eq!(d["data"]["balancer_health"], "UNHEALTHY");
    let peer = lock(&node)
        .balancer("drained.upstream")
        .and_then(|b| b.peer_error());
    assert_eq!(peer, Some("No peers are available"));
}

#[tokio::test]
async fn marking_targets_through_the_api_is_per_node() {
    let backends = [
        backend("cart", &[("10.0.0.1", 8080)], true),
        backend("pay", &[("10.0.1.1", 9000)], false),
    ];
    let (a, b) = (
        dbless_node("kong-a", &backends),
        dbless_node("kong-b", &backends),
    );
    let (base_a, base_b) = (serve(&a).await, serve(&b).await);
    let res = client()
        .put(format!(
            "{base_a}/upstreams/cart.shop.80.svc/targets/10.0.0.1:8080/unhealthy"
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        balancer(&base_a, "cart.shop.80.svc").await["data"]["balancer_health"],
        "UNHEALTHY"
    );
    assert_eq!(
        balancer(&base_b, "cart.shop.80.svc").await["data"]["balancer_health"],
        "HEALTHY"
    );

    let res = client()
        .post(format!(
            "{base_a}/upstreams/pay.shop.80.svc/targets/10.0.1.1:9000/unhealthy"
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(
        body["message"],
        "no healthchecker found for pay.shop.80.svc"
    );
}

//! Collections, pagination, lookups and `GET /config`.

use std::collections::HashSet;

use super::*;
use crate::kong::{KongConfig, Upstream};

/// A DB-mode node with one upstream of `n` targets (ECS task IPs).
fn big_node(n: usize) -> SharedKongNode {
    let mut up = Upstream::new("orders.upstream");
    for i in 0..n {
        up.add_target(&format!("10.1.{}.{}:8080", i / 250, i % 250 + 1), 100);
    }
    let mut node = KongNode::new(
        "6c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ecs",
        DbMode::Postgres { reachable: true },
    );
    node.set_config(KongConfig::builder().upstream(up).build());
    node.shared()
}

/// Follows `next` from `path`; returns every row and the number of pages.
async fn walk(base: &str, path: &str) -> (Vec<Value>, usize) {
    let (mut rows, mut pages, mut next) = (Vec::new(), 0, Some(path.to_string()));
    while let Some(path) = next {
        let (code, body) = get_json(&format!("{base}{path}")).await;
        assert_eq!(code, 200, "{path}: {body}");
        rows.extend(body["data"].as_array().expect("data array").iter().cloned());
        pages += 1;
        next = body["next"].as_str().map(String::from);
        assert_eq!(body["offset"].is_null(), next.is_none(), "{body}");
        assert!(pages < 100, "next never became null");
    }
    (rows, pages)
}

#[tokio::test]
async fn targets_page_by_100_and_every_target_is_seen_once() {
    let node = big_node(250);
    let base = serve(&node).await;

    let (code, first) = get_json(&format!("{base}/upstreams/orders.upstream/targets")).await;
    assert_eq!(code, 200);
    assert_eq!(first["data"].as_array().map(Vec::len), Some(100));
    assert!(
        first["next"]
            .as_str()
            .is_some_and(|n| n.starts_with("/upstreams/orders.upstream/targets?offset=")),
        "{first}"
    );

    let (rows, pages) = walk(&base, "/upstreams/orders.upstream/targets").await;
    assert_eq!(pages, 3);
    assert_eq!(rows.len(), 250);
    let ids: HashSet<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    let targets: HashSet<&str> = rows.iter().filter_map(|r| r["target"].as_str()).collect();
    assert_eq!((ids.len(), targets.len()), (250, 250));
    assert!(targets.contains("10.1.0.1:8080") && targets.contains("10.1.0.250:8080"));
    let up_id = lock(&node).config.upstreams[0].id.clone();
    assert!(
        rows.iter()
            .all(|r| r["upstream"]["id"] == up_id.as_str() && r["weight"] == 100)
    );

    let (rows, pages) = walk(&base, "/upstreams/orders.upstream/health").await;
    assert_eq!((rows.len(), pages), (250, 3));

    let (code, all) = get_json(&format!(
        "{base}/upstreams/orders.upstream/targets?size=1000"
    ))
    .await;
    assert_eq!(code, 200);
    assert_eq!(all["data"].as_array().map(Vec::len), Some(250));
    assert!(all["next"].is_null());
}

#[tokio::test]
async fn bad_size_and_offset_get_kong_errors() {
    let base = serve(&big_node(3)).await;
    let (code, body) = get_json(&format!(
        "{base}/upstreams/orders.upstream/targets?size=1001"
    ))
    .await;
    assert_eq!(code, 400);
    assert_eq!(
        body,
        serde_json::json!({"code": 9, "name": "invalid size", "message": "size must be an integer between 1 and 1000"})
    );
    let (code, body) = get_json(&format!("{base}/upstreams?size=ten")).await;
    assert_eq!(
        (code, body["message"].as_str()),
        (400, Some("size must be a number"))
    );
    let (code, body) = get_json(&format!("{base}/upstreams?offset=not-a-token")).await;
    assert_eq!((code, body["code"].as_u64()), (400, Some(7)));
    assert_eq!(
        body["message"],
        "'not-a-token' is not a valid offset: bad base64 encoding"
    );
}

#[tokio::test]
async fn top_level_next_keeps_size_and_tags() {
    let backends: Vec<KicBackend> = ["a", "b", "c"]
        .iter()
        .map(|s| backend(s, &[], false))
        .collect();
    let base = serve(&dbless_node("kong-a", &backends)).await;
    let (_, first) = get_json(&format!("{base}/services?size=2&tags=k8s-kind:Service")).await;
    let next = first["next"].as_str().expect("a next page");
    assert!(
        next.starts_with("/services?offset=") && next.ends_with("&tags=k8s-kind%3AService&size=2"),
        "{next}"
    );
    let (rows, pages) = walk(&base, "/services?size=2").await;
    let names: HashSet<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(pages, 2);
    assert_eq!(
        names,
        HashSet::from(["shop.a.80", "shop.b.80", "shop.c.80"])
    );

    let (_, only_b) = get_json(&format!("{base}/upstreams?tags=k8s-name:b")).await;
    assert_eq!(only_b["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(only_b["data"][0]["name"], "b.shop.80.svc");
    let (_, routes) = get_json(&format!("{base}/routes")).await;
    assert_eq!(routes["data"].as_array().map(Vec::len), Some(3));
    assert!(routes["data"][0]["service"]["id"].is_string());
}

#[tokio::test]
async fn lookups_by_name_or_id_and_404s() {
    let node = dbless_node("kong-a", &[backend("cart", &[("10.0.0.1", 8080)], false)]);
    let base = serve(&node).await;
    let (code, by_name) = get_json(&format!("{base}/upstreams/cart.shop.80.svc")).await;
    assert_eq!(code, 200);
    assert_eq!(by_name["algorithm"], "round-robin");
    let id = by_name["id"].as_str().expect("id");
    let (code, by_id) = get_json(&format!("{base}/upstreams/{id}")).await;
    assert_eq!(
        (code, &by_id["name"]),
        (200, &Value::from("cart.shop.80.svc"))
    );
    let (code, svc) = get_json(&format!("{base}/services/shop.cart.80")).await;
    assert_eq!(
        (code, svc["host"].as_str()),
        (200, Some("cart.shop.80.svc"))
    );
    let (_, svc_routes) = get_json(&format!("{base}/services/shop.cart.80/routes")).await;
    assert_eq!(svc_routes["data"][0]["paths"][0], "/cart");

    let not_found = serde_json::json!({"message": "Not found"});
    for path in [
        "/upstreams/nope",
        "/upstreams/nope/targets",
        "/upstreams/nope/health",
        "/services/nope",
        "/no/such/endpoint",
    ] {
        assert_eq!(
            get_json(&format!("{base}{path}")).await,
            (404, not_found.clone()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn config_endpoint_is_dbless_only() {
    let base = serve(&dbless_node(
        "kong-a",
        &[backend("cart", &[("10.0.0.1", 8080)], false)],
    ))
    .await;
    let (code, body) = get_json(&format!("{base}/config")).await;
    assert_eq!(code, 200);
    let text = body["config"].as_str().expect("config text");
    let parsed: Value = serde_json::from_str(text).expect("declarative config parses");
    assert_eq!(parsed["_format_version"], "3.0");
    assert_eq!(
        parsed["upstreams"][0]["targets"][0]["target"],
        "10.0.0.1:8080"
    );

    let (code, body) = get_json(&format!("{}/config", serve(&big_node(1)).await)).await;
    assert_eq!(code, 400);
    assert_eq!(
        body["message"],
        "this endpoint is only available when Kong is configured to not use a database"
    );
}

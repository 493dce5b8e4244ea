//! `/`, `/status` and `/status/ready` in DB and DB-less modes.

use super::*;
use crate::kong::{EMPTY_CONFIG_HASH, status_router};

fn is_hash(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 32
            && s.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

#[tokio::test]
async fn db_mode_status_reports_database_reachability_and_no_hash() {
    let node = KongNode::new(
        "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ecs-1",
        DbMode::Postgres { reachable: true },
    )
    .shared();
    let base = serve(&node).await;

    let (code, body) = get_json(&format!("{base}/status")).await;
    assert_eq!(code, 200);
    assert_eq!(body["database"]["reachable"], true);
    assert!(body.get("configuration_hash").is_none(), "{body}");
    assert!(
        body["memory"]["workers_lua_vms"][0]["http_allocated_gc"]
            .as_str()
            .is_some_and(|s| s.ends_with(" MiB"))
    );
    assert_eq!(
        body["memory"]["lua_shared_dicts"]["kong"]["capacity"],
        "5.00 MiB"
    );
    assert!(
        body["server"]["total_requests"]
            .as_u64()
            .is_some_and(|n| n >= 1)
    );

    lock(&node).set_db_reachable(false);
    let (code, body) = get_json(&format!("{base}/status")).await;
    assert_eq!(code, 200);
    assert_eq!(body["database"]["reachable"], false);

    let (code, body) = get_json(&format!("{base}/status?unit=b")).await;
    assert_eq!(code, 200);
    assert_eq!(
        body["memory"]["lua_shared_dicts"]["kong"]["capacity"],
        5 * 1024 * 1024
    );
    let (code, body) = get_json(&format!("{base}/status?unit=x")).await;
    assert_eq!(code, 400);
    assert_eq!(
        body["message"],
        "invalid unit 'x' (expected 'k/K', 'm/M', or 'g/G')"
    );
}

#[tokio::test]
async fn dbless_hash_is_zero_until_configured_then_tracks_targets() {
    let node = KongNode::new(
        "2c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-a",
        DbMode::DbLess,
    )
    .shared();
    let base = serve(&node).await;

    let (_, body) = get_json(&format!("{base}/status")).await;
    assert_eq!(body["configuration_hash"], EMPTY_CONFIG_HASH);

    lock(&node).set_config(kic_config(&[backend("cart", &[("10.0.0.1", 8080)], false)]));
    let (_, first) = get_json(&format!("{base}/status")).await;
    assert!(is_hash(&first["configuration_hash"]), "{first}");
    assert_ne!(first["configuration_hash"], EMPTY_CONFIG_HASH);

    // Same content again: same hash. One more target: a different hash.
    lock(&node).set_config(kic_config(&[backend("cart", &[("10.0.0.1", 8080)], false)]));
    let (_, again) = get_json(&format!("{base}/status")).await;
    assert_eq!(again["configuration_hash"], first["configuration_hash"]);
    lock(&node).set_config(kic_config(&[backend(
        "cart",
        &[("10.0.0.1", 8080), ("10.0.0.2", 8080)],
        false,
    )]));
    let (_, changed) = get_json(&format!("{base}/status")).await;
    assert!(is_hash(&changed["configuration_hash"]));
    assert_ne!(changed["configuration_hash"], first["configuration_hash"]);

    // A second node given the same config reports the same hash.
    let other = dbless_node(
        "kong-b",
        &[backend(
            "cart",
            &[("10.0.0.1", 8080), ("10.0.0.2", 8080)],
            false,
        )],
    );
    let (_, theirs) = get_json(&format!("{}/status", serve(&other).await)).await;
    assert_eq!(theirs["configuration_hash"], changed["configuration_hash"]);
}

#[tokio::test]
async fn ready_reflects_database_and_configuration() {
    let db = KongNode::new(
        "3c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ecs-2",
        DbMode::Postgres { reachable: true },
    )
    .shared();
    let base = serve(&db).await;
    assert_eq!(
        get_json(&format!("{base}/status/ready")).await,
        (200, serde_json::json!({"message": "ready"}))
    );
    lock(&db).set_db_reachable(false);
    assert_eq!(
        get_json(&format!("{base}/status/ready")).await,
        (
            503,
            serde_json::json!({"message": "failed to connect to database"})
        )
    );

    let dbless = KongNode::new(
        "4c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-new",
        DbMode::DbLess,
    )
    .shared();
    let base = serve(&dbless).await;
    let empty =
        serde_json::json!({"message": "no configuration available (empty configuration present)"});
    assert_eq!(
        get_json(&format!("{base}/status/ready")).await,
        (503, empty.clone())
    );
    // An empty push does not make it ready either.
    lock(&dbless).set_config(Default::default());
    assert_eq!(
        get_json(&format!("{base}/status/ready")).await,
        (503, empty)
    );
    lock(&dbless).set_config(kic_config(&[backend("cart", &[], false)]));
    assert_eq!(get_json(&format!("{base}/status/ready")).await.0, 200);
}

#[tokio::test]
async fn root_identifies_the_node() {
    let node = dbless_node("kong-7d9f-x2x", &[]);
    let id = lock(&node).node_id.clone();
    let (code, body) = get_json(&format!("{}/", serve(&node).await)).await;
    assert_eq!(code, 200);
    assert_eq!(body["node_id"], id.as_str());
    assert_eq!(body["hostname"], "kong-7d9f-x2x");
    assert_eq!(body["version"], "3.9.1");
    assert_eq!(body["tagline"], "Welcome to kong");
    assert_eq!(body["configuration"]["database"], "off");
}

#[tokio::test]
async fn status_api_serves_status_without_the_admin_token() {
    let node = KongNode::new(
        "5c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ee",
        DbMode::Postgres { reachable: true },
    )
    .with_admin_token("s3cret")
    .shared();
    let base = serve_router(status_router(node.clone())).await;
    assert_eq!(get_json(&format!("{base}/status/ready")).await.0, 200);
    let (code, body) = get_json(&format!("{base}/services")).await;
    assert_eq!(
        (code, body),
        (404, serde_json::json!({"message": "Not found"}))
    );
}

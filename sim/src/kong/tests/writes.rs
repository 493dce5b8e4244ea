//! Writes: refused in DB-less mode, target registration in DB mode, and a
//! database outage.

use serde_json::json;

use super::*;
use crate::kong::KongConfig;

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn unsupported(message: &str) -> Value {
    json!({"code": 12, "name": "operation unsupported", "message": message})
}

#[tokio::test]
async fn dbless_refuses_every_write_with_kongs_405() {
    let node = dbless_node("kong-a", &[backend("cart", &[("10.0.0.1", 8080)], false)]);
    let base = serve(&node).await;
    let c = client();
    let up_id = lock(&node).config.upstreams[0].id.clone();
    let cases = [
        (
            c.post(format!("{base}/services"))
                .json(&json!({"name": "x", "host": "x"})),
            "cannot create 'services' entities when not using a database",
        ),
        (
            c.post(format!("{base}/routes")),
            "cannot create 'routes' entities when not using a database",
        ),
        (
            c.post(format!("{base}/upstreams")),
            "cannot create 'upstreams' entities when not using a database",
        ),
        (
            c.patch(format!("{base}/services/shop.cart.80")),
            "cannot update 'services' entities by 'name' when not using a database",
        ),
        (
            c.delete(format!("{base}/upstreams/{up_id}")),
            "cannot remove 'upstreams' entities when not using a database",
        ),
        (
            c.put(format!("{base}/routes/r1")),
            "cannot create or update 'routes' entities by 'name' when not using a database",
        ),
        (
            c.post(format!("{base}/upstreams/cart.shop.80.svc/targets"))
                .json(&json!({"target": "10.0.0.9:80"})),
            "cannot create 'targets' entities when not using a database",
        ),
        (
            c.delete(format!(
                "{base}/upstreams/cart.shop.80.svc/targets/10.0.0.1:8080"
            )),
            "cannot remove 'targets' entities by 'target' when not using a database",
        ),
    ];
    for (req, message) in cases {
        assert_eq!(send(req).await, (405, unsupported(message)), "{message}");
    }
    assert_eq!(lock(&node).config.upstreams[0].targets.len(), 1);
}

fn ecs_node() -> SharedKongNode {
    let mut n = KongNode::new(
        "8c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ecs-1",
        DbMode::Postgres { reachable: true },
    );
    n.set_config(
        KongConfig::builder()
            .app("orders", &["/api/v1/orders"], &[("10.0.5.1", 8080)])
            .build(),
    );
    n.shared()
}

#[tokio::test]
async fn db_mode_registers_and_removes_targets() {
    let node = ecs_node();
    let base = serve(&node).await;
    let c = client();
    let targets = format!("{base}/upstreams/orders.upstream/targets");

    let (code, created) = send(
        c.post(&targets)
            .json(&json!({"target": "10.0.5.2:8080", "weight": 50})),
    )
    .await;
    assert_eq!(code, 201, "{created}");
    assert_eq!(
        (created["target"].as_str(), created["weight"].as_u64()),
        (Some("10.0.5.2:8080"), Some(50))
    );
    assert!(created["created_at"].as_f64().is_some_and(|t| t > 1.6e9));
    let form = c
        .post(&targets)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("target=10.0.5.3%3A8080");
    let (code, created) = send(form).await;
    assert_eq!((code, created["weight"].as_u64()), (201, Some(100)));
    let (code, _) = send(
        c.post(&targets)
            .json(&json!({"target": "10.0.5.3:8080", "weight": 10})),
    )
    .await;
    assert_eq!(code, 200, "re-posting a target updates it");

    let (_, listed) = get_json(&targets).await;
    let mut seen: Vec<&str> = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, ["10.0.5.1:8080", "10.0.5.2:8080", "10.0.5.3:8080"]);

    let (code, body) = send(c.post(&targets).json(&json!({"weight": 5}))).await;
    assert_eq!(
        (code, body["message"].as_str()),
        (
            400,
            Some("schema violation (target: required field missing)")
        )
    );
    let (code, body) = send(
        c.post(&targets)
            .json(&json!({"target": "10.0.5.4:8080", "weight": 70000})),
    )
    .await;
    assert_eq!(
        (code, body["fields"]["weight"].as_str()),
        (400, Some("value should be between 0 and 65535"))
    );

    let (code, _) = send(c.delete(format!("{targets}/10.0.5.1:8080"))).await;
    assert_eq!(code, 204);
    assert_eq!(
        send(c.delete(format!("{targets}/10.0.5.1:8080"))).await,
        (404, json!({"message": "Not found"}))
    );
    let (code, _) = send(
        c.post(format!("{base}/services"))
            .json(&json!({"name": "x"})),
    )
    .await;
    assert_eq!(code, 405);
}

#[tokio::test]
async fn database_outage_fails_reads_but_not_status() {
    let node = ecs_node();
    let base = serve(&node).await;
    lock(&node).set_db_reachable(false);
    let error = json!({"message": "An unexpected error occurred"});
    for path in [
        "/services",
        "/upstreams/orders.upstream/targets",
        "/upstreams/orders.upstream/health",
    ] {
        assert_eq!(
            get_json(&format!("{base}{path}")).await,
            (500, error.clone()),
            "{path}"
        );
    }
    assert_eq!(get_json(&format!("{base}/status")).await.0, 200);
    lock(&node).set_db_reachable(true);
    assert_eq!(get_json(&format!("{base}/services")).await.0, 200);
}

//! RBAC token, injected faults and Kong's response headers.

use std::time::Duration;

use super::*;
use crate::kong::KongFault;

#[tokio::test]
async fn rbac_token_is_required_when_configured() {
    let node = KongNode::new(
        "9c4e28ba-2fa1-41d2-883f-0016d3cca427",
        "kong-ee",
        DbMode::Postgres { reachable: true },
    )
    .with_admin_token("s3cret")
    .shared();
    let base = serve(&node).await;
    let denied =
        serde_json::json!({"message": "Invalid credentials. Token or User credentials required"});
    assert_eq!(
        get_json(&format!("{base}/status")).await,
        (401, denied.clone())
    );
    let wrong = client()
        .get(format!("{base}/upstreams"))
        .header("Kong-Admin-Token", "nope")
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(wrong.json::<Value>().await.expect("json"), denied);
    let right = client()
        .get(format!("{base}/upstreams"))
        .header("Kong-Admin-Token", "s3cret")
        .send()
        .await
        .expect("request");
    assert_eq!(right.status().as_u16(), 200);
    assert_eq!(
        right.json::<Value>().await.expect("json")["data"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn responses_carry_kong_headers() {
    let node = dbless_node("kong-a", &[]);
    let res = client()
        .get(format!("{}/status", serve(&node).await))
        .send()
        .await
        .expect("request");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(header("server").as_deref(), Some("kong/3.9.1"));
    assert_eq!(header("access-control-allow-origin").as_deref(), Some("*"));
}

#[tokio::test]
async fn timeout_fault_never_answers() {
    let node = dbless_node("kong-a", &[backend("cart", &[("10.0.0.1", 8080)], false)]);
    let base = serve(&node).await;
    lock(&node).set_fault(Some(KongFault::Timeout));
    let err = client()
        .get(format!("{base}/status"))
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("a hung node must not answer");
    assert!(err.is_timeout(), "{err}");
    lock(&node).set_fault(None);
    assert_eq!(get_json(&format!("{base}/status")).await.0, 200);
}

#[tokio::test]
async fn malformed_fault_answers_200_with_broken_json() {
    let node = dbless_node("kong-a", &[backend("cart", &[("10.0.0.1", 8080)], false)]);
    let base = serve(&node).await;
    lock(&node).set_fault(Some(KongFault::Malformed));
    for path in [
        "/status",
        "/upstreams/cart.shop.80.svc/health",
        "/upstreams/nope",
    ] {
        let res = client()
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        assert_eq!(ct.as_deref(), Some("application/json; charset=utf-8"));
        let text = res.text().await.expect("body");
        assert!(!text.is_empty());
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{path} parsed: {text}"
        );
    }
    lock(&node).set_fault(None);
    let (code, body) = get_json(&format!("{base}/status")).await;
    assert_eq!(code, 200);
    assert!(body["configuration_hash"].is_string());
}

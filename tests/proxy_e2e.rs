//! Proxies as kubectl users have them: `HTTPS_PROXY` (unless `NO_PROXY`
//! names the API server) and a kubeconfig cluster's `proxy-url`. A tiny HTTP
//! CONNECT proxy on loopback counts the tunnels it opens; `diagnose` through
//! it must see the whole healthy fleet, Kong's port-forward included.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::Sim;

/// A CONNECT proxy on 127.0.0.1 that only tunnels to loopback; (its URL, tunnels opened).
fn connect_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().map_while(Result::ok) {
            let counted = counted.clone();
            std::thread::spawn(move || tunnel(client, &counted));
        }
    });
    (url, count)
}

fn tunnel(client: TcpStream, count: &AtomicUsize) {
    let mut reader = BufReader::new(client.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Skip the rest of the request head.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let mut words = line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        let _ = (&client).write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
    };
    if !target.starts_with("127.0.0.1:") && !target.starts_with("localhost:") {
        let _ = (&client).write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
    }
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = (&client).write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    count.fetch_add(1, Ordering::SeqCst);
    if (&client)
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (mut up_r, mut up_w) = (upstream.try_clone().expect("clone"), upstream);
    let mut down_w = client;
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut reader, &mut up_w);
        let _ = up_w.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut up_r, &mut down_w);
    let _ = down_w.shutdown(std::net::Shutdown::Write);
}

/// `fleetdeck diagnose` on the sim's config with `kubeconfig` and `env`; (code, stdout, stderr).
fn diagnose(sim: &Sim, kubeconfig: &PathBuf, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetdeck"));
    cmd.arg("diagnose")
        .arg("--config")
        .arg(sim.config())
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--all-contexts")
        .arg("--log-file")
        .arg(sim.dir.path().join("d.log"));
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "NO_PROXY",
        "no_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("run fleetdeck diagnose");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The sim's kubeconfig with `proxy-url` on every cluster.
fn with_proxy_url(sim: &Sim, proxy: &str) -> PathBuf {
    let text = std::fs::read_to_string(sim.kubeconfig()).expect("kubeconfig");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("the sim writes JSON");
    for c in doc["clusters"].as_array_mut().expect("clusters") {
        c["cluster"]["proxy-url"] = serde_json::json!(proxy);
    }
    let path = sim.dir.path().join("kubeconfig-proxy");
    std::fs::write(&path, doc.to_string()).expect("write");
    path
}

#[test]
fn https_proxy_no_proxy_and_proxy_url_are_honoured() {
    let sim = Sim::start("healthy", &[]);
    sim.wait_kong_running();
    let (proxy, tunnels) = connect_proxy();
    let kc = sim.kubeconfig();

    let (code, out, err) = diagnose(&sim, &kc, &[("HTTPS_PROXY", &proxy)]);
    assert_eq!((code, out.as_str()), (0, "no findings\n"), "{err}");
    let through_env = tunnels.load(Ordering::SeqCst);
    assert!(through_env > 0, "no tunnel opened through HTTPS_PROXY");

    // NO_PROXY naming the API server's host: straight there, no tunnel.
    let (code, out, err) = diagnose(
        &sim,
        &kc,
        &[("https_proxy", &proxy), ("NO_PROXY", "localhost,127.0.0.1")],
    );
    assert_eq!((code, out.as_str()), (0, "no findings\n"), "{err}");
    assert_eq!(
        tunnels.load(Ordering::SeqCst),
        through_env,
        "NO_PROXY ignored"
    );

    // The kubeconfig's proxy-url, with no proxy in the environment.
    let proxied = with_proxy_url(&sim, &proxy);
    let (code, out, err) = diagnose(&sim, &proxied, &[]);
    assert_eq!((code, out.as_str()), (0, "no findings\n"), "{err}");
    assert!(
        tunnels.load(Ordering::SeqCst) > through_env,
        "no tunnel opened through proxy-url"
    );
}

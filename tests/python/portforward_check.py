"""The official Python kubernetes client's port-forward against a simulated
Kong pod whose admin API listens as the Helm chart sets it (127.0.0.1:8444, TLS).

Usage: portforward_check.py KUBECONFIG CONTEXT NAMESPACE POD
Checks: GET /status over TLS through the forwarded 8444 (the self-signed
certificate fails verification, so it is accepted explicitly); a port nothing
listens on reports its error on the port's error channel.
Prints one line per check; exits non-zero on the first failure.
"""
import json
import ssl
import sys

from kubernetes import client, config
from kubernetes.stream import portforward

kubeconfig, context, namespace, pod = sys.argv[1:5]
config.load_kube_config(config_file=kubeconfig, context=context)
core = client.CoreV1Api()


def get(path, verify):
    pf = portforward(core.connect_get_namespaced_pod_portforward, pod, namespace, ports="8444")
    sock = pf.socket(8444)
    sock.setblocking(True)
    ctx = ssl.create_default_context()
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    tls = ctx.wrap_socket(sock, server_hostname="localhost")
    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = tls.recv(65536)
        if not chunk:
            break
        data += chunk
    tls.close()
    pf.close()
    return data


try:
    get("/status", verify=True)
    sys.exit("verify: the admin certificate verified, but it is self-signed")
except ssl.SSLCertVerificationError as e:
    print(f"verify ok: {e.verify_message}")

raw = get("/status", verify=False)
head, _, body = raw.partition(b"\r\n\r\n")
assert head.startswith(b"HTTP/1.1 200"), head
if b"chunked" in head.lower():
    size, _, rest = body.partition(b"\r\n")
    body = rest[: int(size, 16)]
status = json.loads(body)
assert len(status["configuration_hash"]) == 32, status
print(f"tls ok: /status total_requests={status['server']['total_requests']}")

pf = portforward(core.connect_get_namespaced_pod_portforward, pod, namespace, ports="8001")
err = pf.error(8001)
sock = pf.socket(8001)
sock.setblocking(True)
sock.recv(1)
err = pf.error(8001)
assert err and "connection refused" in err, err
print(f"refused ok: {err}")

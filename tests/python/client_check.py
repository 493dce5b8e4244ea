"""The official Python kubernetes client against a simulated cluster.

Usage: client_check.py KUBECONFIG CONTEXT NAMESPACE DEPLOYMENT
Lists, reads, patches, watches from a resourceVersion (expects a bookmark
and the patched object) and watches from a too-old version (expects 410).
Prints one line per check; exits non-zero on the first failure.
"""
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

kubeconfig, context, namespace, deployment = sys.argv[1:5]
config.load_kube_config(config_file=kubeconfig, context=context)
core = client.CoreV1Api()
apps = client.AppsV1Api()

pods = core.list_pod_for_all_namespaces(limit=5)
assert pods.items, "no pods listed"
assert pods.metadata.resource_version, "list has no resourceVersion"
print(f"list ok: {len(pods.items)} pods, continue={'yes' if pods.metadata._continue else 'no'}")

dep = apps.read_namespaced_deployment(deployment, namespace)
assert dep.spec.selector.match_labels, "deployment has no selector"
print(f"read ok: {dep.metadata.name} replicas={dep.spec.replicas}")

rv = apps.list_namespaced_deployment(namespace).metadata.resource_version


def patch_later():
    import time
    time.sleep(1.0)
    apps.patch_namespaced_deployment(deployment, namespace, {"metadata": {"labels": {"checked-by": "python-client"}}})


threading.Thread(target=patch_later, daemon=True).start()
seen_patch = seen_bookmark = False
w = watch.Watch()
for event in w.stream(apps.list_namespaced_deployment, namespace, resource_version=rv,
                      allow_watch_bookmarks=True, timeout_seconds=15):
    if event["type"] == "BOOKMARK":
        seen_bookmark = True
    elif event["type"] == "MODIFIED" and (event["object"].metadata.labels or {}).get("checked-by") == "python-client":
        seen_patch = True
    if seen_patch and seen_bookmark:
        w.stop()
assert seen_patch, "watch did not deliver the patch"
assert seen_bookmark, "watch sent no bookmark"
print("watch ok: patch and bookmark seen")

try:
    for event in watch.Watch().stream(core.list_pod_for_all_namespaces, resource_version="1", timeout_seconds=5):
        raise AssertionError(f"expected 410, got {event['type']}")
    raise AssertionError("expected 410, stream ended quietly")
except ApiException as e:
    assert e.status == 410, f"expected 410, got {e.status}"
print("gone ok: 410 for a too-old resourceVersion")

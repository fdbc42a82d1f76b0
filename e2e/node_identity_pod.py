"""What the token in a Ray container of a personal-identity RayCluster can do, asked from inside.

Run by e2e/node-identity.sh in the Ray container (`kubectl exec -i POD -c CONTAINER -- python -
CLUSTER < this file`). It talks to the API server with the token and CA Ray itself uses
(/var/run/secrets/ray.io/serviceaccount, KubeRay's path; the in-cluster path holds the same
volume) and prints one PASS:/FAIL: line per check. Writes are server-side dry runs: nothing
changes even where a write is (wrongly) allowed.
"""

import json
import os
import ssl
import sys
import urllib.error
import urllib.request

RAY_DIR = "/var/run/secrets/ray.io/serviceaccount"
IN_CLUSTER_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
# What Kubernetes grants every authenticated identity (system:basic-user and friends): not ours.
DEFAULTS = {
    ("authorization.k8s.io", "selfsubjectaccessreviews", "create", ""),
    ("authorization.k8s.io", "selfsubjectrulesreviews", "create", ""),
    ("authentication.k8s.io", "selfsubjectreviews", "create", ""),
    ("certificates.k8s.io", "clustertrustbundles", "get", ""),
    ("certificates.k8s.io", "clustertrustbundles", "list", ""),
    ("certificates.k8s.io", "clustertrustbundles", "watch", ""),
}

cluster = sys.argv[1]
token = open(f"{RAY_DIR}/token").read().strip()
namespace = open(f"{RAY_DIR}/namespace").read().strip()
context = ssl.create_default_context(cafile=f"{RAY_DIR}/ca.crt")
base = f"https://{os.environ['KUBERNETES_SERVICE_HOST']}:{os.environ['KUBERNETES_SERVICE_PORT']}"
pod = os.environ["HOSTNAME"]


def report(ok, what, detail=""):
    print(f"{'PASS' if ok else 'FAIL'}: {what}{'' if ok or not detail else f' ({detail})'}", flush=True)


def call(method, path, body=None, content_type="application/json"):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, context=context, timeout=15) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None


review = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": token}}
status, answer = call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", review)
user = ((answer or {}).get("status") or {}).get("user", {}).get("username")
report(status == 201, f"it can create a TokenReview (HTTP {status})")
report(
    open(f"{IN_CLUSTER_DIR}/token").read().strip() == token and user is not None and user.startswith(f"system:serviceaccount:{namespace}:"),
    f"the token Ray presents and the one it checks callers with are the same, its pod's ServiceAccount's ({user})",
)
sar = {
    "apiVersion": "authorization.k8s.io/v1",
    "kind": "SubjectAccessReview",
    "spec": {"user": "nobody", "resourceAttributes": {"group": "ray.io", "resource": "rayclusters", "verb": "ray:write", "namespace": namespace, "name": cluster}},
}
status, _ = call("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar)
report(status == 201, f"it can create a SubjectAccessReview (HTTP {status})")

denied = [
    ("patch its own pod", "PATCH", f"/api/v1/namespaces/{namespace}/pods/{pod}?dryRun=All", {"metadata": {"labels": {"e2e": "x"}}}, "application/merge-patch+json"),
    ("create a pod", "POST", f"/api/v1/namespaces/{namespace}/pods?dryRun=All", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "e2e-x"}, "spec": {"containers": [{"name": "x", "image": "x"}]}}, "application/json"),
    ("list pods", "GET", f"/api/v1/namespaces/{namespace}/pods", None, "application/json"),
    ("read its cluster's TLS key (Secret)", "GET", f"/api/v1/namespaces/{namespace}/secrets/{cluster}-ray-tls-head", None, "application/json"),
    ("list Secrets", "GET", f"/api/v1/namespaces/{namespace}/secrets", None, "application/json"),
    ("patch its RayCluster", "PATCH", f"/apis/ray.io/v1/namespaces/{namespace}/rayclusters/{cluster}?dryRun=All", {"metadata": {"labels": {"e2e": "x"}}}, "application/merge-patch+json"),
]
for what, method, path, body, content_type in denied:
    status, _ = call(method, path, body, content_type)
    report(status == 403, f"it cannot {what} (HTTP {status}, 403 expected)")

rules_review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": {"namespace": namespace}}
status, answer = call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", rules_review)
granted = set()
for rule in ((answer or {}).get("status") or {}).get("resourceRules", []):
    for group in rule.get("apiGroups", []):
        for resource in rule.get("resources", []):
            for verb in rule.get("verbs", []):
                for name in rule.get("resourceNames") or [""]:
                    granted.add((group, resource, verb, name))
expected = {
    ("authentication.k8s.io", "tokenreviews", "create", ""),
    ("authorization.k8s.io", "subjectaccessreviews", "create", ""),
    ("ray.io", "rayclusters", "ray:write", cluster),
}
ours = granted - DEFAULTS
report(
    status == 201 and ours == expected,
    f"in namespace {namespace} it holds exactly: create tokenreviews, create subjectaccessreviews, ray:write on rayclusters/{cluster} (beyond what every identity gets)",
    f"HTTP {status}; more: {sorted(ours - expected)}; missing: {sorted(expected - ours)}",
)

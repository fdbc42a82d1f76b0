"""Compares the resources two `pulumi preview --json` runs would create.

usage: compare_previews.py TS_PREVIEW YAML_PREVIEW
Every resource below the components (the Kubernetes objects, the PKI, token and password
dynamic resources), by type and name, with its inputs; `__provider` (a dynamic provider's
serialized code) is left out. Prints the differences and exits 1 if there are any.
"""
import json
import sys


def resources(path):
    doc = json.load(open(path))
    out = {}
    for step in doc.get("steps", []):
        state = step.get("newState") or {}
        t = state.get("type", "")
        if not t or t.startswith("pulumi:") or t.startswith("ray-on-ack:"):
            continue
        name = step["urn"].split("::")[-1]
        inputs = {k: v for k, v in (state.get("inputs") or {}).items() if k != "__provider"}
        out[(t, name)] = inputs
    return out


# What the two programs hold (team.json's cluster, job and service, service.json's service): a
# preview that lost one of them must not pass as "the same".
REQUIRED = ["kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService"]

ts, yml = resources(sys.argv[1]), resources(sys.argv[2])
problems = []
for t in REQUIRED:
    n = sum(1 for kind, _ in yml if kind == t)
    if n == 0:
        problems.append("no %s in the YAML preview" % t)
if sum(1 for kind, _ in yml if kind == REQUIRED[2]) < 2:
    problems.append("the YAML preview lacks TeamEnvironment's or HardenedRayService's RayService")
for key in sorted(set(ts) | set(yml)):
    if key not in yml:
        problems.append("only in the TypeScript program: %s %s" % key)
    elif key not in ts:
        problems.append("only in the YAML program: %s %s" % key)
    elif ts[key] != yml[key]:
        problems.append("different inputs: %s %s" % key)
print("%d resources in the TypeScript preview, %d in the YAML preview" % (len(ts), len(yml)))
kinds = sorted({t for t, _ in ts})
print("types: " + ", ".join(kinds))
for p in problems:
    print("  " + p)
sys.exit(1 if problems or not ts else 0)

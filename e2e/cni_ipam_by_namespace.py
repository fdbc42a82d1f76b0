#!/usr/bin/env python3
"""CNI IPAM plugin for the e2e node: the pod's namespace picks its address range.

On ACK, Terway's PodNetworking gives the team namespace's pods addresses from the team's pod
vSwitches (the `podCidrs` the Ray certificates list) and other namespaces get the cluster's
default range. This shim does the same on one bridge: it reads K8S_POD_NAMESPACE from CNI_ARGS,
rewrites the `ipam` section of the network config into a `host-local` one with the matching
range, and hands over to Debian's host-local plugin (which keeps the leases in `dataDir`).

Its `ipam` section:
  {"type": "cni-ipam-by-namespace", "hostLocal": "/usr/lib/cni/host-local", "dataDir": "...",
   "ranges": {"ray-e2e": "198.18.42.0/24"}, "defaultRange": "198.18.100.0/24"}
"""
import ipaddress
import json
import os
import sys


def main() -> None:
    conf = json.load(sys.stdin)
    ipam = conf["ipam"]
    args = dict(kv.split("=", 1) for kv in os.environ.get("CNI_ARGS", "").split(";") if "=" in kv)
    namespace = args.get("K8S_POD_NAMESPACE", "")
    subnet = ipaddress.ip_network(ipam["ranges"].get(namespace, ipam["defaultRange"]))
    conf["ipam"] = {
        "type": "host-local",
        "dataDir": ipam["dataDir"],
        # .1 of each range is the bridge's gateway address for that range
        "ranges": [[{"subnet": str(subnet), "gateway": str(subnet.network_address + 1)}]],
        "routes": [{"dst": "0.0.0.0/0"}],
    }
    host_local = ipam.get("hostLocal", "/usr/lib/cni/host-local")
    r, w = os.pipe()
    os.write(w, json.dumps(conf).encode())
    os.close(w)
    os.dup2(r, 0)
    os.execv(host_local, [host_local])


if __name__ == "__main__":
    main()

"""Driver for the Ray TLS + token end-to-end check (run by ray-tls.sh).

Usage: python ray_driver.py CHECK [args]
  cluster   HEAD_IP WORKER_IP ROGUE_IP  tasks, objects, node membership
  jobs      DASHBOARD_URL               Jobs API: 401 without the token, works with it
  wrong-token HEAD_IP                   a driver with a wrong token is refused
  client    HEAD_IP NAME                  Ray Client (ray://HEAD_IP:10001) runs a task
  client-refused HEAD_IP NAME           Ray Client is refused (its certificate is another cluster's)

Each check prints PASS:/FAIL: lines; the exit status is the number of failures (capped).
The TLS and token settings come from the environment (RAY_USE_TLS, RAY_TLS_*, RAY_AUTH_*),
exactly as in the Ray pods.
"""

import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request

FAILURES = 0


def report(ok, name, detail=""):
    global FAILURES
    if ok:
        print(f"PASS: {name}" + (f" ({detail})" if detail else ""), flush=True)
    else:
        FAILURES += 1
        print(f"FAIL: {name}" + (f": {detail}" if detail else ""), flush=True)


def alive_nodes(ray):
    return [n for n in ray.nodes() if n.get("Alive")]


def check_cluster(head_ip, worker_ip, rogue_ip):
    import ray

    ray.init(address=f"{head_ip}:6379", _node_ip_address=head_ip, logging_level="WARNING", log_to_driver=False)
    try:
        deadline = time.time() + 60
        nodes = alive_nodes(ray)
        while len(nodes) < 2 and time.time() < deadline:
            time.sleep(1)
            nodes = alive_nodes(ray)
        ips = sorted(n["NodeManagerAddress"] for n in nodes)
        joined = head_ip in ips and worker_ip in ips
        report(joined, "head and worker joined over mutual TLS with the token", f"alive nodes {ips}")
        if not joined:
            # nothing below can work without the worker: fail fast instead of waiting
            report(False, "task with the worker's custom resource ran on the worker", "no worker")
            report(False, "object passed between head and worker", "no worker")
            return

        @ray.remote(resources={"e2e_worker": 1}, num_cpus=0)
        def where_am_i():
            return ray.util.get_node_ip_address()

        try:
            ip = ray.get(where_am_i.remote(), timeout=120)
            report(ip == worker_ip, "task with the worker's custom resource ran on the worker", f"ran on {ip}")
        except Exception as e:  # noqa: BLE001
            report(False, "task with the worker's custom resource ran on the worker", repr(e))

        # An object created on the head (driver's node) is read on the worker, and an object
        # created on the worker is read back on the head: raylet-to-raylet object transfer.
        payload = os.urandom(8 * 1024 * 1024)
        digest = hashlib.sha256(payload).hexdigest()
        ref = ray.put(payload)

        @ray.remote(resources={"e2e_worker": 1}, num_cpus=0)
        def digest_and_echo(data):
            return ray.util.get_node_ip_address(), hashlib.sha256(data).hexdigest(), bytes(reversed(data))

        try:
            ip, remote_digest, echoed = ray.get(digest_and_echo.remote(ref), timeout=120)
            report(
                ip == worker_ip and remote_digest == digest,
                "object put on the head was read intact on the worker",
                f"8 MiB, sha256 match on {ip}",
            )
            report(
                echoed == bytes(reversed(payload)),
                "object created on the worker was read intact on the head",
            )
        except Exception as e:  # noqa: BLE001
            report(False, "object passed between head and worker", repr(e))

        # The rogue node (certificate from another CA, right token) must never show up.
        if rogue_ip:
            wait = float(os.environ.get("RAY_E2E_ROGUE_WAIT", "20"))
            time.sleep(wait)
            ever = sorted({n["NodeManagerAddress"] for n in ray.nodes()})
            report(
                rogue_ip not in ever,
                "a node with a certificate from another CA could not join",
                f"nodes ever registered: {ever}",
            )
    finally:
        ray.shutdown()


def http(url, headers=None, data=None, method=None):
    req = urllib.request.Request(url, headers=headers or {}, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def check_jobs(dashboard):
    token = os.environ["RAY_AUTH_TOKEN"]
    status, _ = http(f"{dashboard}/api/jobs/")
    report(status == 401, "Jobs API without the token answers 401", f"got {status}")
    status, _ = http(f"{dashboard}/api/jobs/", {"Authorization": "Bearer wrong-token"})
    report(status in (401, 403), "Jobs API with a wrong token is refused", f"got {status}")
    status, body = http(f"{dashboard}/api/jobs/", {"Authorization": f"Bearer {token}"})
    report(status == 200, "Jobs API with Authorization: Bearer <token> answers 200", f"got {status}")
    status, _ = http(f"{dashboard}/api/jobs/", {"X-Ray-Authorization": f"Bearer {token}"})
    report(status == 200, "Jobs API with X-Ray-Authorization: Bearer <token> answers 200", f"got {status}")

    # Submit a real job through the HTTP API with the token; it must run to SUCCEEDED.
    entry = (
        "python -c \"import ray; ray.init(); "
        "print('E2E_JOB_OK', ray.get(ray.remote(lambda: 42).remote()))\""
    )
    hdr = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, body = http(
        f"{dashboard}/api/jobs/", hdr, json.dumps({"entrypoint": entry}).encode(), "POST"
    )
    if status != 200:
        report(False, "job submitted with the token runs to SUCCEEDED", f"submit answered {status}: {body[:300]}")
        return
    job_id = json.loads(body)["submission_id"]
    deadline = time.time() + 180
    state = "?"
    while time.time() < deadline:
        status, body = http(f"{dashboard}/api/jobs/{job_id}", hdr)
        if status == 200:
            state = json.loads(body).get("status", "?")
            if state in ("SUCCEEDED", "FAILED", "STOPPED"):
                break
        time.sleep(2)
    _, logs = http(f"{dashboard}/api/jobs/{job_id}/logs", hdr)
    ok = state == "SUCCEEDED" and "E2E_JOB_OK 42" in logs
    report(ok, "job submitted with the token runs to SUCCEEDED", f"state {state}" + ("" if ok else f"; logs: {logs[-800:]}"))


def check_wrong_token(head_ip):
    """A driver with the right certificates but a wrong token must not get in."""
    import ray

    try:
        ray.init(address=f"{head_ip}:6379", _node_ip_address=head_ip, logging_level="ERROR")
        try:
            ray.get(ray.remote(lambda: 1).remote(), timeout=20)
            report(False, "a driver with a wrong token is refused", "it connected and ran a task")
        finally:
            ray.shutdown()
    except Exception as e:  # noqa: BLE001
        report(True, "a driver with a wrong token is refused", type(e).__name__)


def check_client(head_ip, name, expect_ok):
    """Ray Client over mutual TLS, with a client-only certificate from the environment."""
    import ray

    what = f"Ray Client as {name} " + ("connects and runs a task" if expect_ok else "is refused")
    # The Ray Client proxier starts a server per client; on a busy machine that start can time out
    # ("Initialization failure from server"). The allowed client gets one more attempt; the refused
    # one gets none, so a retry can never turn a refusal into a pass.
    attempts = 2 if expect_ok else 1
    for attempt in range(attempts):
        if _client_once(head_ip, what, expect_ok, last=attempt == attempts - 1):
            return


def _client_once(head_ip, what, expect_ok, last):
    """One Ray Client attempt; True once a result has been reported."""
    import ray

    try:
        ctx = ray.init(f"ray://{head_ip}:10001", logging_level="ERROR")
        try:
            value = ray.get(ray.remote(lambda: 41 + 1).remote(), timeout=60)
            report(expect_ok and value == 42, what, f"got {value}" if expect_ok else "it connected and ran a task")
            return True
        finally:
            ctx.disconnect() if hasattr(ctx, "disconnect") else ray.shutdown()
    except Exception as e:  # noqa: BLE001
        if expect_ok and not last and "Initialization failure" in str(e):
            return False
        report(not expect_ok, what, f"{type(e).__name__}: {str(e)[:200]}")
        return True


def main():
    check = sys.argv[1]
    if check == "cluster":
        check_cluster(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
    elif check == "jobs":
        check_jobs(sys.argv[2])
    elif check == "wrong-token":
        check_wrong_token(sys.argv[2])
    elif check in ("client", "client-refused"):
        check_client(sys.argv[2], sys.argv[3], check == "client")
    else:
        print(f"unknown check {check}", file=sys.stderr)
        sys.exit(100)
    sys.exit(min(FAILURES, 99))


if __name__ == "__main__":
    main()

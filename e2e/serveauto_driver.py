"""RayService autoscaling checks of the node step (node-serveauto.sh), run INSIDE a container of the
node (`kubectl exec ... python -`), with the pod's own environment.

Usage: python - CHECK [args]
  replicas APP DEPLOYMENT     in a head of the service: Serve's replicas of DEPLOYMENT by state, as
                              its controller reports them (`REPLICAS running=N total=M`)
  load URL SECONDS THREADS    THREADS clients sending requests to URL back to back for SECONDS;
                              prints the tally (`LOAD ok=N total=M`) and the first errors

The exit status is 0 unless the check could not run.
"""

import sys
import threading
import time
import urllib.request


def replicas(app, deployment):
    import ray
    from ray import serve

    ray.init(address="auto", logging_level="WARNING", log_to_driver=False)
    states = serve.status().applications[app].deployments[deployment].replica_states
    running = int(states.get("RUNNING", 0))
    print(f"REPLICAS running={running} total={sum(int(n) for n in states.values())} states={dict(states)}", flush=True)


def load(url, seconds, threads):
    deadline = time.time() + seconds
    tally = {"ok": 0, "total": 0}
    errors = []
    lock = threading.Lock()

    def client():
        while time.time() < deadline:
            ok = False
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    ok = r.status == 200 and r.read().startswith(b"echo")
            except Exception as e:
                with lock:
                    if len(errors) < 5:
                        errors.append(f"{time.strftime('%H:%M:%S')} {repr(e)[:100]}")
            with lock:
                tally["total"] += 1
                tally["ok"] += ok

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"LOAD ok={tally['ok']} total={tally['total']} errors={errors}", flush=True)


def main():
    check, args = sys.argv[1], sys.argv[2:]
    if check == "replicas":
        replicas(args[0], args[1])
    elif check == "load":
        load(args[0], float(args[1]), int(args[2]))
    else:
        print(f"unknown check {check}", flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()

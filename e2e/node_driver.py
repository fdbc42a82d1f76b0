"""Ray-side checks of the node step, run INSIDE a Ray head container (node-checks.sh pipes this
file to `kubectl exec ... python -`), with the pod's own TLS and token environment.

Usage: python - CHECK [args]
  cluster TEAM_CIDR   every alive node has an address in TEAM_CIDR; a task runs on a worker;
                      an object moves head -> worker and worker -> head
  job MARKER          a job submitted with the token writes a file in its working directory
  scale N SECONDS     N tasks of 1 CPU each that wait (up to SECONDS) until all N run at once:
                      the autoscaler must add workers for them; prints the nodes they ran on
  burst N             N short tasks of 1 CPU each at once: more than one worker's CPU, so the
                      autoscaler asks for another worker, while they all finish on the running one
  alive IP            the Ray node at IP is alive

Prints PASS:/FAIL: lines; the exit status is the number of failures.
"""

import ipaddress
import os
import sys
import time

FAILURES = 0


def report(ok, name, detail=""):
    global FAILURES
    if not ok:
        FAILURES += 1
    print(f"{'PASS' if ok else 'FAIL'}: {name}" + (f" ({detail})" if detail else ""), flush=True)


def connect():
    import ray

    ray.init(address="auto", logging_level="WARNING", log_to_driver=False)
    return ray


def check_cluster(team_cidr):
    ray = connect()
    net = ipaddress.ip_network(team_cidr)
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    ips = sorted(n["NodeManagerAddress"] for n in nodes)
    report(len(nodes) >= 2 and all(ipaddress.ip_address(ip) in net for ip in ips),
           f"head and worker joined over TLS with the token, on pod IPs in {team_cidr}", f"alive nodes {ips}")
    head = ray.get_runtime_context().get_node_id()

    @ray.remote(num_cpus=1)
    def where(blob):
        return ray.get_runtime_context().get_node_id(), ray.util.get_node_ip_address(), len(blob)

    @ray.remote(num_cpus=1)
    def make(n):
        return b"w" * n

    size = 8 << 20  # above the inline limit: a real object-store transfer
    ref = ray.put(b"h" * size)
    node, ip, n = ray.get(where.remote(ref), timeout=180)
    report(node != head and n == size, "a task ran on a worker and read an 8 MiB object put on the head", f"worker {ip}")
    out = ray.get(make.remote(size), timeout=180)
    report(len(out) == size, "an 8 MiB object made on a worker reached the driver on the head")


def check_job(marker):
    from ray.job_submission import JobStatus, JobSubmissionClient

    token = os.environ.get("RAY_AUTH_TOKEN", "")
    client = JobSubmissionClient("http://127.0.0.1:8265", headers={"Authorization": f"Bearer {token}"})
    code = (f"import os; open('job-out.txt', 'w').write('{marker}'); "
            f"print('{marker}', os.getcwd(), open('job-out.txt').read())")
    job = client.submit_job(entrypoint=f'python -c "{code}"')
    deadline = time.time() + 240
    status = None
    while time.time() < deadline:
        status = client.get_job_status(job)
        if status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.STOPPED):
            break
        time.sleep(2)
    logs = client.get_job_logs(job)
    ok = status == JobStatus.SUCCEEDED and marker in logs
    report(ok, "a job wrote a file in its working directory", f"{status}: {logs.strip()[-300:]}")


def check_scale(count, seconds):
    ray = connect()

    # The tasks wait for each other: they can only all finish once `count` of them run at the
    # same time, i.e. once the autoscaler has added workers for the pending ones.
    @ray.remote(num_cpus=0)
    class Barrier:
        def __init__(self):
            self.n = 0

        def arrive(self):
            self.n += 1

        def count(self):
            return self.n

    # A task blocked in ray.get gives its CPU back, so the CPU alone would let both share one
    # worker: each also holds 1 GiB of Ray's `memory` resource (a 1536Mi worker fits one).
    @ray.remote(num_cpus=1, memory=1 << 30)
    def busy(barrier, n, limit):
        ray.get(barrier.arrive.remote())
        deadline = time.time() + limit
        while ray.get(barrier.count.remote()) < n and time.time() < deadline:
            time.sleep(1)
        return ray.util.get_node_ip_address(), ray.get(barrier.count.remote())

    start = time.time()
    barrier = Barrier.remote()
    try:
        out = ray.get([busy.remote(barrier, count, seconds) for _ in range(count)], timeout=seconds + 60)
        ips = sorted(ip for ip, _ in out)
        ok = len(set(ips)) == count and all(n >= count for _, n in out)
        report(ok, f"{count} one-CPU tasks ran at the same time on {count} workers", f"{ips} after {time.time() - start:.0f}s")
    except Exception as e:  # a timeout: the autoscaler did not add the worker
        report(False, f"{count} one-CPU tasks ran at the same time", repr(e)[:300])


def check_burst(count):
    ray = connect()

    # long enough that the queued one is pending demand over two autoscaler rounds (5 s each)
    @ray.remote(num_cpus=1)
    def short():
        time.sleep(10)
        return ray.util.get_node_ip_address()

    start = time.time()
    try:
        ips = ray.get([short.remote() for _ in range(count)], timeout=300)
        report(True, f"{count} short one-CPU tasks at once ran on the running worker(s)", f"{sorted(ips)} after {time.time() - start:.0f}s")
    except Exception as e:
        report(False, f"{count} short one-CPU tasks at once", repr(e)[:300])


def check_alive(ip):
    ray = connect()
    alive = sorted(n["NodeManagerAddress"] for n in ray.nodes() if n["Alive"])
    report(ip in alive, f"the Ray node at {ip} is alive", f"alive nodes {alive}")


def main():
    check, args = sys.argv[1], sys.argv[2:]
    if check == "cluster":
        check_cluster(args[0])
    elif check == "job":
        check_job(args[0])
    elif check == "scale":
        check_scale(int(args[0]), float(args[1]))
    elif check == "burst":
        check_burst(int(args[0]))
    elif check == "alive":
        check_alive(args[0])
    else:
        report(False, f"unknown check {check}")
    sys.exit(min(FAILURES, 100))


if __name__ == "__main__":
    main()

"""GCS fault tolerance checks of the node step (node-gcsft.sh), run INSIDE a container of the node
(`kubectl exec ... python -`), with the pod's own environment.

Usage: python - CHECK [args]
  redis                 in a fault-tolerant head: the team's Redis at RAY_REDIS_ADDRESS answers over
                        TLS, verified against RAY_REDIS_CA_CERT (the host matched too), only with the
                        password KubeRay handed the head (REDIS_PASSWORD), and holds this cluster's GCS
                        state under its storage namespace; a plaintext client gets nothing from it
  actor-create NAME IP  a detached named actor on the worker at IP, counting its calls
  actor-check NAME IP   the actor still answers, from the same process (its count goes on), on the
                        Ray node at IP
  load URL SECONDS      requests to URL for SECONDS, one after the other; prints the tally
                        (`LOAD ok=N total=M`) and the first errors

Prints PASS:/FAIL: lines (and the tally line for `load`); the exit status is the number of failures.
"""

import os
import socket
import ssl
import sys
import time
import urllib.parse
import urllib.request

FAILURES = 0
ACTOR_NAMESPACE = "e2e-gcsft"


def report(ok, name, detail=""):
    global FAILURES
    if not ok:
        FAILURES += 1
    print(f"{'PASS' if ok else 'FAIL'}: {name}" + (f" ({detail})" if detail else ""), flush=True)


def resp(*args):
    """A Redis command in RESP."""
    out = f"*{len(args)}\r\n"
    for a in args:
        out += f"${len(a.encode())}\r\n{a}\r\n"
    return out.encode()


def roundtrip(sock, *args):
    sock.sendall(resp(*args))
    return sock.recv(65536).decode(errors="replace")


def check_redis():
    address = os.environ.get("RAY_REDIS_ADDRESS", "")
    url = urllib.parse.urlparse(address)
    report(url.scheme == "rediss", "gcs: the head's Redis address is TLS (rediss://)", address)
    host, port = url.hostname, url.port
    ctx = ssl.create_default_context(cafile=os.environ["RAY_REDIS_CA_CERT"])

    def connect():
        return ctx.wrap_socket(socket.create_connection((host, port), timeout=10), server_hostname=host)

    with connect() as s:
        answer = roundtrip(s, "PING")
        report(answer.startswith("-NOAUTH"), "gcs: over TLS without the password the team's Redis refuses (NOAUTH)", answer.strip())
        answer = roundtrip(s, "AUTH", "not-the-password")
        report(answer.startswith("-WRONGPASS") or answer.startswith("-ERR"), "gcs: ... and a wrong password is refused", answer.strip())
    with connect() as s:
        auth = roundtrip(s, "AUTH", os.environ["REDIS_PASSWORD"])
        ping = roundtrip(s, "PING")
        report(auth.startswith("+OK") and ping.startswith("+PONG"),
               f"gcs: the head reaches its Redis {host}:{port} over TLS (verified against RAY_REDIS_CA_CERT, host matched) with the password",
               f"{s.version()}: {auth.strip()} {ping.strip()}")
        ns = os.environ.get("RAY_external_storage_namespace", "")
        keys = roundtrip(s, "SCAN", "0", "MATCH", f"RAY{ns}@*", "COUNT", "10000")
        report(ns != "" and f"RAY{ns}@" in keys, "gcs: the GCS keeps this cluster's state in the Redis, under its storage namespace",
               f"namespace {ns}")
    # A client that does not speak TLS gets no Redis answer from the TLS port.
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(resp("PING"))
            s.settimeout(5)
            answer = s.recv(1024)
    except OSError as e:
        answer = repr(e).encode()
    report(b"+PONG" not in answer and b"NOAUTH" not in answer, "gcs: a plaintext client gets no Redis answer from the TLS port",
           answer[:60])


def connect_ray():
    import ray

    ray.init(address="auto", logging_level="WARNING", log_to_driver=False, namespace=ACTOR_NAMESPACE)
    return ray


def counter_class(ray):
    @ray.remote(num_cpus=0)
    class Counter:
        def __init__(self):
            self.calls = 0

        def call(self):
            self.calls += 1
            return self.calls, ray.get_runtime_context().get_node_id(), os.getpid()

    return Counter


def node_at(ray, ip):
    return next((n["NodeID"] for n in ray.nodes() if n["Alive"] and n["NodeManagerAddress"] == ip), None)


def check_actor_create(name, ip):
    ray = connect_ray()
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    node = node_at(ray, ip)
    if node is None or node == ray.get_runtime_context().get_node_id():
        report(False, f"a detached actor on the worker at {ip}", "no alive worker node there")
        return
    counter = counter_class(ray).options(
        name=name, lifetime="detached", scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)
    ).remote()
    calls, where, pid = ray.get(counter.call.remote(), timeout=180)
    report(calls == 1 and where == node, f"gcs: a detached named actor {name} runs on the worker at {ip}", f"pid {pid}")


def check_actor(name, ip):
    ray = connect_ray()
    try:
        counter = ray.get_actor(name, namespace=ACTOR_NAMESPACE)
        calls, where, pid = ray.get(counter.call.remote(), timeout=120)
        report(calls == 2 and where == node_at(ray, ip),
               f"gcs: the detached actor {name} created before the head restart still answers, from the same process on the worker at {ip}",
               f"call {calls}, pid {pid}")
    except Exception as e:
        report(False, f"gcs: the detached actor {name} created before the head restart still answers", repr(e)[:300])


def check_load(url, seconds):
    deadline = time.time() + seconds
    ok = total = 0
    errors = []
    while time.time() < deadline:
        total += 1
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body = r.read().decode(errors="replace")
                if r.status == 200 and body.startswith("echo"):
                    ok += 1
                elif len(errors) < 5:
                    errors.append(f"{r.status} {body[:60]}")
        except Exception as e:
            if len(errors) < 5:
                errors.append(f"{time.strftime('%H:%M:%S')} {repr(e)[:100]}")
        time.sleep(0.05)
    print(f"LOAD ok={ok} total={total} errors={errors}", flush=True)


def main():
    check, args = sys.argv[1], sys.argv[2:]
    if check == "redis":
        check_redis()
    elif check == "actor-create":
        check_actor_create(args[0], args[1])
    elif check == "actor-check":
        check_actor(args[0], args[1])
    elif check == "load":
        check_load(args[0], float(args[1]))
    else:
        report(False, f"unknown check {check}")
    sys.exit(min(FAILURES, 100))


if __name__ == "__main__":
    main()

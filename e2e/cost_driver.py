"""Ray's run-time cost with and without the hardening, measured INSIDE a Ray head container
(e2e/nodeCost.ts pipes this file to `kubectl exec ... python -`), with the pod's own Ray
settings: the package's RayCluster (TLS, token) or its plain twin (neither).

Usage: python - TASKS TRANSFERS MIB [tls-probe]
  TASKS       small tasks run one after another on the worker: each one's round trip
              (submit from the head's driver, run on the worker, result back), after a warm-up
  TRANSFERS   tasks on the worker that each read a new MIB-MiB object put on the head: the
              worker's object manager pulls it from the head's (gRPC, in 5 MiB chunks)
  tls-probe   also push MIB MiB through TLS 1.3 over a socket pair in this process (both ends,
              with the pod's own certificate), and the same bytes in the clear: the cipher's
              share of the transfer, without Ray

Prints one line `COST {json}` with every sample; on failure `FAIL: ...` and exit status 1.
"""

import json
import os
import socket
import ssl
import sys
import threading
import time


def tls_probe(size):
    """Seconds to move SIZE bytes through TLS over a socket pair, and the same in the clear."""

    def move(wrap_server, wrap_client):
        a, b = socket.socketpair()
        got = []

        def receive():
            s = wrap_server(a)
            n = 0
            while n < size:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                n += len(chunk)
            got.append(n)

        t = threading.Thread(target=receive)
        t.start()
        c = wrap_client(b)
        block = b"\0" * (1 << 20)
        t0 = time.perf_counter()
        for _ in range(size // len(block)):
            c.sendall(block)
        t.join()
        dt = time.perf_counter() - t0
        cipher = c.cipher()[0] if isinstance(c, ssl.SSLSocket) else "clear"
        a.close()
        b.close()
        if got != [size]:
            raise RuntimeError(f"the probe moved {got} bytes, not {size}")
        return dt, cipher

    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(os.environ["RAY_TLS_SERVER_CERT"], os.environ["RAY_TLS_SERVER_KEY"])
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_verify_locations(os.environ["RAY_TLS_CA_CERT"])
    client.check_hostname = False
    # the handshake happens in wrap_socket, before the clock starts
    tls_s, cipher = move(lambda s: server.wrap_socket(s, server_side=True), lambda s: client.wrap_socket(s))
    plain_s, _ = move(lambda s: s, lambda s: s)
    return {"bytes": size, "tlsMs": tls_s * 1000, "plainMs": plain_s * 1000, "cipher": cipher}


def main():
    tasks, transfers, mib = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    probe = "tls-probe" in sys.argv[4:]
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    ray.init(address="auto", logging_level="WARNING", log_to_driver=False)
    head = ray.get_runtime_context().get_node_id()
    workers = [n for n in ray.nodes() if n.get("Alive") and n["NodeID"] != head and n["Resources"].get("CPU", 0) >= 1]
    if not workers:
        print(f"FAIL: no alive worker node with a CPU: {[n['NodeManagerAddress'] for n in ray.nodes() if n.get('Alive')]}", flush=True)
        sys.exit(1)
    on_worker = NodeAffinitySchedulingStrategy(node_id=workers[0]["NodeID"], soft=False)

    @ray.remote(num_cpus=1, scheduling_strategy=on_worker)
    def noop():
        return None

    @ray.remote(num_cpus=1, scheduling_strategy=on_worker)
    def size_of(blob):
        return len(blob)

    # warm-up: the worker's Python worker process, the lease path, a first object pull
    ray.get([noop.remote() for _ in range(10)], timeout=300)
    ray.get(size_of.remote(ray.put(b"\0" * (8 << 20))), timeout=300)

    rtt = []
    for _ in range(tasks):
        t0 = time.perf_counter()
        ray.get(noop.remote(), timeout=60)
        rtt.append((time.perf_counter() - t0) * 1000)

    size = mib << 20
    transfer = []
    for _ in range(transfers):
        ref = ray.put(b"\0" * size)  # a new object each time: the worker keeps a copy of a pulled one
        t0 = time.perf_counter()
        n = ray.get(size_of.remote(ref), timeout=300)
        transfer.append((time.perf_counter() - t0) * 1000)
        del ref
        if n != size:
            print(f"FAIL: the worker read {n} bytes of a {size}-byte object", flush=True)
            sys.exit(1)

    out = {
        "tls": os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"),
        "token": os.environ.get("RAY_AUTH_MODE", "") == "token" and os.environ.get("RAY_AUTH_TOKEN", "") != "",
        "rayVersion": ray.__version__,
        "worker": workers[0]["NodeManagerAddress"],
        "rttMs": rtt,
        "transferBytes": size,
        "transferMs": transfer,
    }
    if probe:
        out["tlsProbe"] = tls_probe(size)
    print("COST " + json.dumps(out), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one clear line for the harness, then the exit status
        print(f"FAIL: {type(e).__name__}: {str(e)[:400]}", flush=True)
        sys.exit(1)

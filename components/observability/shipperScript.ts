/**
 * The log shipper's script (Python, standard library only), shipped in the team namespace's
 * `ray-log-shipper` ConfigMap and run by the `ray-log-shipper` container of every Ray pod with the
 * Ray image's own Python (./logShipping.ts). Kept as text here so that it travels inside the
 * compiled package; ./logShipping.test.ts runs it against stand-ins of STS and OSS.
 */
export const SHIP_RAY_LOGS_PY = String.raw`"""Ships this Ray pod's logs to the team's prefix of the platform's log bucket (ray-on-ack).

Runs in the ray-log-shipper container of every Ray pod, with the Ray image's Python and the
standard library only. Every LOGS_INTERVAL_SECONDS, and once more when the pod is terminated
(SIGTERM), it uploads each file under Ray's log directories that changed since its last upload.
Credentials: the pod's RRSA token (projected into this container only, audience sts.aliyuncs.com)
is exchanged at STS (AssumeRoleWithOIDC) for temporary credentials of the team's log writer role,
which may only put objects under the team's prefix. Uploads use OSS's S3-compatible API
(Signature V4, the STS token in x-amz-security-token).

    python ship_ray_logs.py          # until SIGTERM
    python ship_ray_logs.py --once   # one pass, then exit (tests)
"""

import datetime
import hashlib
import hmac
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ENV = os.environ
LOGS_ROOT = ENV.get("RAY_LOGS_ROOT", "/tmp/ray")
KEY_PREFIX = ENV["LOGS_KEY_PREFIX"]
BUCKET = ENV["LOGS_BUCKET"]
REGION = ENV["LOGS_REGION"]
OSS = urllib.parse.urlsplit(ENV["LOGS_OSS_ENDPOINT"])
PATH_STYLE = ENV.get("LOGS_PATH_STYLE", "false") == "true"
STS = ENV["LOGS_STS_ENDPOINT"]
INTERVAL = int(ENV.get("LOGS_INTERVAL_SECONDS", "30"))
TIMEOUT = 20

stopping = False
uploaded = {}  # path -> (size, mtime) as last uploaded
credentials = {}


def log(msg):
    print(f"ray-log-shipper: {msg}", flush=True)


def assume_role():
    """Temporary credentials of the writer role, for this pod's RRSA token (AssumeRoleWithOIDC)."""
    with open(ENV["LOGS_OIDC_TOKEN_FILE"]) as f:
        token = f.read().strip()
    query = {
        "Action": "AssumeRoleWithOIDC",
        "Format": "JSON",
        "Version": "2015-04-01",
        "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "SignatureNonce": uuid.uuid4().hex,
    }
    body = {
        "RoleArn": ENV["LOGS_ROLE_ARN"],
        "OIDCProviderArn": ENV["LOGS_OIDC_PROVIDER_ARN"],
        "OIDCToken": token,
        "RoleSessionName": ENV.get("POD_NAME", "ray")[:64],
        "DurationSeconds": "3600",
    }
    req = urllib.request.Request(
        f"{STS}/?{urllib.parse.urlencode(query)}",
        data=urllib.parse.urlencode(body).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
        c = json.load(r)["Credentials"]
    expires = datetime.datetime.strptime(c["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return {"id": c["AccessKeyId"], "secret": c["AccessKeySecret"], "token": c["SecurityToken"], "expires": expires}


def current_credentials():
    now = datetime.datetime.now(datetime.timezone.utc)
    if not credentials or credentials["expires"] - now < datetime.timedelta(minutes=5):
        credentials.clear()
        credentials.update(assume_role())
    return credentials


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def put_file(key, path):
    """PUT one file as an object with Signature V4 (OSS's S3-compatible API), streamed from disk."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        size = 0
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
        f.seek(0)
        put_object(key, _first_bytes(f, size), size, digest.hexdigest())


def _first_bytes(f, size):
    """The file's first size bytes (what was hashed), in chunks: a log may grow meanwhile."""
    left = size
    while left > 0:
        chunk = f.read(min(left, 1 << 20))
        if not chunk:
            break
        left -= len(chunk)
        yield chunk


def put_object(key, body, size, payload):
    cred = current_credentials()
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    host = OSS.netloc if PATH_STYLE else f"{BUCKET}.{OSS.netloc}"
    path = "/" + urllib.parse.quote(f"{BUCKET}/{key}" if PATH_STYLE else key, safe="/-_.~")
    headers = {
        "content-type": "text/plain; charset=utf-8",
        "host": host,
        "x-amz-content-sha256": payload,
        "x-amz-date": amz_date,
        "x-amz-security-token": cred["token"],
    }
    signed = ";".join(sorted(headers))
    canonical = "\n".join(
        ["PUT", path, "", "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, payload]
    )
    scope = f"{day}/{REGION}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = _hmac(("AWS4" + cred["secret"]).encode(), day)
    for part in (REGION, "s3", "aws4_request"):
        k = _hmac(k, part)
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={cred['id']}/{scope}, SignedHeaders={signed}, Signature={signature}"
    )
    del headers["host"]
    headers["content-length"] = str(size)
    req = urllib.request.Request(f"{OSS.scheme}://{host}{path}", data=body, headers=headers, method="PUT")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
        r.read()


def log_files():
    """(path, key) of every file under each session's logs directory (session_latest is a link to one)."""
    try:
        sessions = sorted(d for d in os.listdir(LOGS_ROOT) if d.startswith("session_") and d != "session_latest")
    except FileNotFoundError:
        return
    for session in sessions:
        base = os.path.join(LOGS_ROOT, session, "logs")
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                path = os.path.join(dirpath, name)
                yield path, f"{KEY_PREFIX}{session}/{os.path.relpath(path, base)}"


def ship_once():
    sent = failed = 0
    for path, key in log_files():
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        stamp = (st.st_size, st.st_mtime_ns)
        if uploaded.get(path) == stamp:
            continue
        try:
            put_file(key, path)
            uploaded[path] = stamp
            sent += 1
        except (OSError, urllib.error.URLError, KeyError, ValueError) as e:
            failed += 1
            log(f"upload of {key} failed: {e}")
            if isinstance(e, urllib.error.HTTPError) and e.code in (400, 401, 403):
                credentials.clear()
    if sent or failed:
        log(f"uploaded {sent} file(s), {failed} failed, to {BUCKET}/{KEY_PREFIX}")
    return failed


def stop(*_):
    global stopping
    stopping = True


def main():
    if "--once" in sys.argv:
        sys.exit(1 if ship_once() else 0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(f"shipping {LOGS_ROOT}/session_*/logs every {INTERVAL}s to {BUCKET}/{KEY_PREFIX}")
    while not stopping:
        try:
            ship_once()
        except Exception as e:  # noqa: BLE001 - the shipper must outlive any one failed pass
            log(f"pass failed: {e}")
        deadline = time.time() + INTERVAL
        while not stopping and time.time() < deadline:
            time.sleep(1)
    # Terminated: Ray writes its last lines as it stops, so two final passes a few seconds apart.
    for _ in range(2):
        try:
            ship_once()
        except Exception as e:  # noqa: BLE001
            log(f"final pass failed: {e}")
        time.sleep(3)
    log("stopped")


if __name__ == "__main__":
    main()
`;

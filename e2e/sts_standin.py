"""Stand-ins of Alibaba Cloud STS and OSS for the node step's log check (e2e/node-logs.sh).

OSS is moto's S3 server (S3-compatible, as OSS's S3 API is), started by node-logs.sh with IAM
enforcement switched on by `setup` once the bucket, the roles and this stand-in's own user exist:
from then on every S3 request must carry a valid Signature V4 of credentials moto issued, and is
allowed only by the policy of the role behind them. The roles mirror the RAM ones the package
creates (components/observability/teamObservability.ts): the writer may only put objects under the
team's prefix, the reader only get and list there.

STS is this HTTP server: AssumeRoleWithOIDC, as the log shipper calls it. It checks the token the
way RRSA's trust policy does (the API server's TokenReview for audience sts.aliyuncs.com; the
subject must be one of the trusted ServiceAccounts), the role and provider ARNs, then returns
temporary credentials of the writer role from moto's STS, in Alibaba Cloud's response shape.

    python sts_standin.py setup  S3_URL BUCKET PREFIX STATE_DIR
    python sts_standin.py serve  S3_URL STATE_DIR HOST PORT ROLE_ARN PROVIDER_ARN KUBECONFIG NS:SA[,NS:SA...]
    python sts_standin.py read   S3_URL STATE_DIR BUCKET PREFIX [NEEDLE]   # lists (and greps) as the reader

Network: S3_URL, HOST and the API server are addresses of the harness's own namespaces.
"""

import datetime
import json
import os
import subprocess
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import urllib.request

REGION = "us-east-1"


def client(service, url, creds=None):
    kw = {"endpoint_url": url, "region_name": REGION}
    if creds:
        kw.update(aws_access_key_id=creds[0], aws_secret_access_key=creds[1], aws_session_token=creds[2] if len(creds) > 2 else None)
    else:
        kw.update(aws_access_key_id="setup", aws_secret_access_key="setup")
    return boto3.client(service, **kw)


def setup(url, bucket, prefix, state):
    """Bucket, writer and reader roles, this stand-in's user; then IAM enforcement on."""
    client("s3", url).create_bucket(Bucket=bucket)
    iam = client("iam", url)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
    policies = {
        "writer": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*"]}],
        "reader": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*"]},
            {
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}"],
                "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}},
            },
        ],
    }
    arns = {}
    for name, statements in policies.items():
        role = iam.create_role(RoleName=f"logs-{name}", AssumeRolePolicyDocument=trust)["Role"]
        iam.put_role_policy(
            RoleName=f"logs-{name}", PolicyName=name, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements})
        )
        arns[name] = role["Arn"]
    iam.create_user(UserName="sts-standin")
    iam.put_user_policy(
        UserName="sts-standin",
        PolicyName="assume",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}),
    )
    key = iam.create_access_key(UserName="sts-standin")["AccessKey"]
    with open(os.path.join(state, "sts-standin.json"), "w") as f:
        json.dump({"key": [key["AccessKeyId"], key["SecretAccessKey"]], "roles": arns}, f)
    # From here on every request is authenticated and authorized by moto.
    req = urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req, timeout=10).read()
    print("setup: bucket, writer and reader roles, enforcement on")


def assume(url, state, name, session):
    s = json.load(open(os.path.join(state, "sts-standin.json")))
    c = client("sts", url, s["key"]).assume_role(RoleArn=s["roles"][name], RoleSessionName=session, DurationSeconds=3600)["Credentials"]
    return c


def token_subject(kubeconfig, token):
    """The ServiceAccount a token belongs to, if the API server says it is valid for STS's audience."""
    review = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": token, "audiences": ["sts.aliyuncs.com"]},
    }
    out = subprocess.run(
        ["kubectl", "--kubeconfig", kubeconfig, "create", "-o", "json", "-f", "-"],
        input=json.dumps(review), capture_output=True, text=True, timeout=30,
    )
    if out.returncode != 0:
        return None, out.stderr.strip()
    status = json.loads(out.stdout).get("status", {})
    if not status.get("authenticated") or "sts.aliyuncs.com" not in status.get("audiences", []):
        return None, status.get("error", "not authenticated for audience sts.aliyuncs.com")
    return status["user"]["username"], ""


def serve(url, state, host, port, role_arn, provider_arn, kubeconfig, trusted):
    subjects = {f"system:serviceaccount:{t}" for t in trusted.split(",")}

    class Handler(BaseHTTPRequestHandler):
        def refuse(self, code, message):
            body = json.dumps({"Code": "InvalidParameter", "Message": message}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            print(f"sts: refused: {message}", flush=True)

        def do_POST(self):
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()))
            p = {**query, **form}
            if p.get("Action") != "AssumeRoleWithOIDC":
                return self.refuse(400, f"unsupported action {p.get('Action')}")
            if p.get("RoleArn") != role_arn or p.get("OIDCProviderArn") != provider_arn:
                return self.refuse(403, f"role {p.get('RoleArn')} / provider {p.get('OIDCProviderArn')} is not the log writer's")
            subject, why = token_subject(kubeconfig, p.get("OIDCToken", ""))
            if subject is None:
                return self.refuse(403, f"invalid OIDC token: {why}")
            if subject not in subjects:
                return self.refuse(403, f"{subject} is not trusted by {role_arn}")
            c = assume(url, state, "writer", p.get("RoleSessionName", "ray"))
            body = json.dumps(
                {
                    "RequestId": "standin",
                    "Credentials": {
                        "AccessKeyId": c["AccessKeyId"],
                        "AccessKeySecret": c["SecretAccessKey"],
                        "SecurityToken": c["SessionToken"],
                        "Expiration": c["Expiration"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    },
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            print(f"sts: {subject} assumed the writer role", flush=True)

    ThreadingHTTPServer((host, int(port)), Handler).serve_forever()


def read(url, state, bucket, prefix, needle=None):
    """Lists the objects under the prefix as the reader (and prints the keys whose content holds NEEDLE)."""
    c = assume(url, state, "reader", "e2e-reader")
    s3 = client("s3", url, (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    print(f"objects: {len(keys)}")
    for k in keys:
        if needle is None:
            print(k)
        elif needle in s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode(errors="replace"):
            print(f"found in: {k}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"setup": setup, "serve": serve, "read": read}[cmd](*args)

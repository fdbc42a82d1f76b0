/**
 * The log shipper's script, run with python3 against stand-ins of STS and of OSS's S3-compatible
 * API served here: the STS answers AssumeRoleWithOIDC for the pod's token only; the OSS checks
 * each upload's Signature V4 (recomputed here from the request, with the secret it issued), its
 * security token and payload hash, and keeps the objects.
 */
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import type { AddressInfo } from "net";
import { SHIP_RAY_LOGS_PY } from "./shipperScript";

const CREDS = { id: "STS.id", secret: "sts-secret", token: "sts-security-token" };
const POD_TOKEN = "pod-oidc-token";

const hmac = (key: crypto.BinaryLike, msg: string) => crypto.createHmac("sha256", key).update(msg).digest();
const sha256 = (b: crypto.BinaryLike) => crypto.createHash("sha256").update(b).digest("hex");

/** Why a request's Signature V4 does not hold for `secret` (undefined: it does). */
function sigV4Problem(req: http.IncomingMessage, body: Buffer, secret: string): string | undefined {
    const auth =
        /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
            String(req.headers.authorization),
        );
    if (!auth) return `authorization header ${req.headers.authorization}`;
    const [, id, day, region, signedHeaders, signature] = auth;
    if (id !== CREDS.id) return `access key ${id}`;
    const names = signedHeaders.split(";");
    for (const must of ["host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"]) {
        if (!names.includes(must)) return `${must} is not signed`;
    }
    if (req.headers["x-amz-content-sha256"] !== sha256(body)) return "payload hash";
    const canonical = [
        req.method,
        (req.url ?? "").split("?")[0],
        "",
        names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join(""),
        signedHeaders,
        req.headers["x-amz-content-sha256"],
    ].join("\n");
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", req.headers["x-amz-date"], scope, sha256(canonical)].join("\n");
    let k = hmac(`AWS4${secret}`, day);
    for (const part of [region, "s3", "aws4_request"]) k = hmac(k, part);
    return crypto.createHmac("sha256", k).update(toSign).digest("hex") === signature ? undefined : "signature";
}

interface Standins {
    url: string;
    objects: Map<string, string>;
    refused: string[];
    close(): void;
}

function standins(): Promise<Standins> {
    const objects = new Map<string, string>();
    const refused: string[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            if (req.method === "POST" && req.url?.startsWith("/sts/?")) {
                const q = new URLSearchParams(req.url.split("?")[1]);
                const form = new URLSearchParams(body.toString());
                if (
                    q.get("Action") !== "AssumeRoleWithOIDC" ||
                    form.get("OIDCToken") !== POD_TOKEN ||
                    form.get("RoleArn") !== "acs:ram::1:role/w"
                ) {
                    res.writeHead(403).end();
                    return;
                }
                const expiration = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
                res.writeHead(200, { "content-type": "application/json" }).end(
                    JSON.stringify({
                        Credentials: {
                            AccessKeyId: CREDS.id,
                            AccessKeySecret: CREDS.secret,
                            SecurityToken: CREDS.token,
                            Expiration: expiration,
                        },
                    }),
                );
                return;
            }
            const why = req.headers["x-amz-security-token"] !== CREDS.token ? "security token" : sigV4Problem(req, body, CREDS.secret);
            if (req.method !== "PUT" || why) {
                refused.push(`${req.method} ${req.url}: ${why}`);
                res.writeHead(403).end();
                return;
            }
            objects.set(decodeURIComponent(req.url ?? ""), body.toString());
            res.writeHead(200).end();
        });
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () =>
            resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, refused, close: () => server.close() }),
        ),
    );
}

function ship(dir: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const p = spawn("python3", [path.join(dir, "ship_ray_logs.py"), "--once"], { env: { PATH: process.env.PATH ?? "", ...env } });
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.on("close", (code) => resolve({ code, out }));
    });
}

describe("the log shipper's script (python3, against STS and S3 stand-ins)", function () {
    this.timeout(30_000);
    let s: Standins;
    let dir: string;
    let env: Record<string, string>;
    beforeEach(async () => {
        s = await standins();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-log-shipper-"));
        fs.writeFileSync(path.join(dir, "ship_ray_logs.py"), SHIP_RAY_LOGS_PY);
        const logs = path.join(dir, "ray", "session_2026-12-07_01-02-03_000_1", "logs");
        fs.mkdirSync(path.join(logs, "events"), { recursive: true });
        fs.writeFileSync(path.join(logs, "job-driver-raysubmit_1.log"), "e2e-rayjob 42\n");
        fs.writeFileSync(path.join(logs, "events", "event_GCS.log"), "{}\n");
        fs.symlinkSync("session_2026-12-07_01-02-03_000_1", path.join(dir, "ray", "session_latest"));
        fs.writeFileSync(path.join(dir, "token"), POD_TOKEN);
        env = {
            RAY_LOGS_ROOT: path.join(dir, "ray"),
            LOGS_KEY_PREFIX: "team-x/rayjob/job/job-abc/job-abc-head-1/",
            LOGS_BUCKET: "logs",
            LOGS_REGION: "cn-hangzhou",
            LOGS_OSS_ENDPOINT: s.url,
            LOGS_PATH_STYLE: "true",
            LOGS_STS_ENDPOINT: `${s.url}/sts`,
            LOGS_ROLE_ARN: "acs:ram::1:role/w",
            LOGS_OIDC_PROVIDER_ARN: "acs:ram::1:oidc-provider/ack-rrsa-c",
            LOGS_OIDC_TOKEN_FILE: path.join(dir, "token"),
            POD_NAME: "job-abc-head-1",
        };
    });
    afterEach(() => {
        s.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("exchanges the pod's token at STS and uploads every session's logs, signed, under the pod's prefix", async () => {
        const r = await ship(dir, env);
        assert.equal(r.code, 0, r.out);
        assert.deepEqual(s.refused, []);
        const session = "session_2026-12-07_01-02-03_000_1";
        assert.deepEqual([...s.objects.keys()].sort(), [
            `/logs/team-x/rayjob/job/job-abc/job-abc-head-1/${session}/events/event_GCS.log`,
            `/logs/team-x/rayjob/job/job-abc/job-abc-head-1/${session}/job-driver-raysubmit_1.log`,
        ]);
        assert.equal(
            s.objects.get(`/logs/team-x/rayjob/job/job-abc/job-abc-head-1/${session}/job-driver-raysubmit_1.log`),
            "e2e-rayjob 42\n",
        );
    });

    it("uploads nothing with a token STS refuses, and fails", async () => {
        fs.writeFileSync(path.join(dir, "token"), "another pod's token");
        const r = await ship(dir, env);
        assert.equal(r.code, 1, r.out);
        assert.equal(s.objects.size, 0);
        assert.match(r.out, /upload of .* failed: HTTP Error 403/);
    });
});

/**
 * Issue 11, section 2: a public dashboard is never cleartext on the internet. The config refuses
 * the weak settings with their key; the rendered Service, Ingress and NetworkPolicy carry the
 * HTTPS listener, the auth-honouring class and the CLB backend range.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { formatIssues, validateStackConfig } from "../config/validate";
import type { TeamConfig } from "../config/model";
import { isSnippetAnnotation } from "@ray-on-ack/common";
import { evaluatePosture } from "../../policy/posture";
import { find, objects, recordTeam } from "../../test/helpers/mockRun";
import { minimalTeam } from "../../test/helpers/configs";
import { asResource } from "../../test/helpers/policy";
import { ROOT, manifests, runRender, packConfigAs } from "../../test/helpers/render";

const CLB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";
const PASSWORD = "Kq7#mVz2pL";

const withExposure = (exposure: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    minimalTeam({
        ...extra,
        clusters: [
            { name: "c1", exposure, workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 1 }] },
        ],
    });

/** dashboardPassword arrives as a Pulumi secret, as `pulumi config set --secret` makes it. */
const SECRET_KEYS = ["ray-on-ack:dashboardPassword"];

function errors(exposure: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
    const r = validateStackConfig(withExposure(exposure, extra), SECRET_KEYS);
    assert.ok(!r.ok, "expected a refusal");
    return formatIssues(r.issues);
}

function valid(exposure: Record<string, unknown>, extra: Record<string, unknown> = {}): TeamConfig {
    const r = validateStackConfig(withExposure(exposure, extra), SECRET_KEYS);
    assert.ok(r.ok && r.value.kind === "team", JSON.stringify(!r.ok && r.issues));
    return r.value.config;
}

const lb = (fields: Record<string, unknown>) => ({ mode: "loadbalancer", aclEntries: [{ cidr: "203.0.113.0/27" }], ...fields });
const ingress = (fields: Record<string, unknown> = {}) => ({
    mode: "ingress",
    host: "ray.example.com",
    tlsSecretName: "ray-tls",
    username: "ops",
    allowedSourceCidrs: ["203.0.113.0/24"],
    ...fields,
});

describe("public dashboard: config refusals", () => {
    it("refuses a cleartext (tcp) listener on an internet CLB", () => {
        assert.equal(
            errors(lb({ addressType: "internet", listener: "tcp" })),
            "error: ray-on-ack:clusters[0].exposure.listener: tcp carries the dashboard and the Ray token in cleartext and is refused for addressType internet; use listener https with certId",
        );
    });

    it("requires a certificate id for the HTTPS listener, on the internet and on the intranet alike", () => {
        const line =
            "error: ray-on-ack:clusters[0].exposure.certId: is required with listener https (the default): the CLB terminates TLS with this server certificate";
        assert.equal(errors(lb({ addressType: "internet" })), line);
        assert.equal(errors(lb({})), line, "intranet is HTTPS by default too");
        assert.match(
            errors(lb({ addressType: "internet", certId: "bad id!" })),
            /^error: ray-on-ack:clusters\[0\]\.exposure\.certId: must be a CLB certificate id/,
        );
    });

    it("refuses sourceCidrs behind the HTTPS listener (pods see the CLB, not the client) and certId on a tcp listener", () => {
        assert.match(
            errors(lb({ addressType: "internet", certId: "12345678-cn-hangzhou", sourceCidrs: ["198.51.100.0/24"] })),
            /^error: ray-on-ack:clusters\[0\]\.exposure\.sourceCidrs: has no effect with listener https: the pods see the CLB's backend addresses \(100\.64\.0\.0\/10\)/,
        );
        assert.match(errors(lb({ listener: "tcp", certId: "12345678-cn-hangzhou" })), /exposure\.certId: has no effect with listener tcp/);
        assert.match(
            errors(lb({ listener: "tcp", aclEntries: [], aclId: "acl-1" })),
            /exposure\.sourceCidrs: is required with aclId and listener tcp/,
        );
    });

    it("refuses ingress classes whose controllers ignore the basic-auth annotations", () => {
        for (const cls of ["alb", "mse", "", "traefik"]) {
            const message =
                "error: ray-on-ack:clusters[0].exposure.ingressClassName: must be one of nginx, higress: classes whose controllers honour the nginx basic-auth annotations (an alb class ignores them and would publish the dashboard without a password)";
            const got = errors(ingress({ ingressClassName: cls }), { dashboardPassword: PASSWORD });
            // the config errors echo the refused value where the schema reports it
            assert.ok(got === message || got === `${message} (got ${JSON.stringify(cls)})`, `${cls}: ${got}`);
        }
    });

    it("refuses an Ingress without a username: single sign-on is exposure.mode gateway only, basic auth a granted fallback", () => {
        const noUser = ingress();
        delete (noUser as Record<string, unknown>).username;
        assert.equal(
            errors(noUser, { dashboardPassword: PASSWORD }),
            "error: ray-on-ack:clusters[0].exposure.username: is required: an Ingress has no single sign-on here (ACK's NGINX, Higress and ALB ingresses sign people in through an auth service or gateway plugin the team stack does not own and the policy pack cannot judge); use exposure.mode gateway to sign people in with the platform's OpenID Connect provider, or name a username for the basic-auth fallback, which the pack fails unless the platform grants ray-basic-auth-fallback for this Ingress",
        );
        // A single-sign-on key on an Ingress is no way around it: the mode's keys are fixed.
        assert.match(
            errors(ingress({ sso: { issuer: "https://idp.attacker.example" } }), { dashboardPassword: PASSWORD }),
            /^error: ray-on-ack:clusters\[0\]\.exposure\.sso: unknown key/,
        );
    });

    it("has no way to set annotations (snippets included) on the Ingress or the Service", () => {
        assert.match(
            errors(ingress({ annotations: { "nginx.ingress.kubernetes.io/configuration-snippet": "satisfy any;" } }), {
                dashboardPassword: PASSWORD,
            }),
            /^error: ray-on-ack:clusters\[0\]\.exposure\.annotations: unknown key \(known here: [a-zA-Z, ]+\)$/,
        );
        assert.match(
            errors(lb({ certId: "c-1", annotations: {} })),
            /^error: ray-on-ack:clusters\[0\]\.exposure\.annotations: unknown key \(known here: [a-zA-Z, ]+\)$/,
        );
    });

    it("accepts the intranet tcp listener only as the explicit opt-in", () => {
        const c = valid(lb({ listener: "tcp" }));
        assert.deepEqual(c.clusters[0].exposure, {
            mode: "loadbalancer",
            addressType: "intranet",
            listener: "tcp",
            aclEntries: [{ cidr: "203.0.113.0/27" }],
        });
        assert.equal((valid(lb({ certId: "c-1" })).clusters[0].exposure as { listener: string }).listener, "https");
    });
});

describe("public dashboard: rendered objects", () => {
    it("internet CLB: HTTPS listener on 443 with the certificate and TLS 1.2+, ACL whitelist, NetworkPolicy admits only the CLB backend range", async () => {
        const objs = objects(await recordTeam(valid(lb({ addressType: "internet", certId: "12345678-cn-hangzhou" }))));
        const svc = find(objs, "Service", "c1-dashboard-public");
        assert.deepEqual(svc.metadata.annotations, {
            [`${CLB}address-type`]: "internet",
            [`${CLB}acl-status`]: "on",
            [`${CLB}acl-id`]: svc.metadata.annotations[`${CLB}acl-id`],
            [`${CLB}acl-type`]: "white",
            [`${CLB}protocol-port`]: "https:443",
            [`${CLB}cert-id`]: "12345678-cn-hangzhou",
            [`${CLB}tls-cipher-policy`]: "tls_cipher_policy_1_2",
            "ray-on-ack.io/policy-exceptions": "ray-service-not-public",
        });
        assert.deepEqual(svc.spec.ports, [{ name: "https", protocol: "TCP", port: 443, targetPort: 8265 }]);
        assert.equal(svc.spec.externalTrafficPolicy, "Local", "no SNAT to node addresses on the way in");
        const np = find(objs, "NetworkPolicy", "c1-head-ingress");
        const ipRules = np.spec.ingress.filter((r: any) => r.from.some((f: any) => f.ipBlock));
        assert.deepEqual(ipRules, [{ from: [{ ipBlock: { cidr: "100.64.0.0/10" } }], ports: [{ protocol: "TCP", port: 8265 }] }]);
    });

    it("intranet tcp opt-in: no HTTPS annotations, port 8265, the ACL's sources in the NetworkPolicy, declared against ray-clb-https-listener", async () => {
        const objs = objects(await recordTeam(valid(lb({ listener: "tcp", aclEntries: [{ cidr: "10.8.0.0/24" }] }))));
        const svc = find(objs, "Service", "c1-dashboard-public");
        const a = svc.metadata.annotations;
        assert.equal(a[`${CLB}protocol-port`], undefined);
        assert.equal(a[`${CLB}cert-id`], undefined);
        assert.equal(a[`${CLB}address-type`], "intranet");
        assert.equal(a["ray-on-ack.io/policy-exceptions"], "ray-clb-https-listener,ray-service-not-public");
        assert.deepEqual(svc.spec.ports, [{ name: "dashboard", protocol: "TCP", port: 8265, targetPort: 8265 }]);
        const np = find(objs, "NetworkPolicy", "c1-head-ingress");
        assert.deepEqual(np.spec.ingress.find((r: any) => r.from.some((f: any) => f.ipBlock)).from, [{ ipBlock: { cidr: "10.8.0.0/24" } }]);
    });

    it("posture: the internet HTTPS listener passes ray-clb-https-listener; the intranet tcp opt-in is listed against it, never a silent pass", async () => {
        const statusFor = async (exposure: Record<string, unknown>) => {
            const svc = find(objects(await recordTeam(valid(exposure))), "Service", "c1-dashboard-public");
            const report = evaluatePosture([{ type: "kubernetes:core/v1:Service", name: "c1-dashboard-public", props: svc }]);
            return report.checks.find((c) => c.id === "ray-clb-https-listener")!;
        };
        assert.equal((await statusFor(lb({ addressType: "internet", certId: "12345678-cn-hangzhou" }))).status, "pass");
        const tcp = await statusFor(lb({ listener: "tcp" }));
        assert.notEqual(tcp.status, "pass");
        assert.deepEqual(
            tcp.offending.map((o) => o.resource),
            ["Service ray-team-x/c1-dashboard-public"],
        );
    });

    it("ingress: the class is set, no snippet annotation, and the NetworkPolicy admits the class's gateway pods (Higress defaults)", async () => {
        const config = valid(ingress({ ingressClassName: "higress" }), { dashboardPassword: PASSWORD });
        const objs = objects(await recordTeam(config, { password: PASSWORD }));
        const ing = find(objs, "Ingress", "c1-dashboard");
        assert.equal(ing.spec.ingressClassName, "higress");
        assert.deepEqual(Object.keys(ing.metadata.annotations).filter(isSnippetAnnotation), []);
        // Basic auth is a fallback the platform grants: the annotation explains the grant, the pack fails it without one.
        assert.equal(ing.metadata.annotations["ray-on-ack.io/policy-exceptions"], "ray-basic-auth-fallback,ray-ingress-authenticated");
        const fallback = evaluatePosture([asResource(ing)]).checks.find((c) => c.id === "ray-basic-auth-fallback")!;
        assert.equal(fallback.status, "fail");
        const np = find(objs, "NetworkPolicy", "c1-head-ingress");
        const rule = np.spec.ingress.find((r: any) => r.from[0].podSelector);
        assert.deepEqual(rule.from, [
            {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "higress-system" } },
                podSelector: { matchLabels: { app: "higress-gateway" } },
            },
        ]);
    });

    it("recognises snippet annotations under any prefix", () => {
        for (const key of [
            "nginx.ingress.kubernetes.io/configuration-snippet",
            "nginx.ingress.kubernetes.io/server-snippet",
            "nginx.ingress.kubernetes.io/auth-snippet",
            "nginx.ingress.kubernetes.io/stream-snippet",
            "higress.io/Server-Snippet",
            "nginx.org/server-snippets",
        ]) {
            assert.ok(isSnippetAnnotation(key), key);
        }
        for (const key of ["nginx.ingress.kubernetes.io/auth-type", "nginx.ingress.kubernetes.io/snippet-free", "snippets.example.com/x"]) {
            assert.ok(!isSnippetAnnotation(key), key);
        }
    });
});

describe("public dashboard: the renderer", function () {
    this.timeout(400_000);

    it("renders a bring-your-own ACL behind the HTTPS listener with a noted stand-in for its entries", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-exposure-"));
        try {
            fs.mkdirSync(path.join(dir, "stacks"));
            const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-b.yaml"), "utf8"));
            const exposure = stack.config["ray-on-ack:clusters"][0].exposure;
            delete exposure.aclEntries;
            exposure.aclId = "acl-bp1teamb";
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-b.yaml"), YAML.stringify(stack));
            // The platform registers the ACL to team-b (the tenancy registry).
            const pack = packConfigAs({}, dir, (p) => (p["ray-tenancy"].tenants["team-b"].clbAclIds = ["acl-bp1teamb"]));
            const r = runRender(["--stack", "team-b", "--stacks-dir", path.join(dir, "stacks"), "--policy-pack-config", pack]);
            assert.equal(r.status, 0, r.stderr);
            assert.match(
                r.stderr,
                /^note: ray-on-ack:clusters\[0\]\.exposure\.aclId: the renderer cannot read acl-bp1teamb; rendered as if it held 192\.0\.2\.0\/24, and its entries are checked at deploy time$/m,
            );
            const objs = manifests(r.out);
            const svc = objs.find((o) => o.kind === "Service" && o.metadata.name === "analytics-dashboard-public")!;
            assert.equal(svc.metadata.annotations[`${CLB}acl-id`], "acl-bp1teamb");
            const np = objs.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "analytics-head-ingress")!;
            assert.deepEqual(
                np.spec.ingress.filter((x: any) => x.from.some((f: any) => f.ipBlock)).map((x: any) => x.from),
                [[{ ipBlock: { cidr: "100.64.0.0/10" } }]],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 2 and writes nothing when team-b's internet dashboard is switched to the cleartext listener", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-exposure-"));
        try {
            fs.mkdirSync(path.join(dir, "stacks"));
            const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-b.yaml"), "utf8"));
            stack.config["ray-on-ack:clusters"][0].exposure.listener = "tcp";
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-b.yaml"), YAML.stringify(stack));
            // The platform registers the ACL to team-b (the tenancy registry).
            const pack = packConfigAs({}, dir, (p) => (p["ray-tenancy"].tenants["team-b"].clbAclIds = ["acl-bp1teamb"]));
            const r = runRender(["--stack", "team-b", "--stacks-dir", path.join(dir, "stacks"), "--policy-pack-config", pack]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(
                r.stderr,
                /^error: ray-on-ack:clusters\[0\]\.exposure\.listener: tcp carries the dashboard and the Ray token in cleartext/m,
            );
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

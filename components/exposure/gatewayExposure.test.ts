/**
 * Issue 14 section 3: the dashboard through the Gateway API. Only implementations this package
 * can make authenticate are accepted (Envoy Gateway: ACK's Gateway with Inference Extension);
 * the route is pinned to the Gateway's HTTPS listener, reaches only the dashboard, is the target
 * of a SecurityPolicy with default-deny CIDRs, and the NetworkPolicy admits the gateway's proxy pods
 * only. Issue 24: that policy signs people in with the platform's OpenID Connect provider (the
 * registry's `sso`), unless the exposure names a `username` (basic auth, a fallback the platform
 * grants). The pack fails a route without such a policy.
 */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { formatIssues, validateStackConfig } from "../config/validate";
import type { TeamConfig } from "../config/model";
import { envoyHtpasswdLine } from "./gatewayExposure";
import { gatewayRouteAuthenticated } from "../../policy/checks/gateway";
import { evaluatePosture } from "../../policy/posture";
import { asResource } from "../../test/helpers/policy";
import { find, objects, recordTeam } from "../../test/helpers/mockRun";
import { minimalTeam } from "../../test/helpers/configs";
import { SSO, basicAuthPolicy, blocking, grantFor, httpRoute, k8s, securityPolicy } from "../../test/fixtures/policy";
import { EMPTY_TENANCY, tenancySchema } from "@ray-on-ack/common/tenancy";
import { repoPlatform } from "../../test/helpers/configs";
import { ROOT, manifests, runRender, packConfigAs } from "../../test/helpers/render";

const PASSWORD = "Kq7#mVz2pL";
const SECRET_KEYS = ["ray-on-ack:dashboardPassword"];
const gateway = (fields: Record<string, unknown> = {}) => ({
    mode: "gateway",
    gatewayName: "shared",
    gatewayNamespace: "gateways",
    listenerName: "https",
    host: "ray.example.com",
    username: "ops",
    allowedSourceCidrs: ["203.0.113.0/24"],
    ...fields,
});
const withExposure = (exposure: Record<string, unknown>, extra: Record<string, unknown> = { dashboardPassword: PASSWORD }) =>
    minimalTeam({
        ...extra,
        clusters: [
            { name: "c1", exposure, workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 1 }] },
        ],
    });

function errors(exposure: Record<string, unknown>, extra?: Record<string, unknown>): string {
    const r = validateStackConfig(withExposure(exposure, extra), SECRET_KEYS);
    assert.ok(!r.ok, "expected a refusal");
    return formatIssues(r.issues);
}

function valid(exposure: Record<string, unknown>): TeamConfig {
    const r = validateStackConfig(withExposure(exposure), SECRET_KEYS);
    assert.ok(r.ok && r.value.kind === "team", JSON.stringify(!r.ok && r.issues));
    return r.value.config;
}

describe("gateway exposure: config", () => {
    it("accepts an Envoy Gateway exposure (the default implementation)", () => {
        const e = valid(gateway()).clusters[0].exposure;
        assert.equal(e.mode, "gateway");
        assert.equal(e.mode === "gateway" && e.implementation, "envoy-gateway");
    });

    it("refuses the ACK gateways it cannot make authenticate, by name and with the reason", () => {
        const key = "error: ray-on-ack:clusters[0].exposure.implementation:";
        assert.match(
            errors(gateway({ implementation: "alb" })),
            new RegExp(
                `^${key.replace(/[[\].]/g, "\\$&")} "alb" is refused: ALB's Gateway API support has no authentication policy resource .* \\(supported: envoy-gateway\\)$`,
            ),
        );
        assert.match(
            errors(gateway({ implementation: "higress" })),
            /"higress" is refused: Higress .*WasmPlugin.*use exposure\.mode ingress with ingressClassName higress/,
        );
        assert.match(
            errors(gateway({ implementation: "apig" })),
            /"apig" is refused: the Cloud-native API Gateway is managed outside the cluster/,
        );
        assert.match(errors(gateway({ implementation: "istio" })), /"istio" is refused: Alibaba Cloud Service Mesh/);
        assert.match(
            errors(gateway({ implementation: "traefik" })),
            /"traefik" is refused: not a Gateway API implementation this package knows how to make authenticate/,
        );
    });

    it("requires the password, the listener, source CIDRs (never any source) and non-empty proxy labels", () => {
        assert.match(
            errors(gateway(), {}),
            /error: ray-on-ack:dashboardPassword: is required \(as a secret: pulumi config set --secret dashboardPassword\) by clusters\[0\]\.exposure\.mode gateway/,
        );
        assert.match(errors(gateway({ listenerName: undefined })), /error: ray-on-ack:clusters\[0\]\.exposure\.listenerName: is required/);
        assert.match(
            errors(gateway({ allowedSourceCidrs: undefined })),
            /allowedSourceCidrs: is required: list the CIDRs that may reach the dashboard/,
        );
        assert.match(errors(gateway({ allowedSourceCidrs: ["0.0.0.0/0"] })), /allowedSourceCidrs/);
        assert.match(
            errors(gateway({ proxyPodLabels: {} })),
            /proxyPodLabels: must name at least one label: an empty selector selects every pod/,
        );
        assert.match(errors({ mode: "gatway" }), /mode must be one of private, loadbalancer, ingress, gateway/);
    });
});

describe("gateway exposure: the objects", () => {
    it("an HTTPRoute pinned to the HTTPS listener, to the dashboard port only; a SecurityPolicy with basic auth and default-deny CIDRs; the htpasswd Secret", async () => {
        const objs = objects(await recordTeam(valid(gateway()), { password: PASSWORD }));
        const route = find(objs, "HTTPRoute", "c1-dashboard");
        assert.equal(route.apiVersion, "gateway.networking.k8s.io/v1");
        assert.deepEqual(route.spec.parentRefs, [
            { group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared", namespace: "gateways", sectionName: "https" },
        ]);
        assert.deepEqual(route.spec.hostnames, ["ray.example.com"]);
        assert.deepEqual(route.spec.rules, [
            {
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: [{ group: "", kind: "Service", name: "c1-head-svc", port: 8265 }],
            },
        ]);
        const policy = find(objs, "SecurityPolicy", "c1-dashboard-auth");
        assert.equal(policy.apiVersion, "gateway.envoyproxy.io/v1alpha1");
        assert.deepEqual(policy.spec, {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "c1-dashboard" }],
            basicAuth: { users: { name: "c1-dashboard-basic-auth" } },
            authorization: {
                defaultAction: "Deny",
                rules: [{ name: "allowed-sources", action: "Allow", principal: { clientCIDRs: ["203.0.113.0/24"] } }],
            },
        });
        const secret = find(objs, "Secret", "c1-dashboard-basic-auth");
        const expected = `ops:{SHA}${createHash("sha1").update(PASSWORD).digest("base64")}`;
        assert.equal(secret.stringData[".htpasswd"], expected);
        assert.equal(
            envoyHtpasswdLine("u", "password"),
            "u:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
            "the {SHA} form Envoy's basic_auth filter reads",
        );
        assert.equal(
            objs.filter((o) => o.kind === "Ingress" || (o.kind === "Service" && o.spec?.type === "LoadBalancer")).length,
            0,
            "nothing else is exposed",
        );
    });

    it("the NetworkPolicy admits the gateway's proxy pods to 8265 only: Envoy Gateway's defaults for this Gateway, or the configured ones", async () => {
        const rule = async (fields: Record<string, unknown>) => {
            const np = find(objects(await recordTeam(valid(gateway(fields)), { password: PASSWORD })), "NetworkPolicy", "c1-head-ingress");
            return np.spec.ingress.find((r: any) => r.from[0].podSelector);
        };
        assert.deepEqual(await rule({}), {
            from: [
                {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
                    podSelector: {
                        matchLabels: {
                            "app.kubernetes.io/name": "envoy",
                            "gateway.envoyproxy.io/owning-gateway-name": "shared",
                            "gateway.envoyproxy.io/owning-gateway-namespace": "gateways",
                        },
                    },
                },
            ],
            ports: [{ protocol: "TCP", port: 8265 }],
        });
        const custom = await rule({ proxyNamespace: "ack-gateway", proxyPodLabels: { app: "envoy-shared" } });
        assert.deepEqual(custom.from, [
            {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ack-gateway" } },
                podSelector: { matchLabels: { app: "envoy-shared" } },
            },
        ]);
    });

    it("the objects pass the pack's ray-gateway-route-authenticated check", async () => {
        const objs = objects(await recordTeam(valid(gateway()), { password: PASSWORD }));
        const resources = objs.filter((o) => ["HTTPRoute", "SecurityPolicy"].includes(o.kind)).map(asResource);
        const report = evaluatePosture(resources);
        assert.equal(report.checks.find((c) => c.id === "ray-gateway-route-authenticated")!.status, "pass");
    });
});

/** The platform's registry for the test stack: team-x's namespace, addresses, host, listener and, unless left out, its SSO provider. */
function registry(sso: Record<string, unknown> | null = SSO, stack = "sso-test") {
    return tenancySchema.parse({
        tenants: {
            [stack]: {
                team: "team-x",
                namespace: "ray-team-x",
                podCidrs: ["10.30.0.0/24"],
                vSwitchIds: ["vsw-x1"],
                securityGroupIds: ["sg-x1"],
                hosts: ["ray.example.com", "other.example.com"],
                gatewayListeners: [{ gateway: "shared", namespace: "gateways", sectionName: "https" }],
                ...(sso ? { sso } : {}),
            },
        },
    });
}
const sso = (fields: Record<string, unknown> = {}) => gateway({ username: undefined, ...fields });
const checked = (exposure: Record<string, unknown>, tenancy = registry(), extra: Record<string, unknown> = {}) =>
    validateStackConfig(withExposure(exposure, extra), SECRET_KEYS, {
        stack: "sso-test",
        platform: { lists: repoPlatform().lists, tenancy },
    });

describe("gateway exposure: single sign-on (the default)", () => {
    it("takes no password: without username the platform's provider signs people in", () => {
        const r = checked(sso());
        assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
    });

    it("is refused for a stack with no provider registered, and on a host the client cannot redirect to", () => {
        const none = checked(sso(), registry(null));
        assert.ok(!none.ok);
        assert.equal(
            formatIssues(none.issues),
            "error: ray-on-ack:clusters[0].exposure.mode: stack sso-test has no OpenID Connect provider registered (tenancy registry: ray-tenancy.tenants.sso-test.sso); the platform team registers one, or grants the basic-auth fallback (ray-basic-auth-fallback)",
        );
        const elsewhere = checked(sso({ host: "other.example.com" }));
        assert.ok(!elsewhere.ok);
        assert.equal(
            formatIssues(elsewhere.issues),
            "error: ray-on-ack:clusters[0].exposure.host: host other.example.com is not a redirect host of stack sso-test's OAuth client ray-team-a (tenancy registry: ray-tenancy.tenants.sso-test.sso.redirectHosts: ray.example.com); the provider would refuse to send people back to it",
        );
        // The basic-auth fallback needs no provider (the pack judges its grant), but its password.
        assert.ok(checked(gateway(), registry(null), { dashboardPassword: PASSWORD }).ok);
    });

    it("renders oidc with the registry's provider, client, Secret and scopes, and authorization on its claims and the client CIDRs; no htpasswd Secret", async () => {
        // recordTeam's stack is "test": the registry entry is that stack's.
        const objs = objects(await recordTeam(valid(sso()), { tenancy: registry(SSO, "test") }));
        const policy = find(objs, "SecurityPolicy", "c1-dashboard-auth");
        // The policy fixture is what the package renders from the registry's entry (test/fixtures/policy.ts).
        assert.deepEqual(policy.spec, securityPolicy("c1-dashboard").props.spec);
        assert.deepEqual(policy.spec.oidc.clientSecret, { name: SSO.clientSecretName }, "the platform's Secret");
        assert.deepEqual(policy.spec.authorization.rules[0].principal.jwt.claims, SSO.claims);
        assert.equal(policy.metadata.annotations, undefined, "no exception to explain");
        assert.equal(
            objs.filter((o) => o.kind === "Secret" && /basic-auth|sso/.test(o.metadata.name)).length,
            0,
            "the client secret is the platform's",
        );
    });

    it("the rendered objects pass the pack: route authenticated, nothing for the basic-auth fallback, the tenancy registry's SSO", async () => {
        const objs = objects(await recordTeam(valid(sso()), { tenancy: registry(SSO, "test") }));
        const resources = objs.filter((o) => ["HTTPRoute", "SecurityPolicy"].includes(o.kind)).map((o) => asResource(o));
        const report = evaluatePosture(resources, {
            stack: "sso-test",
            policyPackConfig: { "ray-tenancy": { tenants: registry().tenants } },
        });
        const status = (id: string) => report.checks.find((c) => c.id === id)!.status;
        assert.deepEqual(["ray-gateway-route-authenticated", "ray-basic-auth-fallback", "ray-tenancy"].map(status), [
            "pass",
            "not-applicable",
            "pass",
        ]);
    });

    it("a team's stack file cannot name the provider, client, secret or claims, nor bring a registry of its own", () => {
        // Another issuer (the team's own), another team's client, a Secret of its choosing, wider claims: no such keys.
        for (const [key, value] of Object.entries({
            issuer: "https://idp.team-x.example/",
            clientId: "ray-team-b",
            clientSecretName: "mine",
            claims: [{ name: "email_verified", values: ["true"] }],
            sso: { issuer: "https://idp.team-x.example/" },
        })) {
            const r = checked(sso({ [key]: value }));
            assert.ok(!r.ok, key);
            assert.match(formatIssues(r.issues), new RegExp(`^error: ray-on-ack:clusters\\[0\\]\\.exposure\\.${key}: unknown key`), key);
        }
        // The registry is the platform's file: a stack key that tried to carry one is unknown too.
        const own = checked(sso(), registry(), { platformPolicy: { tenancy: { tenants: {} } }, tenancy: {} });
        assert.ok(!own.ok);
        assert.match(formatIssues(own.issues), /ray-on-ack:platformPolicy: unknown key/);
        assert.match(formatIssues(own.issues), /ray-on-ack:tenancy: unknown key/);
    });

    it("without a registry the component refuses an SSO exposure (library use: no provider to name)", async () => {
        await assert.rejects(
            recordTeam(valid(sso())),
            /sso: is required: clusters\.c1\.exposure signs people in with the platform's OpenID Connect provider/,
        );
        assert.deepEqual(EMPTY_TENANCY.tenants, {});
    });
});

describe("gateway exposure: the policy pack", () => {
    it("fails a route no authenticating SecurityPolicy targets, or one without default deny", () => {
        const route = httpRoute();
        assert.match(
            blocking(gatewayRouteAuthenticated, [route]).join("\n"),
            /HTTPRoute ray-a\/demo-dashboard: no SecurityPolicy \(gateway\.envoyproxy\.io\/v1alpha1\) in its namespace targets it/,
        );
        const other = securityPolicy("another-route");
        assert.equal(blocking(gatewayRouteAuthenticated, [route, other]).length, 1, "a policy on another route does not count");
        const noAuth = securityPolicy();
        delete noAuth.props.spec.oidc;
        assert.equal(
            blocking(gatewayRouteAuthenticated, [route, noAuth]).length,
            1,
            "a policy without a sign-in (jwt alone) does not count",
        );
        assert.deepEqual(blocking(gatewayRouteAuthenticated, [route, basicAuthPolicy()]), [], "the basic-auth fallback counts here");
        const allowAll = securityPolicy();
        delete allowAll.props.spec.authorization;
        assert.match(blocking(gatewayRouteAuthenticated, [route, allowAll]).join("\n"), /no authorization with defaultAction Deny/);
        assert.deepEqual(blocking(gatewayRouteAuthenticated, [route, securityPolicy()]), []);
    });

    it("fails a SecurityPolicy whose clientCIDRs are not canonical, whatever the grants", () => {
        const route = httpRoute();
        const policy = securityPolicy();
        policy.props.spec.authorization.rules[0].principal.clientCIDRs = ["203.0.113.0/24", "0203.0.113.0/24", "2001:DB8::/48"];
        assert.deepStrictEqual(blocking(gatewayRouteAuthenticated, [route, policy], { grants: [grantFor(policy)] }), [
            'SecurityPolicy ray-a/demo-dashboard-auth: spec.authorization.rules[0].principal.clientCIDRs[1]: "0203.0.113.0/24" is not four decimal octets without leading zeros: parsers disagree on what it means (010 reads as 8 in some, 10 in others, and is an error in Kubernetes)',
            'SecurityPolicy ray-a/demo-dashboard-auth: spec.authorization.rules[0].principal.clientCIDRs[2]: "2001:DB8::/48" is not in canonical form; write 2001:db8::/48',
        ]);
    });

    it("fails a route without sectionName", () => {
        const route = httpRoute();
        delete route.props.spec.parentRefs[0].sectionName;
        assert.match(
            blocking(gatewayRouteAuthenticated, [route, securityPolicy()]).join("\n"),
            /parentRefs\[0\]\.sectionName: is not set; .*plain HTTP included/,
        );
    });

    it("fails routes to GCS or Ray Client, and any GRPCRoute/TCPRoute, whatever the grants", () => {
        const route = httpRoute();
        route.props.spec.rules[0].backendRefs[0].port = 10001;
        const grants = { grants: [grantFor(route)] };
        assert.match(
            blocking(gatewayRouteAuthenticated, [route, securityPolicy()], grants).join("\n"),
            /backendRefs\[0\]\.port: is 10001; only the dashboard \(8265\) or Serve \(8000\) port may be routed/,
        );
        const tcp = k8s("kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute", {
            metadata: { name: "gcs", namespace: "ray-a" },
            spec: {},
        });
        assert.match(
            blocking(gatewayRouteAuthenticated, [tcp], { grants: [grantFor(tcp)] }).join("\n"),
            /a TCPRoute can carry Ray's GCS or Ray Client ports/,
        );
    });
});

describe("gateway exposure: the renderer", function () {
    this.timeout(300_000);

    it("renders team-a's basic-auth fallback: the pack fails it (exit 3) until the platform grants it, then lists it as an exception", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-gateway-"));
        try {
            const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
            stack.config["ray-on-ack:clusters"][0].exposure = gateway();
            // Rendering cannot decrypt secure: values; each becomes a placeholder secret.
            stack.config["ray-on-ack:dashboardPassword"] = { secure: "v1:placeholder" };
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-a.yaml"), YAML.stringify(stack));
            // The platform registers the host and the listener to team-a (the tenancy registry).
            const register = (p: Record<string, any>) => {
                const a = p["ray-tenancy"].tenants["team-a"];
                a.hosts = [...(a.hosts ?? []), "ray.example.com"];
                a.gatewayListeners = [...(a.gatewayListeners ?? []), { gateway: "shared", namespace: "gateways", sectionName: "https" }];
            };
            const render = (pack: string) =>
                runRender(["--stack", "team-a", "--stacks-dir", path.join(dir, "stacks"), "--policy-pack-config", pack]);
            const status = (out: string, id: string) =>
                JSON.parse(fs.readFileSync(path.join(out, "posture.json"), "utf8")).checks.find((c: any) => c.id === id).status;
            const refused = render(packConfigAs({}, dir, register));
            assert.equal(refused.status, 3, refused.stderr);
            const objs = manifests(refused.out);
            const route = objs.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "training-dashboard");
            assert.ok(route, "an HTTPRoute is rendered");
            const policy = objs.find((o) => o.kind === "SecurityPolicy" && o.spec.targetRefs[0].name === route.metadata.name)!;
            assert.ok(policy.spec.basicAuth, "the fallback's policy asks for the password");
            assert.equal(policy.metadata.annotations["ray-on-ack.io/policy-exceptions"], "ray-basic-auth-fallback");
            assert.equal(status(refused.out, "ray-gateway-route-authenticated"), "pass");
            assert.equal(status(refused.out, "ray-basic-auth-fallback"), "fail");
            const granted = render(
                packConfigAs({}, dir, (p) => {
                    register(p);
                    p["ray-basic-auth-fallback"] = {
                        grants: [
                            {
                                stack: "team-a",
                                kind: "SecurityPolicy",
                                namespace: "ray-team-a",
                                name: "training-dashboard-auth",
                                reason: "the provider cannot reach the office VPN's machines yet",
                            },
                        ],
                    };
                }),
            );
            assert.equal(granted.status, 0, granted.stderr);
            assert.equal(status(granted.out, "ray-basic-auth-fallback"), "exception");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

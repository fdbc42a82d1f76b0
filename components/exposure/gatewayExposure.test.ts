/**
 * Issue 14 section 3: the dashboard through the Gateway API. Only implementations this package
 * can make authenticate are accepted (Envoy Gateway: ACK's Gateway with Inference Extension);
 * the route is pinned to the Gateway's HTTPS listener, reaches only the dashboard, is the target
 * of a SecurityPolicy with basic auth and default-deny client CIDRs, and the NetworkPolicy admits
 * the gateway's proxy pods only. The pack fails a route without such a policy.
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
import { blocking, grantFor, httpRoute, k8s, securityPolicy } from "../../test/fixtures/policy";
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
        delete noAuth.props.spec.basicAuth;
        assert.equal(blocking(gatewayRouteAuthenticated, [route, noAuth]).length, 1, "a policy without authentication does not count");
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

    it("renders team-a with a gateway exposure: HTTPRoute and SecurityPolicy in manifests.yaml, the check passing in posture", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-gateway-"));
        try {
            const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
            stack.config["ray-on-ack:clusters"][0].exposure = gateway();
            // Rendering cannot decrypt secure: values; each becomes a placeholder secret.
            stack.config["ray-on-ack:dashboardPassword"] = { secure: "v1:placeholder" };
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-a.yaml"), YAML.stringify(stack));
            // The platform registers the host and the listener to team-a (the tenancy registry).
            const pack = packConfigAs({}, dir, (p) => {
                const a = p["ray-tenancy"].tenants["team-a"];
                a.hosts = [...(a.hosts ?? []), "ray.example.com"];
                a.gatewayListeners = [{ gateway: "shared", namespace: "gateways", sectionName: "https" }];
            });
            const r = runRender(["--stack", "team-a", "--stacks-dir", path.join(dir, "stacks"), "--policy-pack-config", pack]);
            assert.equal(r.status, 0, r.stderr);
            const objs = manifests(r.out);
            const route = objs.find((o) => o.kind === "HTTPRoute");
            assert.ok(route, "an HTTPRoute is rendered");
            assert.ok(objs.some((o) => o.kind === "SecurityPolicy" && o.spec.targetRefs[0].name === route.metadata.name));
            const posture = JSON.parse(fs.readFileSync(path.join(r.out, "posture.json"), "utf8"));
            assert.equal(posture.checks.find((c: any) => c.id === "ray-gateway-route-authenticated").status, "pass");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/**
 * HardenedRayService (issue 14, section 1): a Ray Serve deployment with the clusters' defaults,
 * a private Serve port that the dashboard's opt-ins can expose (and only that port), and
 * zero-downtime upgrades whose old cluster keeps its own certificates until the switch.
 */
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as tls from "tls";
import * as path from "path";
import * as fs from "fs";
import YAML from "yaml";
import { validateStackConfig } from "../config/validate";
import { rayServiceSchema, type RayServiceConfig } from "../config/model";
import { rayServiceSpec, serveConfigV2 } from "./rayService";
import { rayClusterSpec } from "./rayCluster";
import { networkPolicyObjects } from "../network/networkPolicies";
import { dashboardIngress, loadBalancerService, serveTarget } from "../exposure/exposure";
import { issuePki, certInfo, PKI_DEFAULTS, type PkiRequest } from "../providers/pki";
import { currentSlot, generationSecretSpecs } from "../tls/generations";
import { LABELS, RAY_PORTS, names } from "../core/naming";
import { minimalTeam, teamConfig, issueOn, refusedIssues } from "../../test/helpers/configs";
import { find, objects, recordTeam } from "../../test/helpers/mockRun";
import { manifests, renderedStack } from "../../test/helpers/render";
import { ajvErrors, KUBERAY_CRDS, kubeRayValidators, requireSharedData } from "../../test/helpers/schemas";
import type { RecordedResource } from "../../render/mockRuntime";

const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 1 };
const APP = { name: "echo", import_path: "serve_app.echo:app", route_prefix: "/echo" };

function serviceConfig(overrides: Record<string, unknown> = {}): RayServiceConfig {
    return rayServiceSchema.parse({ name: "svc", workerGroups: [GROUP], serveConfig: { applications: [APP] }, ...overrides });
}

const issues = refusedIssues;

const withService = (service: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    minimalTeam({ services: [{ name: "svc", workerGroups: [GROUP], serveConfig: { applications: [APP] }, ...service }], ...extra });

const NETWORK = {
    apiServerCidrs: [],
    apiServerPort: 6443,
    allowedNamespaces: ["ml-clients"],
    operatorNamespace: "kuberay-system",
    dnsNamespace: "kube-system",
    dnsPodLabels: { "k8s-app": "kube-dns" },
    egress: [],
};

const LB_EXPOSURE = {
    mode: "loadbalancer" as const,
    addressType: "internet" as const,
    listener: "https" as const,
    certId: "1234-cn-hangzhou",
    aclEntries: [{ cidr: "203.0.113.0/27" }],
};
const INGRESS_EXPOSURE = {
    mode: "ingress" as const,
    host: "serve.example.com",
    ingressClassName: "nginx",
    tlsSecretName: "serve-tls",
    username: "alice",
    allowedSourceCidrs: ["203.0.113.0/27"],
};

describe("RayService: config", () => {
    it("takes a services list with Serve's own field names, beside clusters and jobs", () => {
        const r = validateStackConfig(
            withService({ serveConfig: { applications: [{ ...APP, deployments: [{ name: "Echo", num_replicas: 2 }] }] } }),
        );
        assert.ok(r.ok && r.value.kind === "team", JSON.stringify(r));
        const s = r.value.config.services[0];
        assert.equal(s.serveConfig.applications[0].import_path, "serve_app.echo:app");
        assert.equal(s.serveConfig.applications[0].deployments[0].num_replicas, 2);
        assert.equal(s.exposure.mode, "private", "the Serve port is private by default");
    });

    it("refuses runtime_env downloads and reserved env_vars, naming the key", () => {
        const pip = issues(withService({ serveConfig: { applications: [{ ...APP, runtime_env: { pip: ["torch"] } }] } }));
        assert.match(issueOn(pip, "ray-on-ack:services[0].serveConfig.applications[0].runtime_env.pip"), /installs code from the network/);
        const env = issues(withService({ serveConfig: { applications: [{ ...APP, runtime_env: { env_vars: { RAY_USE_TLS: "0" } } }] } }));
        assert.ok(issueOn(env, "ray-on-ack:services[0].serveConfig.applications[0].runtime_env.env_vars.RAY_USE_TLS"));
    });

    it("refuses a bad import path and a route two applications share, echoing the value", () => {
        const bad = issues(withService({ serveConfig: { applications: [{ ...APP, import_path: "echo app" }] } }));
        const m = issueOn(bad, "ray-on-ack:services[0].serveConfig.applications[0].import_path");
        assert.match(m, /Python import path/);
        assert.match(m, /"echo app"/);
        const twice = issues(withService({ serveConfig: { applications: [APP, { ...APP, name: "echo2" }] } }));
        assert.match(
            issueOn(twice, "ray-on-ack:services[0].serveConfig.applications[1].route_prefix"),
            /already the route of applications\[0\]/,
        );
    });

    it("refuses a service named like a cluster (shared Secret and ServiceAccount names)", () => {
        const list = issues(withService({ name: "c1" }));
        assert.match(issueOn(list, "ray-on-ack:services[0].name"), /already a RayCluster or RayJob name/);
    });

    it("refuses a Gateway API exposure of the Serve port (its route builders target a dashboard)", () => {
        const gateway = {
            mode: "gateway",
            gatewayName: "shared",
            gatewayNamespace: "gateways",
            listenerName: "https",
            host: "serve.example.com",
            username: "ops",
            allowedSourceCidrs: ["203.0.113.0/24"],
        };
        const r = validateStackConfig(withService({ exposure: gateway }, { dashboardPassword: "Kq7#mVz2pL" }), [
            "ray-on-ack:dashboardPassword",
        ]);
        assert.equal(r.ok, false);
        assert.match(
            issueOn(r.ok ? [] : r.issues, "ray-on-ack:services[0].exposure.mode"),
            /gateway is not supported for a RayService's Serve port/,
        );
    });

    it("needs the ingress password for a service exposed through an Ingress", () => {
        const list = issues(withService({ exposure: INGRESS_EXPOSURE }));
        assert.match(issueOn(list, "ray-on-ack:dashboardPassword"), /services\[0\]\.exposure\.mode ingress/);
    });
});

describe("RayService: spec builder", () => {
    const input = {
        team: "team-x",
        namespace: "ray-team-x",
        image: "docker.io/rayproject/ray:2.60.0",
        tlsFingerprint: "fp",
        tokenFingerprint: "tk",
        kubeRayVersion: "1.6.2",
    };

    it("embeds the RayCluster builder's spec: the same hardened pods, plus Serve's port and the slot's Secrets", () => {
        const service = serviceConfig();
        const spec = rayServiceSpec({ ...input, service, tlsSecretNames: { head: "svc-ray-tls-head-1", worker: "svc-ray-tls-worker-1" } });
        const asCluster = rayClusterSpec({ ...input, kind: "RayCluster", cluster: service }) as any;
        const head = (spec.rayClusterConfig as any).headGroupSpec.template.spec;
        const clusterHead = asCluster.headGroupSpec.template.spec;
        assert.deepEqual(head.securityContext, clusterHead.securityContext);
        assert.deepEqual(head.containers[0].securityContext, clusterHead.containers[0].securityContext);
        assert.deepEqual(head.containers[0].env, clusterHead.containers[0].env);
        assert.deepEqual((spec.rayClusterConfig as any).authOptions, { mode: "token", secretName: names.tokenSecret("svc") });
        assert.ok(head.containers[0].ports.some((p: any) => p.name === "serve" && p.containerPort === 8000));
        assert.equal(head.volumes.find((v: any) => v.name === "ray-tls").secret.secretName, "svc-ray-tls-head-1");
        const worker = (spec.rayClusterConfig as any).workerGroupSpecs[0].template.spec;
        assert.equal(worker.volumes.find((v: any) => v.name === "ray-tls").secret.secretName, "svc-ray-tls-worker-1");
        assert.equal((spec.rayClusterConfig as any).upgradeStrategy, undefined, "a RayService replaces its cluster itself");
        assert.deepEqual(spec.upgradeStrategy, { type: "NewCluster" });
    });

    it("states KubeRay's serve Service: ClusterIP, port 8000 only", () => {
        const spec = rayServiceSpec({ ...input, service: serviceConfig() }) as any;
        assert.equal(spec.serveService.spec.type, "ClusterIP");
        assert.deepEqual(
            spec.serveService.spec.ports.map((p: any) => p.port),
            [RAY_PORTS.serve],
        );
    });

    it("writes serveConfigV2 with our HTTP options, whatever the applications say", () => {
        const cfg = YAML.parse(serveConfigV2(serviceConfig().serveConfig));
        assert.deepEqual(cfg.http_options, { host: "0.0.0.0", port: 8000 });
        assert.equal(cfg.applications[0].import_path, "serve_app.echo:app");
        assert.equal(cfg.applications[0].route_prefix, "/echo");
    });

    it('quotes what KubeRay and Serve (YAML 1.1) would read as booleans: an env var "no" reaches Ray as the string', () => {
        const base = serviceConfig().serveConfig;
        const env_vars = { VERBOSE: "no", CACHE: "on", MODE: "yes", TIME: "1:20" };
        const config = { ...base, applications: [{ ...base.applications[0], runtime_env: { env_vars } }] };
        const text = serveConfigV2(config);
        assert.deepEqual(YAML.parse(text, { version: "1.1" }).applications[0].runtime_env.env_vars, env_vars, text);
    });
});

describe("RayService: the Serve port is private unless exposed, and an exposure publishes 8000 only", () => {
    const base = { team: "team-x", namespace: "ray-team-x", network: NETWORK };
    const flows = (exposure: any) =>
        networkPolicyObjects({ ...base, clusters: [{ name: "svc", kind: "RayService", autoscaling: false, exposure }] });
    const policyNamed = (objs: any[], name: string) => objs.find((o) => o.metadata.name === name);
    const portsOf = (rules: any[]) => rules.flatMap((r: any) => (r.ports ?? []).map((p: any) => p.port));

    it("admits 8000 from the team's pods and the allowed namespaces only, when private", () => {
        const objs = flows({ mode: "private" });
        const serve = policyNamed(objs, "svc-serve-ingress");
        assert.deepEqual(serve.spec.podSelector, {
            matchLabels: { [LABELS.cluster]: "svc" },
            matchExpressions: [{ key: LABELS.role, operator: "In", values: ["head", "worker"] }],
        });
        assert.deepEqual(portsOf(serve.spec.ingress), [8000]);
        assert.deepEqual(serve.spec.ingress[0].from, [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ml-clients" } } },
        ]);
        // The operator probes the head's Serve proxy (`/-/healthz` on 8000) before it labels it serving.
        const head = policyNamed(objs, "svc-head-ingress");
        const fromOperator = head.spec.ingress.filter((r: any) => JSON.stringify(r.from).includes("kuberay-system"));
        assert.deepEqual(portsOf(fromOperator).sort(), [8000, 8265]);
        // The pods of every generation (KubeRay's `ray.io/cluster` is random) by our label.
        assert.deepEqual(policyNamed(objs, "svc-ray-internal").spec.podSelector, serve.spec.podSelector);
    });

    it("admits the CLB or the ingress controller to 8000, never to the dashboard", () => {
        for (const exposure of [LB_EXPOSURE, INGRESS_EXPOSURE]) {
            const objs = flows(exposure);
            const serve = policyNamed(objs, "svc-serve-ingress");
            assert.ok(serve.spec.ingress[0].from.length > 2, `${exposure.mode}: the exposure's source is admitted to 8000`);
            const head = policyNamed(objs, "svc-head-ingress");
            const sources = JSON.stringify(head.spec.ingress.map((r: any) => r.from));
            assert.doesNotMatch(
                sources,
                /100\.64\.0\.0\/10|kube-system/,
                `${exposure.mode}: nothing from the exposure reaches the head's 8265/10001`,
            );
        }
    });

    it("a load-balancer exposure has exactly one port, 8000, behind it", () => {
        const svc = loadBalancerService(
            { team: "team-x", namespace: "ray-team-x", cluster: "svc" },
            LB_EXPOSURE,
            "acl-1",
            serveTarget("svc"),
        ) as any;
        assert.equal(svc.spec.type, "LoadBalancer");
        assert.deepEqual(
            svc.spec.ports.map((p: any) => p.targetPort),
            [RAY_PORTS.serve],
        );
        assert.equal(svc.spec.selector[LABELS.cluster], "svc");
        assert.equal(svc.metadata.name, names.servePublicService("svc"));
        for (const port of [RAY_PORTS.dashboard, RAY_PORTS.gcs, RAY_PORTS.client]) {
            assert.ok(!JSON.stringify(svc.spec.ports).includes(String(port)), `port ${port} is not behind the CLB`);
        }
    });

    it("an ingress exposure routes to KubeRay's serve Service on 8000 only", () => {
        const ing = dashboardIngress(
            { team: "team-x", namespace: "ray-team-x", cluster: "svc" },
            INGRESS_EXPOSURE,
            serveTarget("svc"),
        ) as any;
        const backends = ing.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service));
        assert.deepEqual(backends, [{ name: names.serveService("svc"), port: { number: 8000 } }]);
        assert.equal(ing.metadata.annotations["nginx.ingress.kubernetes.io/auth-type"], "basic");
    });

    it("TeamEnvironment exposes the Serve port (and only it) with the dashboard's opt-in", async () => {
        const r = validateStackConfig(withService({ exposure: LB_EXPOSURE }));
        assert.ok(r.ok && r.value.kind === "team");
        const objs = objects(await recordTeam(r.value.config));
        const lbs = objs.filter((o) => o.kind === "Service" && o.spec?.type === "LoadBalancer");
        assert.deepEqual(
            lbs.map((o) => o.metadata.name),
            [names.servePublicService("svc")],
        );
        assert.deepEqual(
            lbs[0].spec.ports.map((p: any) => p.targetPort),
            [8000],
        );
        assert.equal(find(objs, "ResourceQuota", "team-x-quota").spec.hard["services.loadbalancers"], "1");
    });
});

describe("RayService: certificates across a zero-downtime upgrade", () => {
    const req: PkiRequest = {
        team: "team-x",
        namespace: "ray-team-x",
        podCidrs: ["10.30.0.0/28"],
        cluster: "svc",
        clients: [],
        ...PKI_DEFAULTS,
        workload: "RayService",
    };
    const legacy = (pem: string) => new crypto.X509Certificate(pem).toLegacyObject() as unknown as tls.PeerCertificate;

    it("the head certificate covers any head Service KubeRay names in the namespace, and no other namespace", async () => {
        const s = await issuePki(req);
        const head = legacy(s.head.certPem);
        // KubeRay's workers dial `<service>-<random>-head-svc.<namespace>.svc.cluster.local`.
        assert.equal(tls.checkServerIdentity("svc-x7k2p-head-svc.ray-team-x.svc.cluster.local", head), undefined);
        assert.equal(tls.checkServerIdentity("svc-q9w8e-head-svc.ray-team-x.svc", head), undefined);
        assert.ok(tls.checkServerIdentity("svc-x7k2p-head-svc.ray-team-y.svc.cluster.local", head), "another namespace is not covered");
        assert.ok(certInfo(s.head.certPem).ipSans.includes("10.30.0.5"), "the team's pod addresses are IP SANs");
        // A RayCluster's certificate keeps its exact names.
        const cluster = await issuePki({ ...req, workload: undefined, cluster: "c1" });
        assert.ok(tls.checkServerIdentity("c1-x7k2p-head-svc.ray-team-x.svc.cluster.local", legacy(cluster.head.certPem)));
    });

    it("a rotation writes the new pair to the other slot and keeps the old cluster's Secret byte for byte", async () => {
        const labels = { team: "x" };
        const g0 = await issuePki(req);
        const s0 = generationSecretSpecs("ray-team-x", "svc", g0, labels);
        assert.equal(currentSlot(g0), 0);
        const g1 = await issuePki({ ...req, rotation: 1 }, g0);
        assert.equal(g1.generation, 1);
        const s1 = generationSecretSpecs("ray-team-x", "svc", g1, labels);
        assert.equal(currentSlot(g1), 1, "the pending cluster mounts slot 1");
        assert.deepEqual(s1[0], s0[0], "slot 0, which the old cluster mounts, is unchanged");
        assert.notDeepEqual(s1[1].head.data, s0[1].head.data, "slot 1 holds the new pair");
        // A CA rotation: the old cluster's ca.crt still has only the CA its running processes trust.
        const g2 = await issuePki({ ...req, rotation: 1, caRotation: 1 }, g1);
        const s2 = generationSecretSpecs("ray-team-x", "svc", g2, labels);
        assert.equal(currentSlot(g2), 0);
        assert.deepEqual(s2[1], s1[1], "slot 1 (now the old cluster's) is unchanged");
        assert.notEqual(s2[0].head.data["ca.crt"], s1[1].head.data["ca.crt"]);
        // Nothing re-issued: no slot changes, no generation.
        const same = await issuePki({ ...req, rotation: 1, caRotation: 1 }, g2);
        assert.equal(same.generation, 2);
        assert.deepEqual(generationSecretSpecs("ray-team-x", "svc", same, labels), s2);
    });

    it("TeamEnvironment registers both slots and points the RayService at the current one", async () => {
        const resources: RecordedResource[] = await recordTeam(teamConfig("team-b"));
        const objs = objects(resources);
        for (const slot of [0, 1]) {
            for (const role of ["head", "worker"] as const) {
                find(objs, "Secret", names.tlsSlotSecret("sentiment", role, slot));
            }
        }
        const rs = find(objs, "RayService", "sentiment");
        assert.equal(
            rs.spec.rayClusterConfig.headGroupSpec.template.spec.volumes.find((v: any) => v.name === "ray-tls").secret.secretName,
            "sentiment-ray-tls-head-0",
        );
        const component = resources.find((r) => r.type === "ray-on-ack:ray:HardenedRayService");
        assert.ok(component, "a HardenedRayService component");
        const pki = resources.find(
            (r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.state.secretState?.request?.cluster === "sentiment",
        );
        assert.equal(pki?.state.secretState.request.workload, "RayService");
    });
});

describe("RayService: team-b's render", function () {
    before(function () {
        requireSharedData(this, path.join(KUBERAY_CRDS, "v1.7.0", "ray.io_rayservices.yaml"));
    });

    it("renders the RayService, valid against the KubeRay v1.6.2 and v1.7.0 CRDs (strict)", () => {
        const rs = manifests(renderedStack("team-b").out).filter((o) => o.kind === "RayService");
        assert.equal(rs.length, 1);
        for (const version of ["v1.6.2", "v1.7.0"]) {
            const v = kubeRayValidators(version).RayService;
            assert.ok(v, `a RayService validator for ${version}`);
            assert.ok(v(rs[0]), `${version}: ${ajvErrors(v)}`);
            const broken = structuredClone(rs[0]);
            broken.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].securityContex = {};
            assert.equal(v(broken), false, `${version}: the strict check catches a misspelt field`);
        }
    });

    it("passes Pod Security restricted and the pack's checks, and the posture report lists it", () => {
        const out = renderedStack("team-b").out;
        const posture = JSON.parse(fs.readFileSync(path.join(out, "posture.json"), "utf8"));
        const check = (id: string) => posture.checks.find((c: any) => c.id === id);
        for (const id of [
            "ray-pod-security-restricted",
            "ray-tls-required",
            "ray-token-auth-required",
            "ray-dedicated-service-account",
            "ray-readonly-root-filesystem",
        ]) {
            assert.equal(check(id).status, "pass", `${id}: ${JSON.stringify(check(id).offending)}`);
        }
        assert.ok(posture.workloads.includes("RayService ray-team-b/sentiment"), JSON.stringify(posture.workloads));
        assert.match(fs.readFileSync(path.join(out, "posture.md"), "utf8"), /- RayService ray-team-b\/sentiment/);
        const outputs = JSON.parse(fs.readFileSync(path.join(out, "outputs.json"), "utf8"));
        assert.equal(outputs.services.sentiment.serveAddress, "http://sentiment-serve-svc.ray-team-b.svc.cluster.local:8000");
        assert.match(outputs.services.sentiment.servePortForward, /--address 127\.0\.0\.1 svc\/sentiment-serve-svc \d+:8000$/);
        assert.match(outputs.services.sentiment.caCertificate, /BEGIN CERTIFICATE/);
    });
});

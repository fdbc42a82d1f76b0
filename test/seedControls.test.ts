/**
 * One test per item of the seed checklist (../shared/seed), each on what TeamEnvironment
 * registers for the example stack team-a (and team-b for RayJobs).
 */
import { strict as assert } from "assert";
import { ANNOTATIONS, LABELS, RAY_PORTS } from "../components/core/naming";
import { parseQuantity } from "../components/core/quantities";
import type { RecordedResource } from "../render/mockRuntime";
import { teamConfig } from "./helpers/configs";
import { noAccessKeys } from "../policy/checks/accessKeys";
import { resolvePackConfig } from "../policy/config";
import { allContainers, find, objects, podTemplates, recordTeam } from "./helpers/mockRun";
import { asResource, resourceFindings } from "./helpers/policy";

async function renderTeam(stack: string): Promise<RecordedResource[]> {
    return recordTeam(teamConfig(stack));
}

describe("seed checklist controls (team-a, team-b under mocks)", function () {
    let a: Record<string, any>[];
    let b: Record<string, any>[];
    let aResources: RecordedResource[];
    before(async () => {
        aResources = await renderTeam("team-a");
        a = objects(aResources);
        b = objects(await renderTeam("team-b"));
    });

    /** The head container's image of the cluster spec an autoscalerOptions path belongs to. */
    const headImage = (o: Record<string, any>, autoscalerPath: string): string => {
        const clusterSpec = autoscalerPath
            .split(".")
            .slice(0, -1)
            .reduce((at: any, key) => at[key], o);
        return clusterSpec.headGroupSpec.template.spec.containers[0].image;
    };

    it("1.1 TLS: every Ray container has RAY_USE_TLS and the certificate Secrets mounted, no init container", () => {
        const rc = find(a, "RayCluster", "training");
        for (const { template } of podTemplates(rc)) {
            const env = Object.fromEntries(template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
            assert.equal(env.RAY_USE_TLS, "1");
            assert.equal(env.RAY_TLS_CA_CERT, "/etc/ray/tls/ca.crt");
            assert.equal(template.spec.initContainers, undefined);
            assert.match(template.metadata.annotations[ANNOTATIONS.tlsFingerprint], /^[0-9a-f]{64}$/);
        }
        const secretNames = a.filter((o) => o.kind === "Secret").map((o) => o.metadata.name);
        assert.ok(secretNames.includes("training-ray-tls-head") && secretNames.includes("training-ray-tls-worker"));
        for (const s of a.filter((o) => o.kind === "Secret" && o.metadata.name.includes("-ray-tls-"))) {
            assert.deepEqual(Object.keys(s.data ?? s.stringData).sort(), ["ca.crt", "tls.crt", "tls.key"]);
        }
        const autoscalerEnv = rc.spec.autoscalerOptions.env.map((e: any) => e.name);
        assert.ok(autoscalerEnv.includes("RAY_USE_TLS"));
    });

    it("1.2-1.6 exposure: ClusterIP head Service, no ingress, token auth, port-forward on loopback", async () => {
        for (const rc of a.filter((o) => o.kind === "RayCluster")) {
            assert.equal(rc.spec.headGroupSpec.serviceType, "ClusterIP");
            assert.equal(rc.spec.headGroupSpec.enableIngress, false);
            // notebooks: each person's own Kubernetes token (personal identity), no shared one
            const auth =
                rc.metadata.name === "notebooks"
                    ? { mode: "token", enableK8sTokenAuth: true }
                    : { mode: "token", secretName: `${rc.metadata.name}-ray-token` };
            assert.deepEqual(rc.spec.authOptions, auth);
        }
        assert.ok(!a.some((o) => o.kind === "Service" || o.kind === "Ingress"));
        const rj = find(b, "RayJob", "nightly-etl");
        assert.equal(rj.spec.rayClusterSpec.headGroupSpec.serviceType, "ClusterIP");
        assert.equal(rj.spec.submissionMode, "K8sJobMode");
        const token = aResources.find((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.state.token);
        assert.match(token!.state.token, /^[0-9a-f]{64}$/, "a 32-byte random token");
    });

    it("1.4 NetworkPolicy: default deny both ways, intra-cluster TCP, DNS, API server only for autoscaling", () => {
        const deny = find(a, "NetworkPolicy", "default-deny-all");
        assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
        const internal = find(a, "NetworkPolicy", "training-ray-internal");
        assert.deepEqual(internal.spec.podSelector, { matchLabels: { "ray.io/cluster": "training" } });
        assert.deepEqual(
            internal.spec.ingress[0].from[0].podSelector,
            internal.spec.podSelector,
            "workers talk to workers, not only to the head",
        );
        assert.deepEqual(internal.spec.egress[0].to[0].podSelector, internal.spec.podSelector);
        const dns = find(a, "NetworkPolicy", "allow-dns");
        assert.deepEqual(
            dns.spec.egress[0].ports.map((p: any) => `${p.protocol}/${p.port}`),
            ["UDP/53", "TCP/53"],
        );
        const api = find(a, "NetworkPolicy", "training-head-apiserver");
        assert.deepEqual(api.spec.egress[0].to, [{ ipBlock: { cidr: "192.168.0.10/32" } }]);
        assert.ok(
            !a.some((o) => o.kind === "NetworkPolicy" && o.metadata.name === "notebooks-head-apiserver"),
            "no API access without autoscaling",
        );
        const head = find(a, "NetworkPolicy", "training-head-ingress");
        const ports = head.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port));
        assert.ok(
            ports.every((p: number) => ([RAY_PORTS.dashboard, RAY_PORTS.client] as number[]).includes(p)),
            "only 8265/10001 from outside",
        );
        const submitter = find(b, "NetworkPolicy", "nightly-etl-submitter-egress");
        assert.deepEqual(submitter.spec.egress[0].ports, [{ protocol: "TCP", port: 8265 }]);
    });

    it("2 namespace: one per team, PSA restricted enforce/audit/warn", () => {
        const ns = find(a, "Namespace", "ray-team-a");
        for (const mode of ["enforce", "audit", "warn"]) {
            assert.equal(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], "restricted");
        }
        assert.ok(a.filter((o) => o.metadata.namespace).every((o) => o.metadata.namespace === "ray-team-a"));
    });

    it("3 quota: ResourceQuota for CPU, memory, GPU, pods, no load balancers or node ports; LimitRange defaults", () => {
        const q = find(a, "ResourceQuota", "team-a-quota").spec.hard;
        assert.equal(q["requests.cpu"], "96");
        assert.equal(q["limits.memory"], "384Gi");
        assert.equal(q["requests.nvidia.com/gpu"], "4");
        assert.equal(q["services.loadbalancers"], "0");
        assert.equal(q["services.nodeports"], "0");
        const lr = find(a, "LimitRange", "team-a-limits").spec.limits[0];
        assert.ok(lr.default.cpu && lr.defaultRequest.memory);
    });

    it("4 RBAC: no automounted tokens; autoscaler Role KubeRay's, held to its own RayCluster; people Role without exec or other Secrets", () => {
        const sas = a.filter((o) => o.kind === "ServiceAccount");
        assert.equal(sas.length, 4);
        assert.ok(sas.every((s) => s.automountServiceAccountToken === false));
        const role = find(a, "Role", "training");
        assert.deepEqual(
            role.rules.map((r: any) => `${r.apiGroups[0]}/${r.resources[0]}:${r.verbs.join(",")}`),
            ["/pods:get,list,watch,patch", "/pods/resize:patch", "ray.io/rayclusters:get,patch"],
        );
        assert.deepEqual(role.rules[2].resourceNames, ["training"], "the autoscaler reads and patches its own RayCluster only");
        const binding = find(a, "RoleBinding", "training");
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "training-ray-head", namespace: "ray-team-a" }]);
        const rc = find(a, "RayCluster", "training");
        assert.equal(rc.spec.headGroupSpec.template.spec.serviceAccountName, "training-ray-head");
        assert.equal(rc.spec.headGroupSpec.template.spec.automountServiceAccountToken, false);
        const tokenMount = rc.spec.autoscalerOptions.volumeMounts.find(
            (m: any) => m.mountPath === "/var/run/secrets/kubernetes.io/serviceaccount",
        );
        assert.ok(tokenMount, "the autoscaler alone gets a projected token");
        assert.ok(!rc.spec.headGroupSpec.template.spec.containers[0].volumeMounts.some((m: any) => m.name === tokenMount.name));
        const people = find(a, "Role", "team-a-ray-users");
        const flat = people.rules.flatMap((r: any) => r.resources);
        assert.ok(!flat.includes("pods/exec") && !flat.includes("pods/attach"));
        const secrets = people.rules.find((r: any) => r.resources.includes("secrets"));
        assert.deepEqual(secrets.resourceNames, ["training-ray-token"], "notebooks (personal identity) has no token to read");
        assert.deepEqual(secrets.verbs, ["get"]);
    });

    it("5 securityContext: non-root, no escalation, drop ALL, RuntimeDefault, read-only root, writable emptyDirs", () => {
        const containers = allContainers([...a, ...b]);
        assert.ok(containers.length >= 6);
        for (const { path, c, o } of containers) {
            const sc = c.securityContext;
            const where = `${o.metadata.name} ${path} ${c.name}`;
            assert.equal(sc.allowPrivilegeEscalation, false, where);
            assert.equal(sc.readOnlyRootFilesystem, true, where);
            assert.deepEqual(sc.capabilities, { drop: ["ALL"] }, where);
            assert.equal(sc.runAsNonRoot, true, where);
            assert.equal(sc.seccompProfile.type, "RuntimeDefault", where);
        }
        const head = find(a, "RayCluster", "training").spec.headGroupSpec.template.spec;
        assert.equal(head.securityContext.runAsUser, 1000);
        assert.equal(head.securityContext.runAsGroup, 100);
        assert.equal(head.hostNetwork, false);
        const mounts = head.containers[0].volumeMounts.map((m: any) => m.mountPath);
        for (const dir of ["/tmp/ray", "/tmp", "/dev/shm"]) assert.ok(mounts.includes(dir), dir);
        const shm = head.volumes.find((v: any) => v.name === "dshm");
        assert.equal(shm.emptyDir.medium, "Memory");
        const store = Number(find(a, "RayCluster", "training").spec.headGroupSpec.rayStartParams["object-store-memory"]);
        assert.ok(parseQuantity(shm.emptyDir.sizeLimit)! >= store, "the object store fits the bounded /dev/shm");
        assert.ok(!head.volumes.some((v: any) => v.hostPath));
    });

    it("6 images: allowlisted registry, pinned version, never latest", () => {
        for (const { c, path, o } of allContainers([...a, ...b])) {
            // KubeRay runs the autoscaler in the head's image unless autoscalerOptions names one.
            const image = c.image ?? (path.endsWith(".autoscalerOptions") ? headImage(o, path) : undefined);
            assert.match(image, /^docker\.io\/rayproject\/ray:2\.60\.0/, `${o.metadata.name} ${path}`);
        }
        const rc = find(a, "RayCluster", "training");
        assert.equal(rc.spec.rayVersion, "2.60.0");
    });

    it("7 requests/limits on every container, the autoscaler and the submitter included", () => {
        for (const { c, path } of allContainers([...a, ...b])) {
            for (const k of ["cpu", "memory"]) {
                assert.ok(c.resources.requests[k] && c.resources.limits[k], `${path} ${c.name} ${k}`);
            }
        }
        const auto = find(a, "RayCluster", "training").spec.autoscalerOptions.resources;
        assert.deepEqual(auto, { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
        const gpu = find(a, "RayCluster", "training").spec.workerGroupSpecs[1].template.spec.containers[0].resources;
        assert.equal(gpu.limits["nvidia.com/gpu"], "1");
    });

    it("8 RRSA: credentials come from the pod identity webhook; an access key planted in any container is caught", () => {
        // The stack file cannot carry access keys (config validation refuses them, see
        // threats.test.ts), so scanning the render for them could never fail. What can fail:
        // the RRSA wiring that replaces keys, and the pack's independent check on what it is shown.
        assert.equal(find(b, "Namespace", "ray-team-b").metadata.labels["pod-identity.alibabacloud.com/injection"], "on");
        const raySas = b.filter((o) => o.kind === "ServiceAccount" && /-ray-(head|worker)$/.test(o.metadata.name));
        assert.ok(raySas.length >= 2, raySas.map((o) => o.metadata.name).join(", "));
        for (const sa of raySas) {
            assert.ok(sa.metadata.annotations?.["pod-identity.alibabacloud.com/role-name"], `${sa.metadata.name} names its RAM role`);
        }
        const config = resolvePackConfig({});
        const rays = [...a, ...b].filter((o) => o.kind === "RayCluster" || o.kind === "RayJob");
        for (const o of rays) assert.deepEqual(resourceFindings(noAccessKeys, asResource(o), config), [], o.metadata.name);
        // Every container the walker reaches (the autoscaler sidecar and the submitter included) is covered.
        const containers = allContainers(rays);
        for (const { path, o } of containers) {
            const planted = structuredClone(o);
            const at = path
                .split(/\.|\[|\]\.?/)
                .filter(Boolean)
                .reduce((x: any, k) => x[k], planted);
            at.env = [...(at.env ?? []), { name: "ALIBABA_CLOUD_ACCESS_KEY_ID", value: "LTAI5tExampleExample12" }];
            const found = resourceFindings(noAccessKeys, asResource(planted), config)
                .map((f) => f.message)
                .join("\n");
            assert.match(found, /ALIBABA_CLOUD_ACCESS_KEY_ID|access key/i, `${o.metadata.name} ${path}`);
        }
    });

    it("9 one job one cluster: RayJob shuts its cluster down, bounded, own identity and certificates", () => {
        const rj = find(b, "RayJob", "nightly-etl");
        assert.equal(rj.spec.shutdownAfterJobFinishes, true);
        assert.equal(rj.spec.ttlSecondsAfterFinished, 600);
        assert.equal(rj.spec.activeDeadlineSeconds, 14400);
        const submitter = rj.spec.submitterPodTemplate.spec;
        assert.equal(submitter.serviceAccountName, "nightly-etl-ray-submitter");
        assert.equal(submitter.automountServiceAccountToken, false);
        assert.ok(b.some((o) => o.kind === "Secret" && o.metadata.name === "nightly-etl-ray-tls-head"));
        const heads = a.filter((o) => o.kind === "RayCluster").map((o) => o.spec.headGroupSpec.template.spec.volumes[0].secret.secretName);
        assert.deepEqual(heads.sort(), ["notebooks-ray-tls-head", "training-ray-tls-head"], "each RayCluster has its own certificates");
        const labels = rj.spec.rayClusterSpec.headGroupSpec.template.metadata.labels;
        assert.equal(labels[LABELS.cluster], "nightly-etl");
    });
});

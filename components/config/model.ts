/**
 * The stack configuration schema: every `ray-on-ack:*` key a stack file may set, assembled from
 * the concerns' fragments (`<concern>/model.ts`), with the rules that cross them (names shared by
 * clusters, jobs and services; the dashboard password an exposure needs; the team namespace
 * against the platform's). Defaults are the secure ones; every weaker setting is an explicit field
 * whose name says what it gives up (see docs/configuration.md).
 */
import { z } from "zod";
import * as semver from "semver";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { systemNamespaceProblem } from "@ray-on-ack/common/namespaces";
import { MIN_KUBERAY_VERSION } from "@ray-on-ack/common/versions";
import { dnsLabel, duplicateNames } from "../core/model";
import { securitySchema } from "../images/model";
import { accessSchema, personalIdentityPeople } from "../identity/model";
import { namespaceLabels, quotaSchema } from "../namespace/model";
import { networkSchema, platformNamespacesOf, podCidrsSchema, podNetworkSchema } from "../network/model";
import { cloudSchema, rrsaTeamSchema } from "../cloud/model";
import { tlsSchema } from "../tls/model";
import { tlsClientProblems } from "../tls/tlsClients";
import { rayClusterSchema, rayJobSchema, rayServiceSchema } from "../ray/model";
import { HISTORY_SERVER_REMOVED, KUBECONFIG_REMOVED, removedKey } from "../core/removed";
import { platformConfigSchema, type PlatformConfig } from "../platform/model";

// The fragments' names the public API has always exported from here (components/index.ts).
export { cidr, dnsLabel, quantity } from "../core/model";
export { DEFAULT_RAY_VERSION, MIN_RAY_VERSION, imageSchema, securitySchema } from "../images/model";
export { rayClusterSchema, rayJobSchema, rayServiceSchema } from "../ray/model";
export type { ClusterShape, RayClusterConfig, RayJobConfig, RayServiceConfig, ServeConfig, WorkerGroupConfig } from "../ray/model";
export type { ImageConfig, SecurityConfig } from "../images/model";
export type { ExposureConfig } from "../exposure/model";
export type { QuotaConfig } from "../namespace/model";
export type { NetworkConfig, PodNetworkConfig } from "../network/model";
export type { TlsConfig } from "../tls/model";
export type { CloudConfig, RrsaTeamConfig } from "../cloud/model";

export { MIN_KUBERAY_VERSION };
// The platform stack's model lives with its component (platform/); validateStackConfig reads both kinds from here.
export { platformConfigSchema, type PlatformConfig };

export const teamConfigSchema = z
    .strictObject({
        platform: z
            .literal(false)
            .optional()
            .describe("Pulumi.yaml's default for the platform marker; a team stack leaves it false.")
            .register(argTypes, { notArg: "the program's platform marker" }),
        team: dnsLabel(30).describe("Team name; a DNS label."),
        namespace: dnsLabel(63).optional().describe("Namespace; default `ray-<team>`."),
        labels: namespaceLabels
            .default({})
            .describe(
                "Extra namespace labels. Default none. Never Kubernetes', Pod Security's, RRSA's or ours (the NetworkPolicies and PSA read them).",
            ),
        quota: quotaSchema
            .default(quotaSchema.parse({}))
            .describe("The namespace's ResourceQuota and LimitRange; 0 load balancers and node ports unless an exposure needs them."),
        network: networkSchema
            .default(networkSchema.parse({}))
            .describe("The NetworkPolicies' peers: deny by default both ways, then exactly these flows."),
        podCidrs: podCidrsSchema.describe(
            "The team's pod CIDRs (Terway pod vSwitches); every address is an IP SAN on the Ray certificates. IPv4, disjoint, at most 4096 addresses in total, never a metadata range, and shared with no other team stack of the stacks directory (checked by the renderer).",
        ),
        podNetwork: podNetworkSchema.describe("The Terway pod vSwitches and security groups the namespace is bound to."),
        tls: tlsSchema
            .default(tlsSchema.parse({}))
            .describe("The per-cluster PKI: one CA per RayCluster and RayJob, head and worker certificates, Ray Client certificates."),
        access: accessSchema
            .default(accessSchema.parse({}))
            .describe("The team's people: bound to a read-only Role (port-forward, logs, the Ray token Secrets by name)."),
        security: securitySchema.default(securitySchema.parse({})).describe("Image rules and the security opt-ins."),
        kubeRayVersion: z
            .string()
            .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, "must be a version such as 1.6.2")
            .refine((v) => !semver.valid(v) || semver.gte(v, MIN_KUBERAY_VERSION), {
                message: `must be >= ${MIN_KUBERAY_VERSION}: older operators read no authOptions.secretName (the Ray token Secret) and do not implement upgradeStrategy Recreate, so certificate and token rotations would restart nothing`,
            })
            .default("1.6.2")
            .describe(
                `KubeRay operator version on the cluster. Default "1.6.2"; at least ${MIN_KUBERAY_VERSION} (\`authOptions.secretName\`, \`upgradeStrategy\`).`,
            ),
        clusters: z
            .array(rayClusterSchema)
            .default([])
            .describe("Long-lived RayClusters (see Ray workloads). A team stack needs at least one cluster, job or service."),
        jobs: z.array(rayJobSchema).default([]).describe("RayJobs, each with its own RayCluster (see Ray workloads)."),
        services: z
            .array(rayServiceSchema)
            .default([])
            .describe("Ray Serve deployments (KubeRay RayServices), each with its own RayClusters (see RayService). Default none."),
        cloud: cloudSchema
            .optional()
            .describe(
                "The ACK cluster and account. Without it the stack renders Kubernetes objects only (no RRSA role, no cloud lookups).",
            ),
        rrsa: rrsaTeamSchema
            .default(rrsaTeamSchema.parse({}))
            .describe(
                "RRSA: a RAM role for the team's Ray pods, trusted through the cluster's OIDC provider, with least-privilege OSS grants.",
            ),
        dashboardPassword: z
            .string()
            .optional()
            .describe(
                "Secret config (`pulumi config set --secret`; plain text is refused): the basic-auth password of `ingress` and `gateway` exposures, which require it (config/rules.ts). Never printed.",
            )
            .register(argTypes, { notArg: "an Input: TeamEnvironmentArgs declares it" }),
        gcsRedisPassword: z
            .string()
            .optional()
            .describe(
                "Secret config (`pulumi config set --secret`; plain text is refused): the password of the team's Redis, which the platform registers (`gcsRedis` in the tenancy registry). Required when a workload turns on `gcsFaultTolerance` with backend redis; the package keeps it in the Secret `ray-gcs-redis`. Never printed.",
            )
            .register(argTypes, { notArg: "an Input: TeamEnvironmentArgs declares it" }),
        kubeconfig: removedKey(KUBECONFIG_REMOVED).describe(
            "Removed: the kubeconfig comes from the platform (the `cloud` lookup, or the environment's credentials), never from a stack file.",
        ),
        historyServer: removedKey(HISTORY_SERVER_REMOVED).describe(
            "Removed: Ray's logs are shipped by the package to the prefix the platform registers for the team (`ray-tenancy.tenants.<stack>.logs`).",
        ),
    })
    .superRefine((t, c) => {
        if (t.clusters.length + t.jobs.length + t.services.length === 0) {
            c.addIssue({ code: "custom", path: ["clusters"], message: "a team stack needs at least one RayCluster, RayJob or RayService" });
        }
        // RayClusters, RayJobs and RayServices share the namespace's Secret, ServiceAccount and Role names.
        const taken = new Set(t.clusters.map((k) => k.name));
        t.jobs.forEach((j, i) => {
            if (taken.has(j.name)) {
                c.addIssue({ code: "custom", path: ["jobs", i, "name"], message: `duplicate RayCluster/RayJob name '${j.name}'` });
            }
        });
        const takenByClusterOrJob = new Set([...taken, ...t.jobs.map((j) => j.name)]);
        t.services.forEach((s, i) => {
            if (takenByClusterOrJob.has(s.name)) {
                c.addIssue({
                    code: "custom",
                    path: ["services", i, "name"],
                    message: `'${s.name}' is already a RayCluster or RayJob name: they share Secret, ServiceAccount and NetworkPolicy names`,
                });
            }
        });
        duplicateNames(t.services, "RayService", c, ["services"]);
        duplicateNames(t.clusters, "RayCluster", c, ["clusters"]);
        duplicateNames(t.jobs, "RayJob", c, ["jobs"]);
        const rayClusterNames = t.clusters.map((k) => k.name);
        for (const p of tlsClientProblems(
            t.tls.clients,
            rayClusterNames,
            t.jobs.map((j) => j.name),
        )) {
            c.addIssue({ code: "custom", path: ["tls", "clients", ...p.path], message: p.message });
        }
        t.clusters.forEach((k, i) => {
            if (k.identity.mode !== "personal") {
                return;
            }
            if (t.network.apiServerCidrs.length === 0) {
                c.addIssue({
                    code: "custom",
                    path: ["network", "apiServerCidrs"],
                    message: `is required when a cluster uses personal identity (${k.name}): its Ray pods check each caller's token with the API server, and egress is denied by default`,
                });
            }
            if (personalIdentityPeople(k.identity, t.access).length === 0) {
                c.addIssue({
                    code: "custom",
                    path: ["clusters", i, "identity"],
                    message:
                        "personal identity names nobody who may use the cluster: list groups or users here, or give the team's people in access",
                });
            }
        });
        if ([...t.clusters, ...t.services].some((k) => k.autoscaling.enabled) && t.network.apiServerCidrs.length === 0) {
            c.addIssue({
                code: "custom",
                path: ["network", "apiServerCidrs"],
                message:
                    "is required when a cluster or service enables autoscaling: the autoscaler calls the API server and egress is denied by default",
            });
        }
        // The team's own namespace is no system namespace (common/namespaces.ts); allowedNamespaces: networkSchema.
        const teamNamespace = t.namespace ?? `ray-${t.team}`;
        const nsProblem = systemNamespaceProblem(teamNamespace, platformNamespacesOf(t.network));
        if (nsProblem) {
            c.addIssue({
                code: "custom",
                path: [t.namespace === undefined ? "team" : "namespace"],
                message: `the team namespace ${nsProblem}; a team gets a namespace of its own`,
            });
        }
    })
    .register(argTypes, {
        id: "TeamEnvironmentSettings",
        description:
            "A team's settings: the team stack's config keys (docs/configuration.md \"Team stacks\"); TeamEnvironmentArgs adds what the program brings along.",
    });

export type TeamConfig = z.infer<typeof teamConfigSchema>;

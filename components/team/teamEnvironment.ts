/**
 * A team's whole Ray environment as one component: it parses its args once (./teamArgs.ts), plans
 * the environment (./plan.ts) and registers what the plan says, in the order ./ordering.ts gives.
 */
import * as pulumi from "@pulumi/pulumi";
import { HardenedRayCluster } from "../ray/hardenedRayCluster";
import { HardenedRayJob } from "../ray/hardenedRayJob";
import { HardenedRayService } from "../ray/hardenedRayService";
import { TeamIdentity } from "../identity/teamIdentity";
import { TeamNamespace } from "../namespace/teamNamespace";
import { TeamNetworkPolicies } from "../network/teamNetworkPolicies";
import { TeamPki } from "../tls/teamPki";
import { TeamPodNetwork } from "../network/podNetwork";
import { TeamRrsa } from "../cloud/teamRrsa";
import { TeamObservability } from "../observability/teamObservability";
import { DashboardExposure } from "../exposure/dashboardExposure";
import { TeamGcsStore } from "../gcs/teamGcsStore";
import type { RayClusterSettings, RayJobSettings, RayServiceSettings } from "../args";
import { argsError } from "../core/parseArgs";
import { parseTeamArgs, type TeamEnvironmentArgs } from "./teamArgs";
import { planTeam, type WorkloadPlan } from "./plan";
import { clusterOutput, jobOutput, serviceOutput, type ClusterOutput, type JobOutput, type ServiceOutput } from "./outputs";
import { inNamespace, podsAfter } from "./ordering";

export type { ClusterOutput, JobOutput, ServiceOutput, TlsClientOutput } from "./outputs";
export { tlsClientEnv } from "./outputs";
export type { TeamEnvironmentArgs } from "./teamArgs";

/** A team's whole Ray environment: namespace, identities, NetworkPolicies, TLS, clusters and jobs. */
export class TeamEnvironment extends pulumi.ComponentResource {
    /** The team's namespace. */
    declare readonly namespace: pulumi.Output<string>;
    /** Per RayCluster: how to reach it (port-forward commands, URLs, token, CA, Ray Client certificates). */
    declare readonly clusters: pulumi.Output<Record<string, ClusterOutput>>;
    /** Per RayJob: its CA, token Secret and the commands to follow it. */
    declare readonly jobs: pulumi.Output<Record<string, JobOutput>>;
    /** Per RayService: its in-cluster Serve address, port-forward to 8000, CA and token Secret. */
    declare readonly services: pulumi.Output<Record<string, ServiceOutput>>;
    /** Secret: each Ray Client user's private key, by RayCluster, then by user. */
    declare readonly tlsClientKeys: pulumi.Output<Record<string, Record<string, string>>>;

    constructor(name: string, args: TeamEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:team:TeamEnvironment", name, {}, opts);
        const { dashboardPassword, gcsRedisPassword, rrsaProvider, verifyVSwitches, verifyAcl, platformPolicy, ...settings } = args;
        const parsed = parseTeamArgs(this, name, settings, dashboardPassword, platformPolicy, gcsRedisPassword);
        const { config, lists, password } = parsed;
        const plan = planTeam(config, lists, { tenancy: parsed.tenancy, stack: parsed.stack });
        const { team, namespace } = plan;

        const ns = new TeamNamespace(`${name}-namespace`, plan.namespaceArgs, { parent: this });
        // Registered before the rest, and without waiting for the namespace (only its Secrets do):
        // the PKI's resources then reach the dynamic-provider host as early as the program can send them.
        const pki = new TeamPki(`${name}-tls`, { ...plan.pki, secretsDependOn: [ns.namespace] }, { parent: this });
        const podNetwork = new TeamPodNetwork(
            `${name}-pod-network`,
            { ...plan.podNetwork, verifyVSwitches: verifyVSwitches ?? false },
            inNamespace(this, ns.namespace),
        );
        if (plan.rrsa) {
            if (!rrsaProvider || !config.cloud) {
                throw argsError(
                    this,
                    name,
                    "rrsaProvider",
                    "the cluster's RRSA OIDC provider is needed to create RAM roles (rrsaProviderFor(cloud))",
                );
            }
            new TeamRrsa(
                `${name}-rrsa`,
                { namespace, accountId: config.cloud.accountId, provider: rrsaProvider, ...plan.rrsa },
                { parent: this },
            );
        }
        const identity = new TeamIdentity(`${name}-identity`, plan.identity, inNamespace(this, ns.namespace));
        const network = new TeamNetworkPolicies(`${name}-network`, plan.network, inNamespace(this, ns.namespace));
        // The team's Redis credentials: created before, and deleted after, the workloads and KubeRay's cleanup Jobs that read them.
        const gcsRedis =
            plan.gcsRedis &&
            new TeamGcsStore(
                `${name}-gcs-redis`,
                { team, namespace, caCertificate: plan.gcsRedis.caCertificate, password: parsed.gcsRedisPassword! },
                inNamespace(this, ns.namespace),
            );
        // The PodMonitor, the log shipper's script (before any pod mounts it) and its RAM role.
        const observability = new TeamObservability(
            `${name}-observability`,
            { ...plan.observability, provider: rrsaProvider },
            inNamespace(this, ns.namespace),
        );
        // What a workload's pods need first (./ordering.ts).
        const podsNeed: pulumi.Resource[] = [ns, identity, pki, podNetwork, network, observability, ...(gcsRedis ? [gcsRedis] : [])];
        const exposureOf = (w: WorkloadPlan, suffix: string) =>
            w.exposure &&
            new DashboardExposure(
                `${name}-${w.name}-${suffix}`,
                {
                    team,
                    namespace,
                    cluster: w.name,
                    exposure: w.exposure.config,
                    password,
                    sso: plan.sso,
                    verifyAcl: verifyAcl ?? false,
                    ...(w.exposure.port === "serve" ? { port: "serve" as const } : {}),
                },
                { parent: this, dependsOn: podsNeed },
            );

        const clusterOutputs: Record<string, pulumi.Output<ClusterOutput>> = {};
        const jobOutputs: Record<string, pulumi.Output<JobOutput>> = {};
        const serviceOutputs: Record<string, pulumi.Output<ServiceOutput>> = {};
        for (const w of plan.workloads) {
            const tls = pki.clusters[w.name];
            const common = { ...w.options, tlsFingerprint: tls.fingerprint };
            if (w.kind === "RayCluster") {
                new HardenedRayCluster(
                    `${name}-${w.name}`,
                    { ...common, cluster: w.shape as RayClusterSettings },
                    podsAfter(this, ns.namespace, podsNeed),
                );
                const base = pulumi.all([tls.caBundlePem, tls.clientCertPems]).apply(([ca, certs]) =>
                    clusterOutput(
                        {
                            team,
                            namespace,
                            name: w.name,
                            rayVersion: w.shape.rayVersion,
                            localPorts: plan.localPorts[w.name],
                            identity: w.shape.identity.mode,
                        },
                        ca,
                        certs,
                    ),
                );
                const exposure = exposureOf(w, "dashboard");
                clusterOutputs[w.name] = exposure
                    ? pulumi.all([base, exposure.publicDashboard]).apply(([b, publicDashboard]) => ({ ...b, publicDashboard }))
                    : base;
            } else if (w.kind === "RayJob") {
                new HardenedRayJob(
                    `${name}-${w.name}`,
                    { ...common, job: w.shape as RayJobSettings },
                    podsAfter(this, ns.namespace, podsNeed),
                );
                jobOutputs[w.name] = tls.caBundlePem.apply((ca) => jobOutput(namespace, w.name, ca));
            } else {
                new HardenedRayService(
                    `${name}-${w.name}`,
                    {
                        ...common,
                        service: w.shape as RayServiceSettings,
                        tlsSecretNames: { head: tls.secretNames.head, worker: tls.secretNames.worker },
                    },
                    // Every generation slot exists before a cluster can mount one.
                    podsAfter(this, ns.namespace, [...podsNeed, ...(tls.slotSecrets ?? [])]),
                );
                const base = tls.caBundlePem.apply((ca) => serviceOutput(namespace, w.name, w.shape.rayVersion, ca));
                const exposure = exposureOf(w, "serve");
                serviceOutputs[w.name] = exposure
                    ? pulumi.all([base, exposure.publicDashboard]).apply(([b, publicServe]) => ({ ...b, publicServe }))
                    : base;
            }
        }

        this.namespace = pulumi.output(namespace);
        this.services = pulumi.all(serviceOutputs);
        this.clusters = pulumi.all(clusterOutputs);
        this.jobs = pulumi.all(jobOutputs);
        // Only RayClusters take Ray Client connections; a cluster without clients has no entry.
        const keysByCluster = Object.fromEntries(
            plan.workloads.filter((w) => w.tlsClients.length > 0).map((w) => [w.name, pki.clusters[w.name].clientKeyPems]),
        );
        this.tlsClientKeys = pulumi.secret(pulumi.all(keysByCluster));
        this.registerOutputs({
            namespace: this.namespace,
            clusters: this.clusters,
            jobs: this.jobs,
            services: this.services,
            tlsClientKeys: this.tlsClientKeys,
        });
    }
}

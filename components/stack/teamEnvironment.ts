import * as pulumi from "@pulumi/pulumi";
import * as semver from "semver";
import { MIN_RAY_VERSION } from "../config/schema";
import { clusterAccess, localPortsFor, raySessionCommand, type ClusterAccess } from "../exposure/access";
import { HardenedRayCluster } from "../workload/hardenedRayCluster";
import { HardenedRayJob } from "../workload/hardenedRayJob";
import { HardenedRayService } from "../workload/hardenedRayService";
import { KUBERAY_TYPES } from "../workload/crds/rayResource";
import { serveAccess, type ServeAccess } from "../workload/rayService";
import { names, type RayRole } from "../core/naming";
import { POLICY_IDS } from "../core/policyIds";
import { TeamIdentity } from "../identity/teamIdentity";
import { TeamNamespace } from "../namespace/teamNamespace";
import { TeamNetworkPolicies } from "../network/teamNetworkPolicies";
import { TeamPki } from "../tls/TeamPki";
import { teamPkiArgsFor, tlsClientsOf } from "../tls/request";
import { workloadsOf, type Workload } from "../workload/workloads";
import { TeamPodNetwork } from "../network/podNetwork";
import { TeamRrsa } from "../rrsa/teamRrsa";
import { DashboardExposure, type PublicDashboard } from "../exposure/dashboardExposure";
import type { Access, Cloud, Network, PodNetwork, Quota, RayClusterSettings, RayJobSettings, RayServiceSettings, Rrsa, RrsaProvider, Security, PlatformPolicy, Tls } from "../args";
import { rrsaRolePlan, rrsaWanted } from "../rrsa/plan";
import { parseTeamArgs } from "./teamArgs";
import { argsError } from "../core/parseArgs";

/**
 * A team's settings: the team stack's config keys (docs/configuration.md), plus what
 * the program brings along (the RRSA provider, the cloud checks). Defaults are the secure ones.
 */
export interface TeamEnvironmentArgs {
    /** Team name; a DNS label of at most 30 characters. */
    team: string;
    /** The team's namespace. @default `ray-<team>` */
    namespace?: string;
    /** Extra namespace labels; never Kubernetes', Pod Security's, RRSA's or ours. @default none */
    labels?: { [key: string]: string };
    /** The namespace's ResourceQuota and LimitRange. @default { cpu: "64", memory: "256Gi", gpu: "0", pods: 200, ... } */
    quota?: Quota;
    /** What the NetworkPolicies admit besides the team's own pods. @default DNS and the KubeRay operator only */
    network?: Network;
    /** The team's pod CIDRs (Terway pod vSwitches); every address is an IP SAN on the Ray certificates. */
    podCidrs: string[];
    /** The Terway pod vSwitches and security groups the namespace is bound to. */
    podNetwork: PodNetwork;
    /** The per-cluster PKI and its Ray Client users. @default RSA 2048, leaves for 365 days, CAs for 1825, no Ray Client users */
    tls?: Tls;
    /** People (groups, users) bound to the team's Role. @default nobody */
    access?: Access;
    /** Security opt-ins. @default the package's registry allowlist, no vulnerable Ray */
    security?: Security;
    /** KubeRay operator version on the cluster; at least MIN_KUBERAY_VERSION (common/versions.ts). @default "1.6.2" */
    kubeRayVersion?: string;
    /** Long-lived RayClusters. @default none (a team needs at least one RayCluster or RayJob) */
    clusters?: RayClusterSettings[];
    /** RayJobs, each on a cluster of its own. @default none */
    jobs?: RayJobSettings[];
    /** Ray Serve deployments (RayServices), each with its own CA and clusters. @default none */
    services?: RayServiceSettings[];
    /** The ACK cluster; needed for RRSA and the pod vSwitch checks. @default none */
    cloud?: Cloud;
    /** RAM roles for the Ray pods (RRSA) and their grants. @default enabled, with no grants (so no RAM role) */
    rrsa?: Rrsa;
    /** Opt-in: ACK's Ray HistoryServer on the clusters. @default false */
    historyServer?: boolean;
    /**
     * The dashboard basic-auth password, required by clusters exposed through an Ingress. Held as
     * a secret. A plain value is checked with the other args; an Output when it resolves.
     * @default none
     */
    dashboardPassword?: pulumi.Input<string>;
    /**
     * The cluster's RRSA OIDC provider (`rrsaProviderFor`). With it (and `cloud` plus OSS grants or
     * extra statements) the team gets RAM roles bound to its Ray ServiceAccounts. @default none: no RRSA
     */
    rrsaProvider?: pulumi.Input<RrsaProvider>;
    /** Check existing pod vSwitches' CIDRs against `podCidrs` through the Alibaba Cloud API. @default false */
    verifyVSwitches?: boolean;
    /** Check a bring-your-own CLB ACL's entries through the Alibaba Cloud API. @default false */
    verifyAcl?: boolean;
    /** What the platform allows, and the tenancy registry (the stack program reads both from platform/policy-pack-config.json). @default the secure defaults, no registry */
    platformPolicy?: PlatformPolicy;
}

/** What a data scientist gets per RayCluster (stack output `clusters`). */
export interface ClusterOutput extends ClusterAccess {
    /** The cluster's Ray version. */
    readonly rayVersion: string;
    /** The cluster's own CA (a bundle of two during a CA rotation): Ray Client's `ca.crt`. */
    readonly caCertificate: string;
    /** The Ray Client users of this cluster (`tls.clients`), each with a certificate from its CA. */
    readonly tlsClients: Record<string, TlsClientOutput>;
    /** Only for clusters whose dashboard is public on request. */
    readonly publicDashboard?: PublicDashboard;
}

/** What a data scientist gets per RayJob (stack output `jobs`). */
export interface JobOutput {
    /** The team's namespace. */
    readonly namespace: string;
    /** The job's own CA: no other cluster's nodes accept its certificates. */
    readonly caCertificate: string;
    /** The Secret holding the job cluster's Ray token. */
    readonly tokenSecret: string;
    /** `kubectl` command showing the job's status. */
    readonly statusCommand: string;
    /** `kubectl` command printing the submitter's log (the job's output). */
    readonly logsCommand: string;
    /** The KubeRay kubectl plugin's dashboard forward to the job's cluster (local 8265), while it runs. */
    readonly raySessionCommand: string;
}

/** What a team gets per RayService (stack output `services`). */
export interface ServiceOutput extends ServeAccess {
    readonly rayVersion: string;
    /** The service's own CA (both during a CA rotation overlap): every generation of its clusters is issued from it. */
    readonly caCertificate: string;
    readonly tokenSecret: string;
    readonly statusCommand: string;
    /** Only for services whose Serve port is public on request. */
    readonly publicServe?: PublicDashboard;
}

/** What a Ray Client user sets, after writing the certificate, key and CA to files. */
export interface TlsClientOutput {
    /** The client certificate (PEM), from the cluster's CA. */
    readonly certificate: string;
    /** The RAY_TLS_* variables pointing at the files. */
    readonly env: Record<string, string>;
}

/** Documented opt-ins a workload uses, as the policy ids the posture report lists them under. */
function workloadExceptions(w: Workload): string[] {
    const out: string[] = [];
    if (semver.lt(w.shape.rayVersion, MIN_RAY_VERSION)) {
        out.push(POLICY_IDS.rayVersionMinimum);
    }
    const groups = [w.shape, w.shape.head, ...w.shape.workerGroups];
    if (groups.some((g) => (g.volumes ?? []).some((v) => !v.readOnly))) {
        out.push(POLICY_IDS.volumeReadOnly);
    }
    return out;
}

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
        const { dashboardPassword, rrsaProvider, verifyVSwitches, verifyAcl, platformPolicy, ...settings } = args;
        const { config, password } = parseTeamArgs(this, name, settings, dashboardPassword, platformPolicy);
        const { tenancy: _registry, ...lists } = platformPolicy ?? {};
        const team = config.team;
        const namespace = names.namespace(team, config.namespace);
        const workloads = workloadsOf(config);
        const rrsa = rrsaWanted(config) ? rrsaRolePlan(config, workloads) : undefined;
        const ramRoleNames: Record<string, string> = rrsa?.roleOf ?? {};

        const ns = new TeamNamespace(
            `${name}-namespace`,
            {
                team,
                namespace,
                labels: config.labels,
                quota: config.quota,
                loadBalancers: [...config.clusters, ...config.services].filter((c) => c.exposure.mode === "loadbalancer").length,
                rrsa: Object.keys(ramRoleNames).length > 0,
            },
            { parent: this },
        );
        // Objects that start no pod wait for the Namespace object only, not for its ResourceQuota and
        // LimitRange: one step less in every preview and up. The workloads wait for all of it (`ready`).
        const inNamespace = { parent: this, dependsOn: [ns.namespace] };
        // Registered before the rest, and without waiting for the namespace (only its Secrets do):
        // the PKI's resources then reach the dynamic-provider host as early as the program can send them.
        const pki = new TeamPki(`${name}-tls`, { ...teamPkiArgsFor(config), secretsDependOn: [ns.namespace] }, { parent: this });

        const podNetwork = new TeamPodNetwork(
            `${name}-pod-network`,
            { team, namespace, podCidrs: config.podCidrs, podNetwork: config.podNetwork, verifyVSwitches: verifyVSwitches ?? false },
            inNamespace,
        );
        if (rrsa && rrsa.roles.length > 0) {
            if (!rrsaProvider || !config.cloud) {
                throw argsError(this, name, "rrsaProvider", "the cluster's RRSA OIDC provider is needed to create RAM roles (rrsaProviderFor(cloud))");
            }
            new TeamRrsa(
                `${name}-rrsa`,
                {
                    namespace,
                    accountId: config.cloud.accountId,
                    provider: rrsaProvider,
                    roles: rrsa.roles,
                    oss: config.rrsa.oss,
                    extraStatements: config.rrsa.extraStatements,
                },
                { parent: this },
            );
        }

        const identity = new TeamIdentity(
            `${name}-identity`,
            {
                team,
                namespace,
                clusters: workloads.map((w) => ({
                    name: w.name,
                    roles: (w.kind === "RayJob" ? ["head", "worker", "submitter"] : ["head", "worker"]) as RayRole[],
                    autoscaling: w.shape.autoscaling.enabled,
                    ramRoleName: ramRoleNames[w.name],
                })),
                groups: config.access.groups,
                users: config.access.users,
                readableSecrets: workloads.map((w) => names.tokenSecret(w.name)),
            },
            inNamespace,
        );

        const network = new TeamNetworkPolicies(
            `${name}-network`,
            {
                team,
                namespace,
                network: config.network,
                clusters: workloads.map((w) => ({
                    name: w.name,
                    kind: w.kind,
                    autoscaling: w.shape.autoscaling.enabled,
                    exposure: "exposure" in w.shape ? w.shape.exposure : { mode: "private" as const },
                })),
            },
            inNamespace,
        );

        // What a workload's pods need first: the quota and LimitRange (admission applies them to pods
        // created after them only), the ServiceAccounts and RBAC, the TLS Secrets, the pod network,
        // and the NetworkPolicies, so that no pod runs before default-deny even if creating a policy fails.
        const ready = { parent: this, dependsOn: [ns, identity, pki, podNetwork, network] };
        // Put on the KubeRay resource alone, the one object that starts pods: the rest of a workload (its
        // Ray token and the token's Secret) needs only the Namespace, and is created meanwhile.
        const podsAfter = (deps: pulumi.Resource[]): pulumi.ComponentResourceOptions => ({
            parent: this,
            dependsOn: [ns.namespace],
            transformations: [
                ({ type, props, opts }) => (KUBERAY_TYPES.includes(type) ? { props, opts: pulumi.mergeOptions(opts, { dependsOn: deps }) } : undefined),
            ],
        });
        const clusterOutputs: Record<string, pulumi.Output<ClusterOutput>> = {};
        const localPorts = localPortsFor(namespace, config.clusters.map((c) => c.name));
        // What every Hardened* component is given besides its own workload: one place, so the three kinds cannot drift apart.
        const workloadArgs = (w: Workload) => ({
            team,
            namespace,
            security: config.security,
            tlsFingerprint: pki.clusters[w.name].fingerprint,
            kubeRayVersion: config.kubeRayVersion,
            platformLists: lists,
            rrsaInjection: Object.keys(ramRoleNames).length > 0,
            historyServer: config.historyServer,
            policyExceptions: workloadExceptions(w),
        });
        for (const c of config.clusters) {
            new HardenedRayCluster(`${name}-${c.name}`, { ...workloadArgs({ name: c.name, kind: "RayCluster", shape: c }), cluster: c }, podsAfter(ready.dependsOn));
            const tls = pki.clusters[c.name];
            const base: pulumi.Output<ClusterOutput> = pulumi
                .all([tls.caBundlePem, tls.clientCertPems])
                .apply(([caCertificate, certs]) => ({
                    ...clusterAccess(namespace, c.name, localPorts[c.name]),
                    rayVersion: c.rayVersion,
                    caCertificate,
                    tlsClients: Object.fromEntries(
                        Object.entries(certs).map(([client, certificate]) => [client, { certificate, env: tlsClientEnv(team, c.name, client) }]),
                    ),
                }));
            if (c.exposure.mode === "private") {
                clusterOutputs[c.name] = base;
            } else {
                const exposure = new DashboardExposure(
                    `${name}-${c.name}-dashboard`,
                    { team, namespace, cluster: c.name, exposure: c.exposure, password, verifyAcl: verifyAcl ?? false },
                    ready,
                );
                clusterOutputs[c.name] = pulumi.all([base, exposure.publicDashboard]).apply(([b, publicDashboard]) => ({ ...b, publicDashboard }));
            }
        }
        const jobOutputs: Record<string, pulumi.Output<JobOutput>> = {};
        for (const j of config.jobs) {
            new HardenedRayJob(`${name}-${j.name}`, { ...workloadArgs({ name: j.name, kind: "RayJob", shape: j }), job: j }, podsAfter(ready.dependsOn));
            jobOutputs[j.name] = pki.clusters[j.name].caBundlePem.apply((caCertificate) => ({
                namespace,
                caCertificate,
                tokenSecret: names.tokenSecret(j.name),
                statusCommand: `kubectl -n ${namespace} get rayjob ${j.name}`,
                logsCommand: `kubectl -n ${namespace} logs -l ray-on-ack.io/cluster=${j.name},ray-on-ack.io/role=submitter --tail=-1`,
                raySessionCommand: raySessionCommand(namespace, "rayjob", j.name),
            }));
        }

        const serviceOutputs: Record<string, pulumi.Output<ServiceOutput>> = {};
        for (const s of config.services) {
            const tls = pki.clusters[s.name];
            new HardenedRayService(
                `${name}-${s.name}`,
                {
                    ...workloadArgs({ name: s.name, kind: "RayService", shape: s }),
                    service: s,
                    tlsSecretNames: { head: tls.secretNames.head, worker: tls.secretNames.worker },
                },
                // Every generation slot exists before a cluster can mount one.
                podsAfter([...ready.dependsOn, ...(tls.slotSecrets ?? [])]),
            );
            const base = tls.caBundlePem.apply((caCertificate) => ({
                ...serveAccess(namespace, s.name),
                rayVersion: s.rayVersion,
                caCertificate,
                tokenSecret: names.tokenSecret(s.name),
                statusCommand: `kubectl -n ${namespace} get rayservice ${s.name}`,
            }));
            if (s.exposure.mode === "private") {
                serviceOutputs[s.name] = base;
            } else {
                const exposure = new DashboardExposure(
                    `${name}-${s.name}-serve`,
                    { team, namespace, cluster: s.name, exposure: s.exposure, password, verifyAcl: verifyAcl ?? false, port: "serve" },
                    ready,
                );
                serviceOutputs[s.name] = pulumi.all([base, exposure.publicDashboard]).apply(([b, publicServe]) => ({ ...b, publicServe }));
            }
        }

        this.namespace = pulumi.output(namespace);
        this.services = pulumi.all(serviceOutputs);
        this.clusters = pulumi.all(clusterOutputs);
        this.jobs = pulumi.all(jobOutputs);
        // Only RayClusters take Ray Client connections; a cluster without clients has no entry.
        const keysByCluster = Object.fromEntries(
            config.clusters.filter((c) => tlsClientsOf(config, c.name).length > 0).map((c) => [c.name, pki.clusters[c.name].clientKeyPems]),
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

/**
 * Ray Client reads the same RAY_TLS_* variables as the nodes; the client certificate is its "server"
 * pair. One directory per cluster: each cluster has its own CA, and trusts only its own certificates.
 */
export function tlsClientEnv(team: string, cluster: string, client: string): Record<string, string> {
    const dir = `$HOME/.ray-on-ack/${team}/${cluster}`;
    return {
        RAY_USE_TLS: "1",
        RAY_TLS_SERVER_CERT: `${dir}/${client}.crt`,
        RAY_TLS_SERVER_KEY: `${dir}/${client}.key`,
        RAY_TLS_CA_CERT: `${dir}/ca.crt`,
    };
}

import * as pulumi from "@pulumi/pulumi";
import * as semver from "semver";
import type { TeamConfig } from "./config/schema";
import { MIN_RAY_VERSION } from "./config/schema";
import { clusterAccess, localPortsFor, raySessionCommand, type ClusterAccess } from "./builders/access";
import { resolveImage } from "./builders/image";
import { HardenedRayCluster } from "./hardenedRayCluster";
import { HardenedRayJob } from "./hardenedRayJob";
import { names, type RayRole } from "./naming";
import { POLICY_IDS } from "./policyIds";
import { TeamIdentity } from "./teamIdentity";
import { TeamNamespace } from "./teamNamespace";
import { TeamNetworkPolicies } from "./teamNetworkPolicies";
import { TeamPki } from "./tls/TeamPki";
import { teamPkiArgsFor, tlsClientsOf } from "./tls/request";
import { workloadsOf, type Workload } from "./config/workloads";
import { TeamPodNetwork } from "./cloud/podNetwork";
import { TeamRrsa, type RrsaRoleSpec } from "./cloud/teamRrsa";
import type { RrsaProvider } from "./cloud/ramPolicies";
import { DashboardExposure, type PublicDashboard } from "./dashboardExposure";

export interface TeamEnvironmentArgs {
    /** The team's validated stack config (see README, "Configuration reference"). */
    readonly config: TeamConfig;
    /**
     * The cluster's RRSA OIDC provider. With it (and `cloud` plus OSS grants or extra statements in
     * config) the team gets RAM roles bound to its Ray ServiceAccounts. Default none: no RRSA.
     */
    readonly rrsaProvider?: pulumi.Input<RrsaProvider>;
    /** The dashboard basic-auth password (a secret), for clusters exposed through an Ingress. Default none. */
    readonly dashboardPassword?: pulumi.Input<string>;
    /** Check existing pod vSwitches' CIDRs against `podCidrs` through the Alibaba Cloud API. Default false. */
    readonly verifyVSwitches?: boolean;
    /** Check a bring-your-own CLB ACL's entries through the Alibaba Cloud API (components/cloud/aclCheck.ts). Default false. */
    readonly verifyAcl?: boolean;
}

/** What a data scientist gets per RayCluster (stack output `clusters`). */
export interface ClusterOutput extends ClusterAccess {
    readonly rayVersion: string;
    /** The cluster's own CA (a bundle of two during a CA rotation): Ray Client's `ca.crt`. */
    readonly caCertificate: string;
    /** The Ray Client users of this cluster (`tls.clients`), each with a certificate from its CA. */
    readonly tlsClients: Record<string, TlsClientOutput>;
    /** Only for clusters whose dashboard is public on request. */
    readonly publicDashboard?: PublicDashboard;
}

export interface JobOutput {
    readonly namespace: string;
    /** The job's own CA: no other cluster's nodes accept its certificates. */
    readonly caCertificate: string;
    readonly tokenSecret: string;
    readonly statusCommand: string;
    readonly logsCommand: string;
    /** The KubeRay kubectl plugin's dashboard forward to the job's cluster (local 8265), while it runs. */
    readonly raySessionCommand: string;
}

/** What a Ray Client user sets, after writing the certificate, key and CA to files. */
export interface TlsClientOutput {
    readonly certificate: string;
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

/** RAM roles and which workload's ServiceAccounts each trusts: one team role, plus a role per cluster that asks for its own. */
export function rrsaRolePlan(config: TeamConfig, workloads: readonly Workload[]): { roles: RrsaRoleSpec[]; roleOf: Record<string, string> } {
    const teamRole = `ray-${config.team}`;
    const roleOf: Record<string, string> = {};
    const trusted = new Map<string, string[]>();
    for (const w of workloads) {
        const dedicated = "rrsa" in w.shape && w.shape.rrsa.dedicatedRole;
        const role = config.rrsa.existingRoleName ?? (dedicated ? `ray-${config.team}-${w.name}` : teamRole);
        roleOf[w.name] = role;
        trusted.set(role, [...(trusted.get(role) ?? []), names.serviceAccount(w.name, "head"), names.serviceAccount(w.name, "worker")]);
    }
    const roles = config.rrsa.existingRoleName ? [] : [...trusted].map(([roleName, serviceAccounts]) => ({ roleName, serviceAccounts }));
    return { roles, roleOf };
}

/** RRSA is wired when the stack names its cluster, allows it, and has something to grant (or brings its own role). */
export function rrsaWanted(config: TeamConfig): boolean {
    const grants = config.rrsa.oss.length + config.rrsa.extraStatements.length > 0 || config.rrsa.existingRoleName !== undefined;
    return config.cloud !== undefined && config.rrsa.enabled && grants;
}

/** The team's RAM roles are created here (not brought along), so the cluster's RRSA provider must be looked up. */
export function needsRrsaProvider(config: TeamConfig): boolean {
    return rrsaWanted(config) && config.rrsa.existingRoleName === undefined;
}

/** A team's whole Ray environment: namespace, identities, NetworkPolicies, TLS, clusters and jobs. */
export class TeamEnvironment extends pulumi.ComponentResource {
    declare readonly namespace: pulumi.Output<string>;
    declare readonly clusters: pulumi.Output<Record<string, ClusterOutput>>;
    declare readonly jobs: pulumi.Output<Record<string, JobOutput>>;
    /** Secret: each Ray Client user's private key, by RayCluster, then by user. */
    declare readonly tlsClientKeys: pulumi.Output<Record<string, Record<string, string>>>;

    constructor(name: string, args: TeamEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:team:TeamEnvironment", name, {}, opts);
        const { config } = args;
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
                loadBalancers: config.clusters.filter((c) => c.exposure.mode === "loadbalancer").length,
                rrsa: Object.keys(ramRoleNames).length > 0,
            },
            { parent: this },
        );
        const inNamespace = { parent: this, dependsOn: [ns] };

        const podNetwork = new TeamPodNetwork(
            `${name}-pod-network`,
            { team, namespace, podCidrs: config.podCidrs, podNetwork: config.podNetwork, verifyVSwitches: args.verifyVSwitches ?? false },
            inNamespace,
        );
        if (rrsa && rrsa.roles.length > 0) {
            if (!args.rrsaProvider || !config.cloud) {
                throw new Error("rrsa: the cluster's RRSA OIDC provider is needed to create RAM roles (set cloud.clusterId)");
            }
            new TeamRrsa(
                `${name}-rrsa`,
                {
                    namespace,
                    accountId: config.cloud.accountId,
                    provider: args.rrsaProvider,
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

        new TeamNetworkPolicies(
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

        const pki = new TeamPki(`${name}-tls`, teamPkiArgsFor(config), inNamespace);

        const podAnnotations: Record<string, string> = {};
        if (Object.keys(ramRoleNames).length > 0) {
            // RRSA credentials go to the Ray containers only, never to the autoscaler or injected containers.
            podAnnotations["pod-identity.alibabacloud.com/only-containers"] = "ray-head,ray-worker";
        }
        if (config.historyServer) {
            podAnnotations["ray.alibabacloud.com/enable-historyserver"] = "true";
        }
        const ready = { parent: this, dependsOn: [ns, identity, pki, podNetwork] };
        const clusterOutputs: Record<string, pulumi.Output<ClusterOutput>> = {};
        const localPorts = localPortsFor(namespace, config.clusters.map((c) => c.name));
        for (const c of config.clusters) {
            new HardenedRayCluster(
                `${name}-${c.name}`,
                {
                    team,
                    namespace,
                    cluster: c,
                    image: resolveImage(c.image, c.rayVersion).reference,
                    tlsFingerprint: pki.clusters[c.name].fingerprint,
                    kubeRayVersion: config.kubeRayVersion,
                    podAnnotations,
                    policyExceptions: workloadExceptions({ name: c.name, kind: "RayCluster", shape: c }),
                },
                ready,
            );
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
                    { team, namespace, cluster: c.name, exposure: c.exposure, password: args.dashboardPassword, verifyAcl: args.verifyAcl ?? false },
                    ready,
                );
                clusterOutputs[c.name] = pulumi.all([base, exposure.publicDashboard]).apply(([b, publicDashboard]) => ({ ...b, publicDashboard }));
            }
        }
        const jobOutputs: Record<string, pulumi.Output<JobOutput>> = {};
        for (const j of config.jobs) {
            new HardenedRayJob(
                `${name}-${j.name}`,
                {
                    team,
                    namespace,
                    job: j,
                    image: resolveImage(j.image, j.rayVersion).reference,
                    tlsFingerprint: pki.clusters[j.name].fingerprint,
                    kubeRayVersion: config.kubeRayVersion,
                    podAnnotations,
                    policyExceptions: workloadExceptions({ name: j.name, kind: "RayJob", shape: j }),
                },
                ready,
            );
            jobOutputs[j.name] = pki.clusters[j.name].caBundlePem.apply((caCertificate) => ({
                namespace,
                caCertificate,
                tokenSecret: names.tokenSecret(j.name),
                statusCommand: `kubectl -n ${namespace} get rayjob ${j.name}`,
                logsCommand: `kubectl -n ${namespace} logs -l ray-on-ack.io/cluster=${j.name},ray-on-ack.io/role=submitter --tail=-1`,
                raySessionCommand: raySessionCommand(namespace, "rayjob", j.name),
            }));
        }

        this.namespace = pulumi.output(namespace);
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

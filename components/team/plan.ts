/**
 * What a team's environment is, decided once from its parsed model: a pure function (no Pulumi, no
 * mocks) from TeamConfig to TeamPlan. The namespace and its quota, the PKI requests, the pod
 * network, the RAM roles, the identities, the NetworkPolicies' flows, each workload with the
 * options its component is given, its exposure, and the local ports of its outputs. TeamEnvironment
 * only registers what the plan says (./teamEnvironment.ts); tests and tools read the plan directly.
 */
import * as semver from "semver";
import type { PlatformLists } from "@ray-on-ack/common/platformLists";
import type { TeamConfig } from "../config/model";
import { MIN_RAY_VERSION, POLICY_IDS } from "@ray-on-ack/common";
import { names, type RayRole } from "../core/naming";
import { localPortsFor, type LocalPorts } from "../exposure/access";
import type { ExposureConfig } from "../exposure/model";
import type { TeamIdentityArgs } from "../identity/teamIdentity";
import type { TeamNamespaceArgs } from "../namespace/teamNamespace";
import type { TeamNetworkPoliciesArgs } from "../network/teamNetworkPolicies";
import type { TeamPodNetworkArgs } from "../network/podNetwork";
import { rrsaRolePlan, rrsaWanted } from "../cloud/rrsaPlan";
import type { RrsaRoleSpec } from "../cloud/teamRrsa";
import type { OssGrant, RamStatement } from "../cloud/ramPolicies";
import { teamPkiArgsFor, tlsClientsOf } from "../tls/request";
import type { TeamPkiArgs } from "../tls/teamPki";
import { workloadsOf, type Workload } from "../ray/workloads";
import type { Tenancy } from "@ray-on-ack/common/tenancy";
import { EMPTY_TENANCY } from "@ray-on-ack/common/tenancy";
import type { GcsStore } from "../componentArgs";
import { gcsStoreFor } from "../gcs/store";

/** What each Hardened* component is given besides its workload and its certificates' fingerprint. */
export interface WorkloadOptions {
    readonly team: string;
    readonly namespace: string;
    readonly security: TeamConfig["security"];
    readonly kubeRayVersion: string;
    readonly platformLists: PlatformLists;
    /** The ServiceAccounts carry an RRSA role: its credentials go to the Ray containers only. */
    readonly rrsaInjection: boolean;
    readonly historyServer: boolean;
    /** Documented opt-ins the workload uses, explained on its resource (ray-on-ack.io/policy-exceptions). */
    readonly policyExceptions: string[];
    /** Where its GCS keeps its state, when it enables fault tolerance: the platform's store. */
    readonly gcsStore?: GcsStore;
}

export interface WorkloadPlan extends Workload {
    readonly options: WorkloadOptions;
    /** The public exposure of its dashboard (RayCluster) or Serve port (RayService); none when private. */
    readonly exposure?: { readonly config: Exclude<ExposureConfig, { mode: "private" }>; readonly port: "dashboard" | "serve" };
    /** RayClusters only: the Ray Client users whose certificates its CA issues. */
    readonly tlsClients: string[];
}

export interface TeamPlan {
    readonly team: string;
    readonly namespace: string;
    readonly namespaceArgs: TeamNamespaceArgs;
    /** The PKI of every workload (the Secrets' dependency is the component's to add). */
    readonly pki: TeamPkiArgs & { readonly podCidrs: string[]; readonly namespace: string };
    readonly podNetwork: Omit<TeamPodNetworkArgs, "verifyVSwitches">;
    /** The RAM roles to create, with what their policy grants; undefined: no role is created (no RRSA, or a role brought along). */
    readonly rrsa?: { readonly roles: RrsaRoleSpec[]; readonly oss: OssGrant[]; readonly extraStatements: RamStatement[] };
    readonly identity: TeamIdentityArgs;
    readonly network: TeamNetworkPoliciesArgs;
    readonly workloads: WorkloadPlan[];
    /** The loopback ports each RayCluster's outputs forward to. */
    readonly localPorts: Record<string, LocalPorts>;
    /** The team's Redis credentials Secret (password and the registered CA), when a workload keeps its GCS state there. */
    readonly gcsRedis?: { readonly caCertificate: string };
}

/** What the platform says a team's GCS state may be kept in: its registry and the stack judged against it. */
export interface GcsPlatform {
    readonly tenancy: Tenancy;
    /** The stack the registry entry is looked up for; undefined: no registry in use (no store is offered). */
    readonly stack?: string;
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

const exposureOf = (w: Workload): WorkloadPlan["exposure"] => {
    const e = "exposure" in w.shape ? w.shape.exposure : undefined;
    return e === undefined || e.mode === "private" ? undefined : { config: e, port: w.kind === "RayService" ? "serve" : "dashboard" };
};

export function planTeam(config: TeamConfig, platformLists: PlatformLists, gcs: GcsPlatform = { tenancy: EMPTY_TENANCY }): TeamPlan {
    const team = config.team;
    const store = gcsStoreFor(gcs.tenancy, gcs.stack);
    const registeredRedis = gcs.stack === undefined ? undefined : gcs.tenancy.tenants[gcs.stack]?.gcsRedis;
    const ft = (w: Workload) => w.shape.gcsFaultTolerance;
    const onRedis = (w: Workload) => ft(w).enabled && ft(w).backend === "redis";
    const namespace = names.namespace(team, config.namespace);
    const workloads = workloadsOf(config);
    const rrsa = rrsaWanted(config) ? rrsaRolePlan(config, workloads) : undefined;
    const ramRoleOf: Record<string, string> = rrsa?.roleOf ?? {};
    const rrsaInjection = Object.keys(ramRoleOf).length > 0;
    return {
        team,
        namespace,
        namespaceArgs: {
            team,
            namespace,
            labels: config.labels,
            quota: config.quota,
            loadBalancers: [...config.clusters, ...config.services].filter((c) => c.exposure.mode === "loadbalancer").length,
            rrsa: rrsaInjection,
        },
        pki: teamPkiArgsFor(config),
        podNetwork: { team, namespace, podCidrs: config.podCidrs, podNetwork: config.podNetwork },
        rrsa:
            rrsa && rrsa.roles.length > 0
                ? { roles: rrsa.roles, oss: config.rrsa.oss, extraStatements: config.rrsa.extraStatements }
                : undefined,
        identity: {
            team,
            namespace,
            clusters: workloads.map((w) => ({
                name: w.name,
                roles: (w.kind === "RayJob" ? ["head", "worker", "submitter"] : ["head", "worker"]) as RayRole[],
                autoscaling: w.shape.autoscaling.enabled,
                generatedClusterNames: w.kind !== "RayCluster",
                ramRoleName: ramRoleOf[w.name],
            })),
            groups: config.access.groups,
            users: config.access.users,
            readableSecrets: workloads.map((w) => names.tokenSecret(w.name)),
        },
        network: {
            team,
            namespace,
            network: config.network,
            clusters: workloads.map((w) => ({
                name: w.name,
                kind: w.kind,
                autoscaling: w.shape.autoscaling.enabled,
                exposure: "exposure" in w.shape ? w.shape.exposure : { mode: "private" as const },
                ...(onRedis(w) && registeredRedis ? { gcsRedis: { cidr: registeredRedis.cidr, port: registeredRedis.port } } : {}),
            })),
        },
        workloads: workloads.map((w) => ({
            ...w,
            options: {
                team,
                namespace,
                security: config.security,
                kubeRayVersion: config.kubeRayVersion,
                platformLists,
                rrsaInjection,
                historyServer: config.historyServer,
                policyExceptions: workloadExceptions(w),
                ...(ft(w).enabled ? { gcsStore: store } : {}),
            },
            exposure: exposureOf(w),
            tlsClients: w.kind === "RayCluster" ? tlsClientsOf(config, w.name) : [],
        })),
        localPorts: localPortsFor(
            namespace,
            config.clusters.map((c) => c.name),
        ),
        ...(workloads.some(onRedis) && registeredRedis ? { gcsRedis: { caCertificate: registeredRedis.caCertificate } } : {}),
    };
}

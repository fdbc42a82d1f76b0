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
import { personalIdentityPeople } from "../identity/model";
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
import { logsRoleName } from "../cloud/rrsaPlan";
import type { LogShipping } from "../observability/logShipping";
import type { TeamObservabilityArgs } from "../observability/teamObservability";
import type { TeamLogs, TeamSso } from "@ray-on-ack/common/tenancy";

/**
 * What the platform says about this team beyond its lists: its tenancy registry and the stack the
 * registry entry is looked up for (undefined: no registry in use). From them alone the plan reads who
 * scrapes the team (`cluster.monitoringNamespace`), where its logs go (`tenants.<stack>.logs`),
 * where a workload may keep its GCS state (`tenants.<stack>.gcsRedis`, the embedded store's facts)
 * and who signs people in at the edge (`tenants.<stack>.sso`).
 */
export interface PlatformFacts {
    readonly tenancy: Tenancy;
    readonly stack?: string;
}

/** Seconds between two passes of the log shipper. */
export const LOG_SHIPPING_INTERVAL_SECONDS = 30;

/** What each Hardened* component is given besides its workload and its certificates' fingerprint. */
export interface WorkloadOptions {
    readonly team: string;
    readonly namespace: string;
    readonly security: TeamConfig["security"];
    readonly kubeRayVersion: string;
    readonly platformLists: PlatformLists;
    /** The ServiceAccounts carry an RRSA role: its credentials go to the Ray containers only. */
    readonly rrsaInjection: boolean;
    /** Ship Ray's logs to the team's registered prefix; undefined: none registered. */
    readonly logShipping?: LogShipping;
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
    /** The platform's OpenID Connect provider for the stack's single-sign-on exposures (the config rules checked their hosts against it). */
    readonly sso?: TeamSso;
    /** The PodMonitor, the log shipper's script and its RAM role and read policy. */
    readonly observability: Omit<TeamObservabilityArgs, "provider">;
}

/**
 * The log shipping of a team with a registered prefix: the writer role is the registry's
 * (`logs.roleArn`) or, with `cloud`, the one the stack creates; so is the OIDC provider.
 */
export function logsPlan(
    config: Pick<TeamConfig, "team" | "cloud">,
    logs: TeamLogs | undefined,
    serviceAccounts: readonly string[],
): { shipping: LogShipping; createRole?: { roleName: string; serviceAccounts: readonly string[] } } | undefined {
    if (logs === undefined) {
        return undefined;
    }
    const cloud = config.cloud;
    const roleArn = logs.roleArn ?? (cloud && `acs:ram::${cloud.accountId}:role/${logsRoleName(config.team)}`);
    const oidcProviderArn =
        logs.oidcProviderArn ??
        (cloud && (cloud.rrsaProviderArn ?? `acs:ram::${cloud.accountId}:oidc-provider/ack-rrsa-${cloud.clusterId}`));
    if (roleArn === undefined || oidcProviderArn === undefined) {
        throw new Error(
            "log shipping needs `cloud` (the stack creates the writer role) or the registry's logs.roleArn and logs.oidcProviderArn",
        );
    }
    return {
        shipping: {
            bucket: logs.bucket,
            prefix: logs.prefix,
            region: logs.region,
            ossEndpoint: logs.ossEndpoint,
            pathStyle: logs.pathStyle,
            stsEndpoint: logs.stsEndpoint,
            roleArn,
            oidcProviderArn,
            intervalSeconds: LOG_SHIPPING_INTERVAL_SECONDS,
        },
        ...(logs.roleArn === undefined ? { createRole: { roleName: logsRoleName(config.team), serviceAccounts } } : {}),
    };
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

/** A RayCluster whose people present their own Kubernetes identity (RayJobs and RayServices cannot). */
const isPersonal = (w: Workload): boolean => w.kind === "RayCluster" && w.shape.identity.mode === "personal";

const exposureOf = (w: Workload): WorkloadPlan["exposure"] => {
    const e = "exposure" in w.shape ? w.shape.exposure : undefined;
    return e === undefined || e.mode === "private" ? undefined : { config: e, port: w.kind === "RayService" ? "serve" : "dashboard" };
};

export function planTeam(config: TeamConfig, platformLists: PlatformLists, platform: PlatformFacts = { tenancy: EMPTY_TENANCY }): TeamPlan {
    const team = config.team;
    const entry = platform.stack === undefined ? undefined : platform.tenancy.tenants[platform.stack];
    const store = gcsStoreFor(platform.tenancy, platform.stack);
    const registeredRedis = entry?.gcsRedis;
    const monitoringNamespace = platform.tenancy.cluster.monitoringNamespace;
    const teamLogs = entry?.logs;
    const ft = (w: Workload) => w.shape.gcsFaultTolerance;
    const onRedis = (w: Workload) => ft(w).enabled && ft(w).backend === "redis";
    const namespace = names.namespace(team, config.namespace);
    const workloads = workloadsOf(config);
    const rayServiceAccounts = workloads.flatMap((w) => [names.serviceAccount(w.name, "head"), names.serviceAccount(w.name, "worker")]);
    const logs = logsPlan(config, teamLogs, rayServiceAccounts);
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
                ...(isPersonal(w) ? { personal: { people: personalIdentityPeople(w.shape.identity, config.access) } } : {}),
            })),
            groups: config.access.groups,
            users: config.access.users,
            // A personal-identity cluster has no token to read: each person presents their own.
            readableSecrets: workloads.filter((w) => !isPersonal(w)).map((w) => names.tokenSecret(w.name)),
        },
        network: {
            team,
            namespace,
            network: config.network,
            monitoringNamespace,
            logsEgress: teamLogs?.egress ?? [],
            clusters: workloads.map((w) => ({
                name: w.name,
                kind: w.kind,
                autoscaling: w.shape.autoscaling.enabled,
                personalIdentity: isPersonal(w),
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
                ...(logs ? { logShipping: logs.shipping } : {}),
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
        ...(entry?.sso ? { sso: entry.sso } : {}),
        observability: {
            team,
            namespace,
            metrics: monitoringNamespace !== undefined,
            ...(logs && teamLogs
                ? {
                      logs: {
                          bucket: teamLogs.bucket,
                          prefix: teamLogs.prefix,
                          ...(logs.createRole && config.cloud
                              ? { createRole: { ...logs.createRole, accountId: config.cloud.accountId } }
                              : {}),
                      },
                  }
                : {}),
        },
    };
}

/**
 * What a team's configuration claims, held against the tenancy registry (common/tenancy.ts): its
 * name and namespace, addresses, pod network, RAM roles, OSS and NAS data, hosts and listeners,
 * node pools and the private endpoints it reaches. Each refusal is reported on the key that makes
 * the claim and names the stack that owns the resource, if another team does. The policy pack
 * judges the rendered objects with the same predicates, independently of this.
 */
import {
    apiServerProblem,
    clbAclProblem,
    clbCertificateProblem,
    egressProblem,
    hostProblem,
    listenerProblem,
    namespaceProblem,
    nasProblem,
    nodePoolProblems,
    ossProblem,
    podCidrProblem,
    ramRoleProblem,
    registeredNamespaces,
    securityGroupProblem,
    ssoFor,
    teamProblem,
    tenantFor,
    vpcProblem,
    vSwitchProblem,
    type Placement,
    type Tenancy,
} from "@ray-on-ack/common/tenancy";
import { OSS_WRITE_ACTIONS, asList, ossScopeOf } from "@ray-on-ack/common/ram";
import type { Issue } from "../core/issue";
import { logsRoleName, rrsaRolePlan, rrsaWanted } from "../cloud/rrsaPlan";
import { workloadsOf } from "../ray/workloads";
import type { TeamConfig } from "./model";

type Path = (string | number)[];
type Volume = NonNullable<TeamConfig["clusters"][number]["volumes"]>[number];
type Group = {
    volumes?: Volume[];
    nodeSelector?: Record<string, string>;
    affinity?: { nodeAffinity?: Record<string, unknown> };
    tolerations?: { key: string; operator?: string; value?: string; effect?: string }[];
};

const OSS_DRIVER = "ossplugin.csi.alibabacloud.com";
const NAS_DRIVER = "nasplugin.csi.alibabacloud.com";

/** The OSS CSI driver's `path` attribute (`/public`) as the object prefix it mounts (`public/`). */
function ossPrefixOfPath(p: string | undefined): string {
    const trimmed = (p ?? "").replace(/^\/+|\/+$/g, "");
    return trimmed === "" ? "" : `${trimmed}/`;
}

function volumeClaims(t: Tenancy, stack: string, volumes: readonly Volume[] | undefined, at: Path): Issue[] {
    return (volumes ?? []).flatMap((v, i) => {
        const csi = v.csi;
        if (csi === undefined) {
            return [];
        }
        const attrs = csi.volumeAttributes;
        const here = [...at, "volumes", i, "csi", "volumeAttributes"];
        const out: Issue[] = [];
        const push = (key: string, message: string | undefined) => message !== undefined && out.push({ path: [...here, key], message });
        if (csi.driver === OSS_DRIVER) {
            push(
                "bucket",
                attrs.bucket === undefined
                    ? "is required: an OSS volume names its bucket"
                    : ossProblem(t, stack, attrs.bucket, ossPrefixOfPath(attrs.path), v.readOnly ? "read" : "read-write"),
            );
        }
        if (csi.driver === NAS_DRIVER) {
            push(
                "server",
                attrs.server === undefined
                    ? "is required: a NAS volume names its file system"
                    : nasProblem(t, stack, attrs.server, attrs.path ?? "/"),
            );
        }
        if (attrs.roleName !== undefined) {
            push("roleName", ramRoleProblem(t, stack, attrs.roleName));
        }
        return out;
    });
}

/** nodeSelector, required node affinity `In` terms and tolerations, each with its key path. */
function placementOf(g: Group, at: Path): { placement: Placement; pathOf: Map<string, Path> } {
    const pathOf = new Map<string, Path>();
    const labels: { key: string; values: string[]; at: string }[] = [];
    for (const [key, value] of Object.entries(g.nodeSelector ?? {})) {
        const p = [...at, "nodeSelector", key];
        pathOf.set(p.join("."), p);
        labels.push({ key, values: [value], at: p.join(".") });
    }
    const required = (
        g.affinity?.nodeAffinity as
            | {
                  requiredDuringSchedulingIgnoredDuringExecution?: {
                      nodeSelectorTerms?: { matchExpressions?: { key?: string; operator?: string; values?: string[] }[] }[];
                  };
              }
            | undefined
    )?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    (required ?? []).forEach((term, i) =>
        (term.matchExpressions ?? []).forEach((e, j) => {
            if (e.operator === "In" && typeof e.key === "string") {
                const p = [
                    ...at,
                    "affinity",
                    "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms",
                    i,
                    "matchExpressions",
                    j,
                ];
                pathOf.set(p.join("."), p);
                labels.push({ key: e.key, values: e.values ?? [], at: p.join(".") });
            }
        }),
    );
    const tolerations = (g.tolerations ?? []).map((tol, i) => {
        const p = [...at, "tolerations", i];
        pathOf.set(p.join("."), p);
        return { ...tol, at: p.join(".") };
    });
    return { placement: { labels, tolerations }, pathOf };
}

function groupClaims(t: Tenancy, stack: string, g: Group, at: Path): Issue[] {
    const { placement, pathOf } = placementOf(g, at);
    return [
        ...volumeClaims(t, stack, g.volumes, at),
        ...nodePoolProblems(t, stack, placement).map((p) => ({ path: pathOf.get(p.at) ?? at, message: p.message })),
    ];
}

/** Everything `config`, deployed as stack `stack`, claims that the registry does not give it. */
export function tenancyClaims(config: TeamConfig, stack: string, t: Tenancy): Issue[] {
    const entry = tenantFor(t, stack);
    if ("problem" in entry) {
        return [{ path: ["team"], message: entry.problem }];
    }
    const out: Issue[] = [];
    const push = (path: Path, message: string | undefined) => message !== undefined && out.push({ path, message });
    push(["team"], teamProblem(t, stack, config.team));
    push([config.namespace === undefined ? "team" : "namespace"], namespaceProblem(t, stack, config.namespace ?? `ray-${config.team}`));
    config.podCidrs.forEach((c, i) => push(["podCidrs", i], podCidrProblem(t, stack, c)));
    config.podNetwork.vSwitchIds.forEach((id, i) => push(["podNetwork", "vSwitchIds", i], vSwitchProblem(t, stack, id)));
    config.podNetwork.securityGroupIds.forEach((id, i) => push(["podNetwork", "securityGroupIds", i], securityGroupProblem(t, stack, id)));
    if (config.podNetwork.createVSwitch) {
        push(["podNetwork", "createVSwitch", "vpcId"], vpcProblem(t, stack, config.podNetwork.createVSwitch.vpcId));
    }

    // RRSA: the roles the stack creates or annotates, and what their policy reaches.
    if (config.rrsa.existingRoleName !== undefined) {
        push(["rrsa", "existingRoleName"], ramRoleProblem(t, stack, config.rrsa.existingRoleName));
    }
    if (rrsaWanted(config)) {
        const workloads = workloadsOf(config);
        for (const role of rrsaRolePlan(config, workloads).roles) {
            const dedicated = workloads.findIndex((w) => role.roleName === `ray-${config.team}-${w.name}`);
            const where: Path =
                dedicated < 0
                    ? ["team"]
                    : [
                          workloads[dedicated].kind === "RayService" ? "services" : "clusters",
                          config[workloads[dedicated].kind === "RayService" ? "services" : "clusters"].findIndex(
                              (c) => c.name === workloads[dedicated].name,
                          ),
                          "rrsa",
                          "dedicatedRole",
                      ];
            push(where, ramRoleProblem(t, stack, role.roleName));
        }
    }
    config.rrsa.oss.forEach((g, i) => push(["rrsa", "oss", i], ossProblem(t, stack, g.bucket, g.prefix, g.access)));
    config.rrsa.extraStatements.forEach((st, i) => {
        if (st.Effect !== "Allow") {
            return;
        }
        const access = asList(st.Action).some((a) => OSS_WRITE_ACTIONS.includes(String(a))) ? "read-write" : "read";
        asList(st.Resource).forEach((r, j) => {
            const scope = ossScopeOf(r);
            const at: Path = Array.isArray(st.Resource)
                ? ["rrsa", "extraStatements", i, "Resource", j]
                : ["rrsa", "extraStatements", i, "Resource"];
            push(at, scope === undefined ? undefined : ossProblem(t, stack, scope.bucket, scope.prefix, access));
        });
    });

    // Every workload's data, placement and exposure.
    const kinds = [
        ["clusters", config.clusters],
        ["jobs", config.jobs],
        ["services", config.services],
    ] as const;
    for (const [key, list] of kinds) {
        list.forEach((w, i) => {
            const at: Path = [key, i];
            out.push(...volumeClaims(t, stack, w.volumes, at));
            out.push(...groupClaims(t, stack, w.head as Group, [...at, "head"]));
            w.workerGroups.forEach((g, j) => out.push(...groupClaims(t, stack, g as Group, [...at, "workerGroups", j])));
            const exposure = "exposure" in w ? w.exposure : undefined;
            if (exposure?.mode === "ingress") {
                push([...at, "exposure", "host"], hostProblem(t, stack, exposure.host));
            }
            if (exposure?.mode === "loadbalancer") {
                if (exposure.certId !== undefined) push([...at, "exposure", "certId"], clbCertificateProblem(t, stack, exposure.certId));
                if (exposure.aclId !== undefined) push([...at, "exposure", "aclId"], clbAclProblem(t, stack, exposure.aclId));
            }
            if (exposure?.mode === "gateway") {
                push([...at, "exposure", "host"], hostProblem(t, stack, exposure.host));
                // Without the basic-auth fallback's username, people sign in with the platform's provider.
                if (exposure.username === undefined) {
                    const sso = ssoFor(t, stack, exposure.host);
                    if ("problem" in sso) {
                        push([...at, "exposure", sso.missing === "provider" ? "mode" : "host"], sso.problem);
                    }
                }
                push(
                    [...at, "exposure", "listenerName"],
                    listenerProblem(t, stack, {
                        gateway: exposure.gatewayName,
                        namespace: exposure.gatewayNamespace,
                        sectionName: exposure.listenerName,
                    }),
                );
            }
        });
    }

    // The NetworkPolicies' peers: private endpoints, the API server, monitoring, DNS and the operator.
    config.network.egress.forEach((e, i) => push(["network", "egress", i], egressProblem(t, stack, e.cidr, e.ports)));
    for (const p of apiServerProblem(t, config.network.apiServerCidrs, config.network.apiServerPort)) {
        out.push({
            path: p.index === undefined ? ["network", "apiServerPort"] : ["network", "apiServerCidrs", p.index],
            message: p.message,
        });
    }
    // The monitoring namespace is the platform's: admitted to the metrics port only, never to the dashboard.
    config.network.allowedNamespaces.forEach((ns, i) => {
        if (ns === t.cluster.monitoringNamespace) {
            push(
                ["network", "allowedNamespaces", i],
                `${ns} is the platform's monitoring namespace (tenancy registry: ray-tenancy.cluster.monitoringNamespace): it is admitted to Ray's metrics port only; every pod there could reach the Ray dashboard and Ray Client`,
            );
        }
    });
    // Log shipping: the writer role comes from the registry, or the stack creates it with `cloud`.
    const logs = t.tenants[stack]?.logs;
    if (logs !== undefined) {
        if (config.cloud === undefined && (logs.roleArn === undefined || logs.oidcProviderArn === undefined)) {
            push(
                ["cloud"],
                `is required to ship the team's logs (tenancy registry: ray-tenancy.tenants.${stack}.logs): with it the stack creates the writer role ${logsRoleName(config.team)} trusted by the Ray pods' RRSA identity; without it the platform registers logs.roleArn and logs.oidcProviderArn`,
            );
        }
        if (logs.roleArn === undefined && config.cloud !== undefined) {
            push(["cloud"], ramRoleProblem(t, stack, logsRoleName(config.team)));
        }
    }
    const teamNamespaces = registeredNamespaces(t);
    for (const key of ["dnsNamespace", "operatorNamespace"] as const) {
        const owner = teamNamespaces[config.network[key]];
        if (owner !== undefined) {
            push(
                ["network", key],
                `${config.network[key]} is the namespace of stack ${owner} (tenancy registry: ray-tenancy.tenants.${owner}.namespace), not a cluster service's: its pods would be admitted to or reached from this team's Ray pods`,
            );
        }
    }
    return out;
}

import { names } from "../core/naming";
import { workloadsOf } from "../ray/workloads";
import type { TlsConfig } from "./model";
import { PKI_SETTING_KEYS, type PkiRequest, type PkiSettings } from "../providers/pki";
import type { TeamPkiArgs } from "./teamPki";

/** The part of a team's config its PKI is made from (a TeamConfig fits it). */
export type TeamConfig = Parameters<typeof workloadsOf>[0] & {
    readonly team: string;
    readonly namespace?: string;
    readonly podCidrs: readonly string[];
    readonly tls: TlsConfig;
};

/** The Ray Client users whose certificates come from this cluster's CA (`tls.clients[].clusters`). */
export function tlsClientsOf(config: TeamConfig, cluster: string): string[] {
    return config.tls.clients.filter((c) => c.clusters.includes(cluster)).map((c) => c.name);
}

/** What a team's config asks of its PKI: a CA and a pair of certificates per RayCluster and RayJob. */
export function teamPkiArgsFor(config: TeamConfig): TeamPkiArgs & { readonly podCidrs: string[]; readonly namespace: string } {
    return {
        team: config.team,
        namespace: names.namespace(config.team, config.namespace),
        podCidrs: [...config.podCidrs],
        clusters: workloadsOf(config).map(({ name, kind }) => ({
            name,
            clients: tlsClientsOf(config, name),
            ...(kind === "RayService" ? { workload: "RayService" as const } : {}),
        })),
        ...tlsSettings(config),
    };
}

/** The stack's `tls` settings every PKI request carries (key size, validity, rotation). */
function tlsSettings(config: TeamConfig): PkiSettings {
    return Object.fromEntries(PKI_SETTING_KEYS.map((k) => [k, config.tls[k]])) as unknown as PkiSettings;
}

/** The request of each cluster's PKI resource, in workload order (what `TeamPki` registers). */
export function pkiRequestsFor(config: TeamConfig): PkiRequest[] {
    const args = teamPkiArgsFor(config);
    return args.clusters.map((c) => ({
        team: args.team,
        namespace: args.namespace,
        podCidrs: [...args.podCidrs],
        cluster: c.name,
        clients: [...(c.clients ?? [])],
        ...tlsSettings(config),
        ...(c.workload ? { workload: c.workload } : {}),
    }));
}

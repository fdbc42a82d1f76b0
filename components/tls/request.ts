import type { TeamConfig } from "../config/schema";
import { names } from "../naming";
import { workloadsOf } from "../config/workloads";
import type { PkiRequest } from "./pki";

/** What a team's config asks of its PKI: one pair of certificates per RayCluster and RayJob. */
export function pkiRequestFor(config: TeamConfig): PkiRequest {
    return {
        team: config.team,
        namespace: names.namespace(config.team, config.namespace),
        podCidrs: [...config.podCidrs],
        clusters: workloadsOf(config).map(({ name, kind }) => ({ name, kind })),
        clients: [...config.tls.clients],
        keySize: config.tls.keySize,
        leafValidityDays: config.tls.leafValidityDays,
        caValidityDays: config.tls.caValidityDays,
        renewBeforeDays: config.tls.renewBeforeDays,
        rotation: config.tls.rotation,
        caRotation: config.tls.caRotation,
        caOverlapDays: config.tls.caOverlapDays,
    };
}

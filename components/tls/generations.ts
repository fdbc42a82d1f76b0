/**
 * A RayService's TLS Secrets across a zero-downtime upgrade.
 *
 * Any change to a RayService's cluster spec (a certificate or token rotation changes its pod
 * template annotations) makes KubeRay start a pending cluster `<service>-<random>` and keep the old
 * one serving until the new one is ready, then delete the old one. Ray reads its certificates only
 * when a process starts, but the old cluster keeps starting processes (new replicas, a restarted
 * worker pod) until the switch: rewriting the Secret it mounts would hand them certificates from a
 * new CA that its running processes do not trust.
 *
 * So the pairs live in two slots, `<service>-ray-tls-<role>-0` and `-1`. Generation g (the PKI
 * state's count of head/worker issues) is written to slot g % 2 and the pod template names that
 * slot; the other slot keeps generation g - 1, byte for byte, for the old cluster, until the next
 * issue (g + 1) reuses it. One rotation at a time: the next one must wait until the RayService has
 * switched to the pending cluster (docs/design.md "RayService").
 */
import { LABELS, names } from "../core/naming";
import type { PkiState } from "../providers/pki";
import { tlsSecretFor, type TlsSecretSpec } from "./secrets";

export const TLS_SLOTS = [0, 1] as const;
/** On a slot's Secrets: which slot they are (the generation's parity). */
export const TLS_SLOT_LABEL = "ray-on-ack.io/tls-slot";

/** The slot whose Secrets the current generation's pods mount. */
export function currentSlot(state: Pick<PkiState, "generation">): 0 | 1 {
    return ((state.generation ?? 0) % 2) as 0 | 1;
}

export function slotSecretNames(service: string, slot: number): { head: string; worker: string } {
    return { head: names.tlsSlotSecret(service, "head", slot), worker: names.tlsSlotSecret(service, "worker", slot) };
}

/**
 * The four Secrets, by slot: the current generation in its slot, the previous one in the other
 * (before the first rotation there is none, and both slots hold the current pair).
 */
export function generationSecretSpecs(
    namespace: string,
    service: string,
    state: PkiState,
    labels: Record<string, string>,
): Record<0 | 1, { head: TlsSecretSpec; worker: TlsSecretSpec }> {
    const current = currentSlot(state);
    const previous = state.previousNodes;
    const material = (slot: 0 | 1) =>
        slot === current || !previous
            ? { head: state.head, worker: state.worker, caBundlePem: state.caBundlePem }
            : { head: previous.head, worker: previous.worker, caBundlePem: previous.caBundlePem };
    const specs = (slot: 0 | 1) => {
        const m = material(slot);
        const secretNames = slotSecretNames(service, slot);
        const meta = (role: "head" | "worker") => ({
            name: secretNames[role],
            namespace,
            labels: { ...labels, [LABELS.cluster]: service, [LABELS.role]: role, [TLS_SLOT_LABEL]: String(slot) },
        });
        return {
            head: tlsSecretFor(meta("head"), m.head.certPem, m.head.keyPem, m.caBundlePem),
            worker: tlsSecretFor(meta("worker"), m.worker.certPem, m.worker.keyPem, m.caBundlePem),
        };
    };
    return { 0: specs(0), 1: specs(1) };
}

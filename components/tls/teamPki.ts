/**
 * A team's Ray TLS: one PKI per RayCluster and RayJob (each with its own CA, whose key is kept
 * in Pulumi state only) and the Secrets the Ray pods mount.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { names, teamLabels } from "../core/naming";
import { pkiSettings, type PkiSettings } from "../providers/pki";
import { RayPki } from "../providers/pkiResource";
import { tlsSecretSpecs, TlsSecretSpec } from "./secrets";
import { currentSlot, generationSecretSpecs, slotSecretNames, TLS_SLOTS } from "./generations";

export interface TeamPkiCluster {
    /** The RayCluster or RayJob name: it gets its own CA, certificates and pair of Secrets. */
    readonly name: string;
    /**
     * Ray Client users of this cluster; each gets a client-only certificate from the cluster's CA,
     * handed over through the (secret) stack outputs only: a person's key has no business in the
     * team namespace. Default none.
     */
    readonly clients?: readonly string[];
    /**
     * `RayService`: certificates for KubeRay's generated cluster names and two generation slots of
     * Secrets, so that an upgrade's old cluster keeps its own (components/tls/generations.ts).
     * Default: a RayCluster's or RayJob's pair of Secrets.
     */
    readonly workload?: "RayService";
}

/** The PKI settings (PkiRequest's, documented there), each optional (PKI_DEFAULTS) and applied to every cluster; the key size is a plain value. */
export type TeamPkiSettings = { readonly [K in keyof PkiSettings]?: K extends "keySize" ? PkiSettings[K] : pulumi.Input<PkiSettings[K]> };

export interface TeamPkiArgs extends TeamPkiSettings {
    /** Team name: in every certificate subject and the Secrets' team label. */
    readonly team: string;
    readonly namespace: pulumi.Input<string>;
    /** The team's pod CIDRs; every address becomes an IP SAN. At most 4096 addresses in total. */
    readonly podCidrs: pulumi.Input<pulumi.Input<string>[]>;
    /** One entry per RayCluster and RayJob. Plain values: each gets its own PKI resource and Secrets. */
    readonly clusters: readonly TeamPkiCluster[];
    /** Extra labels on the Secrets, over the team labels. Default none. */
    readonly labels?: Record<string, string>;
    /**
     * What the Secrets wait for: the resource that creates the namespace. Given here rather than as
     * the component's `dependsOn`, so that the PKI resources (which create nothing in the cluster)
     * register at once: the first one starts Pulumi's dynamic-provider host (about a second of Node
     * start-up) while the rest of the stack registers, instead of after it (docs/performance.md).
     * Default none.
     */
    readonly secretsDependOn?: pulumi.Input<pulumi.Resource>[];
}

export interface ClusterTlsSecrets {
    readonly head: k8s.core.v1.Secret;
    readonly worker: k8s.core.v1.Secret;
}

/** One cluster's TLS: its PKI resource, what its pods and its Ray Client users need, and its Secrets. */
export interface ClusterPki {
    /** The PKI resource; its `secretState` (secret) holds every key, the CA key included. */
    readonly pki: RayPki;
    /** What the cluster's `ca.crt` holds: its CA (both CAs during a rotation overlap). */
    readonly caBundlePem: pulumi.Output<string>;
    /** The value for the `ray-on-ack.io/tls-fingerprint` pod template annotation. */
    readonly fingerprint: pulumi.Output<string>;
    readonly clientCertPems: pulumi.Output<Record<string, string>>;
    /** Secret. */
    readonly clientKeyPems: pulumi.Output<Record<string, string>>;
    /** Make the Ray resources depend on these. */
    readonly secrets: ClusterTlsSecrets;
    /** The Secrets the pods mount: `<name>-ray-tls-<role>`, or a RayService's current generation slot. */
    readonly secretNames: pulumi.Output<{ head: string; worker: string }>;
    /** RayService only: every slot's Secrets (the current generation's are also in `secrets`). */
    readonly slotSecrets?: k8s.core.v1.Secret[];
}

export class TeamPki extends pulumi.ComponentResource {
    /** By cluster name. */
    declare readonly clusters: Record<string, ClusterPki>;

    constructor(name: string, args: TeamPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:tls:TeamPki", name, {}, opts);
        const labels = { ...teamLabels(args.team), ...args.labels };
        const secret = (resourceName: string, spec: pulumi.Output<TlsSecretSpec>) =>
            new corev1.Secret(
                resourceName,
                {
                    // Names and labels are not sensitive; keep them readable in previews.
                    metadata: pulumi.unsecret(spec.apply((s) => s.metadata)),
                    type: "kubernetes.io/tls",
                    data: spec.apply((s) => s.data),
                },
                { parent: this, dependsOn: args.secretsDependOn },
            );

        const clusters: Record<string, ClusterPki> = {};
        for (const { name: cluster, clients, workload } of args.clusters) {
            const pki = new RayPki(
                `${name}-${cluster}-pki`,
                {
                    team: args.team,
                    namespace: args.namespace,
                    podCidrs: pulumi.output(args.podCidrs),
                    cluster,
                    clients: [...(clients ?? [])],
                    ...pkiSettings(args),
                    ...(workload ? { workload } : {}),
                },
                { parent: this },
            );
            // Marked again here: the engine applies additionalSecretOutputs, the mock runtime does not.
            const state = pulumi.secret(pki.secretState);
            const specs = pulumi.all([args.namespace, state]).apply(([ns, s]) => {
                if (!s?.head) {
                    // Seen under the mock runtime when `newResource` does not answer for the dynamic resource.
                    throw new Error(
                        `RayPki ${cluster} returned no secretState ` +
                            "(under mocks, answer pulumi-nodejs:dynamic:Resource with rayPkiMockAnswer.state(inputs))",
                    );
                }
                return tlsSecretSpecs(
                    ns,
                    {
                        clusterName: cluster,
                        headCertPem: s.head.certPem,
                        headKeyPem: s.head.keyPem,
                        workerCertPem: s.worker.certPem,
                        workerKeyPem: s.worker.keyPem,
                        caBundlePem: s.caBundlePem,
                    },
                    labels,
                );
            });
            // What every workload kind's entry holds; the Secrets differ (below).
            const material = {
                pki,
                caBundlePem: pki.caBundlePem,
                fingerprint: pki.fingerprint,
                clientCertPems: pki.clientCerts,
                clientKeyPems: state.apply((s) => Object.fromEntries(Object.entries(s.clients).map(([n, c]) => [n, c.keyPem]))),
            };
            if (workload === "RayService") {
                const slots = pulumi.all([args.namespace, state]).apply(([ns, s]) => generationSecretSpecs(ns, cluster, s, labels));
                const slotSecrets = TLS_SLOTS.flatMap((slot) =>
                    (["head", "worker"] as const).map((role) =>
                        secret(
                            `${name}-${cluster}-tls-${role}-${slot}`,
                            slots.apply((s) => s[slot][role]),
                        ),
                    ),
                );
                clusters[cluster] = {
                    ...material,
                    secrets: { head: slotSecrets[0], worker: slotSecrets[1] },
                    slotSecrets,
                    // Not secret: which slot is current says nothing about the keys.
                    secretNames: pulumi.unsecret(state.apply((s) => slotSecretNames(cluster, currentSlot(s)))),
                };
                continue;
            }
            clusters[cluster] = {
                ...material,
                // Resource names as before the per-cluster CAs, so that existing stacks update these Secrets in place.
                secrets: {
                    head: secret(
                        `${name}-${cluster}-tls-head`,
                        specs.apply((s) => s.head),
                    ),
                    worker: secret(
                        `${name}-${cluster}-tls-worker`,
                        specs.apply((s) => s.worker),
                    ),
                },
                secretNames: pulumi.output({ head: names.tlsSecret(cluster, "head"), worker: names.tlsSecret(cluster, "worker") }),
            };
        }
        this.clusters = clusters;
        this.registerOutputs({
            caBundlePems: pulumi.all(Object.fromEntries(Object.entries(clusters).map(([n, c]) => [n, c.caBundlePem]))),
            fingerprints: pulumi.all(Object.fromEntries(Object.entries(clusters).map(([n, c]) => [n, c.fingerprint]))),
        });
    }
}

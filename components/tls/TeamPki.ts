/**
 * A team's Ray TLS: the PKI (CA key kept in Pulumi state only) and the Secrets the Ray pods mount.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { teamLabels } from "../naming";
import { PKI_DEFAULTS, PkiState, RayWorkloadKind } from "./pki";
import { PublicClusterCerts, RayPki } from "./provider";
import { tlsSecretSpecs, TlsSecretSpec } from "./secrets";

export interface TeamPkiArgs {
    /** Team name: the CA's common name and the Secrets' team label. */
    readonly team: string;
    readonly namespace: pulumi.Input<string>;
    /** The team's pod CIDRs; every address becomes an IP SAN. At most 4096 addresses in total. */
    readonly podCidrs: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * One entry per RayCluster and RayJob. Plain values: each gets its own pair of Secrets.
     * A RayJob's head certificate carries namespace wildcards, since KubeRay names its cluster at random.
     */
    readonly clusters: readonly { readonly name: string; readonly kind: RayWorkloadKind }[];
    /**
     * Ray Client users; each gets a client-only certificate, handed over through the (secret) stack
     * outputs only: a person's key has no business in the team namespace. Default none.
     */
    readonly clients?: readonly string[];
    /** RSA key size. Default 2048. */
    readonly keySize?: 2048 | 3072;
    /** Default 365. */
    readonly leafValidityDays?: pulumi.Input<number>;
    /** Default 1825 (5 years). */
    readonly caValidityDays?: pulumi.Input<number>;
    /** Re-issue a certificate once it expires within this many days (on the next `pulumi up`). Default 30. */
    readonly renewBeforeDays?: pulumi.Input<number>;
    /** Bump to re-issue every leaf certificate. Default 0. */
    readonly rotation?: pulumi.Input<number>;
    /** Bump to issue a new CA; leaves are re-issued under it. Default 0. */
    readonly caRotation?: pulumi.Input<number>;
    /** Days during which `ca.crt` trusts both the previous and the new CA after a CA rotation. Default 30. */
    readonly caOverlapDays?: pulumi.Input<number>;
    /** Extra labels on the Secrets, over the team labels. Default none. */
    readonly labels?: Record<string, string>;
}

export interface ClusterTlsSecrets {
    readonly head: k8s.core.v1.Secret;
    readonly worker: k8s.core.v1.Secret;
}

export class TeamPki extends pulumi.ComponentResource {
    /** The PKI resource; its `secretState` (secret) holds every key, the CA key included. */
    declare readonly pki: RayPki;
    declare readonly caCertPem: pulumi.Output<string>;
    /** What every `ca.crt` holds. */
    declare readonly caBundlePem: pulumi.Output<string>;
    declare readonly certificates: pulumi.Output<Record<string, PublicClusterCerts>>;
    /** Per cluster: the value for the `ray-on-ack.io/tls-fingerprint` pod template annotation. */
    declare readonly fingerprints: pulumi.Output<Record<string, string>>;
    declare readonly clientCertPems: pulumi.Output<Record<string, string>>;
    /** Secret. */
    declare readonly clientKeyPems: pulumi.Output<Record<string, string>>;
    /** Per cluster; make the Ray resources depend on these. */
    declare readonly tlsSecrets: Record<string, ClusterTlsSecrets>;

    constructor(name: string, args: TeamPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:tls:TeamPki", name, {}, opts);

        const pki = new RayPki(
            `${name}-pki`,
            {
                team: args.team,
                namespace: args.namespace,
                podCidrs: pulumi.output(args.podCidrs),
                clusters: args.clusters.map((c) => ({ name: c.name, kind: c.kind })),
                clients: [...(args.clients ?? [])],
                keySize: args.keySize ?? PKI_DEFAULTS.keySize,
                leafValidityDays: args.leafValidityDays ?? PKI_DEFAULTS.leafValidityDays,
                caValidityDays: args.caValidityDays ?? PKI_DEFAULTS.caValidityDays,
                renewBeforeDays: args.renewBeforeDays ?? PKI_DEFAULTS.renewBeforeDays,
                rotation: args.rotation ?? PKI_DEFAULTS.rotation,
                caRotation: args.caRotation ?? PKI_DEFAULTS.caRotation,
                caOverlapDays: args.caOverlapDays ?? PKI_DEFAULTS.caOverlapDays,
            },
            { parent: this },
        );
        // Marked again here: the engine applies additionalSecretOutputs, the mock runtime does not.
        const state = pulumi.secret(pki.secretState);
        const labels = { ...teamLabels(args.team), ...args.labels };

        const secret = (resourceName: string, spec: pulumi.Output<TlsSecretSpec>) =>
            new k8s.core.v1.Secret(
                resourceName,
                {
                    // Names and labels are not sensitive; keep them readable in previews.
                    metadata: pulumi.unsecret(spec.apply((s) => s.metadata)),
                    type: "kubernetes.io/tls",
                    data: spec.apply((s) => s.data),
                },
                { parent: this },
            );

        const tlsSecrets: Record<string, ClusterTlsSecrets> = {};
        for (const { name: cluster } of args.clusters) {
            const specs = pulumi.all([args.namespace, state]).apply(([ns, s]) => {
                const c = material(s, "clusters", cluster);
                return tlsSecretSpecs(
                    ns,
                    {
                        clusterName: cluster,
                        headCertPem: c.head.certPem,
                        headKeyPem: c.head.keyPem,
                        workerCertPem: c.worker.certPem,
                        workerKeyPem: c.worker.keyPem,
                        caBundlePem: s.caBundlePem,
                    },
                    labels,
                );
            });
            tlsSecrets[cluster] = {
                head: secret(`${name}-${cluster}-tls-head`, specs.apply((s) => s.head)),
                worker: secret(`${name}-${cluster}-tls-worker`, specs.apply((s) => s.worker)),
            };
        }
        this.pki = pki;
        this.caCertPem = pki.caCertPem;
        this.caBundlePem = pki.caBundlePem;
        this.certificates = pki.clusterCerts;
        this.fingerprints = pki.fingerprints;
        this.clientCertPems = pki.clientCerts;
        this.clientKeyPems = state.apply((s) => Object.fromEntries(Object.entries(s.clients).map(([n, c]) => [n, c.keyPem])));
        this.tlsSecrets = tlsSecrets;
        this.registerOutputs({
            caCertPem: this.caCertPem,
            caBundlePem: this.caBundlePem,
            fingerprints: this.fingerprints,
            clientCertPems: this.clientCertPems,
            clientKeyPems: this.clientKeyPems,
        });
    }
}

function material<K extends "clusters" | "clients">(state: PkiState | undefined, kind: K, name: string): PkiState[K][string] {
    const found = state?.[kind]?.[name];
    if (!found) {
        // Seen under the mock runtime when `newResource` does not answer for the dynamic resource.
        throw new Error(
            `RayPki state has no ${kind} entry ${name}: the PKI resource returned no secretState ` +
                "(under mocks, answer pulumi-nodejs:dynamic:Resource with createRayPkiOutputs(inputs))",
        );
    }
    return found as PkiState[K][string];
}

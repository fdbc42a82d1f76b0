/**
 * Kubernetes Secrets holding the Ray TLS material, as plain objects: the component wraps them
 * in resources inside `.apply`, the renderer writes them, and the tests read them as they are.
 * Each Secret holds exactly one leaf key; a CA key can never reach one.
 */
import crypto = require("crypto");
import { LABELS, names } from "../core/naming";

export interface ClusterTlsMaterial {
    readonly clusterName: string;
    readonly headCertPem: string;
    readonly headKeyPem: string;
    readonly workerCertPem: string;
    readonly workerKeyPem: string;
    /** The `ca.crt` content (during a CA rotation, both CAs). */
    readonly caBundlePem: string;
}

export interface TlsSecretSpec {
    apiVersion: "v1";
    kind: "Secret";
    type: "kubernetes.io/tls";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    /** Base64, keys exactly `tls.crt`, `tls.key`, `ca.crt` (what Ray's `RAY_TLS_*` paths point at). */
    data: { "tls.crt": string; "tls.key": string; "ca.crt": string };
}

/** The head and worker Secrets of one RayCluster (or RayJob). */
export function tlsSecretSpecs(
    namespace: string,
    m: ClusterTlsMaterial,
    labels: Record<string, string>,
): { head: TlsSecretSpec; worker: TlsSecretSpec } {
    const spec = (role: "head" | "worker", certPem: string, keyPem: string) =>
        tlsSecret(
            {
                name: names.tlsSecret(m.clusterName, role),
                namespace,
                labels: { ...labels, [LABELS.cluster]: m.clusterName, [LABELS.role]: role },
            },
            certPem,
            keyPem,
            m.caBundlePem,
        );
    return { head: spec("head", m.headCertPem, m.headKeyPem), worker: spec("worker", m.workerCertPem, m.workerKeyPem) };
}

/** One `kubernetes.io/tls` Secret holding a leaf, its key and the `ca.crt` bundle. */
export function tlsSecretFor(metadata: TlsSecretSpec["metadata"], certPem: string, keyPem: string, caBundlePem: string): TlsSecretSpec {
    return tlsSecret(metadata, certPem, keyPem, caBundlePem);
}

function tlsSecret(metadata: TlsSecretSpec["metadata"], certPem: string, keyPem: string, caBundlePem: string): TlsSecretSpec {
    assertLeafWithItsKey(metadata.name, certPem, keyPem);
    const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
    return {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/tls",
        metadata,
        data: { "tls.crt": b64(certPem), "tls.key": b64(keyPem), "ca.crt": b64(caBundlePem) },
    };
}

/**
 * A CA certificate with its key would let anyone who can read the Secret mint certificates for
 * the whole team; a mismatched pair would only surface as Ray failing to start. Refuse both here.
 */
function assertLeafWithItsKey(secretName: string, certPem: string, keyPem: string): void {
    const cert = new crypto.X509Certificate(certPem);
    if (cert.ca) {
        throw new Error(`Secret ${secretName}: refusing to store a CA certificate and its key`);
    }
    if (!cert.checkPrivateKey(crypto.createPrivateKey(keyPem))) {
        throw new Error(`Secret ${secretName}: tls.key does not belong to tls.crt`);
    }
}

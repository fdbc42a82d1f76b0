/**
 * One RayCluster's (or RayJob's) Ray PKI as pure functions: a request and the previous state go
 * in, PEMs come out. The dynamic provider, the tests and the renderer all call these, so what the
 * mock runtime renders is what `pulumi up` issues.
 *
 * Trust is per cluster, not per team: each RayCluster and RayJob gets its own CA, so a certificate
 * of one cluster (or a key stolen from one of its pods) is never accepted by another cluster's
 * nodes, although all of a team's pods share the team's pod subnets.
 *
 * Why every pod address is a SAN: gRPC checks an IP target only against IP SANs, Ray dials
 * peers by pod IP, and pod IPs are unknown at deploy time. Binding the team's pods to dedicated
 * subnets lets one certificate per role cover them all without a CA key in the cluster.
 */
// `import x = require()`, not `import * as`: the closure serializer mistakes the getters of
// TypeScript's __importStar wrapper for free variables and mixes up modules (node-forge came out as ipaddr.js).
import crypto = require("crypto");
import type Forge = require("node-forge");
import { addressesOf, parseIpv4Cidr } from "@ray-on-ack/common/addresses";
import { validatePodCidrs } from "../core/podCidrs";
import { names } from "../core/naming";

/**
 * node-forge, loaded when a certificate is first issued or read. A program run only declares
 * PKIs (the dynamic-provider host issues them), so `pulumi preview` and `up` never load it.
 */
function forge(): typeof Forge {
    return require("node-forge");
}

/**
 * The fields of a PkiRequest, once, in the provider's fixed order: what the team and the cluster
 * give (`given`), the settings with a default (`setting`, PKI_DEFAULTS) and the optional kind. Every
 * other list of them (the provider's input keys, TeamPki's args and defaults, the stack schema's
 * `tls` section, the requests of a team config) is derived from this table.
 */
export const PKI_REQUEST_FIELDS = {
    team: "given",
    namespace: "given",
    podCidrs: "given",
    cluster: "given",
    clients: "given",
    keySize: "setting",
    leafValidityDays: "setting",
    caValidityDays: "setting",
    renewBeforeDays: "setting",
    rotation: "setting",
    caRotation: "setting",
    caOverlapDays: "setting",
    workload: "optional",
} as const satisfies Record<keyof PkiRequest, "given" | "setting" | "optional">;

/** The settings a stack (or TeamPki's caller) may give, each with a secure default. */
export type PkiSettingKey = {
    [K in keyof typeof PKI_REQUEST_FIELDS]: (typeof PKI_REQUEST_FIELDS)[K] extends "setting" ? K : never;
}[keyof typeof PKI_REQUEST_FIELDS];
export type PkiSettings = Pick<PkiRequest, PkiSettingKey>;

/** Every request field, in order (the provider's inputs). */
export const PKI_REQUEST_KEYS = Object.keys(PKI_REQUEST_FIELDS) as (keyof PkiRequest)[];
/** The settings, in order. */
export const PKI_SETTING_KEYS = PKI_REQUEST_KEYS.filter((k): k is PkiSettingKey => PKI_REQUEST_FIELDS[k] === "setting");

/** The PKI's secure defaults; the stack schema and TeamPki both take them from here. */
export const PKI_DEFAULTS = {
    keySize: 2048,
    leafValidityDays: 365,
    caValidityDays: 1825,
    renewBeforeDays: 30,
    rotation: 0,
    caRotation: 0,
    caOverlapDays: 30,
} as const satisfies PkiSettings;

/** The settings of `given`, defaults filled in, in order. */
export function pkiSettings<A extends { readonly [K in PkiSettingKey]?: unknown }>(
    given: A,
): { [K in PkiSettingKey]: NonNullable<A[K]> | PkiSettings[K] } {
    return Object.fromEntries(PKI_SETTING_KEYS.map((k) => [k, given[k] ?? PKI_DEFAULTS[k]])) as {
        [K in PkiSettingKey]: NonNullable<A[K]> | PkiSettings[K];
    };
}

const DAY_MS = 86_400_000;
/** Backdated so that a node whose clock lags a little still accepts a certificate issued a moment ago. */
const CLOCK_SKEW_MS = 3_600_000;

export type RayWorkloadKind = "RayCluster" | "RayJob";

/** What one cluster's PKI is issued from. */
export interface PkiRequest {
    readonly team: string;
    readonly namespace: string;
    readonly podCidrs: string[];
    /** The RayCluster or RayJob whose CA this is; its head Service names are the head certificate's DNS SANs. */
    readonly cluster: string;
    /** Ray Client users of this cluster; each gets a client-only certificate from this cluster's CA. */
    readonly clients: string[];
    /** RSA key size. Default 2048. */
    readonly keySize: 2048 | 3072;
    /** Lifetime of the head, worker and client certificates, in days. Default 365. */
    readonly leafValidityDays: number;
    /** Lifetime of the CA, in days. Default 1825 (5 years). */
    readonly caValidityDays: number;
    /** A leaf (or the CA) is re-issued once it expires within this many days (on the next `pulumi up`). Default 30. */
    readonly renewBeforeDays: number;
    /** Bump to re-issue every leaf. Default 0. */
    readonly rotation: number;
    /** Bump to issue a new CA; the old one stays in `ca.crt` for `caOverlapDays`. Default 0. */
    readonly caRotation: number;
    /** Days during which `ca.crt` trusts both the previous and the new CA after a CA rotation. Default 30. */
    readonly caOverlapDays: number;
    /**
     * `RayService`: KubeRay names the service's clusters (and so their head Services) itself, and keeps
     * the old cluster running while a new one starts. The head certificate then covers any head Service
     * name of the namespace, and the state keeps the previous head/worker generation for the old
     * cluster's Secrets (components/tls/generations.ts). Default: a RayCluster's or RayJob's PKI.
     */
    readonly workload?: "RayService";
}

export interface IssuedPair {
    certPem: string;
    keyPem: string;
}

export interface PkiState {
    ca: IssuedPair & { rotation: number };
    /**
     * The CA a rotation replaced, trusted until `retiredAt + caOverlapDays` (or its own expiry). Its key
     * is not kept. Only one: a second CA rotation inside the overlap drops the oldest CA at once.
     */
    previousCa?: { certPem: string; notAfter: string; retiredAt: string };
    /** What goes into `ca.crt`: the current CA, then the previous one during the overlap. */
    caBundlePem: string;
    head: IssuedPair;
    worker: IssuedPair;
    /** sha256 over the bundle and both certificates: a pod template annotation, so a rotation restarts the pods. */
    fingerprint: string;
    clients: Record<string, IssuedPair>;
    /** The request this state was issued for; the next run compares against it. */
    request: PkiRequest;
    /** RayService only: how many times the head/worker pair was issued, minus one (0 for the first). */
    generation?: number;
    /** RayService only: the generation before this one, which the still-running old cluster mounts. */
    previousNodes?: { head: IssuedPair; worker: IssuedPair; caBundlePem: string; generation: number };
}

/** Every problem with a request, pod CIDRs included; `issuePki` refuses a request that has any. */
export function validatePkiRequest(req: PkiRequest): string[] {
    const errors = validatePodCidrs(req.podCidrs);
    const positive = (key: keyof PkiRequest, min: number) => {
        const v = req[key];
        if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
            errors.push(`${key}: must be an integer >= ${min}, got ${JSON.stringify(v)}`);
        }
    };
    positive("leafValidityDays", 1);
    positive("caValidityDays", 1);
    positive("renewBeforeDays", 0);
    positive("rotation", 0);
    positive("caRotation", 0);
    positive("caOverlapDays", 0);
    if (req.keySize !== 2048 && req.keySize !== 3072) {
        errors.push(`keySize: must be 2048 or 3072, got ${JSON.stringify(req.keySize)}`);
    }
    // Otherwise every run would find the fresh leaf inside its renew window and re-issue it again.
    if (req.renewBeforeDays >= req.leafValidityDays || req.renewBeforeDays >= req.caValidityDays) {
        errors.push(
            `renewBeforeDays (${req.renewBeforeDays}) must be shorter than leafValidityDays (${req.leafValidityDays}) and caValidityDays (${req.caValidityDays})`,
        );
    }
    if (typeof req.cluster !== "string" || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(req.cluster)) {
        errors.push(`cluster: must be the RayCluster or RayJob name (a DNS label), got ${JSON.stringify(req.cluster)}`);
    }
    if (req.workload !== undefined && req.workload !== "RayService") {
        errors.push(`workload: must be RayService or absent, got ${JSON.stringify(req.workload)}`);
    }
    if (!Array.isArray(req.clients)) {
        errors.push(`clients: must be a list of names, got ${JSON.stringify(req.clients)}`);
    } else {
        for (const dup of duplicates(req.clients)) {
            errors.push(`clients: ${dup} is listed twice`);
        }
    }
    return errors;
}

function duplicates(items: string[]): string[] {
    return [...new Set(items.filter((x, i) => items.indexOf(x) !== i))];
}

// ---- what a run has to (re)issue -------------------------------------------------------------

/** The inputs each piece is issued from; a piece is re-issued when its inputs differ from last time. */
const caInputs = (r: PkiRequest) => ({
    team: r.team,
    cluster: r.cluster,
    keySize: r.keySize,
    caValidityDays: r.caValidityDays,
    caRotation: r.caRotation,
});
const clientInputs = (r: PkiRequest) => ({
    team: r.team,
    cluster: r.cluster,
    keySize: r.keySize,
    leafValidityDays: r.leafValidityDays,
    rotation: r.rotation,
});
const nodeInputs = (r: PkiRequest) => ({
    ...clientInputs(r),
    namespace: r.namespace,
    workload: r.workload,
    // Order does not change the SANs, so it must not re-issue (or replace) anything.
    podCidrs: [...r.podCidrs].sort(),
});

function changedKeys(before: object, after: object): string[] {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    return Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function expiresWithin(certPem: string, days: number, now: Date): boolean {
    return notAfterOf(certPem).getTime() - now.getTime() <= days * DAY_MS;
}

/** Keys: `ca`, `previousCa`, `nodes` (head and worker), `client:<name>`; values say why. */
type Plan = Map<string, string>;

function planPki(req: PkiRequest, previous: PkiState | undefined, now: Date): Plan {
    const plan: Plan = new Map();
    if (!previous) {
        plan.set("ca", "new");
        plan.set("nodes", "new");
        req.clients.forEach((c) => plan.set(`client:${c}`, "new"));
        return plan;
    }
    const old = previous.request;
    const caChanged = changedKeys(caInputs(old), caInputs(req));
    if (caChanged.length > 0) {
        plan.set("ca", `${caChanged.join(", ")} changed`);
    } else if (expiresWithin(previous.ca.certPem, req.renewBeforeDays, now)) {
        plan.set("ca", `expires ${notAfterOf(previous.ca.certPem).toISOString()}, inside the renew window`);
    }
    if (previous.previousCa && !plan.has("ca") && !previousCaStillTrusted(previous.previousCa, req.caOverlapDays, now)) {
        plan.set("previousCa", "the CA overlap ended");
    }
    const leaf = (key: string, existing: string[] | undefined, changed: string[]) => {
        if (plan.has("ca")) {
            plan.set(key, "the CA changed");
        } else if (!existing) {
            plan.set(key, "new");
        } else if (changed.length > 0) {
            plan.set(key, `${changed.join(", ")} changed`);
        } else {
            const expiring = existing.find((pem) => expiresWithin(pem, req.renewBeforeDays, now));
            if (expiring) {
                plan.set(key, `expires ${notAfterOf(expiring).toISOString()}, inside the renew window`);
            }
        }
    };
    leaf("nodes", [previous.head.certPem, previous.worker.certPem], changedKeys(nodeInputs(old), nodeInputs(req)));
    for (const name of req.clients) {
        const had = previous.clients[name];
        leaf(`client:${name}`, had && [had.certPem], changedKeys(clientInputs(old), clientInputs(req)));
    }
    for (const name of Object.keys(previous.clients)) {
        if (!req.clients.includes(name)) plan.set(`client:${name}`, "removed");
    }
    return plan;
}

function previousCaStillTrusted(prev: NonNullable<PkiState["previousCa"]>, overlapDays: number, now: Date): boolean {
    const until = Math.min(Date.parse(prev.retiredAt) + overlapDays * DAY_MS, Date.parse(prev.notAfter));
    return now.getTime() < until;
}

/**
 * What a run at `now` would change, one line per piece (empty: nothing to do). The provider's diff
 * uses this, so `pulumi preview` shows a change exactly when `issuePki` would issue something.
 */
export function pkiChanges(req: PkiRequest, previous: PkiState | undefined, now: Date = new Date()): string[] {
    return [...planPki(req, previous, now)].map(([piece, why]) => `${piece}: ${why}`);
}

// ---- issuing ---------------------------------------------------------------------------------

/**
 * Issues what `planPki` asks for and keeps everything else byte for byte, so that re-running with
 * an unchanged request changes no Secret and restarts no pod. The RSA keys it needs are generated
 * first, all at once and off the main thread (see `generateKeys`).
 */
export async function issuePki(req: PkiRequest, previous?: PkiState, now: Date = new Date()): Promise<PkiState> {
    const problems = validatePkiRequest(req);
    if (problems.length > 0) {
        throw new Error(`cannot issue the Ray TLS certificates of ${req.cluster}:\n  - ${problems.join("\n  - ")}`);
    }
    const plan = planPki(req, previous, now);
    const newCa = !previous || plan.has("ca");
    const fresh = !previous || plan.has("nodes");
    const newClients = req.clients.filter((name) => plan.has(`client:${name}`) || !previous?.clients[name]);
    const keys = await generateKeys(req.keySize, (newCa ? 1 : 0) + (fresh ? 2 : 0) + newClients.length);
    const nextKey = () => keys.pop()!;

    let ca: PkiState["ca"];
    let previousCa = previous?.previousCa;
    if (newCa) {
        ca = { ...issueCa(req, nextKey(), now), rotation: req.caRotation };
        previousCa = previous && {
            certPem: previous.ca.certPem,
            notAfter: notAfterOf(previous.ca.certPem).toISOString(),
            retiredAt: now.toISOString(),
        };
    } else {
        ca = previous.ca;
        if (plan.has("previousCa")) previousCa = undefined;
    }
    const caBundlePem = ca.certPem + (previousCa ? previousCa.certPem : "");

    let signer: Signer | undefined;
    const issuer = () => (signer ??= loadSigner(ca));
    const head = fresh ? issueLeaf(req, issuer(), nextKey(), now, `${req.cluster}-ray-head`, headDnsNames(req), true) : previous.head;
    const worker = fresh ? issueLeaf(req, issuer(), nextKey(), now, `${req.cluster}-ray-worker`, ["localhost"], true) : previous.worker;
    const clients: Record<string, IssuedPair> = {};
    for (const name of req.clients) {
        clients[name] = newClients.includes(name) ? issueLeaf(req, issuer(), nextKey(), now, name, [], false) : previous!.clients[name];
    }
    const state: PkiState = {
        ca,
        caBundlePem,
        head,
        worker,
        fingerprint: sha256Hex(caBundlePem + head.certPem + worker.certPem),
        clients,
        request: cloneRequest(req),
    };
    if (previousCa) state.previousCa = previousCa;
    if (req.workload === "RayService") {
        keepGenerations(state, previous, fresh);
    }
    return state;
}

/**
 * A RayService's new generation goes to a pending cluster while the old one serves: the old pair
 * (with the `ca.crt` it was issued with) stays in the state, so its Secrets can stay as they are.
 */
function keepGenerations(state: PkiState, previous: PkiState | undefined, fresh: boolean): void {
    const before = previous?.generation ?? 0;
    if (!previous || !fresh) {
        state.generation = before;
        if (previous?.previousNodes) state.previousNodes = previous.previousNodes;
        return;
    }
    state.generation = before + 1;
    state.previousNodes = { head: previous.head, worker: previous.worker, caBundlePem: previous.caBundlePem, generation: before };
}

function cloneRequest(req: PkiRequest): PkiRequest {
    return JSON.parse(JSON.stringify(req)) as PkiRequest;
}

/**
 * A RayJob's cluster is named `<job>-<random>` by KubeRay, but its head Service is named by the
 * RayJob builder (`headGroupSpec.headService`), so both kinds get the same four exact names.
 */
function headDnsNames(req: PkiRequest): string[] {
    const exact = ["localhost", ...names.headServiceDnsNames(req.cluster, req.namespace)];
    return req.workload === "RayService" ? [...exact, ...names.generatedHeadServiceDnsNames(req.namespace)] : exact;
}

interface Signer {
    cert: Forge.pki.Certificate;
    key: crypto.KeyObject;
    keyIdentifier: string;
}

function loadSigner(ca: IssuedPair): Signer {
    const cert = forge().pki.certificateFromPem(ca.certPem);
    const ski = cert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier: string } | undefined;
    const keyIdentifier = ski ? ski.subjectKeyIdentifier : cert.generateSubjectKeyIdentifier().toHex();
    return { cert, key: crypto.createPrivateKey(ca.keyPem), keyIdentifier: forge().util.hexToBytes(keyIdentifier) };
}

interface GeneratedKey {
    publicKey: Forge.pki.PublicKey;
    privateKey: crypto.KeyObject;
    keyPem: string;
}

/**
 * Native RSA generation, `count` keys at once: node-forge's pure-JS prime search takes seconds
 * per key, and Node's async `generateKeyPair` runs on libuv's thread pool, so the keys of a PKI
 * (and of every PKI a program issues at the same time) are searched for on all cores while the
 * main thread goes on registering resources.
 */
async function generateKeys(bits: number, count: number): Promise<GeneratedKey[]> {
    const one = () =>
        new Promise<GeneratedKey>((resolve, reject) =>
            crypto.generateKeyPair("rsa", { modulusLength: bits }, (err, publicKey, privateKey) => {
                if (err) return reject(err);
                resolve({
                    publicKey: forge().pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
                    privateKey,
                    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
                });
            }),
        );
    return Promise.all(Array.from({ length: count }, one));
}

/**
 * What forge's `cert.sign` does, with the RSA operation done natively: forge's pure-JS signature
 * takes about as long as generating a key, and an issue run makes one per certificate.
 */
function sign(cert: Forge.pki.Certificate, key: crypto.KeyObject): void {
    cert.signatureOid = cert.siginfo.algorithmOid = forge().pki.oids.sha256WithRSAEncryption;
    // Present in node-forge, missing from its type definitions.
    const pki = forge().pki as unknown as { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 };
    cert.tbsCertificate = pki.getTBSCertificate(cert);
    // Not the global Buffer: the dynamic-provider host may run this code in a context without it.
    const tbs = forge().util.binary.raw.decode(forge().asn1.toDer(cert.tbsCertificate).getBytes());
    cert.signature = crypto.sign("sha256", tbs, key).toString("binary");
}

/** 16 random bytes, top bit clear (serials are positive) and first byte non-zero (minimal DER). */
function randomSerial(): string {
    const bytes = crypto.randomBytes(16);
    bytes[0] = bytes[0] & 0x7f || 0x01;
    return bytes.toString("hex");
}

function newCertificate(publicKey: Forge.pki.PublicKey, now: Date, notAfter: Date): Forge.pki.Certificate {
    const cert = forge().pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = randomSerial();
    cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
    cert.validity.notAfter = notAfter;
    return cert;
}

function issueCa(req: PkiRequest, key: GeneratedKey, now: Date): IssuedPair {
    const cert = newCertificate(key.publicKey, now, new Date(now.getTime() + req.caValidityDays * DAY_MS));
    // The issue time in an OU keeps old and new CA subjects distinct during a rotation overlap.
    const subject = [
        { name: "commonName", value: `ray-on-ack ${req.cluster} CA` },
        { name: "organizationName", value: "ray-on-ack" },
        { name: "organizationalUnitName", value: req.team },
        { name: "organizationalUnitName", value: `issued ${now.toISOString()}` },
    ];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
        // pathLen 0: the CA signs leaves only, never another CA, so a leaf key can never become an issuer.
        { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    sign(cert, key.privateKey);
    return { certPem: toPem(cert), keyPem: key.keyPem };
}

/**
 * Ray uses one certificate as both gRPC server and client certificate, so a pod's leaf carries
 * both EKUs and every address a peer may dial; a Ray Client user's carries clientAuth and no SANs.
 */
function issueLeaf(
    req: PkiRequest,
    ca: Signer,
    key: GeneratedKey,
    now: Date,
    commonName: string,
    dnsNames: string[],
    pod: boolean,
): IssuedPair {
    // A leaf must not outlive its CA: verifiers would reject it from that day anyway.
    const notAfter = Math.min(now.getTime() + req.leafValidityDays * DAY_MS, ca.cert.validity.notAfter.getTime());
    const cert = newCertificate(key.publicKey, now, new Date(notAfter));
    cert.setSubject([
        { name: "commonName", value: commonName },
        { name: "organizationName", value: "ray-on-ack" },
        { name: "organizationalUnitName", value: req.team },
        { name: "organizationalUnitName", value: req.cluster },
    ]);
    cert.setIssuer(ca.cert.subject.attributes);
    const extensions: object[] = [
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        pod ? { name: "extKeyUsage", serverAuth: true, clientAuth: true } : { name: "extKeyUsage", clientAuth: true },
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: ca.keyIdentifier },
    ];
    if (pod) {
        extensions.push({ name: "subjectAltName", altNames: podAltNames(req.podCidrs, dnsNames) });
    }
    cert.setExtensions(extensions);
    sign(cert, ca.key);
    return { certPem: toPem(cert), keyPem: key.keyPem };
}

function podAltNames(podCidrs: string[], dnsNames: string[]): { type: number; value?: string; ip?: string }[] {
    const ips = new Set<string>(["127.0.0.1"]);
    for (const cidr of podCidrs) {
        for (const ip of addressesOf(parseIpv4Cidr(cidr)!)) ips.add(ip);
    }
    return [...dnsNames.map((value) => ({ type: 2, value })), ...[...ips].map((ip) => ({ type: 7, ip }))];
}

function toPem(cert: Forge.pki.Certificate): string {
    return forge().pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

function sha256Hex(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex");
}

// ---- reading certificates (tests, renderer, outputs) -----------------------------------------

function notAfterOf(certPem: string): Date {
    return new Date(new crypto.X509Certificate(certPem).validTo);
}

export interface CertInfo {
    subjectCN: string;
    issuerCN: string;
    serialHex: string;
    notBefore: Date;
    notAfter: Date;
    isCa: boolean;
    /** basicConstraints pathLenConstraint; undefined when absent (no limit). */
    pathLen?: number;
    /** Extension names (forge's) that are marked critical. */
    critical: string[];
    keyUsage: string[];
    /** Names such as serverAuth, clientAuth; empty when the extension is absent. */
    eku: string[];
    dnsSans: string[];
    ipSans: string[];
    hasSubjectKeyId: boolean;
    /** Hex; undefined when the extension is absent. */
    authorityKeyId?: string;
    subjectKeyId?: string;
    keyBits: number;
    /** sha256 over the DER, lowercase hex without colons. */
    sha256: string;
}

const KEY_USAGES = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];
const EKUS = ["serverAuth", "clientAuth", "codeSigning", "emailProtection", "timeStamping"];

/** A parsed view of a PEM certificate; when given a bundle, the first certificate. */
export function certInfo(pem: string): CertInfo {
    const cert = forge().pki.certificateFromPem(pem);
    type Ext = Record<string, unknown> & { name: string; critical?: boolean };
    const exts = cert.extensions as Ext[];
    const ext = (name: string) => exts.find((e) => e.name === name);
    const flags = (e: Ext | undefined, all: string[]) => (e ? all.filter((k) => e[k] === true) : []);
    const altNames = (ext("subjectAltName")?.altNames ?? []) as { type: number; value: string; ip?: string }[];
    const aki = ext("authorityKeyIdentifier");
    return {
        subjectCN: String(cert.subject.getField("CN")?.value ?? ""),
        issuerCN: String(cert.issuer.getField("CN")?.value ?? ""),
        serialHex: cert.serialNumber,
        notBefore: cert.validity.notBefore,
        notAfter: cert.validity.notAfter,
        isCa: ext("basicConstraints")?.cA === true,
        pathLen: ext("basicConstraints")?.pathLenConstraint as number | undefined,
        critical: exts.filter((e) => e.critical).map((e) => e.name),
        keyUsage: flags(ext("keyUsage"), KEY_USAGES),
        eku: flags(ext("extKeyUsage"), EKUS),
        dnsSans: altNames.filter((a) => a.type === 2).map((a) => a.value),
        ipSans: altNames.filter((a) => a.type === 7).map((a) => a.ip!),
        hasSubjectKeyId: ext("subjectKeyIdentifier") !== undefined,
        subjectKeyId: ext("subjectKeyIdentifier")?.subjectKeyIdentifier as string | undefined,
        authorityKeyId: aki ? authorityKeyIdHex(aki.value as string) : undefined,
        keyBits: (cert.publicKey as Forge.pki.rsa.PublicKey).n.bitLength(),
        sha256: new crypto.X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase(),
    };
}

/** forge keeps the authorityKeyIdentifier only as raw DER; its keyIdentifier is the [0] element. */
function authorityKeyIdHex(derBytes: string): string | undefined {
    const seq = forge().asn1.fromDer(derBytes);
    const id = (seq.value as Forge.asn1.Asn1[]).find((v) => v.tagClass === forge().asn1.Class.CONTEXT_SPECIFIC && v.type === 0);
    return id ? forge().util.bytesToHex(id.value as string) : undefined;
}

/** Splits a bundle (like `ca.crt`) into its PEM certificates. */
export function splitPemBundle(bundle: string): string[] {
    return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

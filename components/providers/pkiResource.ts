/**
 * One cluster's PKI (its own CA) as a Pulumi dynamic resource. Issuing lives in ./pki; this file only maps
 * the provider protocol onto it, so the mock runtime, the renderer and the tests can call the
 * same plain functions (`rayPkiOutputs`) and get what `create` would have returned.
 *
 * The provider is serialized by Pulumi's closure serializer (once, by the build: see
 * providers/prebuilt.ts), stored in the state and run by the dynamic-provider host,
 * which has no TypeScript and no access to this package's files: everything it calls must be
 * reachable by value from the provider object (./pki is), and node_modules packages are
 * re-`require`d by name.
 */
import * as pulumi from "@pulumi/pulumi";
import { issuePki, pkiChanges, PKI_REQUEST_FIELDS, PKI_REQUEST_KEYS, PkiRequest, PkiState, validatePkiRequest } from "./pki";
import { mockAnswerFrom } from "./dynamicMock";
import { PrebuiltDynamicResource } from "./prebuilt";

/** The request fields, in a fixed order; anything else among the inputs (`__provider`) is not part of the request. */
const REQUEST_KEYS = PKI_REQUEST_KEYS;
/** The fields absent from a RayCluster's or RayJob's request, as from states written before they existed. */
const OPTIONAL_KEYS = REQUEST_KEYS.filter((k) => PKI_REQUEST_FIELDS[k] === "optional");

/**
 * Changing the SANs replaces the resource (issue #3): the replacement starts from a new CA.
 * Key size is in the list because a new key size for the CA is a new CA anyway, and the
 * cluster because a CA belongs to one cluster only.
 */
export const REPLACE_ON_CHANGE = ["namespace", "podCidrs", "keySize", "cluster"] as const;

/** How the engine marks a value it does not know yet (during preview); the provider host passes it through. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the resource stores: public certificates readable as plain outputs, keys only inside `secretState`. */
export interface RayPkiOutputs {
    caCertPem: string;
    caBundlePem: string;
    headCertPem: string;
    workerCertPem: string;
    /** Client name to its certificate PEM. */
    clientCerts: Record<string, string>;
    fingerprint: string;
    /** Everything, CA key included. Marked secret through `additionalSecretOutputs`. */
    secretState: PkiState;
}

/** The request among a resource's inputs (drops `__provider` and output placeholders). */
export function requestFromInputs(inputs: Record<string, unknown>): PkiRequest {
    const req: Record<string, unknown> = {};
    for (const key of REQUEST_KEYS) {
        // An optional field (`workload`): absent for a RayCluster's or RayJob's PKI, as in states written before it existed.
        if (OPTIONAL_KEYS.includes(key) && inputs[key] === undefined) continue;
        req[key] = inputs[key];
    }
    return req as unknown as PkiRequest;
}

export function rayPkiOutputs(state: PkiState): RayPkiOutputs {
    const clientCerts: Record<string, string> = {};
    for (const [name, c] of Object.entries(state.clients)) clientCerts[name] = c.certPem;
    return {
        caCertPem: state.ca.certPem,
        caBundlePem: state.caBundlePem,
        headCertPem: state.head.certPem,
        workerCertPem: state.worker.certPem,
        clientCerts,
        fingerprint: state.fingerprint,
        secretState: state,
    };
}

/**
 * What `create` returns for these inputs. Under Pulumi mocks the provider never runs: answer
 * `pulumi-nodejs:dynamic:Resource` inputs with `{ id, state: createRayPkiOutputs(inputs) }`.
 */
export async function createRayPkiOutputs(inputs: Record<string, unknown>, now: Date = new Date()): Promise<RayPkiOutputs> {
    return rayPkiOutputs(await issuePki(requestFromInputs(inputs), undefined, now));
}

function hasUnknown(value: unknown): boolean {
    return JSON.stringify(value ?? null).includes(UNKNOWN);
}

/** podCidrs compare as a set: their order does not change a SAN. */
function canonical(key: keyof PkiRequest, value: unknown): string {
    return JSON.stringify(key === "podCidrs" && Array.isArray(value) ? [...value].sort() : value);
}

/** A plain object: the closure serializer captures it (and through it ./pki) by value. */
export const rayPkiProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
        const req = requestFromInputs(news);
        if (hasUnknown(req)) return { inputs: news };
        const failures = validatePkiRequest(req).map((reason) => {
            const key = REQUEST_KEYS.find((k) => reason.startsWith(k));
            return { property: key ?? "", reason };
        });
        return { inputs: news, failures };
    },

    async create(inputs: Record<string, unknown>) {
        const outs = await createRayPkiOutputs(inputs);
        const r = outs.secretState.request;
        return { id: `${r.team}-${r.cluster}-${require("crypto").randomUUID()}`, outs };
    },

    async diff(_id: string, olds: RayPkiOutputs, news: Record<string, unknown>) {
        const previous = olds.secretState;
        const req = requestFromInputs(news);
        const differs = (k: keyof PkiRequest) => canonical(k, previous.request[k]) !== canonical(k, req[k]);
        const replaces = REPLACE_ON_CHANGE.filter(differs);
        const changes =
            replaces.length > 0 ||
            REQUEST_KEYS.some(differs) ||
            // Time alone can require a change: a leaf entering its renew window, the CA overlap ending.
            (!hasUnknown(req) && pkiChanges(req, previous).length > 0);
        return { changes, replaces, deleteBeforeReplace: false };
    },

    async update(_id: string, olds: RayPkiOutputs, news: Record<string, unknown>) {
        return { outs: rayPkiOutputs(await issuePki(requestFromInputs(news), olds.secretState)) };
    },

    // Nothing outside the Pulumi state holds the material; the Secrets are separate resources.
    async delete() {},
};

type RequestInputs = { readonly [K in keyof PkiRequest]: pulumi.Input<PkiRequest[K]> };

/** All fields are required here; `TeamPki` applies the defaults. */
export type RayPkiArgs = RequestInputs;

/** One cluster's CA, its head/worker certificates and its Ray Client certificates. */
export class RayPki extends PrebuiltDynamicResource {
    declare readonly caCertPem: pulumi.Output<string>;
    /** The `ca.crt` content: the CA, plus the previous one during a rotation overlap. */
    declare readonly caBundlePem: pulumi.Output<string>;
    declare readonly headCertPem: pulumi.Output<string>;
    declare readonly workerCertPem: pulumi.Output<string>;
    declare readonly clientCerts: pulumi.Output<Record<string, string>>;
    /** Put it on the pod templates so a rotation restarts the pods. */
    declare readonly fingerprint: pulumi.Output<string>;
    /** Secret: every key, the CA key included. Never put it whole into a Kubernetes object. */
    declare readonly secretState: pulumi.Output<PkiState>;

    constructor(name: string, args: RayPkiArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs: Record<keyof RayPkiOutputs, undefined> = {
            caCertPem: undefined,
            caBundlePem: undefined,
            headCertPem: undefined,
            workerCertPem: undefined,
            clientCerts: undefined,
            fingerprint: undefined,
            secretState: undefined,
        };
        super(
            { file: __filename, exportName: "rayPkiProvider", provider: rayPkiProvider },
            name,
            { ...args, ...outputs },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secretState"] }),
        );
    }
}

/** `RayPki` under Pulumi mocks: what `create` stores (check, then a fresh CA and certificates). */
export const rayPkiMockAnswer = mockAnswerFrom("RayPki", REQUEST_KEYS, rayPkiProvider, OPTIONAL_KEYS);

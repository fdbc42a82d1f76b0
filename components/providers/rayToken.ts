/**
 * The Ray auth token (`RAY_AUTH_MODE=token`): 32 random bytes, generated once and kept in
 * state so that `pulumi up` does not restart every pod with a new token. Bump `rotation`
 * to replace it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { tokenFingerprint, tokenSecretObject } from "./tokenSecret";
import { mockAnswerFrom } from "./dynamicMock";
import { PrebuiltDynamicResource } from "./prebuilt";

export const RAY_TOKEN_BYTES = 32;

export function generateRayToken(): string {
    // Required here rather than at the top so that the serialized provider carries no module captures.
    return require("crypto").randomBytes(32).toString("hex");
}

export interface RayTokenInputs {
    /** Which cluster the token is for; part of the state so that the renderer and tests can tell tokens apart. */
    cluster: string;
    rotation: number;
}

export const rayTokenProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: RayTokenInputs) {
        return { id: `${inputs.cluster}-ray-token`, outs: { ...inputs, token: generateRayToken() } };
    },
    async diff(_id: string, olds: RayTokenInputs & { token: string }, news: RayTokenInputs) {
        const replaces = olds.rotation === news.rotation ? [] : ["rotation"];
        return { changes: replaces.length > 0 || olds.cluster !== news.cluster, replaces, deleteBeforeReplace: false };
    },
    async update(_id: string, olds: RayTokenInputs & { token: string }, news: RayTokenInputs) {
        return { outs: { ...news, token: olds.token } };
    },
};

export interface RayTokenArgs {
    readonly cluster: pulumi.Input<string>;
    /** Bump to issue a new token. Default 0. */
    readonly rotation?: pulumi.Input<number>;
}

export class RayToken extends PrebuiltDynamicResource {
    declare readonly token: pulumi.Output<string>;

    constructor(name: string, args: RayTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            { file: __filename, exportName: "rayTokenProvider", provider: rayTokenProvider },
            name,
            { cluster: args.cluster, rotation: args.rotation ?? 0, token: undefined },
            { ...opts, additionalSecretOutputs: ["token"] },
        );
    }
}

/**
 * The token and the Secret KubeRay's `authOptions.secretName` points at, for one cluster, with the
 * token's fingerprint for the pod templates (not secret: see `tokenFingerprint`).
 */
export function rayTokenSecret(
    name: string,
    target: { team: string; namespace: string; cluster: string; rotation?: number },
    parent: pulumi.Resource,
): { secret: pulumi.CustomResource; fingerprint: pulumi.Output<string> } {
    const token = new RayToken(`${name}-token`, { cluster: target.cluster, rotation: target.rotation ?? 0 }, { parent });
    const secret = new corev1.Secret(
        `${name}-token-secret`,
        tokenSecretObject(target.team, target.namespace, target.cluster, token.token),
        { parent },
    );
    return { secret, fingerprint: pulumi.unsecret(token.token.apply(tokenFingerprint)) };
}

/** `RayToken` under Pulumi mocks: what `create` stores. */
export const rayTokenMockAnswer = mockAnswerFrom("RayToken", ["cluster", "rotation"], rayTokenProvider);

import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { names } from "../core/naming";
import { objectMeta } from "../core/meta";

/** The Secret KubeRay's `authOptions.secretName` points at; KubeRay reads the key `auth_token`. */
export function tokenSecretObject(
    team: string,
    namespace: string,
    cluster: string,
    token: pulumi.Input<string>,
): k8s.types.input.core.v1.Secret {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: objectMeta(names.tokenSecret(cluster), namespace, team),
        type: "Opaque",
        stringData: { auth_token: token },
    };
}

/**
 * The pod template annotation that changes with the token: Ray reads the token only at start, so
 * a rotated token must restart the pods. 16 hex digits of sha256 over 32 random bytes: it tells
 * tokens apart and gives nothing towards guessing one, so it need not be secret.
 */
export function tokenFingerprint(token: string): string {
    return createHash("sha256").update(token, "utf8").digest("hex").slice(0, 16);
}

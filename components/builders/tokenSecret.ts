import type * as pulumi from "@pulumi/pulumi";
import { names } from "../naming";
import { objectMeta } from "./meta";

/** The Secret KubeRay's `authOptions.secretName` points at; KubeRay reads the key `auth_token`. */
export function tokenSecretObject(team: string, namespace: string, cluster: string, token: pulumi.Input<string>): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: objectMeta(names.tokenSecret(cluster), namespace, team),
        type: "Opaque",
        stringData: { auth_token: token },
    };
}

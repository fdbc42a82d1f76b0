/**
 * Two resources of one stack declaring the same Kubernetes object (kind, namespace, name): Pulumi
 * lets resources with different logical names fight over one object, each overwriting the other.
 * Two patches of one object fight the same way; a patch next to the object it patches does not
 * count here (patching a declared object is what a patch is for, and its fields are judged as the
 * kind's). Objects Pulumi names itself (no metadata.name) never collide.
 */
import { Finding, violation } from "../check";
import { PolicyResource, describe, identity, isKubernetesObject, k8sKind } from "../resource";

export function duplicateObjects(resources: readonly PolicyResource[]): Finding[] {
    const first = new Map<string, PolicyResource>();
    const findings: Finding[] = [];
    for (const r of resources) {
        const k = k8sKind(r);
        if (k === undefined || !isKubernetesObject(r) || typeof r.props?.metadata?.name !== "string") {
            continue;
        }
        const id = identity(r);
        const key = JSON.stringify([k.group, k.kind, k.patch, id.namespace ?? null, id.name]);
        const earlier = first.get(key);
        if (earlier === undefined) {
            first.set(key, r);
        } else {
            findings.push(
                violation(
                    r,
                    "metadata.name",
                    `${describe(earlier)} is also declared by resource ${earlier.name} (${earlier.type}); two resources of one stack would fight over one object, so declare it once`,
                ),
            );
        }
    }
    return findings;
}

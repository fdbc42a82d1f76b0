/**
 * Seed 2, 5: a volume mounted over the image's runtime replaces what the pod runs (Ray, Python,
 * the CA bundle, the service-account token), and one over Ray's own directories hides its TLS
 * material or session. Allowlist, not denylist: every volumeMount (and volumeDevice) of every
 * container, the autoscaler's included, in every pod template, is either one of the builders' own
 * mounts (name, path and source, common/podOptions.ts) or strictly inside a data root the platform
 * allows (common/platformLists.ts mountPathProblem).
 */
import { BUILDER_MOUNTS, POLICY_IDS } from "@ray-on-ack/common";
import { mountPathProblem } from "@ray-on-ack/common/platformLists";
import { Check, Finding, violation } from "../check";
import { PolicyResource } from "../resource";
import { ContainerRef, PodTemplate, containersOf, podTemplates } from "../podTemplates";

/** The builders' mount `m` of a volume named and sourced as they make it. */
function isBuilderMount(t: PodTemplate, m: any): boolean {
    const volume = ((t.spec.volumes ?? []) as any[]).find((v) => v?.name === m?.name);
    return BUILDER_MOUNTS.some((b) => b.volume === m?.name && b.mountPath === m?.mountPath && volume?.[b.source] !== undefined);
}

function containerFindings(r: PolicyResource, t: PodTemplate, c: ContainerRef, roots: readonly string[]): Finding[] {
    const who = ` (container "${c.name}")`;
    const mounts: Finding[] = ((c.container.volumeMounts ?? []) as any[]).flatMap((m, j) => {
        if (isBuilderMount(t, m)) {
            return [];
        }
        const why = typeof m?.mountPath === "string" ? mountPathProblem(m.mountPath, roots) : "must be a string";
        return why === undefined
            ? []
            : [violation(r, `${c.path}.volumeMounts[${j}]`, `${JSON.stringify(m?.name)} at ${JSON.stringify(m?.mountPath)} ${why}${who}`)];
    });
    // A raw block device appears as a file at devicePath: over /usr/bin/python it is what runs.
    const devices: Finding[] = ((c.container.volumeDevices ?? []) as any[]).flatMap((d, j) => {
        const why = typeof d?.devicePath === "string" ? mountPathProblem(d.devicePath, roots) : "must be a string";
        return why === undefined
            ? []
            : [
                  violation(
                      r,
                      `${c.path}.volumeDevices[${j}]`,
                      `${JSON.stringify(d?.name)} at ${JSON.stringify(d?.devicePath)} ${why}${who}`,
                  ),
              ];
    });
    return [...mounts, ...devices];
}

export const volumeMounts: Check = {
    kind: "resource",
    id: POLICY_IDS.volumeMounts,
    title: "Volumes are mounted only inside the platform's data roots",
    seedSection: "2",
    description:
        "seed 2: every volumeMount and volumeDevice of every container (init, ephemeral and the autoscaler included) in every pod template is one of ray-on-ack's own mounts (ray-tls at /etc/ray/tls, ray-tmp at /tmp/ray, tmp at /tmp, home-cache at /home/ray/.cache, dshm at /dev/shm, autoscaler-sa-token at the service-account path, ray-token of a personal-identity cluster at Ray's and the service-account path, each from the builders' kind of volume) or a normalised path strictly inside one of the pack's allowedMountRoots: nothing mounts over the system, the image's runtime or Ray's directories.",
    configKeys: ["allowedMountRoots"],
    appliesTo: (r) => podTemplates(r).length > 0,
    validate: (r, config) =>
        podTemplates(r).flatMap((t) => containersOf(t).flatMap((c) => containerFindings(r, t, c, config.allowedMountRoots))),
};

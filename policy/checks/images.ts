/**
 * Seed 6: images come from registries the team scans and controls, under a tag or digest that
 * names one build; `:latest` (said or implied) changes under a running cluster. A digest decides
 * what runs whatever the tag beside it says (`ray:2.60.0@sha256:<an old build's>`), so the version
 * checks cannot see through one: only digests the platform lists with their repository and tag pass.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { digestProblem } from "@ray-on-ack/common/platformLists";
import { Check, Finding, ungrantable, violation } from "../check";
import { parseImage } from "@ray-on-ack/common";
import { PolicyResource } from "../resource";
import { ContainerRef, containersOf, podTemplates } from "../podTemplates";

/** Containers with an image; the autoscaler without one runs the head's image, which is checked as the head's. */
function imagedContainers(r: PolicyResource): Array<ContainerRef & { image: string }> {
    return podTemplates(r).flatMap((t) =>
        containersOf(t)
            .filter((c) => typeof c.container.image === "string")
            .map((c) => ({ ...c, image: c.container.image as string })),
    );
}

export const imageRegistryAllowed: Check = {
    kind: "resource",
    id: POLICY_IDS.imageRegistryAllowed,
    title: "Images from allowed registries",
    seedSection: "6",
    description: "seed 6: every container image, resolved to registry/repository, starts with one of the pack's allowedRegistries.",
    configKeys: ["allowedRegistries"],
    appliesTo: (r) => podTemplates(r).length > 0,
    validate(r, config) {
        return imagedContainers(r)
            .filter((c) => !config.allowedRegistries.some((prefix) => parseImage(c.image).fullName.startsWith(prefix)))
            .map((c) =>
                violation(
                    r,
                    `${c.path}.image`,
                    `${JSON.stringify(c.image)} (${parseImage(c.image).fullName}) is not from an allowed registry: ${config.allowedRegistries.join(", ")} (container "${c.name}")`,
                ),
            );
    },
};

export const imageTagPinned: Check = {
    kind: "resource",
    id: POLICY_IDS.imageTagPinned,
    title: "Images pinned by tag or digest, never latest",
    seedSection: "6",
    description:
        "seed 6: every image names a tag other than latest or a digest; with the pack's requireDigest, a digest; an image with a digest is refused unless repository:tag@digest is in the pack's allowedDigests (no grant replaces the list).",
    configKeys: ["requireDigest", "allowedDigests"],
    appliesTo: (r) => podTemplates(r).length > 0,
    validate(r, config) {
        return imagedContainers(r).flatMap((c): Finding[] => {
            const ref = parseImage(c.image);
            const who = ` (container "${c.name}")`;
            const unverified = digestProblem(c.image, config.allowedDigests);
            if (unverified !== undefined) {
                // The list is the grant: a platform that trusts a digest lists it, for every stack alike.
                return [ungrantable(violation(r, `${c.path}.image`, `${JSON.stringify(c.image)}: ${unverified}${who}`))];
            }
            if (ref.tag === "latest") {
                return [
                    violation(r, `${c.path}.image`, `${JSON.stringify(c.image)} uses the latest tag; pin a version tag or digest${who}`),
                ];
            }
            if (ref.tag === undefined && ref.digest === undefined) {
                return [
                    violation(
                        r,
                        `${c.path}.image`,
                        `${JSON.stringify(c.image)} has no tag, which means latest; pin a version tag or digest${who}`,
                    ),
                ];
            }
            if (config.requireDigest && ref.digest === undefined) {
                return [
                    violation(r, `${c.path}.image`, `${JSON.stringify(c.image)} is not pinned by digest (pack config requireDigest)${who}`),
                ];
            }
            return [];
        });
    },
};

/**
 * Image references (seed section 6), as the components write them and the pack reads them.
 * Short Docker Hub names are qualified (docker.io, library/) so that the allowlist compares
 * fully qualified names: `rayproject/ray:2.54.0` is `docker.io/rayproject/ray:2.54.0`.
 */

/** The default registry allowlist of the stack config and of the policy pack. */
/** Registry and namespace: a bare public registry host is no allowlist, anyone can create a namespace there. */
export const DEFAULT_ALLOWED_REGISTRIES: readonly string[] = ["docker.io/rayproject/"];

export function qualifyRepository(repository: string): string {
    const first = repository.split("/")[0];
    const hasRegistry = repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    if (hasRegistry) {
        return repository;
    }
    return repository.includes("/") ? `docker.io/${repository}` : `docker.io/library/${repository}`;
}

export interface ImageRef {
    /** Fully qualified repository, e.g. `docker.io/rayproject/ray`. */
    repository: string;
    tag?: string;
    digest?: string;
    /** `repository[:tag][@digest]`: what the allowlist prefixes are matched against. */
    fullName: string;
}

export function parseImage(image: string): ImageRef {
    const [nameAndTag, digest] = image.split("@", 2);
    const colon = nameAndTag.lastIndexOf(":");
    const hasTag = colon > nameAndTag.lastIndexOf("/");
    const repository = qualifyRepository(hasTag ? nameAndTag.slice(0, colon) : nameAndTag);
    const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
    const fullName = `${repository}${tag !== undefined ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`;
    return { repository, tag, digest, fullName };
}

/**
 * Container image references, split into repository, tag and digest. The repository is
 * qualified the way the components qualify it (docker.io, library/), so that
 * `rayproject/ray:2.54.0` is matched against the allowlist as `docker.io/rayproject/ray:2.54.0`.
 */
import { qualifyRepository } from "../components/builders/image";

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

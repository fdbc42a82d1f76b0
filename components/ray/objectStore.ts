/**
 * Where Ray's object store lives. Ray puts it on /dev/shm only if the object store fits
 * there (`shm_avail >= object_store_memory`); otherwise it falls back to /tmp/ray, a
 * disk-backed emptyDir: slow, and up to 10 GB of node disk per pod. So every Ray pod gets
 * an explicit `object-store-memory` and a memory-backed /dev/shm sized to hold it.
 */
import { parseQuantity } from "../core/quantities";

/** Ray's default share of the memory limit for the object store. */
export const OBJECT_STORE_PROPORTION = 0.3;
/** Ray caps the default object store at 10 GB (`ray_constants`). */
export const OBJECT_STORE_DEFAULT_CAP_BYTES = 10 * 1000 ** 3;
/** Ray refuses object stores below 75 MiB. */
export const OBJECT_STORE_MIN_BYTES = 75 * 2 ** 20;
/**
 * /dev/shm is a little larger than the object store: torch DataLoader workers, NCCL and
 * multiprocessing also use it, and tmpfs rounds to pages.
 */
export const SHM_HEADROOM = 0.1;

const MI = 2 ** 20;

export interface ObjectStorePlacement {
    /** `--object-store-memory`, in bytes, as Ray wants it. */
    readonly objectStoreBytes: number;
    /** The /dev/shm emptyDir's `sizeLimit`. */
    readonly shmSize: string;
}

/** Ray's own default object store for a container with this memory limit. */
export function defaultObjectStoreBytes(memoryBytes: number): number {
    return Math.min(Math.floor(memoryBytes * OBJECT_STORE_PROPORTION), OBJECT_STORE_DEFAULT_CAP_BYTES);
}

/**
 * The object store and /dev/shm for one pod: by default Ray's own object store size with
 * /dev/shm sized from it; with an explicit `shmSize`, the object store shrinks to fit it.
 */
export function placeObjectStore(memory: string, shmSize?: string): ObjectStorePlacement {
    const memoryBytes = parseQuantity(memory) ?? 0;
    const fallback = defaultObjectStoreBytes(memoryBytes);
    if (shmSize === undefined) {
        const shmMi = Math.ceil((fallback * (1 + SHM_HEADROOM)) / MI);
        return { objectStoreBytes: fallback, shmSize: `${shmMi}Mi` };
    }
    const shmBytes = parseQuantity(shmSize) ?? 0;
    const fits = Math.floor((shmBytes * (1 - SHM_HEADROOM)) / MI) * MI;
    return { objectStoreBytes: Math.min(fallback, fits), shmSize };
}

/** Problems with a pod's memory / shmSize pair, relative to the pod's config key. */
export function objectStoreProblems(memory: string, shmSize: string | undefined): { path: string; message: string }[] {
    const memoryBytes = parseQuantity(memory);
    if (memoryBytes === undefined || (shmSize !== undefined && parseQuantity(shmSize) === undefined)) {
        return []; // the quantity checks report these
    }
    const placed = placeObjectStore(memory, shmSize);
    const problems: { path: string; message: string }[] = [];
    if (shmSize !== undefined && (parseQuantity(shmSize) ?? 0) > memoryBytes) {
        problems.push({
            path: "shmSize",
            message: `${shmSize} is larger than memory ${memory}: /dev/shm is memory-backed and counts against the container's memory limit`,
        });
    }
    if (placed.objectStoreBytes < OBJECT_STORE_MIN_BYTES) {
        const where = shmSize === undefined ? `memory ${memory}` : `shmSize ${shmSize}`;
        problems.push({
            path: shmSize === undefined ? "memory" : "shmSize",
            message: `${where} leaves an object store of ${Math.floor(placed.objectStoreBytes / MI)}Mi; Ray needs at least 75Mi`,
        });
    }
    return problems;
}

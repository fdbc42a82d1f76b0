/**
 * Settings that were removed because they could not be made safe. A stack that still sets one is
 * refused with the reason and what to use instead, never silently ignored.
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";

/** A key that must be absent; any value is refused with `why`. Parses to undefined. */
export const removedKey = (why: string) =>
    z
        .unknown()
        .refine((v) => v === undefined, { message: why })
        .transform(() => undefined)
        .optional()
        .register(argTypes, { notArg: "removed: refused with a pointer" });

export const HOST_PATHS_REMOVED =
    "was removed: Pod Security `restricted` forbids hostPath volumes, and so does `baseline`, so the namespace would have to drop " +
    "to `privileged` and weaken every pod; mount data read-only through a PersistentVolumeClaim or CSI volume instead " +
    '(`volumes`, read-only by default: docs/configuration.md "Workload options")';

/**
 * A kubeconfig from a team's stack file reached the Kubernetes provider, and a kubeconfig user's
 * `exec` runs any command during `pulumi preview`/`up` with the deploy's credentials: the
 * kubeconfig comes from the platform (the `cloud` lookup, or the CI environment's credentials).
 */
export const KUBECONFIG_REMOVED =
    "was removed: a kubeconfig in a stack file reaches the Kubernetes provider, and a kubeconfig user's exec runs any command with the deploy's credentials; " +
    "the kubeconfig comes from the platform: the `cloud` lookup (alicloud.cs.getClusterCredential), or without `cloud` the credentials of the environment that runs pulumi";

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

/**
 * A team could name any namespace, and its NetworkPolicy then admitted that namespace's pods to
 * Ray's metrics port: which Prometheus scrapes a team is the platform's to say.
 */
export const MONITORING_NAMESPACE_REMOVED =
    "was removed: the namespace whose Prometheus scrapes Ray's metrics is the platform's, the tenancy registry's " +
    "`ray-tenancy.cluster.monitoringNamespace` (platform/policy-pack-config.json); the team's NetworkPolicy admits that namespace to the metrics port " +
    'and its PodMonitor tells that Prometheus what to scrape (docs/design.md "Metrics")';

/** ACK's HistoryServer opt-in set an annotation and nothing else; the package now ships the logs itself. */
export const HISTORY_SERVER_REMOVED =
    "was removed: it only set ACK's HistoryServer annotation (whose webhook replaces the pods' ServiceAccount and postStart) and wired neither its bucket, " +
    "its RRSA role nor its egress; Ray's logs are now shipped by the package to the prefix the platform registers for the team " +
    '(`ray-tenancy.tenants.<stack>.logs` in platform/policy-pack-config.json; docs/design.md "Logs that outlive the pod")';

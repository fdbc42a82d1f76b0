/** Where Ray pods may be scheduled, and the label selectors the NetworkPolicies are built from. */
import { z } from "zod";
import { CONTROL_PLANE_LABELS } from "@ray-on-ack/common";

/** Control-plane node role labels (and the taints on those nodes); shared with the policy pack. */
export { CONTROL_PLANE_LABELS };

/** A label selector that selects something: `{}` in a NetworkPolicy peer means every pod. */
export const nonEmptySelector = z
    .record(z.string().min(1), z.string())
    .refine((labels) => Object.keys(labels).length > 0, { message: "must name at least one label: an empty selector selects every pod" });

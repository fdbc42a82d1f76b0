/** The label selectors the NetworkPolicies are built from. */
import { z } from "zod";

/** A label selector that selects something: `{}` in a NetworkPolicy peer means every pod. */
export const nonEmptySelector = z
    .record(z.string().min(1), z.string())
    .refine((labels) => Object.keys(labels).length > 0, { message: "must name at least one label: an empty selector selects every pod" });

/**
 * Shared predicates (common/, which the policy pack applies too) as zod refinements: each
 * predicate returns why a value is refused, or undefined. The address rules: no entry at a cloud
 * metadata address, and no list wider than its documented ceiling (docs/configuration.md "Address ceilings").
 */
import type { z } from "zod";
import { coverageProblem, metadataProblem } from "@ray-on-ack/common/addresses";

type Issues = Pick<z.RefinementCtx, "addIssue">;

/** A refinement that reports `problem(value)` on the value's own key. */
export const refuseWith =
    <T>(problem: (value: T) => string | undefined) =>
    (value: T, c: Issues): void => {
        const why = problem(value);
        if (why !== undefined) {
            c.addIssue({ code: "custom", message: why });
        }
    };

export const metadataRefinement = refuseWith(metadataProblem);

/** Every address counts: ACLs and the sources a NetworkPolicy admits. */
export const coverageRefinement = (what: string) => refuseWith((cidrs: readonly string[]) => coverageProblem(cidrs, what));

/** Public addresses count: egress inside the VPC (RFC 1918, 100.64.0.0/10) is not capped. */
export const egressRefinement = (what: string) =>
    refuseWith((cidrs: readonly string[]) => coverageProblem(cidrs, `public egress (${what})`, { publicOnly: true }));

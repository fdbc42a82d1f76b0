/**
 * The address rules of the stack config as zod refinements (the arithmetic is common/addresses.ts,
 * which the policy pack shares): no entry at a cloud metadata address, and no list wider than its
 * documented ceiling (README "Address ceilings").
 */
import type { z } from "zod";
import { coverageProblem, metadataProblem } from "../../common/addresses";

type Issues = Pick<z.RefinementCtx, "addIssue">;

export function metadataRefinement(cidr: string, c: Issues): void {
    const why = metadataProblem(cidr);
    if (why) {
        c.addIssue({ code: "custom", message: why });
    }
}

/** Every address counts: ACLs and the sources a NetworkPolicy admits. */
export const coverageRefinement = (what: string) => (cidrs: readonly string[], c: Issues) => {
    const why = coverageProblem(cidrs, what);
    if (why) {
        c.addIssue({ code: "custom", message: why });
    }
};

/** Public addresses count: egress inside the VPC (RFC 1918, 100.64.0.0/10) is not capped. */
export const egressRefinement = (what: string) => (cidrs: readonly string[], c: Issues) => {
    const why = coverageProblem(cidrs, `public egress (${what})`, { publicOnly: true });
    if (why) {
        c.addIssue({ code: "custom", message: why });
    }
};

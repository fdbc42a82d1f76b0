/** Zod building blocks the concerns' config fragments share: names, quantities, CIDRs, resources. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import * as ipaddr from "ipaddr.js";
import { canonicalCidrProblem, isIpv4Cidr } from "@ray-on-ack/common/addresses";
import { isQuantity } from "./quantities";
import { metadataRefinement } from "./addressRules";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const dnsLabel = (max: number) =>
    z
        .string()
        .max(max, `must be at most ${max} characters`)
        .regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', starting with a letter");

export const quantity = z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .refine(isQuantity, { message: "must be a non-negative Kubernetes quantity such as 500m, 2, 4Gi" });

/** An IPv4 CIDR, in the one spelling every parser reads alike (common/addresses.ts canonicalCidrProblem). */
export const cidr = z.string().superRefine((v, c) => {
    if (!isIpv4Cidr(v)) {
        // A CIDR some parser reads (010.0.0.0/8, 10.0.0.1/8) is refused for its spelling; anything else for not being one.
        c.addIssue({
            code: "custom",
            message: ipaddr.IPv4.isValidCIDR(v) ? canonicalCidrProblem(v)! : "must be an IPv4 CIDR such as 10.0.0.0/24",
        });
    }
});

/** An IPv4 or IPv6 CIDR (CLB ACLs take both), canonical. */
export const anyCidr = z.string().superRefine((v, c) => {
    const why = canonicalCidrProblem(v);
    if (why !== undefined) {
        c.addIssue({ code: "custom", message: ipaddr.isValidCIDR(v) ? why : "must be an IPv4 or IPv6 CIDR" });
    }
});

/** A CIDR that must not be, or lie inside, a cloud metadata range. */
export const notMetadata = <T extends z.ZodType<string>>(s: T) => s.superRefine(metadataRefinement);

export const resources = z
    .strictObject({
        cpu: quantity.describe("CPU request and limit."),
        memory: quantity.describe("Memory request and limit (Ray sizes its object store from the limit)."),
    })
    .register(argTypes, { id: "Resources", description: "CPU and memory, request and limit alike." });

export function duplicateNames(items: readonly { name: string }[], what: string, c: z.RefinementCtx, path: (string | number)[] = []): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
        if (seen.has(item.name)) {
            c.addIssue({ code: "custom", path: [...path, i, "name"], message: `duplicate ${what} name '${item.name}'` });
        }
        seen.add(item.name);
    });
}

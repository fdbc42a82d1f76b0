/**
 * The team's pod CIDRs: where Terway gives its pods their addresses, and every address an IP SAN of
 * each of its Ray certificates. So: IPv4 only, disjoint, and no more addresses in total than a
 * certificate can name (TLS stacks refuse certificate messages over 100 KiB). One rule, read by the
 * network model (the stack file and TeamEnvironment's args) and by the PKI provider, which
 * refuses a request that breaks it whoever made it.
 */
// `import x = require()`, as in providers/pki.ts: the PKI provider is serialized with this module, and the
// closure serializer mistakes the getters of TypeScript's __importStar wrapper for free variables.
import ipaddr = require("ipaddr.js");
import { parseIpv4Cidr, rangesOverlap, type Ipv4Range } from "@ray-on-ack/common/addresses";

/** A /20. Each address is a SAN of every certificate; beyond this a certificate message nears TLS stacks' 100 KiB cap. */
export const MAX_POD_ADDRESSES = 4096;

/** Problems with the team's pod CIDRs, as messages for people; empty when they are usable. */
export function validatePodCidrs(podCidrs: string[]): string[] {
    if (!Array.isArray(podCidrs) || podCidrs.length === 0) {
        return ["podCidrs: at least one pod CIDR is required (the Ray certificates list every pod address)"];
    }
    const errors: string[] = [];
    const ranges: Ipv4Range[] = [];
    for (const text of podCidrs) {
        const range = parseIpv4Cidr(text);
        if (range) {
            ranges.push(range);
        } else {
            errors.push(`podCidrs: ${describeBadCidr(text)}`);
        }
    }
    for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
            if (rangesOverlap(ranges[i], ranges[j])) {
                errors.push(`podCidrs: ${ranges[i].cidr} and ${ranges[j].cidr} overlap`);
            }
        }
    }
    const total = ranges.reduce((sum, r) => sum + r.size, 0);
    if (total > MAX_POD_ADDRESSES) {
        errors.push(
            `podCidrs add up to ${total} addresses, more than the limit of ${MAX_POD_ADDRESSES} (one /20): ` +
                "every address is an IP SAN of each Ray certificate, and TLS stacks refuse certificate messages over 100 KiB",
        );
    }
    return errors;
}

function describeBadCidr(text: string): string {
    if (typeof text === "string" && ipaddr.IPv4.isValidCIDR(text)) {
        const [, bits] = ipaddr.IPv4.parseCIDR(text);
        const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
        return `${text} has host bits set; did you mean ${network}/${bits}?`;
    }
    if (typeof text === "string" && ipaddr.IPv6.isValidCIDR(text)) {
        return `${text} is IPv6; only IPv4 pod CIDRs are supported`;
    }
    return `${JSON.stringify(text)} is not an IPv4 CIDR (like 10.20.0.0/22)`;
}

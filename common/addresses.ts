/**
 * Address arithmetic shared by the stack config and the policy pack: CIDR parsing (ipaddr.js's),
 * how many addresses a list of CIDRs admits once overlaps are merged, which of them are public,
 * and the cloud metadata ranges. Coverage is judged by counting addresses, never by spotting a
 * literal `/0`: `0.0.0.0/1` + `128.0.0.0/1` admit everyone too.
 */
import * as ipaddr from "ipaddr.js";

export interface Ipv4Range {
    readonly cidr: string;
    /** First address as an unsigned 32-bit integer. */
    readonly first: number;
    /** Number of addresses. */
    readonly size: number;
}

function toUint(addr: ipaddr.IPv4): number {
    const [a, b, c, d] = addr.octets;
    return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

export function uintToIp(n: number): string {
    return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** True for a canonical IPv4 CIDR (address bits beyond the prefix must be zero). */
export function isIpv4Cidr(text: string): boolean {
    return parseIpv4Cidr(text) !== undefined;
}

export function parseIpv4Cidr(text: string): Ipv4Range | undefined {
    if (typeof text !== "string" || !ipaddr.IPv4.isValidCIDR(text) || canonicalCidrProblem(text) !== undefined) {
        return undefined;
    }
    const [addr, bits] = ipaddr.IPv4.parseCIDR(text);
    const size = 2 ** (32 - bits);
    const first = toUint(addr);
    if (first % size !== 0) {
        return undefined; // 10.0.0.5/24: refuse rather than silently widen
    }
    return { cidr: text, first, size };
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
    return a.first < b.first + b.size && b.first < a.first + a.size;
}

/** Every address of the range, network and broadcast included (a pod may be given any of them). */
export function* addressesOf(range: Ipv4Range): Generator<string> {
    for (let i = 0; i < range.size; i++) {
        yield uintToIp(range.first + i);
    }
}

export function cidrContainsIp(range: Ipv4Range, ip: string): boolean {
    if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) {
        return false;
    }
    const n = toUint(ipaddr.IPv4.parse(ip));
    return n >= range.first && n < range.first + range.size;
}

/** The range `outer` fully contains `inner`. */
export function rangeContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
    return inner.first >= outer.first && inner.first + inner.size <= outer.first + outer.size;
}

/** Four decimal octets, none with a leading zero: the one spelling every parser reads the same way. */
const DECIMAL_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const CANONICAL_IPV4 = new RegExp(`^${DECIMAL_OCTET}(\\.${DECIMAL_OCTET}){3}$`);
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Why `text` is not a CIDR in canonical form, or undefined. Parsers disagree on everything else:
 * ipaddr.js reads `010.0.0.0/8` as 8.0.0.0/8, Go (Kubernetes) refuses it, other tools read 10.0.0.0/8;
 * `10.0.0.1/8` is 10.0.0.0/8 to one and an error to another; an IPv4-mapped IPv6 block
 * (`::ffff:10.0.0.0/104`) is IPv4 to the kernel and IPv6 to a validator counting addresses. So a
 * check and the component that enforces the list must read the same string: IPv4 as four decimal
 * octets without leading zeros, IPv6 in RFC 5952 form, no host bits, no IPv4-mapped IPv6.
 * `bareAddress` also accepts a single address without a prefix length (an ingress allowlist entry).
 */
export function canonicalCidrProblem(text: unknown, opts: { bareAddress?: boolean } = {}): string | undefined {
    const shown = JSON.stringify(text);
    if (typeof text !== "string") {
        return `${shown} is not a CIDR string`;
    }
    const slash = text.indexOf("/");
    const address = slash < 0 ? text : text.slice(0, slash);
    const bitsText = slash < 0 ? undefined : text.slice(slash + 1);
    let width: number;
    let canonical: string;
    if (address.includes(":")) {
        if (!ipaddr.IPv6.isValid(address)) {
            return `${shown} is not an IPv4 or IPv6 ${bitsText === undefined ? "address" : "CIDR"}`;
        }
        const parsed = ipaddr.IPv6.parse(address);
        if (parsed.isIPv4MappedAddress() || address.includes(".")) {
            return `${shown} is an IPv4 address written as IPv6 (::ffff:a.b.c.d): the kernel treats it as IPv4, a validator as IPv6; write the IPv4 CIDR`;
        }
        width = 128;
        canonical = parsed.toRFC5952String();
    } else if (CANONICAL_IPV4.test(address)) {
        width = 32;
        canonical = address;
    } else if (ipaddr.IPv4.isValid(address)) {
        return `${shown} is not four decimal octets without leading zeros: parsers disagree on what it means (010 reads as 8 in some, 10 in others, and is an error in Kubernetes)`;
    } else {
        return `${shown} is not an IPv4 or IPv6 ${bitsText === undefined ? "address" : "CIDR"}`;
    }
    if (bitsText === undefined && opts.bareAddress !== true) {
        return `${shown} has no prefix length; write a CIDR such as ${canonical}/${width}`;
    }
    if (bitsText !== undefined && (!PREFIX_LENGTH.test(bitsText) || Number(bitsText) > width)) {
        return `${shown} has prefix length ${JSON.stringify(bitsText)}; write 0-${width} in decimal without leading zeros`;
    }
    const bits = bitsText === undefined ? width : Number(bitsText);
    const network =
        width === 32
            ? ipaddr.IPv4.networkAddressFromCIDR(`${canonical}/${bits}`).toString()
            : ipaddr.IPv6.networkAddressFromCIDR(`${canonical}/${bits}`).toRFC5952String();
    if (network !== canonical) {
        return `${shown} has host bits set beyond /${bits}: some parsers widen it, others refuse it; write ${network}/${bits}`;
    }
    if (canonical !== address) {
        return `${shown} is not in canonical form; write ${canonical}${bitsText === undefined ? "" : `/${bits}`}`;
    }
    return undefined;
}

/** IPv4 or IPv6 CIDR (CLB ACLs take both), in canonical form. */
export function isAnyCidr(text: string): boolean {
    return typeof text === "string" && text.includes("/") && canonicalCidrProblem(text) === undefined;
}

/** A CIDR of either family as an interval of addresses; `end` is exclusive. */
export interface AddressBlock {
    readonly family: "ipv4" | "ipv6";
    readonly start: bigint;
    readonly end: bigint;
}

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
    return addr.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

/** The block a CIDR covers (host bits are masked off: `10.0.0.5/8` covers what `10.0.0.0/8` does). */
export function blockOf(cidr: string): AddressBlock | undefined {
    if (!isAnyCidr(cidr)) {
        return undefined;
    }
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    const width = addr.kind() === "ipv4" ? 32 : 128;
    const size = 1n << BigInt(width - bits);
    const start = (toBigInt(addr) / size) * size;
    return { family: addr.kind(), start, end: start + size };
}

/** Sorted, overlap-free blocks of one family. */
function merge(blocks: readonly AddressBlock[]): AddressBlock[] {
    const sorted = [...blocks].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const out: AddressBlock[] = [];
    for (const b of sorted) {
        const last = out[out.length - 1];
        if (last && b.start <= last.end) {
            out[out.length - 1] = { ...last, end: b.end > last.end ? b.end : last.end };
        } else {
            out.push(b);
        }
    }
    return out;
}

function subtract(blocks: readonly AddressBlock[], holes: readonly AddressBlock[]): AddressBlock[] {
    let rest = [...blocks];
    for (const h of holes) {
        rest = rest.flatMap((b) => {
            if (b.family !== h.family || h.end <= b.start || h.start >= b.end) {
                return [b];
            }
            const parts: AddressBlock[] = [];
            if (h.start > b.start) parts.push({ ...b, end: h.start });
            if (h.end < b.end) parts.push({ ...b, start: h.end });
            return parts;
        });
    }
    return rest;
}

const sizeOf = (blocks: readonly AddressBlock[]) => blocks.reduce((n, b) => n + (b.end - b.start), 0n);

export interface Coverage {
    readonly ipv4: bigint;
    readonly ipv6: bigint;
}

function coverageOf(blocks: readonly AddressBlock[]): Coverage {
    return {
        ipv4: sizeOf(merge(blocks.filter((b) => b.family === "ipv4"))),
        ipv6: sizeOf(merge(blocks.filter((b) => b.family === "ipv6"))),
    };
}

const blocksOf = (cidrs: readonly string[], except: readonly string[] = []) =>
    subtract(
        cidrs.map(blockOf).filter((b): b is AddressBlock => b !== undefined),
        except.map(blockOf).filter((b): b is AddressBlock => b !== undefined),
    );

/** How many distinct addresses the CIDRs admit (overlaps counted once), minus any `except` blocks. */
export function addressCount(cidrs: readonly string[], except: readonly string[] = []): Coverage {
    return coverageOf(blocksOf(cidrs, except));
}

function blockToCidrs(b: AddressBlock): string[] {
    const width = b.family === "ipv4" ? 32 : 128;
    const out: string[] = [];
    let start = b.start;
    while (start < b.end) {
        // The largest aligned block that starts here and fits before the end.
        let bits = width;
        while (bits > 0) {
            const size = 1n << BigInt(width - bits + 1);
            if (start % size !== 0n || start + size > b.end) {
                break;
            }
            bits--;
        }
        const bytes: number[] = [];
        for (let i = width / 8 - 1, n = start; i >= 0; i--, n >>= 8n) {
            bytes[i] = Number(n & 255n);
        }
        out.push(`${ipaddr.fromByteArray(bytes).toString()}/${bits}`);
        start += 1n << BigInt(width - bits);
    }
    return out;
}

/** The canonical CIDRs that make up `cidr` minus its `except` blocks (a NetworkPolicy ipBlock's addresses). */
export function cidrsMinus(cidr: string, except: readonly string[] = []): string[] {
    return merge(blocksOf([cidr], except)).flatMap(blockToCidrs);
}

/** Every address of `cidr` lies in one of `within` (their union). */
export function isCoveredBy(cidr: string, within: readonly string[]): boolean {
    return blockOf(cidr) !== undefined && blocksOf([cidr], within).length === 0;
}

/**
 * Private address space: RFC 1918, the shared/carrier-grade range 100.64.0.0/10 (Alibaba Cloud's
 * VPC endpoints for OSS and STS live there) and IPv6 unique-local fc00::/7. Anything else counts
 * as public for the ceilings below.
 */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"] as const;

/** Addresses the CIDRs admit outside PRIVATE_RANGES. */
export function publicAddressCount(cidrs: readonly string[], except: readonly string[] = []): Coverage {
    return coverageOf(
        subtract(
            blocksOf(cidrs, except),
            PRIVATE_RANGES.map((c) => blockOf(c)!),
        ),
    );
}

/** The whole CIDR lies in private space. */
export function isPrivateCidr(cidr: string): boolean {
    const c = publicAddressCount([cidr]);
    return blockOf(cidr) !== undefined && c.ipv4 === 0n && c.ipv6 === 0n;
}

/**
 * A ceiling on the addresses a list may admit. IPv4: a /16 (65,536 addresses), room for offices
 * and VPNs, nowhere near "everyone". IPv6: a /48, one site's allocation (a /64 is one LAN).
 */
export interface Ceiling {
    readonly ipv4Bits: number;
    readonly ipv6Bits: number;
}

export const ADDRESS_CEILING: Ceiling = { ipv4Bits: 16, ipv6Bits: 48 };

const limit = (bits: number, width: number) => 1n << BigInt(width - bits);

/**
 * Why the CIDRs exceed the ceiling, or undefined. `what` names the rule, e.g. "a public ACL";
 * `counting` is "" for every address or "public " for addresses outside PRIVATE_RANGES.
 */
export function coverageProblem(
    cidrs: readonly string[],
    what: string,
    opts: { publicOnly?: boolean; except?: readonly string[]; ceiling?: Ceiling } = {},
): string | undefined {
    const ceiling = opts.ceiling ?? ADDRESS_CEILING;
    const count = opts.publicOnly ? publicAddressCount(cidrs, opts.except) : addressCount(cidrs, opts.except);
    const counted = opts.publicOnly ? "public addresses" : "addresses";
    const shown = `${cidrs.join(" + ")} ${cidrs.length === 1 ? "covers" : "cover"}`;
    const v4 = limit(ceiling.ipv4Bits, 32);
    if (count.ipv4 > v4) {
        return `${shown} ${count.ipv4} ${counted}; ${what} may cover at most ${v4} (a /${ceiling.ipv4Bits})`;
    }
    const v6 = limit(ceiling.ipv6Bits, 128);
    if (count.ipv6 > v6) {
        return `${shown} ${count.ipv6} IPv6 ${counted}; ${what} may cover at most a /${ceiling.ipv6Bits} of IPv6`;
    }
    return undefined;
}

/**
 * Cloud metadata services: Alibaba Cloud's ECS metadata and RAM role credentials at
 * 100.100.100.200, and link-local 169.254.0.0/16 (169.254.169.254 elsewhere, and where
 * node-local credential agents listen). A pod that reaches them can read the node's identity.
 */
export const METADATA_RANGES = ["100.100.100.200/32", "169.254.0.0/16"] as const;

function contains(outer: AddressBlock, inner: AddressBlock): boolean {
    return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

/** The metadata range the CIDR is, or lies inside: such an entry is refused. */
export function metadataRangeAround(cidr: string): string | undefined {
    const b = blockOf(cidr);
    return b ? METADATA_RANGES.find((m) => contains(blockOf(m)!, b)) : undefined;
}

/** Metadata ranges strictly inside a wider CIDR: they go into its NetworkPolicy ipBlock `except`. */
export function metadataRangesInside(cidr: string): string[] {
    const b = blockOf(cidr);
    return b ? METADATA_RANGES.filter((m) => contains(b, blockOf(m)!) && metadataRangeAround(cidr) === undefined) : [];
}

/** Metadata ranges an ipBlock still admits after its `except` entries. */
export function metadataRangesAdmitted(cidr: string, except: readonly string[] = []): string[] {
    const left = blocksOf([cidr], except);
    return METADATA_RANGES.filter((m) => {
        const mb = blockOf(m)!;
        return left.some((b) => b.family === mb.family && b.start < mb.end && mb.start < b.end);
    });
}

/** The refusal for a CIDR that targets a metadata range, or undefined. */
export function metadataProblem(cidr: string): string | undefined {
    const m = metadataRangeAround(cidr);
    return m === undefined
        ? undefined
        : `${cidr} is ${cidr === m ? "" : "inside "}the cloud metadata range ${m}; pods must never reach the node's metadata service`;
}

/**
 * IPv4 CIDR arithmetic on top of ipaddr.js (parsing and matching are the library's;
 * only address enumeration, which it does not offer, is done here).
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
    if (typeof text !== "string" || !ipaddr.IPv4.isValidCIDR(text)) {
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

/** IPv4 or IPv6 CIDR (CLB ACLs take both). */
export function isAnyCidr(text: string): boolean {
    return ipaddr.isValidCIDR(text);
}

/** A CIDR that admits every address of its family. */
export function isOpenToAll(text: string): boolean {
    return ipaddr.isValidCIDR(text) && ipaddr.parseCIDR(text)[1] === 0;
}

/**
 * canonicalCidrProblem (common/addresses.ts): the one spelling of a CIDR that the pack, the config,
 * Kubernetes and the network plugins all read the same way. ipaddr.js itself reads `010.0.0.0/8`
 * as 8.0.0.0/8, which is why the pack refuses such strings instead of parsing them.
 */
import * as assert from "assert";
import * as ipaddr from "ipaddr.js";
import { canonicalCidrProblem } from "@ray-on-ack/common/addresses";

describe("canonical CIDRs", () => {
    it("accepts IPv4 in four plain decimal octets and IPv6 in RFC 5952 form, without host bits", () => {
        for (const ok of ["10.0.0.0/8", "0.0.0.0/0", "203.0.113.7/32", "::/0", "fc00::/7", "2001:db8::/48", "2001:db8::1/128"]) {
            assert.strictEqual(canonicalCidrProblem(ok), undefined, ok);
        }
        assert.strictEqual(canonicalCidrProblem("198.51.100.14", { bareAddress: true }), undefined);
        assert.strictEqual(canonicalCidrProblem("2001:db8::1", { bareAddress: true }), undefined);
    });

    it("refuses every other spelling, saying what to write where there is one answer", () => {
        // The parser the pack counts addresses with disagrees with Kubernetes on this one.
        assert.strictEqual(ipaddr.parseCIDR("010.0.0.0/8")[0].toString(), "8.0.0.0");
        const cases: [unknown, RegExp][] = [
            ["010.0.0.0/8", /is not four decimal octets without leading zeros/],
            ["0x0a.0.0.0/8", /is not four decimal octets/],
            ["10.0/8", /is not four decimal octets/],
            ["10.0.0.1/8", /has host bits set beyond \/8: .* write 10\.0\.0\.0\/8$/],
            ["2001:db8::1/32", /has host bits set beyond \/32: .* write 2001:db8::\/32$/],
            ["10.0.0.0/08", /has prefix length "08"; write 0-32/],
            ["10.0.0.0/33", /has prefix length "33"; write 0-32/],
            ["::ffff:10.0.0.0/104", /is an IPv4 address written as IPv6/],
            ["::ffff:a00:0/104", /is an IPv4 address written as IPv6/],
            ["FC00::/7", /is not in canonical form; write fc00::\/7$/],
            ["2001:0db8::/32", /is not in canonical form; write 2001:db8::\/32$/],
            ["10.0.0.0", /has no prefix length/],
            [" 10.0.0.0/8", /is not an IPv4 or IPv6 CIDR/],
            ["everyone", /is not an IPv4 or IPv6 address/],
            [42, /is not a CIDR string/],
        ];
        for (const [text, rule] of cases) {
            assert.match(canonicalCidrProblem(text) ?? "", rule, String(text));
        }
    });
});

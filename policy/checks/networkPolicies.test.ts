/** The NetworkPolicy-contents and binding-subject checks, through the pack's evaluator, a violating and a compliant fixture each. */
import * as assert from "assert";
import { networkPolicyContents } from "./networkPolicies";
import { rbacSubjects } from "./subjects";
import { evaluatePosture } from "../posture";
import {
    NS,
    SELF_EXEMPTION as SELF,
    compliantStack,
    defaultDeny,
    grantFor,
    k8s,
    messages,
    roleBinding,
    withExceptions,
} from "../../test/fixtures/policy";

function netpol(spec: any, name = "allow"): any {
    return k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace: NS },
        spec: { podSelector: { matchLabels: { "ray.io/cluster": "demo" } }, ...spec },
    });
}

const NP = `NetworkPolicy ${NS}/allow`;
const byName = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });

describe("policy ray-network-policy-contents (seed 1.4)", () => {
    it("accepts default deny, named peers, private egress and a metadata-containing block with its except", () => {
        const ok = netpol({
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                {
                    from: [{ namespaceSelector: byName("team-a-notebooks") }, { ipBlock: { cidr: "203.0.113.0/27" } }],
                    ports: [{ protocol: "TCP", port: 8265 }],
                },
            ],
            egress: [
                {
                    to: [{ ipBlock: { cidr: "100.100.100.0/24", except: ["100.100.100.200/32"] } }],
                    ports: [{ protocol: "TCP", port: 443 }],
                },
                { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] },
            ],
        });
        assert.deepStrictEqual(messages(networkPolicyContents, [defaultDeny(), ok]), []);
    });

    it("refuses an allow-all rule, an empty peer and a bare namespaceSelector, even with the self-exemption annotation", () => {
        const bad = withExceptions(
            netpol({
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ ports: [{ protocol: "TCP", port: 8265 }] }, { from: [{ namespaceSelector: {} }, {}] }],
                egress: [{}],
            }),
            "ray-network-policy-contents",
        );
        assert.deepStrictEqual(messages(networkPolicyContents, bad), [
            `${NP}: spec.ingress[0]: has no from, so it admits every source and undoes default deny; name the peers${SELF}`,
            `${NP}: spec.ingress[1].from[0].namespaceSelector: is empty ({}), which selects every namespace; select namespaces by name (kubernetes.io/metadata.name)${SELF}`,
            `${NP}: spec.ingress[1].from[1]: is an empty peer, which matches everything${SELF}`,
            `${NP}: spec.egress[0]: has no to, so it admits every destination and undoes default deny; name the peers${SELF}`,
        ]);
        // The annotation grants nothing: the check fails.
        const posture = evaluatePosture([...compliantStack(), bad]);
        assert.strictEqual(posture.checks.find((c) => c.id === "ray-network-policy-contents")?.status, "fail");
    });

    it("counts addresses: 0.0.0.0/1 + 128.0.0.0/1 is refused like /0, in either direction", () => {
        const halves = [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }];
        const bad = netpol({
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: halves }],
            egress: [{ to: [{ ipBlock: { cidr: "8.0.0.0/8" } }] }],
        });
        const found = messages(networkPolicyContents, bad);
        assert.ok(
            found.includes(
                `${NP}: spec.ingress: 0.0.0.0/1 + 128.0.0.0/1 cover 4272881664 public addresses; a NetworkPolicy's ingress may cover at most 65536 (a /16)`,
            ),
            found.join("\n"),
        );
        assert.ok(
            found.includes(
                `${NP}: spec.egress: 8.0.0.0/8 covers 16777216 public addresses; a NetworkPolicy's egress may cover at most 65536 (a /16)`,
            ),
            found.join("\n"),
        );
    });

    it("refuses egress to a metadata range, or around one without an except", () => {
        const bad = netpol({
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        { ipBlock: { cidr: "100.100.100.200/32" } },
                        { ipBlock: { cidr: "100.100.100.0/24" } },
                        { ipBlock: { cidr: "169.254.0.0/16", except: ["169.254.1.0/24"] } },
                    ],
                },
            ],
        });
        assert.deepStrictEqual(messages(networkPolicyContents, bad), [
            `${NP}: spec.egress[0].to[0].ipBlock.cidr: 100.100.100.200/32 is the cloud metadata range 100.100.100.200/32; pods must never reach the node's metadata service`,
            `${NP}: spec.egress[0].to[1].ipBlock: 100.100.100.0/24 admits the cloud metadata range 100.100.100.200/32; list it in except so that pods cannot reach the node's metadata service`,
            `${NP}: spec.egress[0].to[2].ipBlock.cidr: 169.254.0.0/16 is the cloud metadata range 169.254.0.0/16; pods must never reach the node's metadata service`,
        ]);
    });

    it("refuses ipBlocks that are not canonical CIDRs, whatever the grants: the pack, the API server and the network plugin must read them alike", () => {
        // ipaddr.js reads 010.0.0.0/8 as 8.0.0.0/8: without this rule a public /8 would pass as "not private" arithmetic on the wrong block.
        const bad = netpol({
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ ipBlock: { cidr: "010.0.0.0/8" } }, { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.1/16"] } }] }],
            egress: [{ to: [{ ipBlock: { cidr: "::ffff:100.100.100.0/120" } }] }],
        });
        assert.deepStrictEqual(messages(networkPolicyContents, bad, { grants: [grantFor(bad)] }), [
            `${NP}: spec.ingress[0].from[0].ipBlock.cidr: "010.0.0.0/8" is not four decimal octets without leading zeros: parsers disagree on what it means (010 reads as 8 in some, 10 in others, and is an error in Kubernetes)`,
            `${NP}: spec.ingress[0].from[1].ipBlock.except[0]: "10.1.0.1/16" has host bits set beyond /16: some parsers widen it, others refuse it; write 10.1.0.0/16`,
            `${NP}: spec.egress[0].to[0].ipBlock.cidr: "::ffff:100.100.100.0/120" is an IPv4 address written as IPv6 (::ffff:a.b.c.d): the kernel treats it as IPv4, a validator as IPv6; write the IPv4 CIDR`,
        ]);
    });
});

describe("policy ray-rbac-subjects (seed 4)", () => {
    it("accepts ServiceAccounts, people and groups", () => {
        const b = roleBinding();
        b.props.subjects.push(
            { kind: "Group", name: "team-a-data-scientists", apiGroup: "rbac.authorization.k8s.io" },
            { kind: "User", name: "alice@example.com" },
        );
        assert.deepStrictEqual(messages(rbacSubjects, b), []);
    });

    it("refuses system: groups and users, the exemption annotation notwithstanding", () => {
        const b = withExceptions(roleBinding(), "ray-rbac-subjects");
        b.props.subjects = [
            { kind: "Group", name: "system:authenticated", apiGroup: "rbac.authorization.k8s.io" },
            { kind: "User", name: "system:serviceaccount:kube-system:default" },
            { kind: "ServiceAccount", name: "demo-ray-head", namespace: NS },
        ];
        assert.deepStrictEqual(messages(rbacSubjects, b), [
            `RoleBinding ${NS}/demo: subjects[0].name: binds the system identity Group "system:authenticated", which stands for every caller of its kind; bind named people, groups or a ServiceAccount${SELF}`,
            `RoleBinding ${NS}/demo: subjects[1].name: binds the system identity User "system:serviceaccount:kube-system:default", which stands for every caller of its kind; bind named people, groups or a ServiceAccount${SELF}`,
        ]);
    });
});

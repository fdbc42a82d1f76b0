import { resolvePackConfig } from "../config";
import * as assert from "assert";
import {
    clbAclRestricted,
    clbHttpsListener,
    headServiceClusterIp,
    ingressAuthenticated,
    ingressClassAllowed,
    ingressNoSnippets,
    serviceNotPublic,
} from "./exposure";
import {
    SELF_EXEMPTION,
    asPatch,
    blocking,
    grantFor,
    headService,
    ingress,
    loadBalancer,
    messages,
    rayCluster,
    rayJob,
    slbAcl,
    throughPack,
    withExceptions,
} from "../../test/fixtures/policy";

const CLB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";

describe("policy ray-service-not-public (seed 1.3, 1.5)", () => {
    it("accepts ClusterIP Services", () => {
        assert.deepStrictEqual(messages(serviceNotPublic, headService()), []);
    });

    it("fails a LoadBalancer with the CLB ACL whitelist unless the pack config grants the exposure", () => {
        const lb = loadBalancer();
        const exposure =
            "Service ray-a/demo-dashboard-public: spec.type: is LoadBalancer, which exposes the Service beyond the cluster; that needs an exception granted in the platform's policy pack config";
        assert.deepStrictEqual(blocking(serviceNotPublic, lb), [exposure]);
        assert.deepStrictEqual(blocking(serviceNotPublic, lb, { grants: [grantFor(lb)] }), []);
        assert.deepStrictEqual(messages(serviceNotPublic, lb, { grants: [grantFor(lb)] }), [exposure]);
    });

    it("refuses a LoadBalancer without the ACL annotations, intranet ones included, and no grant waives the whitelist", () => {
        const lb = loadBalancer();
        lb.props.metadata.annotations = { [`${CLB}address-type`]: "intranet", [`${CLB}acl-type`]: "black" };
        assert.deepStrictEqual(blocking(serviceNotPublic, lb, { grants: [grantFor(lb)] }), [
            `Service ray-a/demo-dashboard-public: metadata.annotations: a LoadBalancer Service needs the CLB ACL whitelist; missing ${CLB}acl-status: "on", ${CLB}acl-id, ${CLB}acl-type: white`,
        ]);
    });

    it("refuses NodePort and externalIPs", () => {
        const svc = headService();
        svc.props.spec.type = "NodePort";
        svc.props.spec.externalIPs = ["198.51.100.7"];
        assert.deepStrictEqual(messages(serviceNotPublic, svc), [
            "Service ray-a/demo-metrics: spec.type: is NodePort, which opens the port on every node without an ACL; use ClusterIP (kubectl port-forward) or a LoadBalancer with a CLB ACL whitelist",
            "Service ray-a/demo-metrics: spec.externalIPs: exposes the Service on external IPs without an ACL; remove them",
        ]);
    });
});

describe("policy ray-ingress-authenticated (seed 1.5)", () => {
    it("accepts an Ingress with basic auth and TLS for its host", () => {
        assert.deepStrictEqual(messages(ingressAuthenticated, ingress()), []);
    });

    it("refuses an Ingress without auth annotations or TLS", () => {
        const ing = ingress();
        ing.props.metadata.annotations = { "nginx.ingress.kubernetes.io/auth-type": "digest" };
        delete ing.props.spec.tls;
        assert.deepStrictEqual(messages(ingressAuthenticated, ing), [
            'Ingress ray-a/demo-dashboard: metadata.annotations["nginx.ingress.kubernetes.io/auth-type"]: is "digest"; must be "basic"',
            'Ingress ray-a/demo-dashboard: metadata.annotations["nginx.ingress.kubernetes.io/auth-secret"]: is not set; must name the htpasswd Secret',
            "Ingress ray-a/demo-dashboard: spec.tls: is empty; basic auth over plain HTTP gives the password away, terminate TLS on the Ingress",
        ]);
    });

    it("refuses a host that TLS does not cover", () => {
        const ing = ingress();
        ing.props.spec.rules.push({ host: "plain.example.com" });
        assert.deepStrictEqual(messages(ingressAuthenticated, ing), [
            'Ingress ray-a/demo-dashboard: spec.rules[1].host: "plain.example.com" is not listed in spec.tls[].hosts, so it is served over plain HTTP',
        ]);
    });

    /** The compliant Ingress with `annotations` added; each must fail the check, and no grant may help. */
    const withAnnotations = (annotations: Record<string, string>) => {
        const ing = ingress();
        Object.assign(ing.props.metadata.annotations, annotations);
        return ing;
    };
    const AT = "Ingress ray-a/demo-dashboard: metadata.annotations";

    it("refuses annotations that undo basic auth or TLS, under the nginx and the Higress prefix, whatever the grants", () => {
        const cases: [Record<string, string>, string][] = [
            [
                { "nginx.ingress.kubernetes.io/satisfy": "any" },
                `${AT}["nginx.ingress.kubernetes.io/satisfy"]: is "any"; "any" lets a client the source allowlist admits in without the password: remove it (or "all")`,
            ],
            [
                { "higress.io/satisfy": "any" },
                `${AT}["higress.io/satisfy"]: is "any"; "any" lets a client the source allowlist admits in without the password: remove it (or "all")`,
            ],
            [
                { "nginx.ingress.kubernetes.io/ssl-redirect": "false" },
                `${AT}["nginx.ingress.kubernetes.io/ssl-redirect"]: is "false"; without the redirect the controller serves plain HTTP and the password crosses in cleartext: remove it (or "true")`,
            ],
            [
                { "nginx.ingress.kubernetes.io/force-ssl-redirect": "False" },
                `${AT}["nginx.ingress.kubernetes.io/force-ssl-redirect"]: is "False"; without the redirect the controller serves plain HTTP and the password crosses in cleartext: remove it (or "true")`,
            ],
            [
                { "higress.io/ssl-redirect": "0" },
                `${AT}["higress.io/ssl-redirect"]: is "0"; without the redirect the controller serves plain HTTP and the password crosses in cleartext: remove it (or "true")`,
            ],
            [{ "higress.io/auth-type": "digest" }, `${AT}["higress.io/auth-type"]: is "digest"; must be "basic"`],
            [
                { "nginx.ingress.kubernetes.io/auth-secret": "ray-b/team-b-dashboard-basic-auth" },
                `${AT}["nginx.ingress.kubernetes.io/auth-secret"]: "ray-b/team-b-dashboard-basic-auth" is a Secret of another namespace; the htpasswd Secret must be in the Ingress's own namespace ray-a, or another team's password list opens this dashboard`,
            ],
            [
                { "nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0" },
                `${AT}["nginx.ingress.kubernetes.io/whitelist-source-range"]: 0.0.0.0/0 covers 4294967296 addresses; an Ingress's source allowlist may cover at most 65536 (a /16): an allowlist that wide admits nearly everyone, and with satisfy any skips the password too`,
            ],
            [
                { "higress.io/whitelist-source-range": "0.0.0.0/1,128.0.0.0/1" },
                `${AT}["higress.io/whitelist-source-range"]: 0.0.0.0/1 + 128.0.0.0/1 cover 4294967296 addresses; an Ingress's source allowlist may cover at most 65536 (a /16): an allowlist that wide admits nearly everyone, and with satisfy any skips the password too`,
            ],
            [
                { "nginx.ingress.kubernetes.io/allowlist-source-range": "010.0.0.0/8" },
                `${AT}["nginx.ingress.kubernetes.io/allowlist-source-range"]: "010.0.0.0/8" is not four decimal octets without leading zeros: parsers disagree on what it means (010 reads as 8 in some, 10 in others, and is an error in Kubernetes)`,
            ],
        ];
        for (const [annotations, message] of cases) {
            const ing = withAnnotations(annotations);
            assert.deepStrictEqual(
                messages(ingressAuthenticated, ing, { grants: [grantFor(ing)] }),
                [message],
                JSON.stringify(annotations),
            );
            assert.deepStrictEqual(
                throughPack(ingressAuthenticated, ing, { grants: [grantFor(ing)] }).mandatory,
                [message],
                "mandatory in the pack, granted or not",
            );
        }
    });

    it("accepts the safe spellings: satisfy all, the redirects on, a Secret of its own namespace, a narrow canonical allowlist", () => {
        const ing = withAnnotations({
            "nginx.ingress.kubernetes.io/satisfy": "all",
            "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
            "higress.io/ssl-redirect": "True",
            "nginx.ingress.kubernetes.io/auth-secret": "ray-a/demo-dashboard-basic-auth",
            "nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24, 198.51.100.14,2001:db8::/48",
        });
        assert.deepStrictEqual(messages(ingressAuthenticated, ing), []);
    });

    it("refuses a rule without a host and a default backend, whatever the grants", () => {
        const ing = ingress();
        ing.props.spec.rules.push({
            http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "demo-head-svc", port: { number: 8265 } } } }] },
        });
        ing.props.spec.defaultBackend = { service: { name: "demo-head-svc", port: { number: 8265 } } };
        assert.deepStrictEqual(blocking(ingressAuthenticated, ing, { grants: [grantFor(ing)] }), [
            "Ingress ray-a/demo-dashboard: spec.rules[1].host: is not set, so the rule answers every host name, plain HTTP included; name the host",
            "Ingress ray-a/demo-dashboard: spec.defaultBackend: serves every request no rule matches, whatever its host, plain HTTP included; remove it and route by host",
        ]);
    });
});

describe("policy ray-clb-acl-restricted (seed 1.5)", () => {
    it("accepts a whitelist of client ranges", () => {
        assert.deepStrictEqual(messages(clbAclRestricted, slbAcl()), []);
    });

    it("refuses an entry that admits every address", () => {
        assert.deepStrictEqual(messages(clbAclRestricted, slbAcl("0.0.0.0/0")), [
            'alicloud:slb/acl:Acl demo-dashboard: entryLists[0].entry: "0.0.0.0/0" admits every address; list the clients\' CIDRs',
        ]);
        const attachment = {
            type: "alicloud:slb/aclEntryAttachment:AclEntryAttachment",
            name: "any",
            props: { aclId: "acl-1", entry: "::/0" },
        };
        assert.deepStrictEqual(messages(clbAclRestricted, attachment), [
            'alicloud:slb/aclEntryAttachment:AclEntryAttachment any: entry: "::/0" admits every address; list the clients\' CIDRs',
        ]);
    });

    it("refuses entries that are not canonical CIDRs, whatever the grants", () => {
        const acl = slbAcl("010.0.0.0/8");
        acl.props.entryLists.push({ entry: "203.0.113.1/24" }, { entry: "::ffff:203.0.113.0/120" }, { entry: "198.51.100.0/24" });
        assert.deepStrictEqual(messages(clbAclRestricted, acl, { grants: [grantFor(acl)] }), [
            'alicloud:slb/acl:Acl demo-dashboard: entryLists[0].entry: "010.0.0.0/8" is not four decimal octets without leading zeros: parsers disagree on what it means (010 reads as 8 in some, 10 in others, and is an error in Kubernetes)',
            'alicloud:slb/acl:Acl demo-dashboard: entryLists[1].entry: "203.0.113.1/24" has host bits set beyond /24: some parsers widen it, others refuse it; write 203.0.113.0/24',
            'alicloud:slb/acl:Acl demo-dashboard: entryLists[2].entry: "::ffff:203.0.113.0/120" is an IPv4 address written as IPv6 (::ffff:a.b.c.d): the kernel treats it as IPv4, a validator as IPv6; write the IPv4 CIDR',
        ]);
    });

    it("counts addresses: 0.0.0.0/1 + 128.0.0.0/1 is refused like /0", () => {
        const halves = slbAcl("0.0.0.0/1");
        halves.props.entryLists.push({ entry: "128.0.0.0/1", comment: "other half" });
        assert.deepStrictEqual(messages(clbAclRestricted, halves), [
            "alicloud:slb/acl:Acl demo-dashboard: entryLists: 0.0.0.0/1 + 128.0.0.0/1 cover 4294967296 addresses; a CLB ACL may cover at most 65536 (a /16)",
        ]);
    });
});

describe("policy ray-head-service-clusterip (seed 1.6)", () => {
    it("accepts ClusterIP (stated or KubeRay's default)", () => {
        const rc = rayCluster();
        delete rc.props.spec.headGroupSpec.serviceType;
        assert.deepStrictEqual(messages(headServiceClusterIp, rc), []);
        assert.deepStrictEqual(messages(headServiceClusterIp, rayJob()), []);
    });

    it("refuses another head service type, a headService override and KubeRay's Ingress", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.serviceType = "LoadBalancer";
        rc.props.spec.headGroupSpec.headService = { spec: { type: "NodePort" } };
        rc.props.spec.headGroupSpec.enableIngress = true;
        assert.deepStrictEqual(messages(headServiceClusterIp, rc), [
            'RayCluster ray-a/demo: spec.headGroupSpec.serviceType: is "LoadBalancer"; must be ClusterIP',
            'RayCluster ray-a/demo: spec.headGroupSpec.headService.spec.type: is "NodePort"; must be ClusterIP',
            "RayCluster ray-a/demo: spec.headGroupSpec.enableIngress: is true; KubeRay's Ingress has no TLS, expose the dashboard through a separate Ingress with basic auth and TLS",
        ]);
    });

    it("checks a RayJob's cluster under spec.rayClusterSpec", () => {
        const job = rayJob();
        job.props.spec.rayClusterSpec.headGroupSpec.serviceType = "NodePort";
        assert.deepStrictEqual(messages(headServiceClusterIp, job), [
            'RayJob ray-a/nightly: spec.rayClusterSpec.headGroupSpec.serviceType: is "NodePort"; must be ClusterIP',
        ]);
    });
});

describe("policy ray-clb-https-listener (seed 1.5), through the pack", () => {
    it("passes a LoadBalancer whose every port has an https listener and a certificate", () => {
        assert.deepStrictEqual(throughPack(clbHttpsListener, loadBalancer()), { mandatory: [], advisory: [], notApplicable: false });
        assert.strictEqual(throughPack(clbHttpsListener, headService()).notApplicable, true, "ClusterIP Services are not its business");
    });

    it("fails a cleartext listener, a port without https and a missing certificate", () => {
        const lb = loadBalancer();
        lb.props.metadata.annotations[`${CLB}protocol-port`] = "https:443,tcp:8265";
        delete lb.props.metadata.annotations[`${CLB}cert-id`];
        lb.props.spec.ports.push({ port: 8265 });
        assert.deepStrictEqual(throughPack(clbHttpsListener, lb), {
            mandatory: [
                `Service ray-a/demo-dashboard-public: spec.ports[1].port: 8265 has no https listener in ${CLB}protocol-port, so the CLB forwards it in cleartext; add "https:8265" and ${CLB}cert-id`,
                `Service ray-a/demo-dashboard-public: metadata.annotations["${CLB}protocol-port"]: lists a cleartext tcp listener; list https listeners only`,
                `Service ray-a/demo-dashboard-public: metadata.annotations["${CLB}cert-id"]: is not set; an https listener needs the certificate the CLB terminates TLS with`,
            ],
            advisory: [],
            notApplicable: false,
        });
    });

    it("fails a plain LoadBalancer (the CCM's default is a TCP listener), and a ServicePatch that turns the listener to http", () => {
        const plain = loadBalancer();
        delete plain.props.metadata.annotations[`${CLB}protocol-port`];
        assert.deepStrictEqual(messages(clbHttpsListener, plain), [
            `Service ray-a/demo-dashboard-public: spec.ports[0].port: 443 has no https listener in ${CLB}protocol-port, so the CLB forwards it in cleartext; add "https:443" and ${CLB}cert-id`,
        ]);
        // A patch carries neither spec.type nor the ports of the Service it lands on: its CLB annotations make it this check's business.
        const patch = asPatch(loadBalancer());
        patch.props = {
            metadata: { name: "demo-dashboard-public", namespace: "ray-a", annotations: { [`${CLB}protocol-port`]: "http:443" } },
        };
        assert.deepStrictEqual(throughPack(clbHttpsListener, patch), {
            mandatory: [
                `ServicePatch ray-a/demo-dashboard-public: metadata.annotations["${CLB}protocol-port"]: lists a cleartext http listener; list https listeners only`,
            ],
            advisory: [],
            notApplicable: false,
        });
        const unrelated = asPatch(headService());
        unrelated.props = { metadata: { name: "demo-metrics", namespace: "ray-a", labels: { team: "a" } } };
        assert.strictEqual(
            throughPack(clbHttpsListener, unrelated).notApplicable,
            true,
            "a ServicePatch without CLB annotations is not its business",
        );
    });

    it("fails the intranet tcp opt-in unless the pack config grants it; the resource's own annotation only explains a grant", () => {
        const lb = withExceptions(loadBalancer(), "ray-clb-https-listener");
        lb.props.metadata.annotations[`${CLB}protocol-port`] = "tcp:8265";
        lb.props.spec.ports = [{ port: 8265 }];
        const findings = [
            `Service ray-a/demo-dashboard-public: spec.ports[0].port: 8265 has no https listener in ${CLB}protocol-port, so the CLB forwards it in cleartext; add "https:8265" and ${CLB}cert-id`,
            `Service ray-a/demo-dashboard-public: metadata.annotations["${CLB}protocol-port"]: lists a cleartext tcp listener; list https listeners only`,
        ];
        assert.deepStrictEqual(throughPack(clbHttpsListener, lb), {
            mandatory: findings.map((m) => `${m}${SELF_EXEMPTION}`),
            advisory: [],
            notApplicable: false,
        });
        assert.deepStrictEqual(throughPack(clbHttpsListener, lb, { grants: [grantFor(lb, "intranet only")] }), {
            mandatory: [],
            advisory: findings.map((m) => `exception (granted: intranet only): ${m}`),
            notApplicable: false,
        });
        assert.deepStrictEqual(
            blocking(clbHttpsListener, lb, { grants: [grantFor(lb, "intranet only", "b")] }).length,
            2,
            "a grant for another stack grants nothing",
        );
    });
});

describe("policy ray-ingress-class-allowed (seed 1.5), through the pack", () => {
    it("passes the classes that honour basic auth, in the spec or the legacy annotation", () => {
        for (const cls of ["nginx", "higress"]) {
            const ing = ingress();
            ing.props.spec.ingressClassName = cls;
            assert.deepStrictEqual(throughPack(ingressClassAllowed, ing), { mandatory: [], advisory: [], notApplicable: false }, cls);
        }
        const legacy = ingress();
        delete legacy.props.spec.ingressClassName;
        legacy.props.metadata.annotations["kubernetes.io/ingress.class"] = "nginx";
        assert.deepStrictEqual(throughPack(ingressClassAllowed, legacy).mandatory, []);
    });

    it("fails alb, an unset class and an IngressPatch to alb, even when granted", () => {
        const alb = withExceptions(ingress(), "ray-ingress-class-allowed");
        alb.props.spec.ingressClassName = "alb";
        const albMessage =
            'Ingress ray-a/demo-dashboard: spec.ingressClassName: is "alb"; must be one of nginx, higress (the platform\'s allowedIngressClasses: controllers that honour the nginx basic-auth annotations)';
        assert.deepStrictEqual(throughPack(ingressClassAllowed, alb, { grants: [grantFor(alb)] }), {
            mandatory: [`${albMessage}${SELF_EXEMPTION}`],
            advisory: [],
            notApplicable: false,
        });
        const unset = ingress();
        delete unset.props.spec.ingressClassName;
        assert.deepStrictEqual(messages(ingressClassAllowed, unset), [
            "Ingress ray-a/demo-dashboard: spec.ingressClassName: is not set, so the cluster's default class serves it; must be one of nginx, higress (the platform's allowedIngressClasses: controllers that honour the nginx basic-auth annotations)",
        ]);
        const patch = asPatch(ingress());
        patch.props = { metadata: { name: "demo-dashboard", namespace: "ray-a" }, spec: { ingressClassName: "alb" } };
        assert.deepStrictEqual(throughPack(ingressClassAllowed, patch, { grants: [grantFor(patch)] }).mandatory, [
            'IngressPatch ray-a/demo-dashboard: spec.ingressClassName: is "alb"; must be one of nginx, higress (the platform\'s allowedIngressClasses: controllers that honour the nginx basic-auth annotations)',
        ]);
    });

    it("fails a class the platform left out of allowedIngressClasses, and the pack config refuses a class that ignores basic auth", () => {
        assert.deepStrictEqual(throughPack(ingressClassAllowed, ingress(), { allowedIngressClasses: ["higress"] }).mandatory, [
            'Ingress ray-a/demo-dashboard: spec.ingressClassName: is "nginx"; must be one of higress (the platform\'s allowedIngressClasses: controllers that honour the nginx basic-auth annotations)',
        ]);
        assert.throws(
            () => resolvePackConfig({ allowedIngressClasses: ["alb"] }),
            /allowedIngressClasses\.0: must be an ingress class whose controller honours the basic-auth annotations/,
        );
    });
});

describe("policy ray-ingress-no-snippets (seed 1.5), through the pack", () => {
    it("passes an Ingress without snippets", () => {
        assert.deepStrictEqual(throughPack(ingressNoSnippets, ingress()), { mandatory: [], advisory: [], notApplicable: false });
    });

    it("fails every snippet annotation, also on an IngressPatch, and no grant relaxes it", () => {
        const ing = ingress();
        ing.props.metadata.annotations["nginx.ingress.kubernetes.io/configuration-snippet"] = "satisfy any; allow all;";
        ing.props.metadata.annotations["nginx.ingress.kubernetes.io/server-snippet"] = "location /x {}";
        ing.props.metadata.annotations["nginx.ingress.kubernetes.io/auth-snippet"] = "return 200;";
        assert.deepStrictEqual(throughPack(ingressNoSnippets, ing, { grants: [grantFor(ing)] }), {
            mandatory: [
                'Ingress ray-a/demo-dashboard: metadata.annotations["nginx.ingress.kubernetes.io/configuration-snippet"]: is a snippet annotation, which injects raw controller configuration; remove it',
                'Ingress ray-a/demo-dashboard: metadata.annotations["nginx.ingress.kubernetes.io/server-snippet"]: is a snippet annotation, which injects raw controller configuration; remove it',
                'Ingress ray-a/demo-dashboard: metadata.annotations["nginx.ingress.kubernetes.io/auth-snippet"]: is a snippet annotation, which injects raw controller configuration; remove it',
            ],
            advisory: [],
            notApplicable: false,
        });
        const patch = asPatch(ingress());
        patch.props = {
            metadata: { name: "demo-dashboard", namespace: "ray-a", annotations: { "nginx.ingress.kubernetes.io/stream-snippet": "x" } },
        };
        assert.deepStrictEqual(throughPack(ingressNoSnippets, patch).mandatory, [
            'IngressPatch ray-a/demo-dashboard: metadata.annotations["nginx.ingress.kubernetes.io/stream-snippet"]: is a snippet annotation, which injects raw controller configuration; remove it',
        ]);
    });
});

import * as assert from "assert";
import { clbAclRestricted, headServiceClusterIp, ingressAuthenticated, serviceNotPublic } from "../policy/checks/exposure";
import { blocking, grantFor, headService, ingress, loadBalancer, messages, rayCluster, rayJob, slbAcl } from "./policy-fixtures.test";

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
});

describe("policy ray-clb-acl-restricted (seed 1.5)", () => {
    it("accepts a whitelist of client ranges", () => {
        assert.deepStrictEqual(messages(clbAclRestricted, slbAcl()), []);
    });

    it("refuses an entry that admits every address", () => {
        assert.deepStrictEqual(messages(clbAclRestricted, slbAcl("0.0.0.0/0")), [
            'alicloud:slb/acl:Acl demo-dashboard: entryLists[0].entry: "0.0.0.0/0" admits every address; list the clients\' CIDRs',
        ]);
        const attachment = { type: "alicloud:slb/aclEntryAttachment:AclEntryAttachment", name: "any", props: { aclId: "acl-1", entry: "::/0" } };
        assert.deepStrictEqual(messages(clbAclRestricted, attachment), [
            'alicloud:slb/aclEntryAttachment:AclEntryAttachment any: entry: "::/0" admits every address; list the clients\' CIDRs',
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

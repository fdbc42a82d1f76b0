/**
 * Seed 1.3, 1.5, 1.6: whoever reaches the dashboard (8265), GCS (6379) or Ray Client (10001) can run
 * code in the cluster, so nothing is exposed beyond the cluster network without an ACL whitelist and
 * authentication, and the head Service KubeRay creates stays ClusterIP.
 */
import * as ipaddr from "ipaddr.js";
import { CLB_ANNOTATION_PREFIX as CLB, POLICY_IDS } from "@ray-on-ack/common";
import { coverageProblem, isAnyCidr } from "@ray-on-ack/common/addresses";
import { Check, Finding, ungrantable, violation } from "../check";
import { PolicyResource, isKind } from "../resource";
import { rayClusterSpecs } from "../pod-templates";

const NGINX = "nginx.ingress.kubernetes.io/";

export const serviceNotPublic: Check = {
    kind: "resource",
    id: POLICY_IDS.serviceNotPublic,
    title: "No Service exposed without a granted exception and a CLB ACL whitelist",
    seedSection: "1.3, 1.5",
    description:
        "seed 1.3, 1.5: Services are ClusterIP; a LoadBalancer (internet or intranet) needs an exception granted in the platform's policy pack config and, granted or not, the CLB ACL whitelist annotations; NodePort and externalIPs are refused.",
    configKeys: [],
    appliesTo: (r) => isKind(r, "core", "Service"),
    validate(r) {
        const findings: Finding[] = [];
        const type = r.props?.spec?.type ?? "ClusterIP";
        if (type === "NodePort") {
            findings.push(
                violation(r, "spec.type", "is NodePort, which opens the port on every node without an ACL; use ClusterIP (kubectl port-forward) or a LoadBalancer with a CLB ACL whitelist"),
            );
        }
        if (type === "LoadBalancer") {
            findings.push(violation(r, "spec.type", "is LoadBalancer, which exposes the Service beyond the cluster; that needs an exception granted in the platform's policy pack config"));
            const annotations = r.props?.metadata?.annotations ?? {};
            const missing: string[] = [];
            if (annotations[`${CLB}acl-status`] !== "on") {
                missing.push(`${CLB}acl-status: "on"`);
            }
            if (typeof annotations[`${CLB}acl-id`] !== "string" || annotations[`${CLB}acl-id`] === "") {
                missing.push(`${CLB}acl-id`);
            }
            if (annotations[`${CLB}acl-type`] !== "white") {
                missing.push(`${CLB}acl-type: white`);
            }
            if (missing.length > 0) {
                // A grant allows the exposure, never an exposure without the whitelist.
                findings.push(ungrantable(violation(r, "metadata.annotations", `a LoadBalancer Service needs the CLB ACL whitelist; missing ${missing.join(", ")}`)));
            }
        }
        if ((r.props?.spec?.externalIPs ?? []).length > 0) {
            findings.push(violation(r, "spec.externalIPs", "exposes the Service on external IPs without an ACL; remove them"));
        }
        return findings;
    },
};

export const ingressAuthenticated: Check = {
    kind: "resource",
    id: POLICY_IDS.ingressAuthenticated,
    title: "Ingresses require basic auth and TLS",
    seedSection: "1.5",
    description: "seed 1.5: an Ingress carries nginx basic auth (auth-type basic, auth-secret) and terminates TLS for every host it serves.",
    configKeys: [],
    appliesTo: (r) => isKind(r, "networking.k8s.io", "Ingress"),
    validate(r) {
        const findings: Finding[] = [];
        const annotations = r.props?.metadata?.annotations ?? {};
        const authType = annotations[`${NGINX}auth-type`];
        if (authType !== "basic") {
            const found = authType === undefined ? "not set" : `is ${JSON.stringify(authType)}`;
            findings.push(violation(r, `metadata.annotations["${NGINX}auth-type"]`, `${found}; must be "basic"`));
        }
        const secret = annotations[`${NGINX}auth-secret`];
        if (typeof secret !== "string" || secret === "") {
            findings.push(violation(r, `metadata.annotations["${NGINX}auth-secret"]`, "is not set; must name the htpasswd Secret"));
        }
        const tls: any[] = r.props?.spec?.tls ?? [];
        if (tls.length === 0) {
            findings.push(violation(r, "spec.tls", "is empty; basic auth over plain HTTP gives the password away, terminate TLS on the Ingress"));
            return findings;
        }
        tls.forEach((entry, i) => {
            if (typeof entry?.secretName !== "string" || entry.secretName === "") {
                findings.push(violation(r, `spec.tls[${i}].secretName`, "is not set"));
            }
        });
        const tlsHosts = new Set(tls.flatMap((entry) => entry?.hosts ?? []));
        const rules: any[] = r.props?.spec?.rules ?? [];
        rules.forEach((rule, i) => {
            if (typeof rule?.host === "string" && !tlsHosts.has(rule.host)) {
                findings.push(violation(r, `spec.rules[${i}].host`, `"${rule.host}" is not listed in spec.tls[].hosts, so it is served over plain HTTP`));
            }
        });
        return findings;
    },
};

function aclEntries(r: PolicyResource): Array<{ path: string; entry: unknown }> {
    if (r.type === "alicloud:slb/acl:Acl") {
        const entries: any[] = r.props?.entryLists ?? [];
        return entries.map((e, i) => ({ path: `entryLists[${i}].entry`, entry: e?.entry }));
    }
    return [{ path: "entry", entry: r.props?.entry }];
}

export const clbAclRestricted: Check = {
    kind: "resource",
    id: POLICY_IDS.clbAclRestricted,
    title: "CLB ACL whitelists do not admit every address",
    seedSection: "1.5",
    description:
        "seed 1.5: a CLB access-control list used as a whitelist names the clients' ranges: never 0.0.0.0/0 or ::/0, and an ACL's entries together cover at most a /16 (counted, so 0.0.0.0/1 + 128.0.0.0/1 fails too).",
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:slb/acl:Acl" || r.type === "alicloud:slb/aclEntryAttachment:AclEntryAttachment",
    validate(r) {
        const entries = aclEntries(r);
        const everyone = entries
            .filter(({ entry }) => typeof entry === "string" && isAnyCidr(entry.trim()) && ipaddr.parseCIDR(entry.trim())[1] === 0)
            .map(({ path, entry }) => violation(r, path, `${JSON.stringify(entry)} admits every address; list the clients' CIDRs`));
        const cidrs = entries.map(({ entry }) => (typeof entry === "string" ? entry.trim() : "")).filter(isAnyCidr);
        const wide = everyone.length === 0 && r.type === "alicloud:slb/acl:Acl" ? coverageProblem(cidrs, "a CLB ACL") : undefined;
        return [...everyone, ...(wide ? [violation(r, "entryLists", wide)] : [])];
    },
};

export const headServiceClusterIp: Check = {
    kind: "resource",
    id: POLICY_IDS.headServiceClusterIp,
    title: "Ray head Service is ClusterIP",
    seedSection: "1.6",
    description:
        "seed 1.6: a RayCluster's (or RayJob's) head Service is ClusterIP, and KubeRay's own Ingress (no TLS, no auth) is not enabled; expose the dashboard through a separate, authenticated Service or Ingress.",
    configKeys: [],
    appliesTo: (r) => rayClusterSpecs(r).length > 0,
    validate(r) {
        const findings: Finding[] = [];
        for (const cluster of rayClusterSpecs(r)) {
            const head = cluster.spec.headGroupSpec ?? {};
            const serviceType = head.serviceType ?? "ClusterIP";
            if (serviceType !== "ClusterIP") {
                findings.push(violation(r, `${cluster.path}.headGroupSpec.serviceType`, `is ${JSON.stringify(serviceType)}; must be ClusterIP`));
            }
            const overrideType = head.headService?.spec?.type;
            if (overrideType !== undefined && overrideType !== "ClusterIP") {
                findings.push(
                    violation(r, `${cluster.path}.headGroupSpec.headService.spec.type`, `is ${JSON.stringify(overrideType)}; must be ClusterIP`),
                );
            }
            if (head.enableIngress === true) {
                findings.push(
                    violation(r, `${cluster.path}.headGroupSpec.enableIngress`, "is true; KubeRay's Ingress has no TLS, expose the dashboard through a separate Ingress with basic auth and TLS"),
                );
            }
        }
        return findings;
    },
};

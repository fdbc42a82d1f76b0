/**
 * Seed 1.3, 1.5, 1.6: whoever reaches the dashboard (8265), GCS (6379) or Ray Client (10001) can run
 * code in the cluster, so nothing is exposed beyond the cluster network without an ACL whitelist and
 * authentication, and the head Service KubeRay creates stays ClusterIP.
 */
import * as ipaddr from "ipaddr.js";
import { AUTH_HONOURING_INGRESS_CLASSES, CLB_ANNOTATION_PREFIX as CLB, POLICY_IDS, isSnippetAnnotation } from "@ray-on-ack/common";
import { canonicalCidrProblem, coverageProblem, isAnyCidr } from "@ray-on-ack/common/addresses";
import { Check, Finding, ungrantable, violation } from "../check";
import { PolicyResource, isKind, k8sKind, namespaceOf } from "../resource";
import { rayClusterSpecs } from "../podTemplates";

const NGINX = "nginx.ingress.kubernetes.io/";
/** Higress reads every nginx annotation under its own prefix too: a bypass under either counts. */
const HIGRESS = "higress.io/";
const AUTH_PREFIXES = [NGINX, HIGRESS];
/** ingress-nginx reads its booleans with Go's strconv.ParseBool; these are its spellings of true. */
const TRUE_SPELLINGS = ["1", "t", "T", "TRUE", "true", "True"];

/** An Ingress, or a server-side patch of one (isKind judges an IngressPatch as the Ingress it changes). */
const isIngress = (r: PolicyResource) => isKind(r, "networking.k8s.io", "Ingress");
/**
 * A LoadBalancer Service, or a ServicePatch that makes one or changes its CLB annotations (a patch
 * may carry neither the type nor the ports of the Service it lands on). isKind matches both; a
 * patch is told apart by k8sKind's `patch`.
 */
const isLoadBalancerService = (r: PolicyResource) =>
    isKind(r, "core", "Service") &&
    (r.props?.spec?.type === "LoadBalancer" ||
        (k8sKind(r)?.patch === true && Object.keys(r.props?.metadata?.annotations ?? {}).some((k) => k.startsWith(CLB))));

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
                violation(
                    r,
                    "spec.type",
                    "is NodePort, which opens the port on every node without an ACL; use ClusterIP (kubectl port-forward) or a LoadBalancer with a CLB ACL whitelist",
                ),
            );
        }
        if (type === "LoadBalancer") {
            findings.push(
                violation(
                    r,
                    "spec.type",
                    "is LoadBalancer, which exposes the Service beyond the cluster; that needs an exception granted in the platform's policy pack config",
                ),
            );
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
                findings.push(
                    ungrantable(
                        violation(
                            r,
                            "metadata.annotations",
                            `a LoadBalancer Service needs the CLB ACL whitelist; missing ${missing.join(", ")}`,
                        ),
                    ),
                );
            }
        }
        if ((r.props?.spec?.externalIPs ?? []).length > 0) {
            findings.push(violation(r, "spec.externalIPs", "exposes the Service on external IPs without an ACL; remove them"));
        }
        return findings;
    },
};

/** The source allowlist: canonical entries (single addresses allowed, as the controllers take them) within the address ceiling. */
function allowlistFindings(r: PolicyResource, at: string, value: unknown): Finding[] {
    const entries = String(value)
        .split(",")
        .map((e) => e.trim())
        .filter((e) => e !== "");
    const problems = entries.map((e) => canonicalCidrProblem(e, { bareAddress: true })).filter((p): p is string => p !== undefined);
    if (problems.length > 0) {
        return problems.map((p) => ungrantable(violation(r, at, p)));
    }
    const cidrs = entries.map((e) => (e.includes("/") ? e : `${e}/${e.includes(":") ? 128 : 32}`));
    const wide = coverageProblem(cidrs, "an Ingress's source allowlist");
    return wide === undefined
        ? []
        : [
              ungrantable(
                  violation(r, at, `${wide}: an allowlist that wide admits nearly everyone, and with satisfy any skips the password too`),
              ),
          ];
}

/**
 * Annotations that switch basic auth or TLS off around an otherwise compliant Ingress, under the
 * nginx prefix or Higress's: `satisfy: any` (the allowlist alone lets a client in), an allowlist
 * that is not canonical or covers more than the ceiling, an SSL redirect turned off, another
 * auth-type, an htpasswd Secret of another namespace. Nothing legitimate needs one: no grant waives them.
 */
function bypassFindings(r: PolicyResource): Finding[] {
    const annotations = r.props?.metadata?.annotations ?? {};
    const namespace = namespaceOf(r);
    const findings: Finding[] = [];
    for (const prefix of AUTH_PREFIXES) {
        const at = (name: string) => `metadata.annotations["${prefix}${name}"]`;
        const value = (name: string): unknown => annotations[`${prefix}${name}`];
        const satisfy = value("satisfy");
        if (satisfy !== undefined && satisfy !== "all") {
            findings.push(
                ungrantable(
                    violation(
                        r,
                        at("satisfy"),
                        `is ${JSON.stringify(satisfy)}; "any" lets a client the source allowlist admits in without the password: remove it (or "all")`,
                    ),
                ),
            );
        }
        for (const name of ["ssl-redirect", "force-ssl-redirect"]) {
            const redirect = value(name);
            if (redirect !== undefined && !TRUE_SPELLINGS.includes(String(redirect))) {
                findings.push(
                    ungrantable(
                        violation(
                            r,
                            at(name),
                            `is ${JSON.stringify(redirect)}; without the redirect the controller serves plain HTTP and the password crosses in cleartext: remove it (or "true")`,
                        ),
                    ),
                );
            }
        }
        const authType = value("auth-type");
        if (authType !== undefined && authType !== "basic") {
            findings.push(ungrantable(violation(r, at("auth-type"), `is ${JSON.stringify(authType)}; must be "basic"`)));
        }
        const secret = value("auth-secret");
        if (typeof secret === "string" && secret.includes("/") && secret.split("/")[0] !== namespace) {
            findings.push(
                ungrantable(
                    violation(
                        r,
                        at("auth-secret"),
                        `${JSON.stringify(secret)} is a Secret of another namespace; the htpasswd Secret must be in the Ingress's own namespace ${namespace}, or another team's password list opens this dashboard`,
                    ),
                ),
            );
        }
        for (const name of ["whitelist-source-range", "allowlist-source-range"]) {
            if (value(name) !== undefined) {
                findings.push(...allowlistFindings(r, at(name), value(name)));
            }
        }
    }
    return findings;
}

export const ingressAuthenticated: Check = {
    kind: "resource",
    id: POLICY_IDS.ingressAuthenticated,
    title: "Ingresses require basic auth and TLS",
    seedSection: "1.5",
    description:
        "seed 1.5: an Ingress carries nginx basic auth (auth-type basic, auth-secret of its own namespace) and terminates TLS for every host it serves; every rule names its host and there is no default backend; no annotation (nginx or higress.io prefix) undoes auth or TLS: satisfy any, an ssl-redirect or force-ssl-redirect off, another auth-type, a source allowlist that is not canonical or covers more than a /16. Those never take a grant.",
    configKeys: [],
    appliesTo: (r) => isKind(r, "networking.k8s.io", "Ingress"),
    validate(r) {
        const findings: Finding[] = bypassFindings(r);
        const annotations = r.props?.metadata?.annotations ?? {};
        const authType = annotations[`${NGINX}auth-type`];
        if (authType === undefined) {
            findings.push(violation(r, `metadata.annotations["${NGINX}auth-type"]`, `not set; must be "basic"`));
        }
        const secret = annotations[`${NGINX}auth-secret`];
        if (typeof secret !== "string" || secret === "") {
            findings.push(violation(r, `metadata.annotations["${NGINX}auth-secret"]`, "is not set; must name the htpasswd Secret"));
        }
        // Host-less routing answers requests for any name, plain HTTP included: TLS is matched by host.
        const rules: any[] = r.props?.spec?.rules ?? [];
        rules.forEach((rule, i) => {
            if (typeof rule?.host !== "string" || rule.host === "") {
                findings.push(
                    ungrantable(
                        violation(
                            r,
                            `spec.rules[${i}].host`,
                            "is not set, so the rule answers every host name, plain HTTP included; name the host",
                        ),
                    ),
                );
            }
        });
        if (r.props?.spec?.defaultBackend !== undefined) {
            findings.push(
                ungrantable(
                    violation(
                        r,
                        "spec.defaultBackend",
                        "serves every request no rule matches, whatever its host, plain HTTP included; remove it and route by host",
                    ),
                ),
            );
        }
        const tls: any[] = r.props?.spec?.tls ?? [];
        if (tls.length === 0) {
            findings.push(
                violation(r, "spec.tls", "is empty; basic auth over plain HTTP gives the password away, terminate TLS on the Ingress"),
            );
            return findings;
        }
        tls.forEach((entry, i) => {
            if (typeof entry?.secretName !== "string" || entry.secretName === "") {
                findings.push(violation(r, `spec.tls[${i}].secretName`, "is not set"));
            }
        });
        const tlsHosts = new Set(tls.flatMap((entry) => entry?.hosts ?? []));
        rules.forEach((rule, i) => {
            if (typeof rule?.host === "string" && rule.host !== "" && !tlsHosts.has(rule.host)) {
                findings.push(
                    violation(
                        r,
                        `spec.rules[${i}].host`,
                        `"${rule.host}" is not listed in spec.tls[].hosts, so it is served over plain HTTP`,
                    ),
                );
            }
        });
        return findings;
    },
};

/** `https:443,http:80` → [{protocol: "https", port: 443}, ...]; unparseable entries keep `port: NaN`. */
function listeners(value: unknown): { protocol: string; port: number }[] {
    if (typeof value !== "string") {
        return [];
    }
    return value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "")
        .map((entry) => {
            const [protocol, port] = entry.split(":");
            return { protocol: (protocol ?? "").toLowerCase(), port: /^[0-9]+$/.test(port ?? "") ? Number(port) : NaN };
        });
}

export const clbHttpsListener: Check = {
    kind: "resource",
    id: POLICY_IDS.clbHttpsListener,
    title: "LoadBalancer Services listen HTTPS only",
    seedSection: "1.5",
    description:
        "seed 1.5: a LoadBalancer Service's CLB terminates TLS: every port has an https listener (protocol-port) and the Service names the certificate (cert-id); a tcp or http listener carries the dashboard and the Ray token in cleartext.",
    configKeys: [],
    appliesTo: isLoadBalancerService,
    validate(r) {
        const findings: Finding[] = [];
        const annotations = r.props?.metadata?.annotations ?? {};
        const declared = listeners(annotations[`${CLB}protocol-port`]);
        const https = new Set(declared.filter((l) => l.protocol === "https").map((l) => l.port));
        const ports: any[] = r.props?.spec?.ports ?? [];
        ports.forEach((p, i) => {
            if (!https.has(p?.port)) {
                findings.push(
                    violation(
                        r,
                        `spec.ports[${i}].port`,
                        `${p?.port} has no https listener in ${CLB}protocol-port, so the CLB forwards it in cleartext; add "https:${p?.port}" and ${CLB}cert-id`,
                    ),
                );
            }
        });
        for (const l of declared.filter((x) => x.protocol !== "https")) {
            findings.push(
                violation(
                    r,
                    `metadata.annotations["${CLB}protocol-port"]`,
                    `lists a cleartext ${l.protocol} listener; list https listeners only`,
                ),
            );
        }
        const cert = annotations[`${CLB}cert-id`];
        if (https.size > 0 && (typeof cert !== "string" || cert.trim() === "")) {
            findings.push(
                violation(
                    r,
                    `metadata.annotations["${CLB}cert-id"]`,
                    "is not set; an https listener needs the certificate the CLB terminates TLS with",
                ),
            );
        }
        return findings;
    },
};

/** The class an Ingress asks for: spec.ingressClassName, or the legacy annotation. */
function ingressClass(r: PolicyResource): { path: string; value: unknown } {
    const spec = r.props?.spec?.ingressClassName;
    if (spec !== undefined) {
        return { path: "spec.ingressClassName", value: spec };
    }
    return {
        path: `metadata.annotations["kubernetes.io/ingress.class"]`,
        value: r.props?.metadata?.annotations?.["kubernetes.io/ingress.class"],
    };
}

export const ingressClassAllowed: Check = {
    kind: "resource",
    id: POLICY_IDS.ingressClassAllowed,
    title: "Ingresses use a class whose controller enforces basic auth",
    seedSection: "1.5",
    description: `seed 1.5: an Ingress names its class, one of the pack's allowedIngressClasses (a subset of ${Object.keys(AUTH_HONOURING_INGRESS_CLASSES).join(", ")}: controllers that honour the nginx basic-auth annotations); an alb class (or the cluster's default class) may ignore them and publish the service without a password.`,
    configKeys: ["allowedIngressClasses"],
    // Nothing legitimate needs it, so no grant or annotation relaxes it: the list is the platform's say.
    exceptions: false,
    appliesTo: isIngress,
    validate(r, config) {
        const { path, value } = ingressClass(r);
        // The list is validated to be a subset of the auth-honouring classes (common/platformLists.ts).
        if (typeof value === "string" && config.allowedIngressClasses.includes(value)) {
            return [];
        }
        const found = value === undefined ? "is not set, so the cluster's default class serves it" : `is ${JSON.stringify(value)}`;
        const where = value === undefined ? "spec.ingressClassName" : path;
        return [
            violation(
                r,
                where,
                `${found}; must be one of ${config.allowedIngressClasses.join(", ")} (the platform's allowedIngressClasses: controllers that honour the nginx basic-auth annotations)`,
            ),
        ];
    },
};

export const ingressNoSnippets: Check = {
    kind: "resource",
    id: POLICY_IDS.ingressNoSnippets,
    title: "Ingresses carry no snippet annotations",
    seedSection: "1.5",
    description:
        "seed 1.5: no *-snippet annotation (configuration-snippet, server-snippet, auth-snippet, ...) on an Ingress: raw controller configuration can switch authentication off and read other namespaces' Secrets (CVE-2021-25742).",
    configKeys: [],
    // Nothing legitimate needs it, so no grant or annotation relaxes it.
    exceptions: false,
    appliesTo: isIngress,
    validate(r) {
        return Object.keys(r.props?.metadata?.annotations ?? {})
            .filter(isSnippetAnnotation)
            .map((key) =>
                violation(
                    r,
                    `metadata.annotations["${key}"]`,
                    "is a snippet annotation, which injects raw controller configuration; remove it",
                ),
            );
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
        "seed 1.5: a CLB access-control list used as a whitelist names the clients' ranges: every entry a CIDR in canonical form (no leading zeros, no host bits, no IPv4-mapped IPv6; never granted), never 0.0.0.0/0 or ::/0, and an ACL's entries together cover at most a /16 (counted, so 0.0.0.0/1 + 128.0.0.0/1 fails too).",
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:slb/acl:Acl" || r.type === "alicloud:slb/aclEntryAttachment:AclEntryAttachment",
    validate(r) {
        // The pack, the cloud API and the load balancer must read an entry the same way.
        const unclear = aclEntries(r).flatMap(({ path, entry }) => {
            const why = canonicalCidrProblem(entry);
            return why === undefined ? [] : [ungrantable(violation(r, path, why))];
        });
        const entries = aclEntries(r).filter(({ entry }) => canonicalCidrProblem(entry) === undefined);
        const everyone = entries
            .filter(({ entry }) => typeof entry === "string" && isAnyCidr(entry.trim()) && ipaddr.parseCIDR(entry.trim())[1] === 0)
            .map(({ path, entry }) => violation(r, path, `${JSON.stringify(entry)} admits every address; list the clients' CIDRs`));
        const cidrs = entries.map(({ entry }) => (typeof entry === "string" ? entry.trim() : "")).filter(isAnyCidr);
        const wide = everyone.length === 0 && r.type === "alicloud:slb/acl:Acl" ? coverageProblem(cidrs, "a CLB ACL") : undefined;
        return [...unclear, ...everyone, ...(wide ? [violation(r, "entryLists", wide)] : [])];
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
                findings.push(
                    violation(r, `${cluster.path}.headGroupSpec.serviceType`, `is ${JSON.stringify(serviceType)}; must be ClusterIP`),
                );
            }
            const overrideType = head.headService?.spec?.type;
            if (overrideType !== undefined && overrideType !== "ClusterIP") {
                findings.push(
                    violation(
                        r,
                        `${cluster.path}.headGroupSpec.headService.spec.type`,
                        `is ${JSON.stringify(overrideType)}; must be ClusterIP`,
                    ),
                );
            }
            if (head.enableIngress === true) {
                findings.push(
                    violation(
                        r,
                        `${cluster.path}.headGroupSpec.enableIngress`,
                        "is true; KubeRay's Ingress has no TLS, expose the dashboard through a separate Ingress with basic auth and TLS",
                    ),
                );
            }
        }
        return findings;
    },
};

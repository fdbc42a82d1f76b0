/**
 * The tenancy registry: what each team stack owns, written by the platform team in its own,
 * code-owned configuration (the policy pack config, `ray-tenancy`), and read by the program at
 * `pulumi preview`/`up`, by the renderer and by the policy pack. A team stack may claim only what
 * its entry lists: a stack file is written by the team (and, in a pull request, by anyone who can
 * push a branch), so nothing in it may name another team's namespace, addresses, network, bucket,
 * host, listener, RAM role, NAS path or node pool, and a refusal names the owner it would take from.
 *
 * Entries are keyed by Pulumi stack name (the stack file `stacks/Pulumi.<stack>.yaml`, owned by
 * its team in CODEOWNERS), never by what the stack file says about itself. Shared resources (a
 * reference-data bucket, a gateway listener) are listed with the stacks that may use them, read-only.
 */
import { z } from "zod";
import { argTypes } from "./argTypes";
import { POLICY_IDS } from "./policyIds";
import { addressCount, blockOf, isCoveredBy, isIpv4Cidr, metadataProblem, publicAddressCount } from "./addresses";
import { GCS_EMBEDDED, caBundleProblem, redisAddressOf, versionAtLeast } from "./gcs";

/** The stack that may say `ray-on-ack:platform: true`, and the only one with cluster-wide objects. */
export const PLATFORM_STACK = "platform";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = z.string().max(63).regex(DNS_LABEL, "must be a DNS label");
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const cidr = z.string().refine(isIpv4Cidr, { message: "must be a canonical IPv4 CIDR such as 10.0.0.0/24" });
const port = z.number().int().min(1).max(65535);
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** An OSS prefix: empty (the whole bucket) or a literal path ending in '/'. */
const ossPrefix = z.string().regex(/^$|^[^/*][^*]*\/$/, "must be empty (the whole bucket) or a literal path ending in '/'");
/** A host name, or `*.<domain>`: every host under the domain (at any depth). */
const hostPattern = z
    .string()
    .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "must be a host name or *.<domain>");
/** A RAM role name, or `<prefix>*`: every role whose name starts with the prefix. */
const rolePattern = z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9._]*\*?$/, "must be a RAM role name or <prefix>*");
const stackName = z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a Pulumi stack name");

const listener = z
    .strictObject({
        gateway: z.string().regex(SUBDOMAIN, "must be a Gateway name").describe("The Gateway's name."),
        namespace: dnsLabel.describe("The Gateway's namespace."),
        sectionName: z.string().regex(SUBDOMAIN, "must be a listener name").describe("The listener (parentRef sectionName)."),
    })
    .register(argTypes, {
        id: "GatewayListener",
        description: "A Gateway listener (parentRef): the Gateway's name and namespace and the listener's name.",
    });

const nodePool = z
    .strictObject({
        name: dnsLabel.describe("The node pool's name, as messages name it."),
        labels: z
            .record(z.string(), z.string())
            .default({})
            .describe("Labels only this pool's nodes carry; selecting any of them targets the pool."),
        taints: z
            .array(
                z
                    .strictObject({
                        key: z.string().min(1),
                        value: z.string().optional(),
                        effect: z
                            .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"])
                            .optional()
                            .describe("The taint's effect; every effect when left out."),
                    })
                    .register(argTypes, { id: "Taint", description: "A node taint." }),
            )
            .default([])
            .describe("Taints of the pool's nodes; tolerating one is a claim on the pool."),
    })
    .register(argTypes, {
        id: "DedicatedNodePool",
        description: "A node pool dedicated to one team: no other team may select its labels or tolerate its taints.",
    });

/** An https URL without query or fragment: the OIDC issuer and its keys (OpenID Connect Discovery requires https). */
const httpsUrl = z
    .string()
    .regex(/^https:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[^\s?#]*)?$/, "must be an https URL without query or fragment");

const ssoClaim = z
    .strictObject({
        name: z
            .string()
            .min(1)
            .max(253)
            .describe("The ID token claim (a dotted path for a nested one, e.g. `groups` or `realm_access.roles`)."),
        valueType: z
            .enum(["String", "StringArray"])
            .default("String")
            .describe("`String` (the claim equals a value) or `StringArray` (the claim, a list, contains a value). Default `String`."),
        values: z.array(z.string().min(1)).min(1).max(16).describe("The values that admit: any one of them."),
    })
    .register(argTypes, { id: "SsoClaim", description: "An ID token claim a person needs to pass the edge." });

/**
 * The platform's OpenID Connect provider for one team's public dashboards (Envoy Gateway
 * SecurityPolicy `oidc`). Everything here is the platform's: the team's stack file names none of it.
 */
const ssoSchema = z
    .strictObject({
        issuer: httpsUrl.describe(
            "The provider's issuer URL (OpenID Connect Discovery: Envoy Gateway finds the endpoints from it; the ID token's `iss`).",
        ),
        jwksUri: httpsUrl.describe("The provider's JSON Web Key Set URL: the gateway checks the ID token's signature with it."),
        clientId: z
            .string()
            .regex(/^[A-Za-z0-9._~:@-]{1,255}$/, "must be an OAuth client id (letters, digits and ._~:@-)")
            .describe(
                "The OAuth client registered at the provider for this team, with redirect URIs on `redirectHosts` only; the ID token's audience.",
            ),
        clientSecretName: dnsLabel.describe(
            "The Secret in the team's namespace (key `client-secret`) the platform puts the client secret in (e.g. synced from KMS Secrets Manager). Envoy Gateway reads a SecurityPolicy's client secret from its own namespace only; the team stack references it, never creates it.",
        ),
        redirectHosts: z
            .array(hostPattern)
            .min(1)
            .describe(
                "Hosts (or `*.<domain>`) registered at the provider as this client's redirect URIs (`https://<host>/oauth2/callback`); an exposure's host must be one.",
            ),
        scopes: z
            .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "must be an OAuth scope"))
            .default(["openid", "email", "profile"])
            .describe("Scopes asked for (`openid` is always added). Default `openid`, `email`, `profile`."),
        claims: z
            .array(ssoClaim)
            .min(1)
            .max(16)
            .describe(
                "Who may pass: every claim must match (e.g. `groups` contains the team's group). Required: without it anyone the provider knows would pass.",
            ),
    })
    .register(argTypes, {
        id: "TeamSso",
        description: "The platform's OpenID Connect provider and client for one team's public dashboards (single sign-on at the edge).",
    });

/** A host name (DNS) or an IPv4 address, as Ray dials it. */
const redisHost = z
    .string()
    .regex(
        /^(([0-9]{1,3}\.){3}[0-9]{1,3}|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+)$/,
        "must be a host name or an IPv4 address",
    );

const gcsRedis = z
    .strictObject({
        host: redisHost.describe(
            "The Redis endpoint as Ray dials it (`rediss://<host>:<port>`): the ApsaraDB for Redis (Tair) instance's VPC address or connection host name.",
        ),
        port: port.default(6379).describe("Its TLS port. Default 6379 (ApsaraDB serves TLS on the instance's port once SSL is on)."),
        cidr: cidr.describe(
            "The addresses `host` resolves to in the VPC (a /32 per address): the team's head pods (and KubeRay's cleanup Job) may reach them on `port`, and nothing else.",
        ),
        caCertificate: z
            .string()
            .superRefine((pem, c) => {
                const why = caBundleProblem(pem);
                if (why !== undefined) {
                    c.addIssue({ code: "custom", message: why });
                }
            })
            .describe(
                "The CA certificate(s) the Redis server's certificate chains to, as PEM (ApsaraDB: the instance's CA from its SSL settings). Ray trusts these only; hiredis does not match the host name, so never a public CA bundle.",
            ),
        username: z
            .string()
            .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be a Redis user name")
            .optional()
            .describe("A Redis ACL account of the team's (Ray >= 2.41); default the instance's default account."),
    })
    .superRefine((r, c) => {
        if (/^[0-9.]+$/.test(r.host) && !isCoveredBy(`${r.host}/32`, [r.cidr])) {
            c.addIssue({ code: "custom", path: ["cidr"], message: `${r.cidr} does not hold the host ${r.host}` });
        }
        const why = metadataProblem(r.cidr);
        if (why !== undefined) {
            c.addIssue({ code: "custom", path: ["cidr"], message: why });
        }
    })
    .register(argTypes, {
        id: "GcsRedis",
        description:
            "A team's Redis for GCS fault tolerance: where Ray reaches it over TLS, the CA it trusts, the addresses its NetworkPolicy admits.",
    });

export type GcsRedis = z.infer<typeof gcsRedis>;

const endpoint = z
    .strictObject({ cidr, ports: z.array(port).min(1), description: z.string().optional() })
    .register(argTypes, { id: "EgressEndpoint", description: "A private endpoint a team's pods may reach." });

/**
 * Where a team's Ray logs go (docs/design.md "Logs that outlive the pod"): a prefix of the platform's
 * bucket, written by the package's log shipper in every Ray pod with the team's own RRSA identity.
 */
export const logsSchema = z
    .strictObject({
        bucket: z.string().regex(BUCKET, "must be an OSS bucket name").describe("The platform's log bucket."),
        prefix: z
            .string()
            .regex(/^[^/*][^*]*\/$/, "must be a literal path ending in '/' (never the whole bucket)")
            .describe("The team's prefix in it, ending in '/': the writer role may only put objects under it."),
        region: z.string().min(1).describe("The bucket's region, e.g. `cn-hangzhou` (the S3-compatible signature names it)."),
        ossEndpoint: z
            .string()
            .regex(/^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?$/, "must be a URL such as https://oss-cn-hangzhou-internal.aliyuncs.com")
            .describe("OSS's S3-compatible endpoint the pods upload to, e.g. `https://oss-cn-hangzhou-internal.aliyuncs.com`."),
        pathStyle: z
            .boolean()
            .default(false)
            .describe("Address the bucket in the path instead of the host name (OSS wants the host name; a stand-in may not)."),
        stsEndpoint: z
            .string()
            .regex(/^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?$/, "must be a URL such as https://sts-vpc.cn-hangzhou.aliyuncs.com")
            .describe(
                "The STS endpoint that exchanges the pod's RRSA token (AssumeRoleWithOIDC), e.g. `https://sts-vpc.cn-hangzhou.aliyuncs.com`.",
            ),
        roleArn: z
            .string()
            .regex(/^acs:ram::[0-9]+:role\/[A-Za-z0-9][-A-Za-z0-9._]*$/, "must be a RAM role ARN (acs:ram::<account>:role/<name>)")
            .optional()
            .describe(
                "The writer role, when the platform created it. Without it the team stack (with `cloud`) creates `ray-<team>-logs`; without `cloud` it is required.",
            ),
        oidcProviderArn: z
            .string()
            .regex(/^acs:ram::[0-9]+:oidc-provider\/[A-Za-z0-9._-]+$/, "must be a RAM OIDC provider ARN")
            .optional()
            .describe("The cluster's RRSA OIDC provider; without it, the one `cloud` names. Required without `cloud`."),
        egress: z
            .array(endpoint)
            .min(1)
            .describe("The addresses and ports of the OSS and STS endpoints: the only egress the log shipping adds."),
    })
    .register(argTypes, { id: "TeamLogs", description: "Where a team's Ray logs are shipped: the platform's bucket, the team's prefix." });

export const tenantSchema = z
    .strictObject({
        team: dnsLabel.describe("The team's name; the stack file's `ray-on-ack:team` must say it."),
        namespace: dnsLabel.describe("The team's namespace; the stack's namespace must be it."),
        podCidrs: z
            .array(cidr)
            .min(1)
            .describe("The pod CIDRs (Terway pod vSwitches) assigned to the team; its stack's `podCidrs` must lie inside them."),
        vSwitchIds: z
            .array(z.string().regex(/^vsw-[a-z0-9]+$/, "must be a vSwitch id"))
            .default([])
            .describe("Pod vSwitches the team may bind its namespace to."),
        vpcIds: z
            .array(z.string().regex(/^vpc-[a-z0-9]+$/, "must be a VPC id"))
            .default([])
            .describe("VPCs the team may create its pod vSwitches in (`podNetwork.createVSwitch`)."),
        securityGroupIds: z
            .array(z.string().regex(/^sg-[a-z0-9]+$/, "must be a security group id"))
            .default([])
            .describe("Security groups of the team's pod ENIs."),
        oss: z
            .array(
                z
                    .strictObject({
                        bucket: z.string().regex(BUCKET, "must be an OSS bucket name"),
                        prefix: ossPrefix.default("").describe("A literal prefix ending in '/'; empty: the whole bucket."),
                        access: z.enum(["read", "read-write"]).default("read-write"),
                    })
                    .register(argTypes, { id: "OwnedBucket", description: "An OSS bucket (and prefix) a team owns." }),
            )
            .default([])
            .describe("OSS buckets (and prefixes) the team owns: its RRSA grants and OSS volumes must lie inside them."),
        nas: z
            .array(
                z
                    .strictObject({
                        server: z.string().min(1),
                        path: z
                            .string()
                            .regex(/^\/([^/]+\/)*$/, "must be an absolute directory path ending in '/'")
                            .describe("An absolute directory ending in '/'."),
                    })
                    .register(argTypes, { id: "NasDirectory", description: "A NAS file system's directory a team owns." }),
            )
            .default([])
            .describe("NAS file systems and directories the team owns: its NAS volumes must lie inside them."),
        hosts: z.array(hostPattern).default([]).describe("Host names (or `*.<domain>`) the team's Ingress and Gateway routes may claim."),
        gatewayListeners: z.array(listener).default([]).describe("Gateway listeners the team's routes may attach to."),
        clbCertIds: z
            .array(z.string().min(1))
            .default([])
            .describe(
                "CLB server certificates (Certificate Management Service ids) the team's HTTPS listeners may present: another team's would let a team serve that team's host names.",
            ),
        clbAclIds: z
            .array(z.string().regex(/^acl-[a-z0-9]+$/, "must be a CLB ACL id"))
            .default([])
            .describe(
                "Existing CLB ACLs the team may attach its listeners to (`exposure.aclId`); an ACL the stack creates itself is its own.",
            ),
        ramRoles: z
            .array(rolePattern)
            .default([])
            .describe("RAM role names (or `<prefix>*`) the team's stack may create or annotate its ServiceAccounts with."),
        sso: ssoSchema
            .optional()
            .describe(
                "The OpenID Connect provider that signs the team's people in at the edge (`exposure.mode: gateway`). Default none: no SSO exposure.",
            ),
        nodePools: z
            .array(nodePool)
            .default([])
            .describe("Node pools dedicated to the team: no other team may select their labels or tolerate their taints."),
        egress: z
            .array(endpoint)
            .default([])
            .describe("Private endpoints (VPC addresses, e.g. OSS and STS VPC endpoints) the team's pods may reach, with their ports."),
        gcsRedis: gcsRedis
            .optional()
            .describe(
                "The team's own Redis for GCS fault tolerance (one per team: the password is readable by anything on a head). Default none: the team's workloads cannot enable it.",
            ),
        logs: logsSchema
            .optional()
            .describe(
                "Where the team's Ray logs are shipped (the platform's bucket, the team's prefix). Default none: logs stay in the pods.",
            ),
    })
    .register(argTypes, { id: "Tenant", description: "What one team stack owns." });

export const sharedSchema = z
    .strictObject({
        oss: z
            .array(
                z
                    .strictObject({
                        bucket: z.string().regex(BUCKET, "must be an OSS bucket name"),
                        prefix: ossPrefix.default(""),
                        readers: z
                            .array(z.union([stackName, z.literal("*")]))
                            .min(1)
                            .describe("Stacks that may read it (`*`: every team stack)."),
                    })
                    .register(argTypes, { id: "SharedBucket", description: "A bucket (and prefix) several teams read." }),
            )
            .default([])
            .describe("Buckets (and prefixes) shared read-only, e.g. reference data."),
        gatewayListeners: z
            .array(
                listener
                    .extend({
                        users: z
                            .array(z.union([stackName, z.literal("*")]))
                            .min(1)
                            .describe("Stacks that may use it (`*`: every team stack)."),
                    })
                    .register(argTypes, { id: "SharedListener", description: "A Gateway listener several teams attach routes to." }),
            )
            .default([])
            .describe("Gateway listeners several teams attach routes to; each team still routes only its own hosts."),
        vpcIds: z
            .array(z.string().regex(/^vpc-[a-z0-9]+$/, "must be a VPC id"))
            .default([])
            .describe("VPCs every team may create its pod vSwitches in."),
    })
    .register(argTypes, { id: "SharedResources", description: "What several teams use, read-only." });

export const clusterFactsSchema = z
    .strictObject({
        apiServerCidrs: z
            .array(cidr)
            .default([])
            .describe("The Kubernetes API server endpoints: a team's `network.apiServerCidrs` must lie inside them."),
        apiServerPort: port.default(6443).describe("The API server port."),
        monitoringNamespace: dnsLabel
            .optional()
            .describe("The platform's monitoring namespace: the only one a team may admit to Ray's metrics port."),
        kubeRay: z
            .strictObject({
                version: z
                    .string()
                    .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, "must be a version such as 1.7.0")
                    .describe("The KubeRay operator's version on the cluster."),
                featureGates: z
                    .array(z.string().regex(/^[A-Za-z0-9]+$/, "must be a feature gate name"))
                    .default([])
                    .describe("The operator's feature gates that are on (`--feature-gates`), e.g. `GCSFaultToleranceEmbeddedStorage`."),
            })
            .register(argTypes, { id: "KubeRayFacts", description: "The KubeRay operator the platform runs." })
            .optional()
            .describe(
                "The KubeRay operator the platform runs: what a team may rely on (the embedded GCS store needs 1.7 with its gate on).",
            ),
        gcsStorageClass: dnsLabel
            .optional()
            .describe(
                "The StorageClass of the embedded GCS store's volumes (KubeRay 1.7, alpha). Default none: the embedded store is refused.",
            ),
    })
    .register(argTypes, { id: "ClusterFacts", description: "Facts of the cluster every team stack relies on." });

export const tenancySchema = z
    .strictObject({
        cluster: clusterFactsSchema.default(clusterFactsSchema.parse({})).describe("Facts of the cluster every team stack relies on."),
        tenants: z.record(stackName, tenantSchema).default({}).describe("One entry per team stack, keyed by stack name."),
        shared: sharedSchema.default(sharedSchema.parse({})).describe("Resources several teams use, read-only."),
    })
    .superRefine((t, c) => {
        for (const p of registryConflicts(t)) {
            c.addIssue({ code: "custom", path: p.path, message: p.message });
        }
    })
    .register(argTypes, {
        id: "TenancyRegistry",
        description: "The tenancy registry: the platform's record of what each team stack owns, by stack name.",
    });

export type Tenancy = z.infer<typeof tenancySchema>;
export type Tenant = z.infer<typeof tenantSchema>;
export type TeamLogs = z.infer<typeof logsSchema>;
export type Listener = z.infer<typeof listener>;
export type NodePool = z.infer<typeof nodePool>;
export type TeamSso = z.infer<typeof ssoSchema>;

/** An empty registry: no team may claim anything (the library's default, and a repository without a platform). */
export const EMPTY_TENANCY: Tenancy = tenancySchema.parse({});

/** What a refusal says about who owns a resource: `stack team-b`, or that nobody registered it. */
export interface Claim {
    /** Undefined: the resource is the stack's own (or shared with it). */
    readonly problem?: string;
}

const list = (xs: readonly string[]) => xs.join(", ");

function cidrsOverlap(a: string, b: string): boolean {
    const x = blockOf(a);
    const y = blockOf(b);
    return x !== undefined && y !== undefined && x.family === y.family && x.start < y.end && y.start < x.end;
}

/** Host patterns match: `a.b.c` by `a.b.c` or `*.b.c` / `*.c`; two wildcard patterns when one domain lies under the other. */
export function hostMatches(pattern: string, host: string): boolean {
    if (pattern.startsWith("*.")) {
        const domain = pattern.slice(1);
        return host.endsWith(domain) || (host.startsWith("*.") && `.${host.slice(2)}`.endsWith(domain));
    }
    return pattern === host;
}

const hostsOverlap = (a: string, b: string) => hostMatches(a, b) || hostMatches(b, a);

/** A RAM role pattern matches a name: exactly, or by prefix for `<prefix>*`. */
export function roleMatches(pattern: string, role: string): boolean {
    return pattern.endsWith("*") ? role.startsWith(pattern.slice(0, -1)) : pattern === role;
}

const rolesOverlap = (a: string, b: string) =>
    roleMatches(a, b.replace(/\*$/, "")) ||
    roleMatches(b, a.replace(/\*$/, "")) ||
    (a.endsWith("*") && b.endsWith("*") && (a.startsWith(b.slice(0, -1)) || b.startsWith(a.slice(0, -1))));

/** One prefix of a bucket covers another: `""` covers all, `a/` covers `a/b/`. */
const prefixCovers = (outer: string, inner: string) => inner.startsWith(outer);
const prefixesOverlap = (a: string, b: string) => prefixCovers(a, b) || prefixCovers(b, a);

const sameListener = (a: Listener, b: Listener) =>
    a.gateway === b.gateway && a.namespace === b.namespace && a.sectionName === b.sectionName;

const usable = (users: readonly string[], stack: string) => users.includes("*") || users.includes(stack);

/** Two tenants claiming the same thing: the registry itself is refused, naming both. */
export function registryConflicts(t: {
    tenants: Record<string, Tenant>;
    shared: z.infer<typeof sharedSchema>;
}): { path: (string | number)[]; message: string }[] {
    const out: { path: (string | number)[]; message: string }[] = [];
    const stacks = Object.keys(t.tenants).sort();
    if (stacks.includes(PLATFORM_STACK)) {
        out.push({ path: ["tenants", PLATFORM_STACK], message: `"${PLATFORM_STACK}" is the platform stack, not a team` });
    }
    // A team's OAuth client redirects only to that team's own hosts: elsewhere, codes go to a host another team (or nobody) owns.
    for (const s of stacks) {
        const { sso, hosts } = t.tenants[s];
        sso?.redirectHosts.forEach((r, i) => {
            if (!hosts.some((h) => hostMatches(h, r))) {
                out.push({
                    path: ["tenants", s, "sso", "redirectHosts", i],
                    message: `${r} is not one of stack ${s}'s hosts (ray-tenancy.tenants.${s}.hosts: ${hosts.length > 0 ? hosts.join(", ") : "none"}): the team's client would send people and their codes to a host the team does not own`,
                });
            }
        });
    }
    const pairs = stacks.flatMap((a, i) => stacks.slice(i + 1).map((b) => [a, b] as const));
    const clash = (a: string, field: string, what: string, b: string) =>
        out.push({ path: ["tenants", a, field], message: `${what} is also registered to stack ${b}: two teams cannot own one resource` });
    for (const [a, b] of pairs) {
        const x = t.tenants[a];
        const y = t.tenants[b];
        if (x.team === y.team) clash(a, "team", `team ${x.team}`, b);
        if (x.namespace === y.namespace) clash(a, "namespace", `namespace ${x.namespace}`, b);
        for (const c of x.podCidrs) {
            const hit = y.podCidrs.find((d) => cidrsOverlap(c, d));
            if (hit) clash(a, "podCidrs", `${c} (overlapping ${hit})`, b);
        }
        for (const [field, xs, ys] of [
            ["vSwitchIds", x.vSwitchIds, y.vSwitchIds],
            ["securityGroupIds", x.securityGroupIds, y.securityGroupIds],
            ["clbCertIds", x.clbCertIds, y.clbCertIds],
            ["clbAclIds", x.clbAclIds, y.clbAclIds],
        ] as const) {
            for (const id of xs.filter((v) => ys.includes(v))) clash(a, field, id, b);
        }
        for (const o of x.oss) {
            const hit = y.oss.find((p) => p.bucket === o.bucket && prefixesOverlap(o.prefix, p.prefix));
            if (hit) clash(a, "oss", `oss://${o.bucket}/${o.prefix}`, b);
        }
        const xl = x.logs;
        if (xl) {
            const hit = [...(y.logs ? [y.logs] : []), ...y.oss].find((p) => p.bucket === xl.bucket && prefixesOverlap(xl.prefix, p.prefix));
            if (hit) clash(a, "logs", `oss://${xl.bucket}/${xl.prefix}`, b);
        }
        const yl = y.logs;
        if (yl && x.oss.some((p) => p.bucket === yl.bucket && prefixesOverlap(yl.prefix, p.prefix))) {
            clash(b, "logs", `oss://${yl.bucket}/${yl.prefix}`, a);
        }
        for (const n of x.nas) {
            if (y.nas.some((m) => m.server === n.server && (n.path.startsWith(m.path) || m.path.startsWith(n.path))))
                clash(a, "nas", `${n.server}:${n.path}`, b);
        }
        for (const h of x.hosts) {
            const hit = y.hosts.find((k) => hostsOverlap(h, k));
            if (hit) clash(a, "hosts", `host ${h} (overlapping ${hit})`, b);
        }
        for (const l of x.gatewayListeners.filter((l) => y.gatewayListeners.some((m) => sameListener(l, m)))) {
            clash(a, "gatewayListeners", `listener ${l.namespace}/${l.gateway}/${l.sectionName}`, b);
        }
        for (const r of x.ramRoles) {
            const hit = y.ramRoles.find((s) => rolesOverlap(r, s));
            if (hit) clash(a, "ramRoles", `RAM role ${r} (overlapping ${hit})`, b);
        }
        for (const p of x.nodePools) {
            if (y.nodePools.some((q) => q.name === p.name)) clash(a, "nodePools", `node pool ${p.name}`, b);
        }
        // One OAuth client per team: its redirect URIs at the provider are that team's hosts only.
        const issuer = (u: string) => u.replace(/\/+$/, "");
        if (x.sso && y.sso && issuer(x.sso.issuer) === issuer(y.sso.issuer) && x.sso.clientId === y.sso.clientId) {
            clash(a, "sso", `OAuth client ${x.sso.clientId} of ${x.sso.issuer}`, b);
        }
        // One Redis per team: its password is readable on the team's heads, and its data holds every cluster's state.
        if (x.gcsRedis && y.gcsRedis) {
            if (x.gcsRedis.host === y.gcsRedis.host && x.gcsRedis.port === y.gcsRedis.port) {
                clash(a, "gcsRedis", `Redis ${redisAddressOf(x.gcsRedis)}`, b);
            } else if (cidrsOverlap(x.gcsRedis.cidr, y.gcsRedis.cidr)) {
                clash(a, "gcsRedis", `Redis addresses ${x.gcsRedis.cidr} (overlapping ${y.gcsRedis.cidr})`, b);
            }
        }
    }
    // A shared bucket is read-only for its readers: nobody owns it for writing as well.
    t.shared.oss.forEach((s, i) => {
        for (const stack of stacks) {
            if (t.tenants[stack].oss.some((o) => o.bucket === s.bucket && prefixesOverlap(o.prefix, s.prefix))) {
                out.push({
                    path: ["shared", "oss", i],
                    message: `oss://${s.bucket}/${s.prefix} is shared read-only and also owned by stack ${stack}`,
                });
            }
        }
    });
    return out;
}

/** Who (other than `stack`) owns the first thing `owns` says it owns. */
function ownerOf(t: Tenancy, stack: string, owns: (tenant: Tenant) => boolean): string | undefined {
    return Object.keys(t.tenants)
        .sort()
        .find((s) => s !== stack && owns(t.tenants[s]));
}

/**
 * The refusal for a resource `stack` may not claim: "<what> belongs to stack <owner>" when another
 * team owns it, else "<what> is not registered to stack <stack> (<where>)".
 */
function refusal(t: Tenancy, stack: string, what: string, owns: (tenant: Tenant) => boolean, where: string): string {
    const owner = ownerOf(t, stack, owns);
    return owner !== undefined
        ? `${what} belongs to stack ${owner} (tenancy registry: ray-tenancy.tenants.${owner}); a team stack may claim only what its own entry lists`
        : `${what} is not registered to stack ${stack} (tenancy registry: ray-tenancy.tenants.${stack}.${where}); the platform team registers what a team owns`;
}

/** The stack's entry, or why it has none. */
export function tenantFor(t: Tenancy, stack: string): { tenant: Tenant } | { problem: string } {
    if (stack === PLATFORM_STACK) {
        return { problem: `stack ${PLATFORM_STACK} is the platform stack, not a team stack` };
    }
    const tenant = t.tenants[stack];
    return tenant
        ? { tenant }
        : {
              problem:
                  `stack ${stack} has no entry in the tenancy registry (ray-tenancy.tenants in the platform's policy pack config` +
                  `${Object.keys(t.tenants).length > 0 ? `; registered: ${list(Object.keys(t.tenants).sort())}` : ""}): the platform team registers a team stack before it deploys`,
          };
}

export function teamProblem(t: Tenancy, stack: string, team: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.team === team ? undefined : refusal(t, stack, `team name ${team}`, (x) => x.team === team, "team");
}

export function namespaceProblem(t: Tenancy, stack: string, namespace: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.namespace === namespace
        ? undefined
        : refusal(t, stack, `namespace ${namespace}`, (x) => x.namespace === namespace, "namespace");
}

export function podCidrProblem(t: Tenancy, stack: string, podCidr: string): string | undefined {
    const mine = t.tenants[stack];
    if (mine === undefined || isCoveredBy(podCidr, mine.podCidrs)) {
        return undefined;
    }
    return refusal(
        t,
        stack,
        `pod CIDR ${podCidr}`,
        (x) => x.podCidrs.some((c) => cidrsOverlap(c, podCidr)),
        `podCidrs (${list(mine.podCidrs)})`,
    );
}

export function vSwitchProblem(t: Tenancy, stack: string, id: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.vSwitchIds.includes(id)
        ? undefined
        : refusal(t, stack, `vSwitch ${id}`, (x) => x.vSwitchIds.includes(id), "vSwitchIds");
}

export function vpcProblem(t: Tenancy, stack: string, id: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.vpcIds.includes(id) || t.shared.vpcIds.includes(id)
        ? undefined
        : refusal(t, stack, `VPC ${id}`, (x) => x.vpcIds.includes(id), "vpcIds");
}

export function securityGroupProblem(t: Tenancy, stack: string, id: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.securityGroupIds.includes(id)
        ? undefined
        : refusal(t, stack, `security group ${id}`, (x) => x.securityGroupIds.includes(id), "securityGroupIds");
}

/**
 * An OSS claim: `access` to objects under `prefix` of `bucket`. Covered by an owned entry whose
 * prefix covers it (read-write only where the entry is read-write), or, for reads, by a shared one.
 */
export function ossProblem(t: Tenancy, stack: string, bucket: string, prefix: string, access: "read" | "read-write"): string | undefined {
    const mine = t.tenants[stack];
    if (mine === undefined) {
        return undefined;
    }
    const owned = mine.oss.filter((o) => o.bucket === bucket && prefixCovers(o.prefix, prefix));
    if (owned.some((o) => access === "read" || o.access === "read-write")) {
        return undefined;
    }
    const shared = t.shared.oss.filter((s) => s.bucket === bucket && prefixCovers(s.prefix, prefix) && usable(s.readers, stack));
    if (access === "read" && shared.length > 0) {
        return undefined;
    }
    const what = `${access} access to oss://${bucket}/${prefix}`;
    if (owned.length > 0 || shared.length > 0) {
        return `${what}: the registry grants stack ${stack} read access only (ray-tenancy.${owned.length > 0 ? `tenants.${stack}.oss` : "shared.oss"})`;
    }
    return refusal(t, stack, what, (x) => x.oss.some((o) => o.bucket === bucket && prefixesOverlap(o.prefix, prefix)), "oss");
}

/** OSS actions on the log prefix: the writer's (put only) or a reader's (get and list only). */
const LOG_WRITE_ACTIONS = ["oss:putobject"];
const LOG_READ_ACTIONS = ["oss:getobject", "oss:getobjectmeta", "oss:listobjects"];

/**
 * A RAM grant on the stack's log prefix (`logs`): undefined when it is not on that prefix (then
 * ossProblem judges it), "" when it is the writer's or a reader's shape, else why not. Deleting or
 * both reading and writing the logs is nobody's: the writer role runs in every Ray pod.
 */
export function logPrefixProblem(
    t: Tenancy,
    stack: string,
    bucket: string,
    prefix: string,
    actions: readonly string[],
): string | undefined {
    const logs = t.tenants[stack]?.logs;
    if (logs === undefined || logs.bucket !== bucket || !prefixCovers(logs.prefix, prefix)) {
        return undefined;
    }
    const a = actions.map((x) => x.toLowerCase());
    const only = (allowed: string[]) => a.length > 0 && a.every((x) => allowed.includes(x));
    return only(LOG_WRITE_ACTIONS) || only(LOG_READ_ACTIONS)
        ? ""
        : `${actions.join(", ") || "no action"} on the log prefix oss://${bucket}/${logs.prefix} (tenancy registry: ray-tenancy.tenants.${stack}.logs): a policy there either writes (oss:PutObject only) or reads (oss:GetObject, oss:GetObjectMeta, oss:ListObjects), never deletes or both`;
}

/**
 * `path` as the NFS server resolves it, ending in '/': `.` and `..` segments and repeated slashes
 * removed, so that `/team-b/../team-a` is judged as `/team-a/`. Undefined for a relative path.
 */
export function nasDirectory(path: string): string | undefined {
    if (!path.startsWith("/")) {
        return undefined;
    }
    const segments: string[] = [];
    for (const s of path.split("/")) {
        if (s === "..") {
            segments.pop();
        } else if (s !== "" && s !== ".") {
            segments.push(s);
        }
    }
    return segments.length === 0 ? "/" : `/${segments.join("/")}/`;
}

/** A NAS volume: `path` on `server` must lie in a registered directory (judged after resolving `..`). */
export function nasProblem(t: Tenancy, stack: string, server: string, path: string): string | undefined {
    const mine = t.tenants[stack];
    const resolved = nasDirectory(path);
    if (mine !== undefined && resolved === undefined) {
        return `NAS path ${JSON.stringify(path)} is not absolute; a NAS volume names an absolute directory of a file system registered to stack ${stack} (ray-tenancy.tenants.${stack}.nas)`;
    }
    const dir = resolved ?? "/";
    if (mine === undefined || mine.nas.some((n) => n.server === server && dir.startsWith(n.path))) {
        return undefined;
    }
    const shown = dir === path || dir === `${path}/` ? path : `${path} (that is, ${dir})`;
    return refusal(
        t,
        stack,
        `NAS ${server}:${shown}`,
        (x) => x.nas.some((n) => n.server === server && (dir.startsWith(n.path) || n.path.startsWith(dir))),
        "nas",
    );
}

export function hostProblem(t: Tenancy, stack: string, host: string): string | undefined {
    const mine = t.tenants[stack];
    if (mine === undefined || mine.hosts.some((p) => hostMatches(p, host))) {
        return undefined;
    }
    return refusal(t, stack, `host ${host}`, (x) => x.hosts.some((p) => hostsOverlap(p, host)), "hosts");
}

/**
 * Single sign-on for an exposure on `host`: the stack's registered provider, or why there is none
 * (no provider, or a host the provider's client cannot redirect to).
 */
export function ssoFor(
    t: Tenancy,
    stack: string,
    host: string,
): { sso: TeamSso } | { problem: string; missing: "provider" | "redirectHost" } {
    const mine = t.tenants[stack];
    if (mine?.sso === undefined) {
        return {
            missing: "provider",
            problem: `stack ${stack} has no OpenID Connect provider registered (tenancy registry: ray-tenancy.tenants.${stack}.sso); the platform team registers one, or grants the basic-auth fallback (${POLICY_IDS.basicAuthFallback})`,
        };
    }
    return mine.sso.redirectHosts.some((p) => hostMatches(p, host))
        ? { sso: mine.sso }
        : {
              missing: "redirectHost",
              problem: `host ${host} is not a redirect host of stack ${stack}'s OAuth client ${mine.sso.clientId} (tenancy registry: ray-tenancy.tenants.${stack}.sso.redirectHosts: ${list(mine.sso.redirectHosts)}); the provider would refuse to send people back to it`,
          };
}

export function listenerProblem(t: Tenancy, stack: string, l: Listener): string | undefined {
    const mine = t.tenants[stack];
    if (
        mine === undefined ||
        mine.gatewayListeners.some((m) => sameListener(m, l)) ||
        t.shared.gatewayListeners.some((m) => sameListener(m, l) && usable(m.users, stack))
    ) {
        return undefined;
    }
    return refusal(
        t,
        stack,
        `Gateway listener ${l.namespace}/${l.gateway}/${l.sectionName}`,
        (x) => x.gatewayListeners.some((m) => sameListener(m, l)),
        "gatewayListeners",
    );
}

export function clbCertificateProblem(t: Tenancy, stack: string, id: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.clbCertIds.includes(id)
        ? undefined
        : refusal(t, stack, `CLB certificate ${id}`, (x) => x.clbCertIds.includes(id), "clbCertIds");
}

export function clbAclProblem(t: Tenancy, stack: string, id: string): string | undefined {
    const mine = t.tenants[stack];
    return mine === undefined || mine.clbAclIds.includes(id)
        ? undefined
        : refusal(t, stack, `CLB ACL ${id}`, (x) => x.clbAclIds.includes(id), "clbAclIds");
}

export function ramRoleProblem(t: Tenancy, stack: string, role: string): string | undefined {
    const mine = t.tenants[stack];
    if (mine === undefined || mine.ramRoles.some((p) => roleMatches(p, role))) {
        return undefined;
    }
    return refusal(t, stack, `RAM role ${role}`, (x) => x.ramRoles.some((p) => roleMatches(p, role)), "ramRoles");
}

/** What a pod template says about where it may run, as node labels it requires and taints it tolerates. */
export interface Placement {
    /**
     * Node labels the pod asks for (nodeSelector, node affinity terms): `key=value` for one of
     * `values` (operator `In`, the default), any value (`Exists`), or a number above or below
     * `values[0]` (`Gt`, `Lt`).
     */
    readonly labels: readonly { key: string; values: readonly string[]; operator?: "In" | "Exists" | "Gt" | "Lt"; at: string }[];
    readonly tolerations: readonly { key?: string; operator?: string; value?: string; effect?: string; at: string }[];
}

/** The label requirement selects nodes whose label `key` has `value`. */
function selectsValue(l: Placement["labels"][number], value: string): boolean {
    switch (l.operator ?? "In") {
        case "Exists":
            return true;
        case "Gt":
        case "Lt": {
            const [n, bound] = [Number(value), Number(l.values[0])];
            return Number.isInteger(n) && Number.isInteger(bound) && (l.operator === "Gt" ? n > bound : n < bound);
        }
        default:
            return l.values.includes(value);
    }
}

const tolerates = (tol: Placement["tolerations"][number], taint: NodePool["taints"][number]) =>
    (tol.key === undefined || tol.key === taint.key) &&
    (tol.operator === "Exists" || tol.key === undefined || (tol.value ?? "") === (taint.value ?? "")) &&
    (tol.effect === undefined || taint.effect === undefined || tol.effect === taint.effect);

/** Claims on other teams' dedicated node pools, each with where it was made. */
export function nodePoolProblems(t: Tenancy, stack: string, placement: Placement): { at: string; message: string }[] {
    const out: { at: string; message: string }[] = [];
    for (const owner of Object.keys(t.tenants)
        .sort()
        .filter((s) => s !== stack)) {
        for (const pool of t.tenants[owner].nodePools) {
            for (const l of placement.labels) {
                if (Object.hasOwn(pool.labels, l.key) && selectsValue(l, pool.labels[l.key])) {
                    out.push({
                        at: l.at,
                        message: `${l.key}=${pool.labels[l.key]} selects node pool ${pool.name}, which belongs to stack ${owner} (tenancy registry: ray-tenancy.tenants.${owner}.nodePools)`,
                    });
                }
            }
            for (const tol of placement.tolerations) {
                const taint = pool.taints.find((x) => tolerates(tol, x));
                if (taint) {
                    out.push({
                        at: tol.at,
                        message: `tolerates ${taint.key}${taint.value ? `=${taint.value}` : ""}${taint.effect ? `:${taint.effect}` : ""}, a taint of node pool ${pool.name}, which belongs to stack ${owner} (tenancy registry: ray-tenancy.tenants.${owner}.nodePools)`,
                    });
                }
            }
        }
    }
    return out;
}

/** Ports of the nodes and the control plane: kubelet, etcd, the scheduler's and controller manager's, and the API server's. */
export const CONTROL_PLANE_PORTS: readonly number[] = [10250, 10255, 2379, 2380, 10257, 10259, 6443];

/**
 * The destination ports of a rule: single ports, inclusive ranges (`port`..`endPort`), or every
 * port (a rule without ports, or with a named port nobody can resolve for an address block).
 */
export type EgressPorts = "all" | readonly (number | readonly [number, number])[];

const MAX_PORT = 65535;

function portSpans(ports: EgressPorts): (readonly [number, number])[] {
    return ports === "all" ? [[1, MAX_PORT]] : ports.map((p) => (typeof p === "number" ? ([p, p] as const) : p));
}

const showPorts = (ports: EgressPorts) =>
    ports === "all" ? "every port" : list(ports.map((p) => (typeof p === "number" ? String(p) : `${p[0]}-${p[1]}`)));

/** The registry keys a team's egress endpoints come from, as an error names them. */
function registeredKeys(mine: Tenancy["tenants"][string]): string {
    return ["egress", ...(mine.gcsRedis ? [".gcsRedis"] : []), ...(mine.logs ? [".logs.egress"] : [])].join(" and ");
}

/**
 * An egress rule of a team: to private address space only what the registry lists for the team
 * (CIDR and ports); node and control-plane ports only where listed, public addresses included.
 */
export function egressProblem(t: Tenancy, stack: string, target: string, ports: EgressPorts): string | undefined {
    const mine = t.tenants[stack];
    if (mine === undefined) {
        return undefined;
    }
    // The team's Redis (on its port only) and the log shipping's endpoints are registered endpoints too.
    const endpoints = [
        ...mine.egress,
        ...(mine.gcsRedis ? [{ cidr: mine.gcsRedis.cidr, ports: [mine.gcsRedis.port] }] : []),
        ...(mine.logs?.egress ?? []),
    ];
    const listed = endpoints.filter((e) => isCoveredBy(target, [e.cidr]));
    const listedPorts = new Set(listed.flatMap((e) => e.ports));
    const spans = portSpans(ports);
    if (overlapsPrivateSpace(target)) {
        // A span is covered when each of its ports is listed: a few registered ports never cover a wide range.
        const covered =
            listed.length > 0 &&
            spans.every(
                ([from, to]) =>
                    to - from < listedPorts.size &&
                    Array.from({ length: to - from + 1 }, (_, i) => from + i).every((p) => listedPorts.has(p)),
            );
        return covered
            ? undefined
            : `${target} port(s) ${showPorts(ports)} reaches private address space not registered as an endpoint of stack ${stack} (tenancy registry: ray-tenancy.tenants.${stack}.${registeredKeys(mine)}: ${endpoints.length > 0 ? list([...new Set(endpoints.map((e) => `${e.cidr} ${e.ports.join("/")}`))]) : "none"}); other teams' pods, nodes and services live there`;
    }
    const controlPlane = CONTROL_PLANE_PORTS.filter((p) => spans.some(([from, to]) => from <= p && p <= to) && !listedPorts.has(p));
    return controlPlane.length === 0
        ? undefined
        : `${target} port(s) ${list(controlPlane.map(String))} are node or control-plane ports (kubelet, etcd, API server); only the platform registers them (ray-tenancy.tenants.${stack}.egress)`;
}

/** Any address of the CIDR in private space (RFC 1918, 100.64.0.0/10): a wider public CIDR around a private one counts too. */
export function overlapsPrivateSpace(target: string): boolean {
    const all = addressCount([target]);
    const pub = publicAddressCount([target]);
    return blockOf(target) === undefined || all.ipv4 !== pub.ipv4 || all.ipv6 !== pub.ipv6;
}

export function apiServerProblem(t: Tenancy, cidrs: readonly string[], port: number): { index?: number; message: string }[] {
    const out: { index?: number; message: string }[] = [];
    cidrs.forEach((c, index) => {
        if (!isCoveredBy(c, t.cluster.apiServerCidrs)) {
            out.push({
                index,
                message: `${c} is not the cluster's API server (tenancy registry: ray-tenancy.cluster.apiServerCidrs: ${t.cluster.apiServerCidrs.length > 0 ? list(t.cluster.apiServerCidrs) : "none"})`,
            });
        }
    });
    if (cidrs.length > 0 && port !== t.cluster.apiServerPort) {
        out.push({
            message: `${port} is not the cluster's API server port (tenancy registry: ray-tenancy.cluster.apiServerPort: ${t.cluster.apiServerPort})`,
        });
    }
    return out;
}

export function monitoringNamespaceProblem(t: Tenancy, namespace: string): string | undefined {
    return namespace === t.cluster.monitoringNamespace
        ? undefined
        : `${namespace} is not the platform's monitoring namespace (tenancy registry: ray-tenancy.cluster.monitoringNamespace: ${t.cluster.monitoringNamespace ?? "none"}); only the platform's monitoring may scrape Ray's metrics`;
}

/**
 * The Redis a fault-tolerant workload of `stack` may use: exactly the one registered to it, over TLS.
 * Another team's Redis would hand this team's heads that team's password-protected store (and a
 * cleanup Job could erase its keys); an unregistered one is an egress nobody approved.
 */
export function gcsRedisProblem(t: Tenancy, stack: string, address: string): string | undefined {
    const mine = t.tenants[stack];
    if (mine === undefined) {
        return undefined;
    }
    if (mine.gcsRedis !== undefined && address === redisAddressOf(mine.gcsRedis)) {
        return undefined;
    }
    const expected =
        mine.gcsRedis === undefined
            ? `stack ${stack} has no Redis in the tenancy registry (ray-tenancy.tenants.${stack}.gcsRedis); the platform registers the team's Redis`
            : `the Redis registered to stack ${stack} is ${redisAddressOf(mine.gcsRedis)} (ray-tenancy.tenants.${stack}.gcsRedis)`;
    const owner = ownerOf(t, stack, (x) => x.gcsRedis !== undefined && redisAddressOf(x.gcsRedis) === address);
    return owner !== undefined
        ? `${address} is the Redis of stack ${owner} (tenancy registry: ray-tenancy.tenants.${owner}.gcsRedis); ${expected}`
        : `${address} is not the team's registered Redis: ${expected}`;
}

/**
 * Whether the cluster offers KubeRay 1.7's embedded GCS store (alpha): the platform's facts, never
 * a team's word. It needs the operator at 1.7 or later with its feature gate on, and a StorageClass.
 */
export function gcsEmbeddedProblem(t: Tenancy): string | undefined {
    const k = t.cluster.kubeRay;
    const missing: string[] = [];
    if (k === undefined || !versionAtLeast(k.version, GCS_EMBEDDED.minKubeRayVersion)) {
        missing.push(
            `the KubeRay operator at ${GCS_EMBEDDED.minKubeRayVersion} or later (ray-tenancy.cluster.kubeRay.version: ${k?.version ?? "not set"})`,
        );
    }
    if (!(k?.featureGates ?? []).includes(GCS_EMBEDDED.featureGate)) {
        missing.push(`its feature gate ${GCS_EMBEDDED.featureGate} on (ray-tenancy.cluster.kubeRay.featureGates)`);
    }
    if (t.cluster.gcsStorageClass === undefined) {
        missing.push("a StorageClass for the store's volumes (ray-tenancy.cluster.gcsStorageClass)");
    }
    return missing.length === 0
        ? undefined
        : `the embedded GCS store (KubeRay 1.7, alpha) needs what the platform has not declared: ${missing.join("; ")}`;
}

/** The namespaces registered to team stacks: the only ones the platform stack's quota tree may list. */
export function registeredNamespaces(t: Tenancy): Record<string, string> {
    return Object.fromEntries(Object.entries(t.tenants).map(([stack, x]) => [x.namespace, stack]));
}

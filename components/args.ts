/**
 * The public input shapes of the components: what a user writes, in any Pulumi language. Plain
 * named interfaces (no unions, no zod types) so that the component provider host can describe
 * them in the package schema. Each component parses them with the config schema
 * (config/schema.ts), which applies the defaults documented here and refuses bad values with a
 * `ResourceError` naming the component and the key. The keys are the stack config's keys
 * (docs/configuration.md): test/public-args.test.ts keeps the two in step.
 *
 * Names: the SDKs `pulumi package add` generates add `Args` to every input type themselves, so
 * the types the schema shows carry no `Args` suffix (`WorkerGroup` becomes Python's
 * `WorkerGroupArgs`); only the components' own args are `XxxArgs`. The bases that the schema
 * flattens into their extensions (`GroupPodOptionsArgs`, `RayClusterShapeArgs`,
 * `RayWorkloadArgs`) keep their names. The former names are deprecated aliases (deprecatedArgs.ts).
 *
 * Quantities (`cpu`, `memory`, sizes) are Kubernetes quantity strings such as `500m`, `2`, `4Gi`.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A container image. */
export interface Image {
    /** Fully qualified repository, e.g. `registry.cn-hangzhou.aliyuncs.com/ray/ray`. @default "docker.io/rayproject/ray" */
    repository?: string;
    /** Tag; `latest` is refused. @default the cluster's Ray version */
    tag?: string;
    /** `sha256:<64 hex>` digest; pins the image. @default none */
    digest?: string;
}

/** CPU and memory, request and limit alike. */
export interface Resources {
    /** CPU request and limit. */
    cpu: string;
    /** Memory request and limit (Ray sizes its object store from the limit). */
    memory: string;
}

/** A toleration; it must name the taint it tolerates. */
export interface Toleration {
    /** The taint key; never a control-plane taint. */
    key: string;
    /** `Equal` or `Exists`. */
    operator?: string;
    value?: string;
    /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
    effect?: string;
}

/** A PersistentVolumeClaim in the team namespace. */
export interface PvcSource {
    claimName: string;
}

/** A Secret in the team namespace, by name. */
export interface SecretRef {
    name: string;
}

/** An inline CSI volume of ACK's OSS or NAS driver. */
export interface CsiVolume {
    /** `ossplugin.csi.alibabacloud.com` or `nasplugin.csi.alibabacloud.com`. */
    driver: string;
    /** The driver's attributes (bucket, url, path, authType: rrsa, ...); never AccessKeys. @default none */
    volumeAttributes?: { [key: string]: string };
    /** The Secret holding the driver's credentials, when RRSA is not used. */
    nodePublishSecretRef?: SecretRef;
}

/** A PVC or CSI volume mounted into the Ray container (docs/configuration.md "Workload options"). */
export interface Volume {
    /** Volume name; not one of ray-on-ack's own. */
    name: string;
    /** Where the Ray container sees it; never over Ray's or the system's directories. */
    mountPath: string;
    /** A relative directory inside the volume. */
    subPath?: string;
    /** `false` is the explicit, reported opt-in to a writable volume. @default true */
    readOnly?: boolean;
    /** Exactly one of `persistentVolumeClaim` and `csi`. */
    persistentVolumeClaim?: PvcSource;
    csi?: CsiVolume;
}

/** Pod (anti-)affinity and node affinity, as Kubernetes writes them. */
export interface Affinity {
    nodeAffinity?: { [key: string]: any };
    podAffinity?: { [key: string]: any };
    podAntiAffinity?: { [key: string]: any };
}

/** A label selector by labels. */
export interface LabelSelector {
    matchLabels: { [key: string]: string };
}

/** A topology spread constraint, as Kubernetes writes it. */
export interface TopologySpreadConstraint {
    maxSkew: number;
    topologyKey: string;
    /** `DoNotSchedule` or `ScheduleAnyway`. @default "ScheduleAnyway" */
    whenUnsatisfiable?: string;
    labelSelector?: LabelSelector;
    minDomains?: number;
    /** `Honor` or `Ignore`. */
    nodeAffinityPolicy?: string;
    /** `Honor` or `Ignore`. */
    nodeTaintsPolicy?: string;
}

/** Options of one group's pods (the head's or a worker group's), added to the cluster's. */
export interface GroupPodOptionsArgs {
    /** Pod labels; reserved prefixes refused. @default none */
    labels?: { [key: string]: string };
    /** Pod annotations. @default none */
    annotations?: { [key: string]: string };
    /** PVC and CSI volumes, read-only unless `readOnly: false`. @default none */
    volumes?: Volume[];
    /** Overrides the cluster's. @default the cluster's */
    priorityClassName?: string;
    /** @default none */
    affinity?: Affinity;
    /** @default none */
    topologySpreadConstraints?: TopologySpreadConstraint[];
}

/** A Ray worker group. */
export interface WorkerGroup extends GroupPodOptionsArgs {
    /** A DNS label, at most 30 characters. */
    name: string;
    cpu: string;
    memory: string;
    /** NVIDIA GPUs per worker (`nvidia.com/gpu`). @default 0 */
    gpu?: number;
    /** @default 1 */
    replicas?: number;
    /** @default 0 */
    minReplicas?: number;
    /** @default 4 */
    maxReplicas?: number;
    /** Size of the memory-backed /dev/shm; the object store shrinks to fit it. @default sized from the object store (30% of memory, at most 10 GB, plus 10%) */
    shmSize?: string;
    /** Bound of the /tmp/ray emptyDir. @default "10Gi" */
    rayTmpSize?: string;
    /** The group's own image; fields left out come from the cluster's image (never its digest). @default the cluster's image, or for a GPU group its `-gpu` tag */
    image?: Image;
    /** Node labels; never the control-plane role labels. @default none */
    nodeSelector?: { [key: string]: string };
    /** @default none */
    tolerations?: Toleration[];
    /** Fractions of shared GPUs (ACK GPU sharing), by resource name; not with `gpu`. @default none */
    sharedGpu?: { [resource: string]: number };
    /** Allowed `ray start` parameters (`num-cpus`, `num-gpus`, `memory`, `resources`). @default none */
    rayStartParams?: { [key: string]: any };
}

/** The Ray head pod. */
export interface Head extends GroupPodOptionsArgs {
    /** @default "2" */
    cpu?: string;
    /** @default "8Gi" */
    memory?: string;
    /** Ray `num-cpus` on the head, a whole number as a string. @default "0" (no tasks on the head) */
    numCpus?: string;
    /** @default sized from the object store */
    shmSize?: string;
    /** @default "10Gi" */
    rayTmpSize?: string;
    /** Allowed `ray start` parameters of the head. @default none */
    rayStartParams?: { [key: string]: any };
}

/** KubeRay in-tree autoscaling. */
export interface Autoscaling {
    /** @default false */
    enabled?: boolean;
    /** Seconds an idle worker is kept. @default 60 */
    idleTimeoutSeconds?: number;
    /** `Default`, `Conservative` or `Aggressive`. @default "Default" */
    upscalingMode?: string;
    /** The autoscaler sidecar's resources. @default { cpu: "500m", memory: "512Mi" } */
    resources?: Resources;
}

/** A CLB ACL entry. */
export interface AclEntry {
    /** IPv4 or IPv6 CIDR; never a cloud metadata range. */
    cidr: string;
    description?: string;
}

/**
 * How the dashboard is reached. `mode` is `private` (port-forward only), `loadbalancer` (a CLB
 * with an ACL) or `ingress` (TLS and basic auth); the other keys belong to one mode each
 * (docs/design.md "Public dashboard").
 */
export interface Exposure {
    /** `private`, `loadbalancer` or `ingress`. @default "private" */
    mode: string;
    /** loadbalancer: `internet` or `intranet`. @default "intranet" */
    addressType?: string;
    /** loadbalancer: `https` or the intranet-only cleartext `tcp` opt-in. @default "https" */
    listener?: string;
    /** loadbalancer: the CLB server certificate id; required with `listener: https`. */
    certId?: string;
    /** loadbalancer: CIDRs allowed through the CLB ACL; required unless `aclId` is given. */
    aclEntries?: AclEntry[];
    /** loadbalancer: an existing CLB ACL instead of one created here. */
    aclId?: string;
    /** loadbalancer, `listener: tcp`: sources the NetworkPolicy admits. @default the IPv4 ACL entries */
    sourceCidrs?: string[];
    /** ingress: the host name. */
    host?: string;
    /** ingress: a class whose controller honours the nginx basic-auth annotations. @default "nginx" */
    ingressClassName?: string;
    /** ingress: the kubernetes.io/tls Secret for the Ingress. */
    tlsSecretName?: string;
    /** ingress: the basic-auth user name. */
    username?: string;
    /** ingress: the controller pods' namespace. @default the class's */
    controllerNamespace?: string;
    /** ingress: labels selecting the controller pods. @default the class's */
    controllerPodLabels?: { [key: string]: string };
    /** ingress, gateway: CIDRs allowed; required, at most a /16 in total. */
    allowedSourceCidrs?: string[];
    /** gateway: the Gateway API implementation. @default "envoy-gateway" */
    implementation?: string;
    /** gateway: the Gateway's name. */
    gatewayName?: string;
    /** gateway: the Gateway's namespace. */
    gatewayNamespace?: string;
    /** gateway: the Gateway listener the HTTPRoute attaches to. */
    listenerName?: string;
    /** gateway: the proxy pods' namespace, admitted to 8265. @default the implementation's */
    proxyNamespace?: string;
    /** gateway: labels selecting the proxy pods. @default the implementation's */
    proxyPodLabels?: { [key: string]: string };
}

/** A RayCluster's own RRSA settings. */
export interface ClusterRrsa {
    /** Give the cluster its own RAM role. @default false (the team role) */
    dedicatedRole?: boolean;
}

/** What a RayCluster and a RayJob's cluster have in common. */
export interface RayClusterShapeArgs {
    /** A DNS label, at most 40 characters; unique among the team's clusters and jobs. */
    name: string;
    /** The Ray version. @default "2.60.0"; at least 2.54 unless `security.allowVulnerableRayVersion` */
    rayVersion?: string;
    /** The Ray image. @default docker.io/rayproject/ray at the Ray version */
    image?: Image;
    /** The head pod. @default { cpu: "2", memory: "8Gi", numCpus: "0" } */
    head?: Head;
    /** The worker groups; at least one. */
    workerGroups: WorkerGroup[];
    /** KubeRay in-tree autoscaling (RayClusters only). @default disabled */
    autoscaling?: Autoscaling;
    /** Environment of the Ray containers; never credentials nor the TLS/token variables. @default none */
    env?: { [key: string]: string };
    /** Labels of every pod. @default none */
    labels?: { [key: string]: string };
    /** Annotations of every pod. @default none */
    annotations?: { [key: string]: string };
    /** PVC and CSI volumes of every pod. @default none */
    volumes?: Volume[];
    /** Priority class of every pod. @default none */
    priorityClassName?: string;
    /** Secrets (kubernetes.io/dockerconfigjson, in the team namespace) for private registries. @default none */
    imagePullSecrets?: string[];
}

/** A long-lived RayCluster. */
export interface RayClusterSettings extends RayClusterShapeArgs {
    /** How the dashboard is reached. @default { mode: "private" } */
    exposure?: Exposure;
    /** The cluster's own RRSA settings. @default { dedicatedRole: false } */
    rrsa?: ClusterRrsa;
}

/** A RayJob: one job on a cluster of its own. */
export interface RayJobSettings extends RayClusterShapeArgs {
    /** The job's entrypoint, e.g. `python /home/ray/app/main.py`. */
    entrypoint: string;
    /** Seconds the finished job's cluster is kept. @default 300 */
    ttlSecondsAfterFinished?: number;
    /** Seconds the job may run. @default 86400 */
    activeDeadlineSeconds?: number;
    /** Retries of the submitter Job. @default 0 */
    backoffLimit?: number;
    /** The submitter's resources. @default { cpu: "500m", memory: "512Mi" } */
    submitter?: Resources;
}

/** A Serve replica's actor resources. */
export interface ServeActorOptions {
    num_cpus?: number;
    num_gpus?: number;
    /** Bytes. */
    memory?: number;
}

/** A Serve application's runtime environment: variables only. */
export interface ServeRuntimeEnv {
    /** The replicas' environment variables. @default none */
    env_vars?: { [key: string]: string };
}

/** Ray Serve's `serveConfigV2`. */
export interface ServeConfigV2 {
    /** At least one application. */
    applications: ServeApplication[];
}

/** One Serve deployment of an application, in Ray Serve's own field names. */
export interface ServeDeployment {
    /** The deployment's class or function name. */
    name: string;
    /** @default 1 */
    num_replicas?: number;
    /** @default Serve's */
    max_ongoing_requests?: number;
    /** Resources of each replica's actor. @default Serve's (1 CPU) */
    ray_actor_options?: ServeActorOptions;
}

/** One Serve application (`serveConfigV2.applications[]`). */
export interface ServeApplication {
    name: string;
    /** Python path of the bound application in the image, e.g. `app.main:deployment`. */
    import_path: string;
    /** @default "/" */
    route_prefix?: string;
    /** Only `env_vars`, under the rules of a cluster's `env`; downloads are refused. @default none */
    runtime_env?: ServeRuntimeEnv;
    /** @default [] */
    deployments?: ServeDeployment[];
}

/** A RayService: a cluster shape (autoscaling refused), its Serve applications and the Serve port's exposure. */
export interface RayServiceSettings extends RayClusterShapeArgs {
    /** Ray Serve's `serveConfigV2`: at least one application. */
    serveConfig: ServeConfigV2;
    /** How Serve's port 8000 is reached (`gateway` refused). @default { mode: "private" } */
    exposure?: Exposure;
    /** @default { dedicatedRole: false } */
    rrsa?: ClusterRrsa;
}

/** The namespace's ResourceQuota and LimitRange. */
export interface Quota {
    /** @default "64" */
    cpu?: string;
    /** @default "256Gi" */
    memory?: string;
    /** @default "0" */
    gpu?: string;
    /** GiB of shared GPU memory (`aliyun.com/gpu-mem`) the team's pods may request in total. @default "0" */
    gpuMemory?: string;
    /** Percent of one GPU's compute (`aliyun.com/gpu-core.percentage`) the team's pods may request in total. @default "0" */
    gpuCorePercentage?: string;
    /** @default 200 */
    pods?: number;
    /** @default 10 */
    persistentVolumeClaims?: number;
    /** @default "500Gi" */
    storage?: string;
    /** @default { cpu: "100m", memory: "256Mi" } */
    defaultRequest?: Resources;
    /** @default { cpu: "1", memory: "1Gi" } */
    defaultLimit?: Resources;
}

/** An egress rule from the Ray pods. */
export interface EgressRule {
    cidr: string;
    /** @default [443] */
    ports?: number[];
    description?: string;
}

/** What the NetworkPolicies admit besides the team's own pods. */
export interface Network {
    /** API server endpoints (head egress for the autoscaler); required with autoscaling. @default none */
    apiServerCidrs?: string[];
    /** @default 6443 */
    apiServerPort?: number;
    /** Namespaces whose pods may reach the dashboard and Ray Client. @default none */
    allowedNamespaces?: string[];
    /** @default "kuberay-system" */
    operatorNamespace?: string;
    /** Namespace allowed to scrape metrics. @default none */
    monitoringNamespace?: string;
    /** @default "kube-system" */
    dnsNamespace?: string;
    /** @default { "k8s-app": "kube-dns" } */
    dnsPodLabels?: { [key: string]: string };
    /** @default none */
    egress?: EgressRule[];
}

/** Create a pod vSwitch per pod CIDR. */
export interface CreateVSwitch {
    vpcId: string;
    zoneId: string;
}

/** The Terway pod vSwitches and security groups the namespace is bound to. */
export interface PodNetwork {
    /** Existing pod vSwitches; or `createVSwitch`. @default none */
    vSwitchIds?: string[];
    /** At least one. */
    securityGroupIds: string[];
    createVSwitch?: CreateVSwitch;
}

/** A Ray Client user. */
export interface TlsClient {
    /** The certificate's common name. */
    name: string;
    /** RayClusters whose CA issues this user a certificate. */
    clusters: string[];
}

/** The per-cluster PKI. */
export interface Tls {
    /** 2048 or 3072. @default 2048 */
    keySize?: number;
    /** @default 365 */
    leafValidityDays?: number;
    /** @default 1825 */
    caValidityDays?: number;
    /** @default 30 */
    renewBeforeDays?: number;
    /** Bump to re-issue the certificates. @default 0 */
    rotation?: number;
    /** Bump to issue a new CA. @default 0 */
    caRotation?: number;
    /** @default 30 */
    caOverlapDays?: number;
    /** @default none */
    clients?: TlsClient[];
}

/** People bound to the team's Role. */
export interface Access {
    /** @default none */
    groups?: string[];
    /** @default none */
    users?: string[];
}

/** Security opt-ins. */
export interface Security {
    /** Registry and namespace prefixes images may come from. @default the package's allowlist (docs/configuration.md) */
    allowedRegistries?: string[];
    /** Refuse images without a digest. @default false */
    requireDigest?: boolean;
    /** Opt-in: Ray below 2.54 (dashboard RCE CVEs). @default false */
    allowVulnerableRayVersion?: boolean;
}

/** The ACK cluster. (Where the program's kubeconfig comes from, `kubeconfigSource`, is the program's concern, not a component's.) */
export interface Cloud {
    clusterId: string;
    accountId: string;
    region: string;
    /** Bring-your-own RRSA issuer URL (with `rrsaProviderArn`). */
    rrsaIssuerUrl?: string;
    rrsaProviderArn?: string;
}

/** An OSS grant to the team's RAM role. */
export interface OssGrant {
    bucket: string;
    /** Object prefix ending in '/'. @default "" (the whole bucket) */
    prefix?: string;
    /** `read` or `read-write`. @default "read" */
    access?: string;
}

/** An extra RAM policy statement: OSS object actions on a bucket and prefix only. */
export interface RamStatement {
    /** `Allow` or `Deny`. */
    Effect: string;
    Action: string[];
    Resource: string[];
    Condition?: { [key: string]: any };
}

/** RRSA: RAM roles for the Ray pods. */
export interface Rrsa {
    /** @default true (takes effect with `cloud` and at least one grant) */
    enabled?: boolean;
    /** Bring-your-own role name. */
    existingRoleName?: string;
    /** @default none */
    oss?: OssGrant[];
    /** @default none */
    extraStatements?: RamStatement[];
}

/** The cluster's RRSA OIDC provider. */
export interface RrsaProvider {
    /** `acs:ram::<accountId>:oidc-provider/ack-rrsa-<clusterId>` */
    providerArn: string;
    /** The cluster's OIDC issuer URL. */
    issuerUrl: string;
}

/**
 * What the platform allows (its policy pack config; common/platformLists.ts): a team can only narrow
 * these lists. A program with its own rules passes them here; the stack program reads them from
 * platform/policy-pack-config.json. Each list left out is the secure default.
 */
export interface PlatformLists {
    /** Registry and namespace prefixes images may come from. @default ["docker.io/rayproject/"] */
    allowedRegistries?: string[];
    /** Verified `repository:tag@sha256:...` images; any other digest is refused. @default none */
    allowedDigests?: string[];
    /** Ingress classes an exposure may use (a subset of nginx, higress). @default both */
    allowedIngressClasses?: string[];
    /** Pod label keys (or `<domain>/` prefixes) teams may set. @default the app.kubernetes.io/ recommended labels */
    allowedPodLabelKeys?: string[];
    /** Pod annotation keys (or `<domain>/` prefixes) teams may set. @default none */
    allowedPodAnnotationKeys?: string[];
    /** Namespace label keys (or `<domain>/` prefixes) teams may set. @default none */
    allowedNamespaceLabelKeys?: string[];
    /** Directories volumes may be mounted inside. @default ["/mnt/", "/data/"] */
    allowedMountRoots?: string[];
}

/** A Gateway listener (parentRef): the Gateway's name and namespace and the listener's name. */
export interface GatewayListener {
    gateway: string;
    namespace: string;
    sectionName: string;
}

/** A node taint. */
export interface Taint {
    key: string;
    /** @default none */
    value?: string;
    /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. @default every effect */
    effect?: string;
}

/** A node pool dedicated to one team: no other team may select its labels or tolerate its taints. */
export interface DedicatedNodePool {
    name: string;
    /** @default none */
    labels?: { [key: string]: string };
    /** @default none */
    taints?: Taint[];
}

/** An OSS bucket (and prefix) a team owns. */
export interface OwnedBucket {
    bucket: string;
    /** A literal prefix ending in '/'. @default "" (the whole bucket) */
    prefix?: string;
    /** `read` or `read-write`. @default "read-write" */
    access?: string;
}

/** A NAS file system's directory a team owns. */
export interface NasDirectory {
    server: string;
    /** An absolute directory ending in '/'. */
    path: string;
}

/** A private endpoint a team's pods may reach. */
export interface EgressEndpoint {
    cidr: string;
    ports: number[];
    /** @default none */
    description?: string;
}

/** What one team stack owns (common/tenancy.ts). */
export interface Tenant {
    team: string;
    namespace: string;
    podCidrs: string[];
    /** @default none */
    vSwitchIds?: string[];
    /** @default none */
    vpcIds?: string[];
    /** @default none */
    securityGroupIds?: string[];
    /** @default none */
    oss?: OwnedBucket[];
    /** @default none */
    nas?: NasDirectory[];
    /** @default none */
    hosts?: string[];
    /** @default none */
    gatewayListeners?: GatewayListener[];
    /** @default none */
    clbCertIds?: string[];
    /** @default none */
    clbAclIds?: string[];
    /** @default none */
    ramRoles?: string[];
    /** @default none */
    nodePools?: DedicatedNodePool[];
    /** @default none */
    egress?: EgressEndpoint[];
}

/** Facts of the cluster every team stack relies on. */
export interface ClusterFacts {
    /** @default none */
    apiServerCidrs?: string[];
    /** @default 6443 */
    apiServerPort?: number;
    /** @default none */
    monitoringNamespace?: string;
}

/** A bucket (and prefix) several teams read. */
export interface SharedBucket {
    bucket: string;
    /** @default "" */
    prefix?: string;
    /** Stacks that may read it; `*` for every team stack. */
    readers: string[];
}

/** A Gateway listener several teams attach routes to. */
export interface SharedListener extends GatewayListener {
    /** Stacks that may use it; `*` for every team stack. */
    users: string[];
}

/** What several teams use, read-only. */
export interface SharedResources {
    /** @default none */
    oss?: SharedBucket[];
    /** @default none */
    gatewayListeners?: SharedListener[];
    /** @default none */
    vpcIds?: string[];
}

/** The tenancy registry: the platform's record of what each team stack owns, by stack name. */
export interface TenancyRegistry {
    /** @default no API server, port 6443, no monitoring namespace */
    cluster?: ClusterFacts;
    /** @default none */
    tenants?: { [stack: string]: Tenant };
    /** @default none */
    shared?: SharedResources;
}

/** What the platform gives a team environment to be checked against: its lists, and the registry of what each stack owns. */
export interface PlatformPolicy extends PlatformLists {
    /** With it, the stack (pulumi.getStack()) may claim only what its entry lists. @default none: no tenancy checks */
    tenancy?: TenancyRegistry;
}

/** What HardenedRayCluster and HardenedRayJob take besides the workload: where it runs and how it is wired. */
export interface RayWorkloadArgs {
    /** The team (labels, names). */
    team: string;
    /** The team's namespace. */
    namespace: string;
    /** The security opt-ins the workload is checked against. @default the team defaults (no vulnerable Ray, the package's registry allowlist) */
    security?: Security;
    /** Fingerprint of the workload's certificates (TeamPki); a change restarts the pods. */
    tlsFingerprint: pulumi.Input<string>;
    /** KubeRay version on the cluster. @default "1.6.2" */
    kubeRayVersion?: string;
    /** What the platform allows (registries, digests, label and annotation keys, mount roots). @default the secure defaults */
    platformLists?: PlatformLists;
    /** The ServiceAccounts carry an RRSA role: the webhook's credentials go to the Ray containers only, never the autoscaler's. @default false */
    rrsaInjection?: boolean;
    /** Opt-in: ACK's Ray HistoryServer collects the pods' logs (its webhook takes over the pods: the policy pack needs a grant). @default false */
    historyServer?: boolean;
    /** Policy ids the workload deliberately weakens (documented opt-ins). @default none */
    policyExceptions?: string[];
    /** Bump to replace the Ray token. @default 0 */
    tokenRotation?: number;
}

/**
 * The public input shapes' former names. Every nested input type ended in `Args`, so the
 * SDKs that `pulumi package add` generates (which add `Args` to input types themselves) showed
 * `RayClusterArgsArgs`. The interfaces lost the suffix (the component args keep it:
 * `TeamEnvironmentArgs`); these aliases keep TypeScript code written against the old names
 * compiling. test/provider.test.ts checks that the schema shows no `...Args` type.
 */
import type {
    Image,
    Resources,
    Toleration,
    PvcSource,
    SecretRef,
    CsiVolume,
    Volume,
    Affinity,
    LabelSelector,
    TopologySpreadConstraint,
    WorkerGroup,
    Head,
    Autoscaling,
    AclEntry,
    Exposure,
    ClusterRrsa,
    RayClusterSettings,
    RayJobSettings,
    ServeActorOptions,
    ServeRuntimeEnv,
    ServeConfigV2,
    ServeDeployment,
    ServeApplication,
    RayServiceSettings,
    Quota,
    EgressRule,
    Network,
    CreateVSwitch,
    PodNetwork,
    TlsClient,
    Tls,
    Access,
    Security,
    Cloud,
    OssGrant,
    RamStatement,
    Rrsa,
    RrsaProvider,
} from "./args";
import type { QuotaTreeChild, QuotaTree, Addon, Addons } from "./stack/platform";
import type { RayServiceTlsSecretNames } from "./workload/hardenedRayService";

/** @deprecated Renamed {@link Image}. */
export type ImageArgs = Image;
/** @deprecated Renamed {@link Resources}. */
export type ResourcesArgs = Resources;
/** @deprecated Renamed {@link Toleration}. */
export type TolerationArgs = Toleration;
/** @deprecated Renamed {@link PvcSource}. */
export type PvcSourceArgs = PvcSource;
/** @deprecated Renamed {@link SecretRef}. */
export type SecretRefArgs = SecretRef;
/** @deprecated Renamed {@link CsiVolume}. */
export type CsiVolumeArgs = CsiVolume;
/** @deprecated Renamed {@link Volume}. */
export type VolumeArgs = Volume;
/** @deprecated Renamed {@link Affinity}. */
export type AffinityArgs = Affinity;
/** @deprecated Renamed {@link LabelSelector}. */
export type LabelSelectorArgs = LabelSelector;
/** @deprecated Renamed {@link TopologySpreadConstraint}. */
export type TopologySpreadConstraintArgs = TopologySpreadConstraint;
/** @deprecated Renamed {@link WorkerGroup}. */
export type WorkerGroupArgs = WorkerGroup;
/** @deprecated Renamed {@link Head}. */
export type HeadArgs = Head;
/** @deprecated Renamed {@link Autoscaling}. */
export type AutoscalingArgs = Autoscaling;
/** @deprecated Renamed {@link AclEntry}. */
export type AclEntryArgs = AclEntry;
/** @deprecated Renamed {@link Exposure}. */
export type ExposureArgs = Exposure;
/** @deprecated Renamed {@link ClusterRrsa}. */
export type ClusterRrsaArgs = ClusterRrsa;
/** @deprecated Renamed {@link RayClusterSettings}. */
export type RayClusterArgs = RayClusterSettings;
/** @deprecated Renamed {@link RayJobSettings}. */
export type RayJobArgs = RayJobSettings;
/** @deprecated Renamed {@link ServeActorOptions}. */
export type ServeActorOptionsArgs = ServeActorOptions;
/** @deprecated Renamed {@link ServeRuntimeEnv}. */
export type ServeRuntimeEnvArgs = ServeRuntimeEnv;
/** @deprecated Renamed {@link ServeConfigV2}. */
export type ServeConfigArgs = ServeConfigV2;
/** @deprecated Renamed {@link ServeDeployment}. */
export type ServeDeploymentArgs = ServeDeployment;
/** @deprecated Renamed {@link ServeApplication}. */
export type ServeApplicationArgs = ServeApplication;
/** @deprecated Renamed {@link RayServiceSettings}. */
export type RayServiceArgs = RayServiceSettings;
/** @deprecated Renamed {@link Quota}. */
export type QuotaArgs = Quota;
/** @deprecated Renamed {@link EgressRule}. */
export type EgressRuleArgs = EgressRule;
/** @deprecated Renamed {@link Network}. */
export type NetworkArgs = Network;
/** @deprecated Renamed {@link CreateVSwitch}. */
export type CreateVSwitchArgs = CreateVSwitch;
/** @deprecated Renamed {@link PodNetwork}. */
export type PodNetworkArgs = PodNetwork;
/** @deprecated Renamed {@link TlsClient}. */
export type TlsClientArgs = TlsClient;
/** @deprecated Renamed {@link Tls}. */
export type TlsArgs = Tls;
/** @deprecated Renamed {@link Access}. */
export type AccessArgs = Access;
/** @deprecated Renamed {@link Security}. */
export type SecurityArgs = Security;
/** @deprecated Renamed {@link Cloud}. */
export type CloudArgs = Cloud;
/** @deprecated Renamed {@link OssGrant}. */
export type OssGrantArgs = OssGrant;
/** @deprecated Renamed {@link RamStatement}. */
export type RamStatementArgs = RamStatement;
/** @deprecated Renamed {@link Rrsa}. */
export type RrsaArgs = Rrsa;
/** @deprecated Renamed {@link RrsaProvider}. */
export type RrsaProviderArgs = RrsaProvider;
/** @deprecated Renamed {@link QuotaTreeChild}. */
export type QuotaTreeChildArgs = QuotaTreeChild;
/** @deprecated Renamed {@link QuotaTree}. */
export type QuotaTreeArgs = QuotaTree;
/** @deprecated Renamed {@link Addon}. */
export type AddonArgs = Addon;
/** @deprecated Renamed {@link Addons}. */
export type AddonsArgs = Addons;
/** @deprecated Renamed {@link RayServiceTlsSecretNames}. */
export type RayServiceTlsSecretNamesArgs = RayServiceTlsSecretNames;

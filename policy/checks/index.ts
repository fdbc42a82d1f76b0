/** Every check, in the order of the seed article's checklist; the pack and the posture report both run this list. */
import { Check } from "../check";
import { noAccessKeys } from "./accessKeys";
import {
    clbAclRestricted,
    clbHttpsListener,
    headServiceClusterIp,
    ingressAuthenticated,
    ingressClassAllowed,
    ingressNoSnippets,
    serviceNotPublic,
} from "./exposure";
import { imageRegistryAllowed, imageTagPinned } from "./images";
import { jobCleanup } from "./jobs";
import { manifestsVisible } from "./manifests";
import { namespacePsaRestricted, namespaceQuota, networkPolicyDefaultDeny } from "./namespaces";
import { hostPathRestricted, podSecurityRestricted, readOnlyRootFilesystem } from "./podSecurity";
import { ramPolicyLeastPrivilege, rrsaTrustPolicy } from "./ram";
import { dedicatedServiceAccount, rbacLeastPrivilege, serviceAccountToken } from "./rbac";
import { personalIdentity } from "./identity";
import { kuberayVersion, rayVersionMinimum, tlsRequired, tokenAuthRequired } from "./ray";
import { resourcesRequired } from "./resources";
import { rbacSubjects } from "./subjects";
import { networkPolicyContents } from "./networkPolicies";
import { podScheduling, volumeReadOnly } from "./workloadOptions";
import { gatewayRouteAuthenticated } from "./gateway";
import { basicAuthFallback } from "./basicAuth";
import { tenancy } from "./tenancy";
import { podMetadata } from "./podMetadata";
import { volumeMounts } from "./volumeMounts";
import { podControllers } from "./podControllers";
import { autoscalerScope } from "./autoscaler";
import { gcsFaultTolerance } from "./gcsFaultTolerance";
import { metricsScrape } from "./metrics";

export const CHECKS: readonly Check[] = [
    tenancy,
    tlsRequired,
    serviceNotPublic,
    ingressAuthenticated,
    ingressClassAllowed,
    ingressNoSnippets,
    gatewayRouteAuthenticated,
    basicAuthFallback,
    clbAclRestricted,
    clbHttpsListener,
    tokenAuthRequired,
    kuberayVersion,
    networkPolicyDefaultDeny,
    networkPolicyContents,
    metricsScrape,
    rayVersionMinimum,
    headServiceClusterIp,
    namespacePsaRestricted,
    namespaceQuota,
    serviceAccountToken,
    personalIdentity,
    rbacLeastPrivilege,
    autoscalerScope,
    rbacSubjects,
    dedicatedServiceAccount,
    podSecurityRestricted,
    readOnlyRootFilesystem,
    hostPathRestricted,
    volumeReadOnly,
    podScheduling,
    podMetadata,
    volumeMounts,
    podControllers,
    imageRegistryAllowed,
    imageTagPinned,
    resourcesRequired,
    noAccessKeys,
    rrsaTrustPolicy,
    ramPolicyLeastPrivilege,
    jobCleanup,
    gcsFaultTolerance,
    manifestsVisible,
];

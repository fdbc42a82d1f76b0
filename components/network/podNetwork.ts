/**
 * Binds the team's pods to their own vSwitches (Terway PodNetworking), which is what makes
 * the TLS design work: a pod can only get an address the certificates list. So the vSwitch
 * CIDRs must lie inside the configured pod CIDRs, and the pod CIDRs must be the vSwitches'.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as vpc from "@pulumi/alicloud/vpc";
import type { PodNetworkConfig } from "./model";
import { parseIpv4Cidr, rangeContains, rangesOverlap } from "@ray-on-ack/common/addresses";
import { objectMeta } from "../core/meta";

/** ACK's PodNetworking (network.alibabacloud.com/v1beta1), the fields we set; a type literal, so that CustomResource takes it. */
export type PodNetworking = {
    apiVersion: "network.alibabacloud.com/v1beta1";
    kind: "PodNetworking";
    metadata: k8s.types.input.meta.v1.ObjectMeta;
    spec: {
        allocationType: { type: "Elastic" };
        selector: { namespaceSelector: { matchLabels: Record<string, string> } };
        vSwitchOptions: pulumi.Input<string>[];
        securityGroupIDs: string[];
    };
};

export function podNetworkingObject(
    team: string,
    namespace: string,
    vSwitchIds: pulumi.Input<string>[],
    securityGroupIds: readonly string[],
): PodNetworking {
    const { namespace: _clusterScoped, ...meta } = objectMeta(`${namespace}-pods`, namespace, team);
    return {
        apiVersion: "network.alibabacloud.com/v1beta1",
        kind: "PodNetworking",
        metadata: meta,
        spec: {
            allocationType: { type: "Elastic" },
            selector: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
            vSwitchOptions: vSwitchIds,
            securityGroupIDs: [...securityGroupIds],
        },
    };
}

/** Problems between the pod CIDRs and the vSwitches' CIDRs, as messages naming both. */
export function vSwitchMismatches(podCidrs: readonly string[], vSwitches: readonly { id: string; cidrBlock: string }[]): string[] {
    const pods = podCidrs.map((c) => parseIpv4Cidr(c)).filter((r) => r !== undefined);
    const problems: string[] = [];
    for (const v of vSwitches) {
        const range = parseIpv4Cidr(v.cidrBlock);
        if (!range || !pods.some((p) => rangeContains(p, range))) {
            problems.push(
                `vSwitch ${v.id} (${v.cidrBlock}) is not inside podCidrs (${podCidrs.join(", ")}): its pods would get addresses the certificates do not list`,
            );
        }
    }
    for (const p of pods) {
        const covered = vSwitches.some((v) => {
            const range = parseIpv4Cidr(v.cidrBlock);
            return range !== undefined && rangesOverlap(p, range);
        });
        if (!covered) {
            problems.push(
                `pod CIDR ${p.cidr} belongs to none of the vSwitches (${vSwitches.map((v) => `${v.id} ${v.cidrBlock}`).join(", ")})`,
            );
        }
    }
    return problems;
}

export interface TeamPodNetworkArgs {
    readonly team: string;
    readonly namespace: string;
    readonly podCidrs: readonly string[];
    readonly podNetwork: PodNetworkConfig;
    /** Check existing vSwitches' CIDRs through the Alibaba Cloud API. Default false (no cloud credentials). */
    readonly verifyVSwitches?: boolean;
}

export class TeamPodNetwork extends pulumi.ComponentResource {
    declare readonly vSwitchIds: pulumi.Output<string[]>;

    constructor(name: string, args: TeamPodNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:network:TeamPodNetwork", name, {}, opts);
        const create = args.podNetwork.createVSwitch;
        let ids: pulumi.Output<string>[];
        if (create) {
            ids = args.podCidrs.map(
                (cidr, i) =>
                    new vpc.Switch(
                        `${name}-vswitch-${i}`,
                        {
                            vpcId: create.vpcId,
                            zoneId: create.zoneId,
                            cidrBlock: cidr,
                            vswitchName: `${args.namespace}-pods-${i}`,
                            description: `Ray pods of ${args.namespace} (ray-on-ack)`,
                        },
                        { parent: this },
                    ).id,
            );
        } else if (args.verifyVSwitches) {
            const found = vpc.getSwitchesOutput({ ids: [...args.podNetwork.vSwitchIds] }, { parent: this });
            ids = args.podNetwork.vSwitchIds.map((id) =>
                found.vswitches.apply((vs) => {
                    const problems = vSwitchMismatches(
                        args.podCidrs,
                        vs.map((v) => ({ id: v.id, cidrBlock: v.cidrBlock })),
                    );
                    if (problems.length > 0) {
                        throw new Error(`podCidrs: ${problems.join("; ")}`);
                    }
                    return id;
                }),
            );
        } else {
            ids = args.podNetwork.vSwitchIds.map((id) => pulumi.output(id));
        }
        new apiextensions.CustomResource(
            `${name}-podnetworking`,
            podNetworkingObject(args.team, args.namespace, ids, args.podNetwork.securityGroupIds),
            { parent: this },
        );
        this.vSwitchIds = pulumi.all(ids);
        this.registerOutputs({ vSwitchIds: this.vSwitchIds });
    }
}

/** The network config fragment: the NetworkPolicies' peers and egress, the pod CIDRs and the Terway pod network. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { egressRefinement } from "../core/addressRules";
import { nonEmptySelector } from "../core/scheduling";
import { cidr, dnsLabel, notMetadata } from "../core/model";
import { systemNamespaceProblem } from "@ray-on-ack/common/namespaces";
import { validatePodCidrs } from "../core/podCidrs";
import { MONITORING_NAMESPACE_REMOVED, removedKey } from "../core/removed";

export const networkSchema = z
    .strictObject({
        apiServerCidrs: z
            .array(notMetadata(cidr))
            .superRefine(egressRefinement("apiServerCidrs"))
            .default([])
            .describe("CIDRs of the Kubernetes API server endpoints (head egress for the autoscaler). Required with autoscaling."),
        apiServerPort: z.number().int().min(1).max(65535).default(6443).describe("API server port. Default 6443."),
        allowedNamespaces: z
            .array(dnsLabel(63))
            .default([])
            .describe("Namespaces whose pods may reach the head's dashboard (8265) and Ray Client (10001). Default none."),
        operatorNamespace: dnsLabel(63)
            .default("kuberay-system")
            .describe("Namespace of the KubeRay operator (reaches 8265 for RayJobs). Default `kuberay-system`."),
        monitoringNamespace: removedKey(MONITORING_NAMESPACE_REMOVED).describe(
            "Removed: the monitoring namespace is the platform's (`ray-tenancy.cluster.monitoringNamespace`), never a team's.",
        ),
        dnsNamespace: dnsLabel(63).default("kube-system").describe("Namespace and labels of the cluster DNS pods."),
        dnsPodLabels: nonEmptySelector
            .default({ "k8s-app": "kube-dns" })
            .describe("Labels of the cluster DNS pods the Ray pods may query; never empty (an empty selector selects every pod)."),
        egress: z
            .array(
                z
                    .strictObject({
                        cidr: notMetadata(cidr).describe(
                            "An IPv4 CIDR the Ray pods may reach; public addresses at most a /16 in total, never a metadata address (a wider entry holding one gets it as an `except`).",
                        ),
                        ports: z.array(z.number().int().min(1).max(65535)).default([443]).describe("TCP ports allowed to that CIDR."),
                        description: z
                            .string()
                            .optional()
                            .describe(
                                "What the entry is for, for the people who read the stack file (the NetworkPolicy has no place for it).",
                            ),
                    })
                    .register(argTypes, { id: "EgressRule", description: "An egress rule from the Ray pods." }),
            )
            .superRefine((entries, c) =>
                egressRefinement("network.egress")(
                    entries.map((e) => e.cidr),
                    c,
                ),
            )
            .default([])
            .describe("Egress allowed from Ray pods, e.g. the VPC endpoints of OSS and STS."),
    })
    .superRefine((net, c) => {
        net.allowedNamespaces.forEach((ns, i) => {
            const why = systemNamespaceProblem(ns, platformNamespacesOf(net));
            if (why) {
                c.addIssue({
                    code: "custom",
                    path: ["allowedNamespaces", i],
                    message: `${why}: every pod there could reach the Ray dashboard and Ray Client`,
                });
            }
        });
    })
    .register(argTypes, { id: "Network", description: "What the NetworkPolicies admit besides the team's own pods." });

/** Namespaces of the cluster services a team relies on: neither the team's namespace nor one its head admits. */
export function platformNamespacesOf(net: { operatorNamespace: string; dnsNamespace: string }): Record<string, string | undefined> {
    return {
        "KubeRay operator (network.operatorNamespace)": net.operatorNamespace,
        "cluster DNS (network.dnsNamespace)": net.dnsNamespace,
    };
}

/** The team's pod CIDRs: every address is an IP SAN on the Ray certificates, hence the PKI's limits. */
export const podCidrsSchema = z
    .array(notMetadata(cidr))
    .min(1, "needs at least one pod CIDR")
    .superRefine((cidrs, c) => {
        for (const message of validatePodCidrs(cidrs)) {
            c.addIssue({ code: "custom", message });
        }
    });

export const podNetworkSchema = z
    .strictObject({
        vSwitchIds: z
            .array(z.string().regex(/^vsw-[a-z0-9]+$/, "must be a vSwitch id (vsw-...)"))
            .default([])
            .describe("Existing Terway pod vSwitches the team's pods get their IPs from (their CIDRs must be the pod CIDRs)."),
        securityGroupIds: z
            .array(z.string().regex(/^sg-[a-z0-9]+$/, "must be a security group id (sg-...)"))
            .min(1, "needs at least one security group")
            .describe("Security groups of the team's pod ENIs. Required."),
        createVSwitch: z
            .strictObject({
                vpcId: z
                    .string()
                    .regex(/^vpc-[a-z0-9]+$/, "must be a VPC id (vpc-...)")
                    .describe("The VPC of the new pod vSwitches."),
                zoneId: z.string().min(1).describe("The zone of the new pod vSwitches, e.g. `cn-hangzhou-k`."),
            })
            .register(argTypes, { id: "CreateVSwitch", description: "Create a pod vSwitch per pod CIDR." })
            .optional()
            .describe("Create one pod vSwitch per pod CIDR in this VPC and zone instead of using existing ones."),
    })
    .superRefine((p, c) => {
        if (p.createVSwitch && p.vSwitchIds.length > 0) {
            c.addIssue({ code: "custom", path: ["vSwitchIds"], message: "give either vSwitchIds or createVSwitch, not both" });
        }
        if (!p.createVSwitch && p.vSwitchIds.length === 0) {
            c.addIssue({
                code: "custom",
                path: ["vSwitchIds"],
                message:
                    "is required (or createVSwitch): the team's pods must get their addresses from the pod CIDRs the certificates list",
            });
        }
    })
    .register(argTypes, { id: "PodNetwork", description: "The Terway pod vSwitches and security groups the namespace is bound to." });

export type NetworkConfig = z.infer<typeof networkSchema>;
export type PodNetworkConfig = z.infer<typeof podNetworkSchema>;

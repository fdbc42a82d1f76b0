/** The namespace config fragment: its labels, its ResourceQuota and LimitRange, and the platform's ElasticQuotaTree. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { reservedKeyProblem } from "@ray-on-ack/common/platformLists";
import { dnsLabel, quantity, resources } from "../core/schema";

export const quotaSchema = z.strictObject({
    cpu: quantity.default("64").describe("The namespace's CPU, as both `requests.cpu` and `limits.cpu` of its ResourceQuota."),
    memory: quantity.default("256Gi").describe("The namespace's memory, as both requests and limits."),
    gpu: quantity.default("0").describe("The namespace's NVIDIA GPUs, as `requests.nvidia.com/gpu` (Kubernetes only accepts `requests.` for extended resources)."),
    gpuMemory: quantity.default("0").describe("GiB of shared GPU memory (`aliyun.com/gpu-mem`) the team's pods may request in total. Default 0."),
    gpuCorePercentage: quantity.default("0").describe("Percent of one GPU's compute (`aliyun.com/gpu-core.percentage`) the team's pods may request in total. Default 0."),
    pods: z.number().int().min(1).default(200).describe("Most pods in the namespace."),
    persistentVolumeClaims: z.number().int().min(0).default(10).describe("Most PersistentVolumeClaims in the namespace."),
    storage: quantity.default("500Gi").describe("Total storage the namespace's claims may request."),
    defaultRequest: resources.default({ cpu: "100m", memory: "256Mi" }).describe("Defaults the LimitRange gives a container that states none."),
    defaultLimit: resources.default({ cpu: "1", memory: "1Gi" }).describe("The limits the LimitRange gives a container that states none."),
}).register(argTypes, { id: "Quota", description: "The namespace's ResourceQuota and LimitRange." });

/**
 * Extra namespace labels: never a reserved key (Kubernetes', Pod Security's, RRSA's, ours: the
 * NetworkPolicies and PSA read them); beyond that, only the keys on the platform's allowlist
 * (ray-pod-metadata.allowedNamespaceLabelKeys, config/rules.ts).
 */
export const namespaceLabels = z
    .record(z.string(), z.string())
    .superRefine((labels, c) => {
        for (const key of Object.keys(labels)) {
            const why = reservedKeyProblem(key);
            if (why !== undefined) {
                c.addIssue({ code: "custom", path: [key], message: `${JSON.stringify(key)} ${why}` });
            }
        }
    });

const quotaTreeChild = z.strictObject({
    name: dnsLabel(63).describe("The child's name, usually the team's."),
    namespaces: z
        .array(dnsLabel(63))
        .min(1)
        .describe("The namespaces whose pods draw on this child: a team's `ray-<team>` (or its `namespace`). The renderer refuses a team stack whose namespace no child lists."),
    min: z.record(z.string(), quantity).describe("Guaranteed resources (`cpu`, `memory`, `nvidia.com/gpu`): at most the parent's."),
    max: z.record(z.string(), quantity).describe("Resources the child may borrow up to: at least its `min`, at most the parent's `max`."),
}).register(argTypes, { id: "QuotaTreeChild", description: "A team's share of the ElasticQuotaTree." });

/** ACK's ElasticQuotaTree (platform stack): its root and one child per team. */
export const quotaTreeSchema = z.strictObject({
    min: z.record(z.string(), quantity).describe("The root's guaranteed resources: the cluster's share for Ray."),
    max: z.record(z.string(), quantity).describe("The root's ceiling."),
    children: z.array(quotaTreeChild).default([]).describe("One child per team."),
}).register(argTypes, { id: "QuotaTree", description: "ACK's ElasticQuotaTree: the cluster's quota, one child per team." });

export type QuotaConfig = z.infer<typeof quotaSchema>;

/** The namespace config fragment: its labels, its ResourceQuota and LimitRange. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { reservedKeyProblem } from "@ray-on-ack/common/platformLists";
import { quantity, resources } from "../core/model";

export const quotaSchema = z
    .strictObject({
        cpu: quantity.default("64").describe("The namespace's CPU, as both `requests.cpu` and `limits.cpu` of its ResourceQuota."),
        memory: quantity.default("256Gi").describe("The namespace's memory, as both requests and limits."),
        gpu: quantity
            .default("0")
            .describe(
                "The namespace's NVIDIA GPUs, as `requests.nvidia.com/gpu` (Kubernetes only accepts `requests.` for extended resources).",
            ),
        gpuMemory: quantity
            .default("0")
            .describe("GiB of shared GPU memory (`aliyun.com/gpu-mem`) the team's pods may request in total. Default 0."),
        gpuCorePercentage: quantity
            .default("0")
            .describe("Percent of one GPU's compute (`aliyun.com/gpu-core.percentage`) the team's pods may request in total. Default 0."),
        pods: z.number().int().min(1).default(200).describe("Most pods in the namespace."),
        persistentVolumeClaims: z.number().int().min(0).default(10).describe("Most PersistentVolumeClaims in the namespace."),
        storage: quantity.default("500Gi").describe("Total storage the namespace's claims may request."),
        defaultRequest: resources
            .default({ cpu: "100m", memory: "256Mi" })
            .describe("Defaults the LimitRange gives a container that states none."),
        defaultLimit: resources
            .default({ cpu: "1", memory: "1Gi" })
            .describe("The limits the LimitRange gives a container that states none."),
    })
    .register(argTypes, { id: "Quota", description: "The namespace's ResourceQuota and LimitRange." });

/**
 * Extra namespace labels: never a reserved key (Kubernetes', Pod Security's, RRSA's, ours: the
 * NetworkPolicies and PSA read them); beyond that, only the keys on the platform's allowlist
 * (ray-pod-metadata.allowedNamespaceLabelKeys, config/rules.ts).
 */
export const namespaceLabels = z.record(z.string(), z.string()).superRefine((labels, c) => {
    for (const key of Object.keys(labels)) {
        const why = reservedKeyProblem(key);
        if (why !== undefined) {
            c.addIssue({ code: "custom", path: [key], message: `${JSON.stringify(key)} ${why}` });
        }
    }
});

export type QuotaConfig = z.infer<typeof quotaSchema>;

/**
 * The team's namespace (seed section 2) and its quota (section 3). Pod Security Admission
 * enforces, audits and warns at `restricted`, with no way down: the hostPath opt-in that once
 * lowered it to `baseline` was removed (baseline forbids hostPath too).
 */
import type * as k8s from "@pulumi/kubernetes";
import type { QuotaConfig } from "./model";
import { quantityString } from "../core/quantities";
import { teamLabels } from "../core/naming";
import { objectMeta } from "../core/meta";

export const RRSA_INJECTION_LABEL = "pod-identity.alibabacloud.com/injection";

export interface NamespaceInput {
    readonly team: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    /** Label the namespace for ack-pod-identity-webhook (RRSA). */
    readonly rrsa: boolean;
}

export function namespaceObject(input: NamespaceInput): k8s.types.input.core.v1.Namespace {
    const labels: Record<string, string> = {
        ...input.labels,
        ...teamLabels(input.team),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
    };
    if (input.rrsa) {
        labels[RRSA_INJECTION_LABEL] = "on";
    }
    return { apiVersion: "v1", kind: "Namespace", metadata: { name: input.namespace, labels } };
}

export interface QuotaInput {
    readonly team: string;
    readonly namespace: string;
    readonly quota: QuotaConfig;
    /** Load balancers the team's exposures need (0 unless a dashboard is public through a CLB). */
    readonly loadBalancers: number;
}

export function resourceQuotaObject(input: QuotaInput): k8s.types.input.core.v1.ResourceQuota {
    const q = input.quota;
    return {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: objectMeta(`${input.team}-quota`, input.namespace, input.team),
        spec: {
            hard: {
                "requests.cpu": quantityString(q.cpu),
                "limits.cpu": quantityString(q.cpu),
                "requests.memory": quantityString(q.memory),
                "limits.memory": quantityString(q.memory),
                // Extended resources cannot be overcommitted, so Kubernetes only accepts their `requests.` form.
                "requests.nvidia.com/gpu": quantityString(q.gpu),
                // ACK shared GPUs: without these a team could request any amount of GPU memory and compute.
                "requests.aliyun.com/gpu-mem": quantityString(q.gpuMemory),
                "requests.aliyun.com/gpu-core.percentage": quantityString(q.gpuCorePercentage),
                pods: String(q.pods),
                "services.loadbalancers": String(input.loadBalancers),
                // A LoadBalancer Service also allocates a node port for its one port.
                "services.nodeports": String(input.loadBalancers),
                persistentvolumeclaims: String(q.persistentVolumeClaims),
                "requests.storage": quantityString(q.storage),
            },
        },
    };
}

export function limitRangeObject(input: QuotaInput): k8s.types.input.core.v1.LimitRange {
    const q = input.quota;
    return {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: objectMeta(`${input.team}-limits`, input.namespace, input.team),
        spec: {
            limits: [
                {
                    type: "Container",
                    defaultRequest: { cpu: quantityString(q.defaultRequest.cpu), memory: quantityString(q.defaultRequest.memory) },
                    default: { cpu: quantityString(q.defaultLimit.cpu), memory: quantityString(q.defaultLimit.memory) },
                },
            ],
        },
    };
}

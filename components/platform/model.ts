/**
 * The platform stack's model: the cluster (as for team stacks), ACK's ElasticQuotaTree with one
 * child per team, and the add-ons every team relies on. Platform parses its args with it, and
 * config/ reads it to validate a platform stack file.
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { dnsLabel, quantity } from "../core/model";
import { KUBECONFIG_REMOVED, removedKey } from "../core/removed";
import { cloudSchema } from "../cloud/model";
import { quotaTreeProblems } from "./quotaTree";

const quotaTreeChild = z
    .strictObject({
        name: dnsLabel(63).describe("The child's name, usually the team's."),
        namespaces: z
            .array(dnsLabel(63))
            .min(1)
            .describe(
                "The namespaces whose pods draw on this child: a team's `ray-<team>` (or its `namespace`). The renderer refuses a team stack whose namespace no child lists.",
            ),
        min: z.record(z.string(), quantity).describe("Guaranteed resources (`cpu`, `memory`, `nvidia.com/gpu`): at most the parent's."),
        max: z
            .record(z.string(), quantity)
            .describe("Resources the child may borrow up to: at least its `min`, at most the parent's `max`."),
    })
    .register(argTypes, { id: "QuotaTreeChild", description: "A team's share of the ElasticQuotaTree." });

/** ACK's ElasticQuotaTree (platform stack): its root and one child per team. */
export const quotaTreeSchema = z
    .strictObject({
        min: z.record(z.string(), quantity).describe("The root's guaranteed resources: the cluster's share for Ray."),
        max: z.record(z.string(), quantity).describe("The root's ceiling."),
        children: z.array(quotaTreeChild).default([]).describe("One child per team."),
    })
    .register(argTypes, { id: "QuotaTree", description: "ACK's ElasticQuotaTree: the cluster's quota, one child per team." });

/** An ACK add-on, by its name on the cluster's Add-ons page: one shape (one public type) for every add-on. */
const addonSchema = z
    .strictObject({
        name: z
            .string()
            .optional()
            .describe(
                "The add-on's name on the cluster's Add-ons page. Default: the add-on's own (`ack-pod-identity-webhook`, `kuberay-operator`).",
            ),
        version: z.string().optional().describe("The add-on version; default: the latest ACK offers."),
    })
    .register(argTypes, { id: "Addon", description: "A cluster add-on, named as on the cluster's Add-ons page." });
/** The add-on `name` names unless the stack names it otherwise. */
const addon = (name: string) => addonSchema.transform((a) => ({ ...a, name: a.name ?? name }));

export const platformConfigSchema = z
    .strictObject({
        platform: z.literal(true).describe("Marks the platform stack.").register(argTypes, { notArg: "the program's platform marker" }),
        cloud: cloudSchema.describe("The ACK cluster and account (as for team stacks)."),
        quotaTree: quotaTreeSchema.describe("ACK's ElasticQuotaTree (`kube-system`): every team namespace belongs to a child."),
        addons: z
            .strictObject({
                podIdentityWebhook: addon("ack-pod-identity-webhook")
                    .default({ name: "ack-pod-identity-webhook" })
                    .describe("ack-pod-identity-webhook (RRSA injection)."),
                kuberay: addon("kuberay-operator")
                    .default({ name: "kuberay-operator" })
                    .describe("ACK's KubeRay operator add-on, named as on the cluster's Add-ons page."),
            })
            .register(argTypes, { id: "Addons", description: "The add-ons every team relies on." })
            .default({ podIdentityWebhook: { name: "ack-pod-identity-webhook" }, kuberay: { name: "kuberay-operator" } })
            .describe(
                "Cluster add-ons every team relies on, as `alicloud.cs.KubernetesAddon`s; versions default to the latest ACK offers.",
            ),
        kubeconfig: removedKey(KUBECONFIG_REMOVED).describe("Removed, as for team stacks."),
    })
    .superRefine((p, c) => {
        for (const problem of quotaTreeProblems(p.quotaTree)) {
            c.addIssue({ code: "custom", path: ["quotaTree", ...problem.path], message: problem.message });
        }
    })
    .register(argTypes, {
        id: "PlatformSettings",
        description: 'The platform stack\'s settings (docs/configuration.md "Platform stack"); PlatformArgs adds the RRSA provider.',
    });

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

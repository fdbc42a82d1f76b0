/** The identity config fragment: the team's people bound to its read-only Role. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { subjectNameProblem } from "@ray-on-ack/common/subjects";
import { refuseWith } from "../core/addressRules";

/** A user or group name: never a Kubernetes `system:` identity; length- and charset-checked (common/subjects.ts). */
const subjectName = z.string().superRefine(refuseWith(subjectNameProblem));

export const accessSchema = z
    .strictObject({
        groups: z
            .array(subjectName)
            .default([])
            .describe("Groups (as the cluster authenticator names them, e.g. RAM user groups) bound to the team's people Role."),
        users: z
            .array(subjectName)
            .default([])
            .describe(
                "Users bound to the team's people Role; never `system:` names, 1-128 characters of letters, digits and `. _ @ : + = / -`.",
            ),
    })
    .register(argTypes, { id: "Access", description: "People bound to the team's Role." });

/**
 * How people reach one RayCluster. `token` (the default): the cluster's own static Ray token, in a
 * Secret the team's people may read. `personal`: each person presents their own Kubernetes bearer
 * token, which Ray's servers check with the API server (TokenReview, then a SubjectAccessReview for
 * `ray:write` on this RayCluster): revoked one person at a time, and recorded in the API server's
 * audit log (docs/design.md "People: personal identity").
 */
export const clusterIdentitySchema = z
    .strictObject({
        mode: z
            .enum(["token", "personal"])
            .default("token")
            .describe(
                "`token` (default): the cluster's static Ray token. `personal`: each person's own Kubernetes bearer token, checked by Ray with the API server (RayClusters only; Ray >= 2.55, no in-tree autoscaling).",
            ),
        groups: z
            .array(subjectName)
            .optional()
            .describe("With `personal`: the groups who may use this cluster. Default: the team's `access` groups and users."),
        users: z
            .array(subjectName)
            .optional()
            .describe("With `personal`: the users who may use this cluster. Default: the team's `access` groups and users."),
    })
    .superRefine((i, ctx) => {
        for (const key of ["groups", "users"] as const) {
            if (i.mode !== "personal" && i[key] !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: "names the people of a personal-identity cluster; set mode: personal, or leave it out",
                });
            }
        }
    })
    .register(argTypes, {
        id: "ClusterIdentity",
        description: "How people reach a RayCluster: its static Ray token, or each person's own Kubernetes identity.",
    });

export type ClusterIdentityConfig = z.infer<typeof clusterIdentitySchema>;

/** The people a personal-identity cluster admits: its own lists when given, else the team's `access`. */
export function personalIdentityPeople(
    identity: { readonly groups?: readonly string[]; readonly users?: readonly string[] },
    access: { readonly groups: readonly string[]; readonly users: readonly string[] },
): { kind: "Group" | "User"; name: string }[] {
    const own = identity.groups !== undefined || identity.users !== undefined;
    const groups = own ? (identity.groups ?? []) : access.groups;
    const users = own ? (identity.users ?? []) : access.users;
    return [...groups.map((name) => ({ kind: "Group" as const, name })), ...users.map((name) => ({ kind: "User" as const, name }))];
}

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

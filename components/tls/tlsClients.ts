/**
 * `tls.clients`: Ray Client users and the RayClusters they may reach. Trust is per cluster, so a
 * client certificate comes from one cluster's CA and is accepted by that cluster only; a user of
 * two clusters gets two certificates.
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const label = (max: number) =>
    z
        .string()
        .max(max, `must be at most ${max} characters`)
        .regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', starting with a letter");

const BARE_NAME =
    "a bare name is no longer accepted: Ray Client certificates are per cluster (each RayCluster has its own CA); " +
    "write {name: <user>, clusters: [<raycluster>, ...]}";

const tlsClient = z
    .custom<Record<string, unknown>>((v) => typeof v !== "string", { message: BARE_NAME })
    .pipe(
        z
            .strictObject({
                name: label(40).describe("The user's name: the certificate's common name and the file names in the outputs."),
                clusters: z
                    .array(label(40))
                    .min(1, "name at least one RayCluster (clusters[].name) this client connects to")
                    .describe("RayClusters (`clusters[].name`) whose CA issues this user a certificate."),
            })
            .register(argTypes, { id: "TlsClient", description: "A Ray Client user." }),
    );

export const tlsClientsSchema = z.array(tlsClient).default([]);
export type TlsClientConfig = z.infer<typeof tlsClient>;

/** Cross-references: each client once, and only toward long-lived RayClusters of this stack. */
export function tlsClientProblems(
    clients: readonly TlsClientConfig[],
    rayClusters: readonly string[],
    rayJobs: readonly string[],
): { path: (string | number)[]; message: string }[] {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const seen = new Set<string>();
    clients.forEach((client, i) => {
        if (seen.has(client.name)) {
            problems.push({ path: [i, "name"], message: `${client.name} is listed twice; list all of its clusters in one entry` });
        }
        seen.add(client.name);
        client.clusters.forEach((cluster, j) => {
            if (rayJobs.includes(cluster)) {
                problems.push({
                    path: [i, "clusters", j],
                    message: `${cluster} is a RayJob: a job's cluster runs its own entrypoint and takes no Ray Client connections`,
                });
            } else if (!rayClusters.includes(cluster)) {
                problems.push({
                    path: [i, "clusters", j],
                    message: `${cluster} is not a RayCluster of this stack (clusters: ${rayClusters.join(", ") || "none"})`,
                });
            }
        });
        if (new Set(client.clusters).size !== client.clusters.length) {
            problems.push({ path: [i, "clusters"], message: "lists a cluster twice" });
        }
    });
    return problems;
}

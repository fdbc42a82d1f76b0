/**
 * What the port-forward helper needs from a team stack's outputs, read from
 * `pulumi stack output --json` or from a render's outputs.json, and the choice of RayCluster.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { z } from "zod";

/** Bad input or an unusable environment: the helper prints the message and exits 2. */
export class PortForwardError extends Error {}

const clusterSchema = z.object({
    /** `personal`: each person presents their own Kubernetes token (absent from outputs of releases before it: `token`). */
    identity: z.enum(["token", "personal"]).default("token"),
    namespace: z.string().min(1),
    headService: z.string().min(1),
    tokenCommand: z.string().min(1),
    /** Absent from outputs of releases before it: the helper then uses Ray's own ports. */
    localPorts: z.object({ dashboard: z.number().int(), client: z.number().int() }).optional(),
    /** The cluster's Ray Client users (each cluster has its own CA, so certificates are per cluster). */
    tlsClients: z.record(z.string(), z.object({ env: z.record(z.string(), z.string()) })).default({}),
    publicDashboard: z
        .object({
            mode: z.string(),
            url: z.string().optional(),
            service: z.string().optional(),
            listener: z.string().optional(),
            address: z.string().optional(),
            authHeader: z.string().optional(),
        })
        .optional(),
});

const outputsSchema = z.object({
    team: z.string().min(1),
    clusters: z.record(z.string(), clusterSchema),
});

export type StackOutputs = z.infer<typeof outputsSchema>;
export type ClusterAccess = z.infer<typeof clusterSchema> & { readonly name: string };

export function parseOutputs(raw: unknown, source: string): StackOutputs {
    const r = outputsSchema.safeParse(raw);
    if (!r.success) {
        const problems = r.error.issues.map((i) => `  ${i.path.join(".") || "(top level)"}: ${i.message}`).join("\n");
        throw new PortForwardError(`${source} does not look like a ray-on-ack team stack's outputs:\n${problems}`);
    }
    return r.data;
}

export function readOutputsFile(file: string): StackOutputs {
    if (!fs.existsSync(file)) {
        throw new PortForwardError(`--from ${file}: no such file (npm run render -- --stack <name> writes out/<name>/outputs.json)`);
    }
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PortForwardError(`--from ${file}: not JSON (${(e as Error).message})`);
    }
    return parseOutputs(raw, file);
}

export function readPulumiOutputs(stack: string, projectDir: string): StackOutputs {
    const r = spawnSync("pulumi", ["stack", "output", "--json", "--stack", stack], { cwd: projectDir, encoding: "utf8" });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
        throw new PortForwardError("the pulumi CLI is not on PATH: install it, or pass --from <outputs.json> from npm run render");
    }
    if (r.status !== 0) {
        throw new PortForwardError(`pulumi stack output --stack ${stack} failed: ${(r.stderr || r.error?.message || "").trim()}`);
    }
    let raw: unknown;
    try {
        raw = JSON.parse(r.stdout);
    } catch (e) {
        throw new PortForwardError(`pulumi stack output --stack ${stack} printed no JSON (${(e as Error).message})`);
    }
    return parseOutputs(raw, `the outputs of stack ${stack}`);
}

/**
 * Refuses outputs of another team: `--stack team-c --from out/team-a/outputs.json` would
 * otherwise forward team-a's cluster while the user believes it is team-c's.
 * @param team the stack's team as its stack file says, or undefined when there is no stack file here.
 */
export function assertSameStack(outputs: StackOutputs, stack: string, team: string | undefined, source: string): void {
    const expected = team ?? stack;
    if (outputs.team !== expected) {
        const whose = team === undefined ? `stack ${stack}` : `stack ${stack} (team ${team})`;
        throw new PortForwardError(
            `${source} holds the outputs of team ${outputs.team}, not of ${whose}: render or pick the outputs of ${stack}, or pass --stack for ${outputs.team}'s stack`,
        );
    }
}

/** The RayCluster to forward to: the only one, or the one asked for. */
export function pickCluster(outputs: StackOutputs, stack: string, wanted: string | undefined): ClusterAccess {
    const names = Object.keys(outputs.clusters);
    if (wanted !== undefined) {
        const c = outputs.clusters[wanted];
        if (!c) {
            throw new PortForwardError(`stack ${stack} has no RayCluster ${wanted} (clusters: ${names.join(", ") || "none"})`);
        }
        return { ...c, name: wanted };
    }
    if (names.length === 0) {
        throw new PortForwardError(`stack ${stack} has no long-lived RayClusters to forward to`);
    }
    if (names.length > 1) {
        throw new PortForwardError(`stack ${stack} has several RayClusters (${names.join(", ")}): choose one with --cluster <name>`);
    }
    return { ...outputs.clusters[names[0]], name: names[0] };
}

/**
 * One size of the scale benchmark, in a process of its own so that its peak RSS is its own:
 * `scaleChild.ts --teams N` builds N generated teams under one setMocks, like a program that
 * holds many teams would, and prints one JSON line.
 *
 * A one-team warm-up runs first (under its own setMocks) so that every size measures the same
 * thing, the marginal cost of a team, and not lazy module loading and JIT warm-up, which only
 * the first team in a process pays.
 */
import { parseArgs } from "util";
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { TeamEnvironment } from "../../components/team/teamEnvironment";
import { parsedTeamArgs } from "../../components/team/teamArgs";
import { recordingMocks, type RecordedResource } from "../../render/mockRuntime";
import { generatedTeam } from "./teams";
import { DYNAMIC_RESOURCE_TYPE } from "../../components/providers/dynamicType";

export interface ScaleSample {
    teams: number;
    registrations: number;
    wallMs: number;
    /** Wall time with at least one PKI resource's mock answer (issuePki: RSA keygen and signing) in flight. */
    pkiMs: number;
    rssBeforeMiB: number;
    peakRssMiB: number;
    peakHeapUsedMiB: number;
}

const MiB = 2 ** 20;

/**
 * The recording mocks, with the PKI answer timed: it is the one expensive thing a mock does. The
 * answers are asynchronous (keys are generated off the main thread) and overlap, so what is
 * counted is the wall time during which at least one is in flight, not a sum of their durations.
 */
function timedMocks(recorded: RecordedResource[], pki: { ms: number }): pulumi.runtime.Mocks {
    const inner = recordingMocks(recorded);
    let inFlight = 0;
    let since = 0;
    return {
        async newResource(args) {
            if (args.type !== DYNAMIC_RESOURCE_TYPE || !("podCidrs" in args.inputs)) {
                return inner.newResource(args);
            }
            if (inFlight++ === 0) since = performance.now();
            try {
                return await inner.newResource(args);
            } finally {
                if (--inFlight === 0) pki.ms += performance.now() - since;
            }
        },
        call: (args) => inner.call(args),
    };
}

async function build(first: number, count: number, pki: { ms: number }): Promise<number> {
    const recorded: RecordedResource[] = [];
    await pulumi.runtime.setMocks(timedMocks(recorded, pki), "ray-on-ack", `bench-${count}`, false);
    const configs = Array.from({ length: count }, (_, i) => generatedTeam(first + i));
    const envs = configs.map((config) => new TeamEnvironment(config.team, parsedTeamArgs(config)));
    const outputs: pulumi.Output<unknown>[] = envs.flatMap((e) => [e.namespace, e.clusters, e.jobs, e.tlsClientKeys]);
    await Promise.all(outputs.map((o) => new Promise((resolve) => o.apply(resolve))));
    // disconnect() waits for every outstanding registration.
    await pulumi.runtime.disconnect();
    return recorded.length;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { teams: { type: "string" } }, strict: true });
    const teams = Number(values.teams);
    if (!Number.isInteger(teams) || teams < 1 || teams > 250) {
        throw new Error(`--teams must be an integer in 1..250, got ${values.teams}`);
    }
    await build(250, 1, { ms: 0 });

    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 10);
    const rssBefore = process.memoryUsage().rss;
    const pki = { ms: 0 };
    const t0 = performance.now();
    const registrations = await build(0, teams, pki);
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);

    const sample: ScaleSample = {
        teams,
        registrations,
        wallMs,
        pkiMs: pki.ms,
        rssBeforeMiB: rssBefore / MiB,
        // maxRSS is in KiB.
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        peakHeapUsedMiB: peakHeap / MiB,
    };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
}

if (require.main === module) {
    main().catch((e: Error) => {
        process.stderr.write(`${e.stack ?? e.message}\n`);
        process.exit(1);
    });
}

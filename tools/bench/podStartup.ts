/**
 * Benchmark 4: what TLS costs at pod start-up. The seed runs seed-gencert.sh in an init container
 * of every Ray pod (each start, restart and autoscaler scale-up); we issue every certificate once
 * per team at deploy time, and a pod only mounts a Secret, as the seed's pods also do for the CA.
 * Only the openssl work is timed here: the seed's init container also costs an image pull and a
 * container start, so its figures are a lower bound.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { median, ratio, round, runChild, runChildAsync } from "./stats";
import { BenchResult, ms, x } from "./report";

const SCRIPT = path.join(__dirname, "seed-gencert.sh");
const CHUNK = 10;

/** Synthetic pod addresses: only written into certificates, never contacted. */
const podIp = (i: number) => `10.64.${(i >> 8) & 255}.${i & 255}`;

function makeCa(dir: string): string {
    const ca = path.join(dir, "ca");
    fs.mkdirSync(ca);
    runChild("openssl", [
        "req",
        "-x509",
        "-sha256",
        "-days",
        "3650",
        "-nodes",
        "-newkey",
        "rsa:2048",
        "-subj",
        "/CN=bench-seed-ca",
        "-keyout",
        path.join(ca, "ca.key"),
        "-out",
        path.join(ca, "ca.crt"),
    ]);
    return ca;
}

function onePod(ca: string, dir: string, i: number): number {
    return runChild("sh", [SCRIPT, ca, path.join(dir, `pod-${i}`)], { env: { ...process.env, POD_IP: podIp(i) } }).ms;
}

export interface DeployCost {
    /** issuePki for the team's request, median. */
    issueMs: number;
    rsaKeys: number;
    /** issuePki again with the state it returned: what an unchanged `pulumi up` pays. */
    steadyStateMs: number;
}

export async function podStartup(opts: { pods: number; deploy: DeployCost; stack: string }): Promise<BenchResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-seed-"));
    try {
        const ca = makeCa(dir);
        onePod(ca, path.join(dir, "warm"), 0);
        const perPod: number[] = [];
        let sequentialMs = 0;
        let parallelMs = 0;
        // Alternating chunks of one-at-a-time and two-at-a-time pods, so that load from elsewhere
        // on the machine falls on both alike instead of on whichever ran during a burst.
        for (let first = 0; first < opts.pods; first += CHUNK) {
            const last = Math.min(first + CHUNK, opts.pods);
            const t0 = performance.now();
            for (let i = first; i < last; i++) perPod.push(onePod(ca, path.join(dir, "seq"), i));
            sequentialMs += performance.now() - t0;

            // Two at a time: one pod's init container per core of this machine.
            const t1 = performance.now();
            let next = first;
            const worker = async () => {
                while (next < last) {
                    const i = next++;
                    await runChildAsync("sh", [SCRIPT, ca, path.join(dir, "par", `pod-${i}`)], {
                        env: { ...process.env, POD_IP: podIp(i) },
                    });
                }
            };
            await Promise.all([worker(), worker()]);
            parallelMs += performance.now() - t1;
        }

        const perPodMs = median(perPod);
        const deployVsSeed = ratio(sequentialMs, opts.deploy.issueMs);
        const b = "4 pod start-up TLS";
        return {
            json: {
                pods: opts.pods,
                seed: {
                    steps: "openssl genrsa 2048; openssl req -new (pod IP SAN); openssl x509 -req signed with the CA key",
                    perPodMedianMs: round(perPodMs),
                    perPodSamplesMs: perPod.map((s) => round(s)),
                    sequentialTotalMs: round(sequentialMs),
                    parallel2TotalMs: round(parallelMs),
                    lowerBound: "image pull and init-container start are not included",
                },
                ours: {
                    perPodMs: 0,
                    why: "no init container: the certificates exist as Secrets before the RayCluster does, and mounting a Secret volume is work the kubelet does for the seed's CA Secret too",
                    deployTime: {
                        stack: opts.stack,
                        issuePkiMs: round(opts.deploy.issueMs),
                        rsaKeys: opts.deploy.rsaKeys,
                        steadyStateMs: round(opts.deploy.steadyStateMs),
                    },
                },
                ratios: {
                    seedPodsSequentialVsOurIssue: round(deployVsSeed, 3),
                    breakEvenPods: round(opts.deploy.issueMs / perPodMs, 2),
                },
            },
            rows: [
                { bench: b, measure: "seed: init container per pod (openssl)", value: ms(perPodMs), baseline: "ours 0 ms", ratio: "n/a" },
                { bench: b, measure: `seed: ${opts.pods} pods, one at a time`, value: ms(sequentialMs) },
                {
                    bench: b,
                    measure: `seed: ${opts.pods} pods, 2 at a time`,
                    value: ms(parallelMs),
                    baseline: `1 at a time ${ms(sequentialMs)}`,
                    ratio: x(ratio(parallelMs, sequentialMs)),
                },
                { bench: b, measure: "ours: per pod at start-up", value: "0 ms" },
                {
                    bench: b,
                    measure: `ours: once per team at deploy (issuePki ${opts.stack}, ${opts.deploy.rsaKeys} keys)`,
                    value: ms(opts.deploy.issueMs),
                    baseline: `seed ${opts.pods} pods ${ms(sequentialMs)}`,
                    ratio: x(ratio(opts.deploy.issueMs, sequentialMs)),
                },
                { bench: b, measure: "ours: unchanged `pulumi up` (nothing re-issued)", value: ms(opts.deploy.steadyStateMs) },
            ],
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * Benchmark 3: issuing a CA + head + worker for pod CIDRs of growing size. Every address of the
 * CIDR is an IP SAN, so certificate size and signing time grow with it; the RSA keygen median,
 * measured in the same run, is the baseline that splits keygen from the SAN-dependent work.
 */
import * as crypto from "crypto";
import { issuePki, type PkiRequest, PKI_DEFAULTS } from "../../components/providers/pki";
import { median, ratio, round, timeAsync, timeSync } from "./stats";
import { BenchResult, bytes, ms, x } from "./report";

export const PKI_SIZES = ["/24", "/22", "/20"] as const;
export const PKI_TARGET = { size: "/22", maxMs: 1000 };

export function pkiRequest(prefix: string): PkiRequest {
    return {
        team: "bench",
        namespace: "ray-bench",
        podCidrs: [`10.64.0.0${prefix}`],
        cluster: "rc0",
        clients: [],
        ...PKI_DEFAULTS,
    };
}

export async function pki(opts: { runs: number }): Promise<BenchResult> {
    const samples: Record<string, number[]> = Object.fromEntries(PKI_SIZES.map((s) => [s, []]));
    const keygen: number[] = [];
    const heads: Record<string, string> = {};
    // Interleaved by size, with a keygen sample each round, so load from elsewhere hits all alike.
    for (let i = 0; i < opts.runs; i++) {
        keygen.push(timeSync(() => crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })).ms);
        for (const size of PKI_SIZES) {
            const t = await timeAsync(() => issuePki(pkiRequest(size)));
            samples[size].push(t.ms);
            heads[size] = t.value.head.certPem;
        }
    }
    const keygenMs = median(keygen);
    const results = PKI_SIZES.map((size) => {
        const issueMs = median(samples[size]);
        const cert = new crypto.X509Certificate(heads[size]);
        const ipSans = (cert.subjectAltName ?? "").split(", ").filter((s) => s.startsWith("IP Address:")).length;
        return {
            cidr: `10.64.0.0${size}`,
            addresses: 2 ** (32 - Number(size.slice(1))),
            issueMedianMs: round(issueMs),
            samplesMs: samples[size].map((s) => round(s)),
            beyondThreeKeygensMs: round(issueMs - 3 * keygenMs),
            head: { ipSans, pemBytes: Buffer.byteLength(heads[size]), derBytes: cert.raw.length },
        };
    });
    const target = results.find((r) => r.cidr.endsWith(PKI_TARGET.size))!;
    const pass = target.issueMedianMs < PKI_TARGET.maxMs;
    const b = "3 PKI";
    return {
        json: {
            runs: opts.runs,
            issued: "CA + head + worker (3 RSA-2048 keys), one RayCluster",
            rsa2048KeygenMedianMs: round(keygenMs),
            keygenSamplesMs: keygen.map((s) => round(s)),
            sizes: results,
            target: { cidr: PKI_TARGET.size, maxMs: PKI_TARGET.maxMs },
            pass,
        },
        rows: [
            { bench: b, measure: "RSA-2048 keygen (node crypto)", value: ms(keygenMs) },
            ...results.map((r) => ({
                bench: b,
                measure: `issue ${r.cidr} (${r.addresses} pod addresses as IP SANs)`,
                value: ms(r.issueMedianMs),
                baseline: `3 keygens ${ms(3 * keygenMs)}`,
                ratio: x(ratio(r.issueMedianMs, 3 * keygenMs)),
                ...(r === target ? { target: `< ${PKI_TARGET.maxMs} ms`, pass } : {}),
            })),
            ...results.map((r) => ({
                bench: b,
                measure: `  head certificate, ${r.cidr}: PEM / DER`,
                value: `${bytes(r.head.pemBytes)} / ${bytes(r.head.derBytes)}`,
            })),
        ],
    };
}

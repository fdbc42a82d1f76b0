/**
 * Benchmark 2: many teams in one program. Each size runs in a fresh child (scaleChild.ts) so
 * that its peak RSS is its own; per-team and per-registration costs are compared across sizes.
 * PKI time is reported apart: it is a fixed number of RSA keys per team (linear by construction,
 * and noisy, since RSA prime search takes a random time), while the rest is where a superlinear
 * step in the program or the Pulumi runtime would show.
 */
import { COMPILED, median, ratio, round, runChild } from "./stats";
import type { ScaleSample } from "./scaleChild";
import { BenchResult, mib, ms, x } from "./report";
import { CLUSTERS_PER_TEAM, GROUPS_PER_CLUSTER } from "./teams";

/** Per-team cost at the largest size within this factor of the middle size: "roughly linear". */
export const SCALE_TARGET = 1.5;

export interface ScaleRow extends ScaleSample {
    perTeamMs: number;
    perTeamWithoutPkiMs: number;
    perRegistrationMs: number;
    perRegistrationWithoutPkiMs: number;
    /** Peak RSS above the process before the build, per team. */
    rssPerTeamMiB: number;
}

export function runScaleSize(teams: number): ScaleSample {
    const { stdout } = runChild(process.execPath, [COMPILED, "tools/bench/scaleChild.ts", "--teams", String(teams)]);
    return JSON.parse(stdout.trim().split("\n").pop()!) as ScaleSample;
}

export function scaleRow(s: ScaleSample): ScaleRow {
    const rest = s.wallMs - s.pkiMs;
    return {
        ...s,
        perTeamMs: s.wallMs / s.teams,
        perTeamWithoutPkiMs: rest / s.teams,
        perRegistrationMs: s.wallMs / s.registrations,
        perRegistrationWithoutPkiMs: rest / s.registrations,
        rssPerTeamMiB: Math.max(0, s.peakRssMiB - s.rssBeforeMiB) / s.teams,
    };
}

const rounded = (o: object): Record<string, number> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? round(v, 3) : v]));

export function scale(opts: { sizes: number[] }): BenchResult {
    const sizes = [...opts.sizes].sort((a, b) => a - b);
    const rows = sizes.map((n) => scaleRow(runScaleSize(n)));
    const largest = rows[rows.length - 1];
    const smallest = rows[0];
    // The middle size is the reference: the smallest one has too few teams to average out keygen noise.
    const reference = rows.length > 2 ? rows[rows.length - 2] : smallest;
    const perTeamRatio = ratio(largest.perTeamMs, reference.perTeamMs);
    const restRatio = ratio(largest.perTeamWithoutPkiMs, reference.perTeamWithoutPkiMs);
    const pass = perTeamRatio <= SCALE_TARGET;
    const label = (a: ScaleRow, b: ScaleRow) => `${a.teams} vs ${b.teams}`;
    const json = {
        shape: { clustersPerTeam: CLUSTERS_PER_TEAM, workerGroupsPerCluster: GROUPS_PER_CLUSTER, podCidr: "10.<i>.0.0/24 per team" },
        sizes: rows.map(rounded),
        ratios: {
            [`perTeam ${label(largest, smallest)}`]: round(ratio(largest.perTeamMs, smallest.perTeamMs), 3),
            [`perTeam ${label(largest, reference)}`]: round(perTeamRatio, 3),
            [`perTeamWithoutPki ${label(largest, smallest)}`]: round(ratio(largest.perTeamWithoutPkiMs, smallest.perTeamWithoutPkiMs), 3),
            [`perTeamWithoutPki ${label(largest, reference)}`]: round(restRatio, 3),
        },
        target: { maxPerTeamRatio: SCALE_TARGET, sizes: label(largest, reference) },
        pass,
        pkiShareOfWall: round(median(rows.map((r) => r.pkiMs / r.wallMs)), 3),
    };
    const b = "2 scale";
    const out: BenchResult["rows"] = [];
    for (const r of rows) {
        out.push({
            bench: b,
            measure: `${r.teams} team(s), ${r.registrations} registrations: wall (PKI)`,
            value: `${ms(r.wallMs)} (${ms(r.pkiMs)})`,
        });
        out.push({
            bench: b,
            measure: `  per team / per registration, without PKI`,
            value: `${ms(r.perTeamWithoutPkiMs)} / ${ms(r.perRegistrationWithoutPkiMs)}`,
        });
        out.push({
            bench: b,
            measure: `  peak RSS / heap used; RSS per team`,
            value: `${mib(r.peakRssMiB)} / ${mib(r.peakHeapUsedMiB)}; ${mib(r.rssPerTeamMiB)}`,
        });
    }
    out.push({
        bench: b,
        measure: `per-team time, ${label(largest, reference)}`,
        value: ms(largest.perTeamMs),
        baseline: ms(reference.perTeamMs),
        ratio: x(perTeamRatio),
        target: `<= ${SCALE_TARGET}x`,
        pass,
    });
    out.push({
        bench: b,
        measure: `per-team time, ${label(largest, smallest)}`,
        value: ms(largest.perTeamMs),
        baseline: ms(smallest.perTeamMs),
        ratio: x(ratio(largest.perTeamMs, smallest.perTeamMs)),
    });
    out.push({
        bench: b,
        measure: `  without PKI, ${label(largest, reference)}`,
        value: ms(largest.perTeamWithoutPkiMs),
        baseline: ms(reference.perTeamWithoutPkiMs),
        ratio: x(restRatio),
    });
    out.push({
        bench: b,
        measure: `  without PKI, ${label(largest, smallest)}`,
        value: ms(largest.perTeamWithoutPkiMs),
        baseline: ms(smallest.perTeamWithoutPkiMs),
        ratio: x(ratio(largest.perTeamWithoutPkiMs, smallest.perTeamWithoutPkiMs)),
    });
    return { json, rows: out };
}

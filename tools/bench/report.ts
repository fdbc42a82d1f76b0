/** What every benchmark hands back: its JSON section and its lines of the printed table. */
export interface Row {
    bench: string;
    measure: string;
    value: string;
    /** The baseline the value is set against, measured in the same run. */
    baseline?: string;
    ratio?: string;
    target?: string;
    /** Information, never a test failure: timings on a shared machine are not assertions. */
    pass?: boolean;
}

export interface BenchResult {
    json: Record<string, unknown>;
    rows: Row[];
}

export const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
export const x = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : "n/a");
export const mib = (m: number): string => `${m.toFixed(1)} MiB`;
export const bytes = (b: number): string => (b >= 10_240 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);

const COLUMNS: [keyof Row, string][] = [
    ["bench", "benchmark"],
    ["measure", "measure"],
    ["value", "value"],
    ["baseline", "baseline"],
    ["ratio", "ratio"],
    ["target", "target"],
    ["pass", "met"],
];

function cell(row: Row, key: keyof Row): string {
    const v = row[key];
    if (key === "pass") return v === undefined ? "" : v ? "yes" : "NO";
    return v === undefined ? "" : String(v);
}

/** A Markdown table: it reads in a terminal and pastes into docs/performance.md unchanged. */
export function formatTable(rows: Row[]): string {
    const cells = rows.map((r) => COLUMNS.map(([k]) => cell(r, k)));
    const widths = COLUMNS.map(([, h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (cs: string[]) => `| ${cs.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(COLUMNS.map(([, h]) => h)), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

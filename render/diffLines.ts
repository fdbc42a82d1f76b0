/**
 * A line diff (Myers' O(ND) algorithm) and its unified-diff rendering, for render:diff.
 * Written here rather than taken from node_modules: the `diff` package there is only a
 * transitive dependency of mocha, and the renderer's objects are small enough for this.
 */

export interface Edit {
    readonly op: " " | "-" | "+";
    readonly line: string;
}

/**
 * Beyond this many differing lines the shortest edit script costs more memory than it is
 * worth to a reader: the differing middle is shown as removed, then added.
 */
const MAX_EDIT_DISTANCE = 2000;

export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) {
        start++;
    }
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
        endA--;
        endB--;
    }
    const same = (lines: readonly string[]): Edit[] => lines.map((line) => ({ op: " ", line }));
    const middle = myers(a.slice(start, endA), b.slice(start, endB)) ?? [
        ...a.slice(start, endA).map((line): Edit => ({ op: "-", line })),
        ...b.slice(start, endB).map((line): Edit => ({ op: "+", line })),
    ];
    return [...same(a.slice(0, start)), ...middle, ...same(a.slice(endA))];
}

/** The shortest edit script, or undefined past MAX_EDIT_DISTANCE. */
function myers(a: readonly string[], b: readonly string[]): Edit[] | undefined {
    const n = a.length;
    const m = b.length;
    const max = Math.min(n + m, MAX_EDIT_DISTANCE);
    const offset = max + 1;
    const v = new Int32Array(2 * max + 3);
    // trace[d] is the furthest-reaching x per diagonal k before round d.
    const trace: Int32Array[] = [];
    for (let d = 0; d <= max; d++) {
        trace.push(v.slice());
        for (let k = -d; k <= d; k += 2) {
            let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
            let y = x - k;
            while (x < n && y < m && a[x] === b[y]) {
                x++;
                y++;
            }
            v[offset + k] = x;
            if (x >= n && y >= m) {
                return backtrack(trace, a, b, offset);
            }
        }
    }
    return undefined;
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[], offset: number): Edit[] {
    const edits: Edit[] = [];
    let x = a.length;
    let y = b.length;
    for (let d = trace.length - 1; d >= 0; d--) {
        const v = trace[d];
        const k = x - y;
        const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
        const prevX = v[offset + prevK];
        const prevY = prevX - prevK;
        while (x > prevX && y > prevY) {
            edits.push({ op: " ", line: a[x - 1] });
            x--;
            y--;
        }
        if (d > 0) {
            if (x === prevX) {
                edits.push({ op: "+", line: b[y - 1] });
            } else {
                edits.push({ op: "-", line: a[x - 1] });
            }
        }
        x = prevX;
        y = prevY;
    }
    return edits.reverse();
}

function splitLines(text: string): string[] {
    if (text === "") {
        return [];
    }
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") {
        lines.pop();
    }
    return lines;
}

/** `start,count` as diff(1) writes it: an empty side names the line before the hunk. */
function range(start: number, count: number): string {
    return `${count === 0 ? start - 1 : start},${count}`;
}

/** A unified diff of two texts with `context` lines around each change; "" when they are equal. */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }, context = 3): string {
    const edits = diffLines(splitLines(before), splitLines(after));
    const changed = edits.flatMap((e, i) => (e.op === " " ? [] : [i]));
    if (changed.length === 0) {
        return "";
    }
    // Group changes whose context would touch or overlap into one hunk.
    const groups: [number, number][] = [];
    for (const i of changed) {
        const last = groups[groups.length - 1];
        if (last && i - last[1] <= 2 * context) {
            last[1] = i;
        } else {
            groups.push([i, i]);
        }
    }
    // 1-based line numbers of each edit on either side.
    const lineA: number[] = [];
    const lineB: number[] = [];
    let na = 1;
    let nb = 1;
    for (const e of edits) {
        lineA.push(na);
        lineB.push(nb);
        if (e.op !== "+") na++;
        if (e.op !== "-") nb++;
    }
    const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
    for (const [first, last] of groups) {
        const from = Math.max(0, first - context);
        const to = Math.min(edits.length - 1, last + context);
        const hunk = edits.slice(from, to + 1);
        const countA = hunk.filter((e) => e.op !== "+").length;
        const countB = hunk.filter((e) => e.op !== "-").length;
        out.push(`@@ -${range(lineA[from], countA)} +${range(lineB[from], countB)} @@`);
        for (const e of hunk) {
            out.push(`${e.op}${e.line}`);
        }
    }
    return `${out.join("\n")}\n`;
}

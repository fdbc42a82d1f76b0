/**
 * ACK ElasticQuotaTree rules (DESIGN.md): root min equals root max; each child's min is at
 * most its max; the children's mins add up to at most the root's min; and a namespace
 * belongs to one child only.
 */
import { parseQuantity } from "../core/quantities";

type Amounts = Record<string, string>;

export interface QuotaTreeInput {
    readonly min: Amounts;
    readonly max: Amounts;
    readonly children: readonly { name: string; namespaces: readonly string[]; min: Amounts; max: Amounts }[];
}

export interface QuotaTreeProblem {
    readonly path: (string | number)[];
    readonly message: string;
}

const value = (q: string | undefined) => (q === undefined ? undefined : parseQuantity(q));

export function quotaTreeProblems(tree: QuotaTreeInput): QuotaTreeProblem[] {
    const problems: QuotaTreeProblem[] = [];
    const resources = new Set([...Object.keys(tree.min), ...Object.keys(tree.max)]);
    for (const r of resources) {
        if (value(tree.min[r]) !== value(tree.max[r])) {
            problems.push({
                path: ["min", r],
                message: `root min (${tree.min[r] ?? "unset"}) must equal root max (${tree.max[r] ?? "unset"})`,
            });
        }
    }
    const seen = new Map<string, string>();
    tree.children.forEach((child, i) => {
        for (const [r, q] of Object.entries(child.min)) {
            const max = value(child.max[r]);
            if (max === undefined || (value(q) ?? 0) > max) {
                problems.push({
                    path: ["children", i, "min", r],
                    message: `${child.name}: min ${q} must be <= max ${child.max[r] ?? "(unset)"}`,
                });
            }
        }
        for (const r of Object.keys(child.max)) {
            if (!resources.has(r)) {
                problems.push({ path: ["children", i, "max", r], message: `${child.name}: the root has no quota for ${r}` });
            }
        }
        for (const ns of child.namespaces) {
            const other = seen.get(ns);
            if (other !== undefined) {
                problems.push({ path: ["children", i, "namespaces"], message: `namespace ${ns} is already in ${other}` });
            }
            seen.set(ns, child.name);
        }
    });
    for (const r of resources) {
        const sum = tree.children.reduce((acc, c) => acc + (value(c.min[r]) ?? 0), 0);
        const rootMin = value(tree.min[r]) ?? 0;
        if (sum > rootMin) {
            problems.push({ path: ["children"], message: `the children's min ${r} add up to more than the root's min (${tree.min[r]})` });
        }
    }
    return problems;
}

/** ACK's ElasticQuotaTree (scheduling.sigs.k8s.io/v1beta1), the fields we set; a type literal, so that CustomResource takes it. */
export type ElasticQuotaTree = {
    apiVersion: "scheduling.sigs.k8s.io/v1beta1";
    kind: "ElasticQuotaTree";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: {
        root: { name: "root"; min: Amounts; max: Amounts; children: { name: string; namespaces: string[]; min: Amounts; max: Amounts }[] };
    };
};

/** The ElasticQuotaTree object (one per cluster, in kube-system). */
export function elasticQuotaTreeObject(tree: QuotaTreeInput): ElasticQuotaTree {
    return {
        apiVersion: "scheduling.sigs.k8s.io/v1beta1",
        kind: "ElasticQuotaTree",
        metadata: { name: "elasticquotatree", namespace: "kube-system", labels: { "app.kubernetes.io/managed-by": "ray-on-ack" } },
        spec: {
            root: {
                name: "root",
                min: tree.min,
                max: tree.max,
                children: tree.children.map((c) => ({ name: c.name, namespaces: [...c.namespaces], min: c.min, max: c.max })),
            },
        },
    };
}

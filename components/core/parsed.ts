/**
 * Parse once: what a parse produced is marked, so that a component handed an already-parsed model
 * (TeamEnvironment's workloads, given to the Hardened* components; the program's validated stack
 * config, given to TeamEnvironment) registers it as it is instead of parsing it again. The mark is a
 * symbol of this module: JSON (another Pulumi language, the component provider) never carries it,
 * and no other code can forge it, so anything that did not come from a parse here is parsed.
 */
const PARSED: unique symbol = Symbol("ray-on-ack parsed model");

/** Marks `value` (in place) as a parse's output; returns it. Spread copies (`{...value, x}`) keep the mark. */
export function markParsed<T extends object>(value: T): T {
    Object.defineProperty(value, PARSED, { value: true, enumerable: true, configurable: false, writable: false });
    return value;
}

export function isParsed(value: unknown): boolean {
    return value !== null && typeof value === "object" && (value as Record<symbol, unknown>)[PARSED] === true;
}

/** A team model and each of its workloads marked, so that every component down the line takes its part as it is. */
export function markTeamParsed<T extends { clusters: object[]; jobs: object[]; services: object[] }>(config: T): T {
    [...config.clusters, ...config.jobs, ...config.services].forEach((w) => markParsed(w));
    return markParsed(config);
}

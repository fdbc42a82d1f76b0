/**
 * Kubernetes resource quantities, parsed just far enough to compare and add them.
 * Config validation uses this so that "-1", "2 cores" or "4GB" fail at preview time
 * with the config key named, instead of at admission time with an API server error.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** Returns the quantity's value in base units, or undefined when it is not a valid non-negative quantity. */
export function parseQuantity(q: string | number): number | undefined {
    const text = String(q).trim();
    const m = QUANTITY.exec(text);
    if (!m) {
        return undefined;
    }
    const suffix = m[2] ?? "";
    const factor = BINARY[suffix] ?? DECIMAL[suffix];
    return Number(m[1]) * factor;
}

export function isQuantity(q: string | number): boolean {
    return parseQuantity(q) !== undefined;
}

/** Normalises a config quantity to the string form Kubernetes stores. */
export function quantityString(q: string | number): string {
    return String(q).trim();
}

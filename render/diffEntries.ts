/**
 * Reads a render directory (render/render.ts output) into comparable entries, one per
 * Kubernetes object, Alibaba Cloud resource, certificate, posture check and stack output,
 * and compares two such sets. Every render issues a fresh CA, certificates and tokens, so
 * generated material is masked (PEMs, the tls- and token-fingerprint annotations, issue timestamps) and
 * certificates are compared by what they say (names, SANs, usages, lifetime), not by their
 * bytes: an unchanged stack then compares equal, and a SAN or lifetime change still shows.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { ANNOTATIONS } from "../components/core/naming";
import { certInfo, splitPemBundle } from "../components/providers/pki";

export type Section = "kubernetes" | "alicloud" | "certificate" | "posture" | "output";

export interface Entry {
    readonly section: Section;
    /** What the summary prints: `Kind namespace/name`, `<type> <name>`, `Certificate <file>`, `Posture <check>`, `output <key>`. */
    readonly key: string;
    readonly text: string;
}

export type ChangeKind = "+" | "~" | "-";

export interface Change {
    readonly kind: ChangeKind;
    readonly section: Section;
    readonly key: string;
    readonly before: string;
    readonly after: string;
}

const SECTIONS: readonly Section[] = ["kubernetes", "alicloud", "certificate", "posture", "output"];
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----\n?/g;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;
const GENERATED = "<generated>";

function maskString(s: string): string {
    return s.replace(PEM, (_m, label: string) => `<generated ${label.toLowerCase()}>`);
}

/** Annotations whose values are derived from generated material (certificates, tokens). */
const GENERATED_ANNOTATIONS: readonly string[] = [ANNOTATIONS.tlsFingerprint, ANNOTATIONS.tokenFingerprint];

/** Masks generated material anywhere in a JSON-like value. */
export function mask(value: unknown): unknown {
    if (typeof value === "string") {
        return maskString(value);
    }
    if (Array.isArray(value)) {
        return value.map(mask);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, GENERATED_ANNOTATIONS.includes(k) && typeof v === "string" ? GENERATED : mask(v)]),
        );
    }
    return value;
}

/** Policy documents arrive as JSON text; parsed, a one-statement change is one line of the diff. */
function expandJson(value: unknown): unknown {
    if (typeof value === "string" && /^\s*[{[]/.test(value)) {
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    }
    if (Array.isArray(value)) {
        return value.map(expandJson);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandJson(v)]));
    }
    return value;
}

function objectKey(o: Record<string, any>): string {
    const ns = o.metadata?.namespace;
    const name = o.metadata?.name ?? "(unnamed)";
    return `${o.kind} ${ns ? `${ns}/` : ""}${name}`;
}

/** Consecutive IPv4 addresses as one line each range; anything else as is. */
function ipRanges(ips: readonly string[]): string[] {
    const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/;
    const toInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
    const ints = [...new Set(ips.filter((ip) => v4.test(ip)).map(toInt))].sort((a, b) => a - b);
    const out: string[] = [];
    for (let i = 0; i < ints.length;) {
        let j = i;
        while (j + 1 < ints.length && ints[j + 1] === ints[j] + 1) {
            j++;
        }
        out.push(i === j ? toIp(ints[i]) : `${toIp(ints[i])} - ${toIp(ints[j])} (${j - i + 1})`);
        i = j + 1;
    }
    return [...out, ...ips.filter((ip) => !v4.test(ip))];
}

/** What a certificate says, without what differs per issue (key, serial, dates, signature). */
export function describeCertificate(pem: string): string {
    const day = 86_400_000;
    return splitPemBundle(pem)
        .map((one) => {
            try {
                const c = certInfo(one);
                const lines = [
                    `subject CN: ${c.subjectCN.replace(ISO_TIME, GENERATED)}`,
                    `issuer CN: ${c.issuerCN.replace(ISO_TIME, GENERATED)}`,
                    `CA: ${c.isCa}`,
                    ...(c.pathLen === undefined ? [] : [`path length: ${c.pathLen}`]),
                    `key: RSA ${c.keyBits}`,
                    `validity days: ${Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / day)}`,
                    `key usage: ${c.keyUsage.join(", ") || "(none)"}`,
                    `extended key usage: ${c.eku.join(", ") || "(none)"}`,
                    ...c.dnsSans.map((n) => `DNS SAN: ${n}`),
                    ...ipRanges(c.ipSans).map((r) => `IP SAN: ${r}`),
                ];
                return lines.join("\n");
            } catch (e) {
                return `unparseable certificate: ${(e as Error).message}`;
            }
        })
        .join("\n---\n")
        .concat("\n");
}

function read(dir: string, file: string): string | undefined {
    const p = path.join(dir, file);
    return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
}

/** Every entry of a render directory, in the render's own order; none for a missing render. */
export function readRender(dir: string | undefined): Entry[] {
    if (dir === undefined) {
        return [];
    }
    const entries: Entry[] = [];
    const add = (section: Section, key: string, text: string) => {
        // Two entries under one key would hide each other; number the later ones.
        let unique = key;
        for (let n = 2; entries.some((e) => e.section === section && e.key === unique); n++) {
            unique = `${key} #${n}`;
        }
        entries.push({ section, key: unique, text });
    };
    for (const doc of YAML.parseAllDocuments(read(dir, "manifests.yaml") ?? "")) {
        const o = doc.toJSON();
        if (o && typeof o === "object") {
            add("kubernetes", objectKey(o), YAML.stringify(mask(o), { lineWidth: 0 }));
        }
    }
    for (const r of JSON.parse(read(dir, "alicloud.json") ?? "[]") as { type: string; name: string; inputs: unknown }[]) {
        add("alicloud", `${r.type} ${r.name}`, YAML.stringify(expandJson(mask(r.inputs)), { lineWidth: 0 }));
    }
    // pki/<cluster>/{ca,head,worker}.crt and pki/<cluster>/clients/<user>.crt: one CA per cluster.
    const pki = path.join(dir, "pki");
    const certs = fs.existsSync(pki)
        ? fs
              .readdirSync(pki, { recursive: true })
              .map((f) => String(f).split(path.sep).join("/"))
              .filter((f) => f.endsWith(".crt"))
              .sort()
        : [];
    for (const f of certs) {
        add("certificate", `Certificate ${f.replace(/\.crt$/, "")}`, describeCertificate(fs.readFileSync(path.join(pki, f), "utf8")));
    }
    // The policy pack's verdict per check, so that a change which breaks (or fixes) a policy says so.
    const posture = JSON.parse(read(dir, "posture.json") ?? "{}") as { checks?: { id: string; status: string; offending?: unknown }[] };
    for (const c of posture.checks ?? []) {
        add("posture", `Posture ${c.id}`, YAML.stringify({ status: c.status, offending: c.offending ?? [] }, { lineWidth: 0 }));
    }
    for (const [k, v] of Object.entries(JSON.parse(read(dir, "outputs.json") ?? "{}") as Record<string, unknown>)) {
        add("output", `output ${k}`, `${JSON.stringify(mask(v), null, 2)}\n`);
    }
    return entries;
}

/** Changes from `before` to `after`, by section; within one, in the new render's order, then the removed ones. */
export function compareRenders(before: readonly Entry[], after: readonly Entry[]): Change[] {
    const id = (e: Entry) => `${e.section}\u0000${e.key}`;
    const beforeById = new Map(before.map((e) => [id(e), e]));
    const afterIds = new Set(after.map(id));
    const changes: Change[] = [];
    for (const section of SECTIONS) {
        for (const e of after.filter((x) => x.section === section)) {
            const old = beforeById.get(id(e));
            if (!old) {
                changes.push({ kind: "+", section, key: e.key, before: "", after: e.text });
            } else if (old.text !== e.text) {
                changes.push({ kind: "~", section, key: e.key, before: old.text, after: e.text });
            }
        }
        for (const e of before.filter((x) => x.section === section && !afterIds.has(id(x)))) {
            changes.push({ kind: "-", section, key: e.key, before: e.text, after: "" });
        }
    }
    return changes;
}

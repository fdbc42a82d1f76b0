/**
 * Seed 8: long-lived AccessKeys leak through env, logs and `kubectl describe`; Ray pods get
 * short-lived STS credentials through RRSA instead. Messages never repeat the value found.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { accessKeyProblem } from "@ray-on-ack/common";
import { PolicyResource, isKind } from "../resource";
import { containersOf, podTemplates } from "../podTemplates";

/**
 * The stack config's detector (AK/SK-like names, `LTAI...` ids), asked about the name and the
 * value separately so that a message can say which one gave the key away.
 */
const namesAccessKey = (name: string): boolean => accessKeyProblem(name, "") !== undefined;
const holdsAccessKeyId = (value: string): boolean => accessKeyProblem("", value) !== undefined;

function containerFindings(r: PolicyResource): Finding[] {
    return podTemplates(r).flatMap((t) =>
        containersOf(t).flatMap((c) => {
            const env: any[] = c.container.env ?? [];
            return env.flatMap((e, i) => {
                const who = ` (container "${c.name}")`;
                const found: Finding[] = [];
                if (typeof e?.name === "string" && namesAccessKey(e.name)) {
                    found.push(violation(r, `${c.path}.env[${i}]`, `${e.name} names an access key; use RRSA instead of AK/SK${who}`));
                }
                if (typeof e?.value === "string" && holdsAccessKeyId(e.value)) {
                    found.push(
                        violation(r, `${c.path}.env[${i}].value`, `holds what looks like an AccessKey id; use RRSA instead of AK/SK${who}`),
                    );
                }
                return found;
            });
        }),
    );
}

/** Secrets and ConfigMaps are what `envFrom` loads: an AccessKey stored there ends up in the environment as well. */
function dataFindings(r: PolicyResource): Finding[] {
    const findings: Finding[] = [];
    const sections: Array<[string, (v: string) => string]> = [
        ["data", (v) => (isKind(r, "core", "Secret") ? Buffer.from(v, "base64").toString("utf8") : v)],
        ["stringData", (v) => v],
    ];
    for (const [section, decode] of sections) {
        const entries = Object.entries((r.props?.[section] ?? {}) as Record<string, unknown>);
        for (const [key, value] of entries) {
            const path = `${section}[${JSON.stringify(key)}]`;
            if (namesAccessKey(key)) {
                findings.push(violation(r, path, "names an access key; use RRSA instead of AK/SK"));
            } else if (typeof value === "string" && holdsAccessKeyId(decode(value))) {
                findings.push(violation(r, path, "holds what looks like an AccessKey id; use RRSA instead of AK/SK"));
            }
        }
    }
    return findings;
}

export const noAccessKeys: Check = {
    kind: "resource",
    id: POLICY_IDS.noAccessKeys,
    title: "No AccessKeys in env, Secrets or ConfigMaps",
    seedSection: "8",
    description:
        "seed 8: no container env, Secret or ConfigMap holds an Alibaba Cloud AccessKey (names like ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, AK/SK, or LTAI... values); use RRSA.",
    configKeys: [],
    appliesTo: (r) => podTemplates(r).length > 0 || isKind(r, "core", "Secret") || isKind(r, "core", "ConfigMap"),
    validate(r) {
        return isKind(r, "core", "Secret") || isKind(r, "core", "ConfigMap") ? dataFindings(r) : containerFindings(r);
    },
};

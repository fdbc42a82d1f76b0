/**
 * For the e2e Ray step's rogue node: the PKI our code would issue for another RayCluster of the
 * same team (same pod CIDR, so its certificates name the rogue's address; only the CA differs).
 * Real Ray must refuse it: trust is per cluster, not per team.
 *
 *   ts-node e2e/otherClusterPki.ts <stack> <stacks-dir> <out-dir> <policy-pack-config>
 * (the stack is validated as the program validates it: its secrets' stand-ins, and the platform's
 * lists and tenancy registry from the policy pack config, which its GCS fault tolerance needs)
 * writes <out-dir>/ca.crt, worker.crt and worker.key (0600), and clients/mallory.crt/.key: a Ray
 * Client certificate of that other cluster.
 */
import * as fs from "fs";
import * as path from "path";
import { validateStackConfig } from "../components/config/validate";
import { issuePki } from "../components/providers/pki";
import { pkiRequestsFor } from "../components/tls/request";
import { platformPolicyOf } from "@ray-on-ack/common/platformPolicy";
import { readPolicyPackConfig, readStackConfig } from "../program/stackFile";

const [stack, stacksDir, out, policyPackConfig] = process.argv.slice(2);
if (!stack || !stacksDir || !out || !policyPackConfig) {
    process.stderr.write("usage: ts-node e2e/otherClusterPki.ts <stack> <stacks-dir> <out-dir> <policy-pack-config>\n");
    process.exit(2);
}
const platform = platformPolicyOf(readPolicyPackConfig(policyPackConfig));
if (!platform.ok) {
    process.stderr.write(`${policyPackConfig}: ${platform.problems.join("; ")}\n`);
    process.exit(2);
}
const file = readStackConfig(stack, {}, stacksDir);
const r = validateStackConfig(file.config, file.secretKeys, { stack, platform: platform.value });
if (!r.ok || r.value.kind !== "team") {
    const why = r.ok ? "a platform stack" : r.issues.map((i) => `${i.key}: ${i.message}`).join("; ");
    process.stderr.write(`stack ${stack} is not a valid team stack: ${why}\n`);
    process.exit(2);
}
const [first] = pkiRequestsFor(r.value.config);
async function main(): Promise<void> {
    const other = await issuePki({ ...first, cluster: `${first.cluster}-other`, clients: ["mallory"] });
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "ca.crt"), other.caBundlePem);
    fs.writeFileSync(path.join(out, "worker.crt"), other.worker.certPem);
    fs.writeFileSync(path.join(out, "worker.key"), other.worker.keyPem, { mode: 0o600 });
    fs.mkdirSync(path.join(out, "clients"), { recursive: true });
    fs.writeFileSync(path.join(out, "clients", "mallory.crt"), other.clients.mallory.certPem);
    fs.writeFileSync(path.join(out, "clients", "mallory.key"), other.clients.mallory.keyPem, { mode: 0o600 });
    process.stdout.write(`${out}: the PKI of a RayCluster ${other.request.cluster} beside ${first.cluster}\n`);
}

main().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
});

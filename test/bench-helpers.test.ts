/** The benchmark helpers measure what they claim to: the right configs, requests and seed steps. No timings. */
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { TeamEnvironment } from "../components/stack/teamEnvironment";
import { teamEnvironmentArgs } from "../components/stack/teamArgs";
import { requestFromInputs } from "../components/tls/provider";
import { formatTable } from "../scripts/bench/report";
import { scaleRow } from "../scripts/bench/scale";
import { median, ratio } from "../scripts/bench/stats";
import { CLUSTERS_PER_TEAM, GROUPS_PER_CLUSTER, generatedTeam, keysIn, stackTeamConfig } from "../scripts/bench/teams";
import { pkiRequestsFor } from "../components/tls/request";
import { recordRegistrations } from "./helpers/mockRun";

describe("bench helpers", () => {
    it("takes medians of odd and even sample counts, and refuses none", () => {
        assert.equal(median([5, 1, 3]), 3);
        assert.equal(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]));
        assert.equal(ratio(3, 2), 1.5);
    });

    it("generates valid teams of 3 RayClusters with 3 worker groups each, on distinct /24s", () => {
        const teams = [0, 1, 49].map(generatedTeam);
        for (const t of teams) {
            assert.equal(t.clusters.length, CLUSTERS_PER_TEAM);
            t.clusters.forEach((c) => assert.equal(c.workerGroups.length, GROUPS_PER_CLUSTER));
        }
        assert.deepEqual(
            teams.map((t) => t.podCidrs),
            [["10.1.0.0/24"], ["10.2.0.0/24"], ["10.50.0.0/24"]],
        );
        assert.equal(new Set(teams.map((t) => t.team)).size, teams.length);
    });

    it("times the same PKI requests the program issues for team-a (one per cluster)", async () => {
        const config = stackTeamConfig("team-a");
        const resources = await recordRegistrations(() => [new TeamEnvironment(config.team, teamEnvironmentArgs(config)).clusters]);
        const byCluster = (a: { cluster: string }, b: { cluster: string }) => a.cluster.localeCompare(b.cluster);
        const registered = resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" && "podCidrs" in r.inputs);
        const reqs = pkiRequestsFor(config);
        assert.equal(reqs.length, 2);
        assert.deepEqual(registered.map((r) => requestFromInputs(r.inputs)).sort(byCluster), [...reqs].sort(byCluster));
        const keys = new Set(
            registered.flatMap((r) => {
                const state = r.state.secretState;
                return [state.ca.keyPem, state.head.keyPem, state.worker.keyPem, ...Object.values<any>(state.clients).map((c) => c.keyPem)];
            }),
        );
        assert.equal(keysIn(reqs), keys.size);
    });

    it("derives per-team and per-registration costs with PKI apart", () => {
        const row = scaleRow({ teams: 10, registrations: 500, wallMs: 2000, pkiMs: 1500, rssBeforeMiB: 100, peakRssMiB: 150, peakHeapUsedMiB: 80 });
        assert.equal(row.perTeamMs, 200);
        assert.equal(row.perTeamWithoutPkiMs, 50);
        assert.equal(row.perRegistrationWithoutPkiMs, 1);
        assert.equal(row.rssPerTeamMiB, 5);
    });

    it("prints a Markdown table with a header rule and aligned columns", () => {
        const table = formatTable([{ bench: "b", measure: "m", value: "1 ms", pass: false }]).split("\n");
        assert.equal(table.length, 3);
        assert.match(table[1], /^\|-+\|/);
        assert.ok(table[2].includes("| NO "));
        assert.equal(new Set(table.map((l) => l.length)).size, 1);
    });

    it("reproduces the seed's init container: a key and a CA-signed certificate with the pod IP SAN", function () {
        if (spawnSync("openssl", ["version"]).status !== 0) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-seed-"));
        try {
            const ca = path.join(dir, "ca");
            fs.mkdirSync(ca);
            const mk = spawnSync("openssl", ["req", "-x509", "-nodes", "-newkey", "rsa:2048", "-subj", "/CN=t", "-keyout", `${ca}/ca.key`, "-out", `${ca}/ca.crt`]);
            assert.equal(mk.status, 0, String(mk.stderr));
            const script = path.join(__dirname, "..", "scripts", "bench", "seed-gencert.sh");
            const run = spawnSync("sh", [script, ca, `${dir}/pod`], { env: { ...process.env, POD_IP: "10.64.1.2" } });
            assert.equal(run.status, 0, String(run.stderr));
            const cert = new crypto.X509Certificate(fs.readFileSync(`${dir}/pod/tls.crt`));
            assert.ok(cert.checkIssued(new crypto.X509Certificate(fs.readFileSync(`${ca}/ca.crt`))));
            assert.match(cert.subjectAltName ?? "", /IP Address:10\.64\.1\.2/);
            const key = crypto.createPrivateKey(fs.readFileSync(`${dir}/pod/tls.key`));
            assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/** The benchmark helpers measure what they claim to: the right configs, requests and seed steps. No timings. */
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { TeamEnvironment } from "../../components/team/teamEnvironment";
import { parsedTeamArgs } from "../../components/team/teamArgs";
import { requestFromInputs } from "../../components/providers/pkiResource";
import { formatTable } from "./report";
import { scaleRow } from "./scale";
import { childrenCpuMs, median, pairedRatios, ratio } from "./stats";
import { FLOOR_SCRIPT, phaseSplit } from "./programCost";
import { createdCount } from "./preview";
import { CLUSTERS_PER_TEAM, GROUPS_PER_CLUSTER, generatedTeam, keysIn, stackTeamConfig } from "./teams";
import { pkiRequestsFor } from "../../components/tls/request";
import { recordRegistrations, tenancyAsTest } from "../../test/helpers/mockRun";
import { repoPlatform } from "../../test/helpers/configs";

describe("bench helpers", () => {
    it("takes medians of odd and even sample counts, and refuses none", () => {
        assert.equal(median([5, 1, 3]), 3);
        assert.equal(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]));
        assert.equal(ratio(3, 2), 1.5);
    });

    it("pairs samples by position for paired ratios, and refuses sides that do not pair up", () => {
        assert.deepEqual(pairedRatios([3, 10, 4], [2, 5, 4]), [1.5, 2, 1]);
        assert.equal(median(pairedRatios([3, 10, 4], [2, 5, 4])), 1.5);
        assert.throws(() => pairedRatios([1, 2], [1]), /must pair up/);
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
        // As the program does: with the platform's registry (team-a's notebooks dashboard signs people in with its SSO provider).
        const platformPolicy = { ...repoPlatform().lists, ...tenancyAsTest(config.team) };
        const resources = await recordRegistrations(() => [
            new TeamEnvironment(config.team, { ...parsedTeamArgs(config), platformPolicy }).clusters,
        ]);
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
        const row = scaleRow({
            teams: 10,
            registrations: 500,
            wallMs: 2000,
            pkiMs: 1500,
            rssBeforeMiB: 100,
            peakRssMiB: 150,
            peakHeapUsedMiB: 80,
        });
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
            const mk = spawnSync("openssl", [
                "req",
                "-x509",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-subj",
                "/CN=t",
                "-keyout",
                `${ca}/ca.key`,
                "-out",
                `${ca}/ca.crt`,
            ]);
            assert.equal(mk.status, 0, String(mk.stderr));
            const script = path.join(__dirname, "seed-gencert.sh");
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

    it("splits the render at its phase marks, loading from process start", () => {
        const split = phaseSplit({
            marks: { "render:loaded": 900, "render:checked": 1000, "render:ran": 1600, "render:posture": 1700 },
            exit: 1750,
            keys: { pooled: 7, generated: 0 },
        });
        assert.deepEqual(split, { loading: 900, configAndCrossStack: 100, mockRun: 600, postureAndFiles: 100, writeAndExit: 50 });
        assert.throws(() => phaseSplit({ marks: { "render:loaded": 1 }, exit: 2, keys: { pooled: 0, generated: 0 } }), /"checked" mark/);
    });

    it("the renderer sets every phase mark the split reads", () => {
        const src = fs.readFileSync(path.join(__dirname, "..", "..", "render", "render.ts"), "utf8");
        for (const m of ["loaded", "checked", "ran", "posture"]) assert.ok(src.includes(`performance.mark("render:${m}")`), m);
    });

    it("the keygen-excluded render answers RSA keygen from the pool, and falls back to real generation when it runs dry", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-probe-"));
        try {
            const key = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
            const pool = path.join(dir, "keys.json");
            fs.writeFileSync(pool, JSON.stringify([{ bits: 2048, pem: key.export({ type: "pkcs8", format: "pem" }) }]));
            const phases = path.join(dir, "phases.json");
            const script = `
                const crypto = require("crypto");
                const gen = () => new Promise((ok, ko) => crypto.generateKeyPair("rsa", { modulusLength: 2048 }, (e, pub, priv) => (e ? ko(e) : ok([pub, priv]))));
                require("perf_hooks").performance.mark("render:loaded");
                gen().then(async ([pub, priv]) => {
                    const [, other] = await gen();
                    console.log(JSON.stringify({ pub: pub.export({ type: "spki", format: "pem" }), priv: priv.export({ type: "pkcs8", format: "pem" }), other: other.export({ type: "pkcs8", format: "pem" }) }));
                });`;
            const r = spawnSync(process.execPath, ["-r", path.join(__dirname, "renderProbe.js"), "-e", script], {
                env: { ...process.env, BENCH_KEY_POOL: pool, BENCH_PHASES: phases },
                encoding: "utf8",
            });
            assert.equal(r.status, 0, r.stderr);
            const out = JSON.parse(r.stdout);
            assert.equal(out.priv, key.export({ type: "pkcs8", format: "pem" }), "the pooled key");
            assert.equal(out.pub, crypto.createPublicKey(key).export({ type: "spki", format: "pem" }));
            assert.notEqual(out.other, out.priv, "the second request is generated");
            const p = JSON.parse(fs.readFileSync(phases, "utf8"));
            assert.deepEqual(p.keys, { pooled: 1, generated: 1 });
            assert.ok(p.marks["render:loaded"] > 0 && p.exit >= p.marks["render:loaded"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the floor is plain node loading the three provider SDKs, and nothing of ours", () => {
        const mods = [...FLOOR_SCRIPT.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.deepEqual(mods, ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/alicloud"]);
    });

    it("reads a preview's resource count and children's CPU time", () => {
        assert.equal(createdCount("Resources:\n    + 44 to create\n"), 44);
        assert.equal(createdCount("Resources:\n    3 unchanged\n"), undefined);
        if (process.platform === "linux") {
            const before = childrenCpuMs()!;
            spawnSync(process.execPath, ["-e", "const t = Date.now(); while (Date.now() - t < 300);"]);
            assert.ok(childrenCpuMs()! - before >= 100, "a child's busy loop shows in its CPU time");
        }
    });
});

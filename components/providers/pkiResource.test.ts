import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { reviveSerialized } from "../../test/helpers/serialized";
import { ANNOTATIONS, names } from "../core/naming";
import { certInfo, PkiRequest, splitPemBundle, PKI_DEFAULTS } from "./pki";
import { createRayPkiOutputs, rayPkiMockAnswer, rayPkiProvider, RayPkiOutputs } from "./pkiResource";
import { TeamPki } from "../tls/teamPki";

const DAY = 86_400_000;

const request: PkiRequest = {
    team: "team-a",
    namespace: "ray-team-a",
    podCidrs: ["10.0.0.0/30", "10.0.1.0/30"],
    cluster: "c1",
    clients: ["alice"],
    ...PKI_DEFAULTS,
};
/** What the provider host passes: the inputs plus the serialized provider. */
const inputs = (req: PkiRequest = request): Record<string, unknown> => ({ ...req, __provider: "serialized provider text" });

const provider = rayPkiProvider as Required<pulumi.dynamic.ResourceProvider>;

describe("providers/pkiResource", () => {
    let created: { id: string; outs: RayPkiOutputs };
    before(async () => {
        created = (await provider.create(inputs())) as typeof created;
    });

    describe("create", () => {
        it("returns the certificates as plain outputs and the keys only inside secretState", () => {
            const { secretState, ...plain } = created.outs;
            assert.match(created.id, /^team-a-c1-/);
            assert.equal(plain.caCertPem, secretState.ca.certPem);
            assert.equal(plain.headCertPem, secretState.head.certPem);
            assert.equal(plain.workerCertPem, secretState.worker.certPem);
            assert.equal(plain.fingerprint, secretState.fingerprint);
            assert.equal(plain.clientCerts.alice, secretState.clients.alice.certPem);
            assert.doesNotMatch(JSON.stringify(plain), /PRIVATE KEY/);
            assert.match(secretState.ca.keyPem, /PRIVATE KEY/);
            assert.deepEqual(secretState.request, request, "__provider is not part of the request");
            assert.deepEqual(certInfo(plain.headCertPem).ipSans.length, 1 + 8);
            // Outputs and inputs share one property namespace: an output named like an input would erase it.
            assert.deepEqual(
                Object.keys(created.outs).filter((k) => k in request),
                [],
            );
        });

        it("check reports bad pod CIDRs against the podCidrs property", async () => {
            const bad = await provider.check({}, inputs({ ...request, podCidrs: ["10.0.0.0/24", "10.0.0.0/25"] }));
            assert.equal(bad.failures?.length, 1);
            assert.equal(bad.failures?.[0].property, "podCidrs");
            assert.match(bad.failures![0].reason, /overlap/);
            assert.deepEqual((await provider.check({}, inputs())).failures, []);
        });
    });

    describe("diff", () => {
        it("reports no change when nothing changed", async () => {
            assert.deepEqual(await provider.diff(created.id, created.outs, inputs()), {
                changes: false,
                replaces: [],
                deleteBeforeReplace: false,
            });
        });

        it("reports no change when only the order of the pod CIDRs changed", async () => {
            const swapped = inputs({ ...request, podCidrs: [...request.podCidrs].reverse() });
            assert.equal((await provider.diff(created.id, created.outs, swapped)).changes, false);
        });

        it("replaces on a SAN change (pod CIDRs, namespace), a key size change and another cluster", async () => {
            for (const [key, value] of [
                ["podCidrs", ["10.0.0.0/30"]],
                ["namespace", "ray-other"],
                ["keySize", 3072],
                ["cluster", "c2"],
            ] as const) {
                const d = await provider.diff(created.id, created.outs, inputs({ ...request, [key]: value }));
                assert.equal(d.changes, true, key);
                assert.deepEqual(d.replaces, [key]);
            }
        });

        it("updates in place for rotation, validity and clients", async () => {
            for (const change of [{ rotation: 1 }, { caRotation: 1 }, { leafValidityDays: 200 }, { clients: [] }]) {
                const d = await provider.diff(created.id, created.outs, inputs({ ...request, ...change }));
                assert.deepEqual([d.changes, d.replaces], [true, []], JSON.stringify(change));
            }
        });

        it("reports a change when a value is not known yet (preview)", async () => {
            const d = await provider.diff(created.id, created.outs, { ...inputs(), rotation: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
            assert.equal(d.changes, true);
        });

        it("reports a change when the inputs are the same but a leaf entered its renew window, and update renews it", async () => {
            const old = await createRayPkiOutputs(inputs(), new Date(Date.now() - 340 * DAY));
            const d = await provider.diff("id", old, inputs());
            assert.deepEqual([d.changes, d.replaces], [true, []]);

            const updated = (await provider.update("id", old, inputs())).outs as RayPkiOutputs;
            assert.equal(updated.caCertPem, old.caCertPem);
            assert.notEqual(updated.headCertPem, old.headCertPem);
            assert.notEqual(updated.fingerprint, old.fingerprint);
            assert.equal((await provider.diff("id", updated, inputs())).changes, false);
        });
    });

    describe("update", () => {
        it("keeps everything when nothing changed", async () => {
            const updated = (await provider.update(created.id, created.outs, inputs())).outs;
            assert.deepEqual(updated, created.outs);
        });

        it("rotates the CA with both CAs in the bundle", async () => {
            const updated = (await provider.update(created.id, created.outs, inputs({ ...request, caRotation: 1 }))).outs as RayPkiOutputs;
            assert.deepEqual(splitPemBundle(updated.caBundlePem), [updated.caCertPem, created.outs.caCertPem]);
            assert.equal(certInfo(updated.headCertPem).authorityKeyId, certInfo(updated.caCertPem).subjectKeyId);
        });
    });

    describe("closure serialization", () => {
        it("serializes as Pulumi serializes it and issues certificates from a fresh vm context", async () => {
            const revived = await reviveSerialized(rayPkiProvider);

            const { id, outs } = await revived.create(inputs());
            assert.match(id, /^team-a-c1-/);
            const head = new crypto.X509Certificate(outs.headCertPem);
            assert.ok(head.checkIssued(new crypto.X509Certificate(outs.caCertPem)));
            assert.ok(head.verify(new crypto.X509Certificate(outs.caCertPem).publicKey));
            assert.match(head.subjectAltName!, /IP Address:10\.0\.1\.3/);
            assert.equal((await revived.diff(id, outs, inputs())).changes, false);
        });
    });
});

describe("tls/RayPki and TeamPki under the mock runtime", () => {
    const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    const secretOutputs = new Map<string, string[]>();
    /** The URNs each registration waits for (explicit dependsOn and the inputs' resources), by name. */
    const dependencies = new Map<string, string[]>();
    let namespaceResource: pulumi.CustomResource;
    const mocksModule = require("@pulumi/pulumi/runtime/mocks");
    const original = mocksModule.MockMonitor.prototype.registerResource;
    let team: TeamPki;

    /** Secret inputs reach the mock as `{ <secret signature>: ..., value }`. */
    const unwrapSecret = (v: unknown): unknown => (v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v);
    const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

    before(async function () {
        this.timeout(30_000); // a failed mock registration hangs instead of failing
        // The mock monitor drops resource options before `newResource`; record additionalSecretOutputs here.
        mocksModule.MockMonitor.prototype.registerResource = function (
            req: { getName(): string; getAdditionalsecretoutputsList(): string[]; getDependenciesList(): string[] },
            cb: unknown,
        ) {
            secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
            dependencies.set(req.getName(), req.getDependenciesList());
            return original.call(this, req, cb);
        };
        await pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                    if (args.type === "pulumi-nodejs:dynamic:Resource") {
                        return { id: `${args.name}-id`, state: await rayPkiMockAnswer.state(args.inputs) };
                    }
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "ray-on-ack",
            "team-a",
            false,
        );
        namespaceResource = new corev1.Namespace("ns-ray-team-a", {});
        team = new TeamPki("team-a", {
            team: "team-a",
            namespace: pulumi.output("ray-team-a"),
            podCidrs: ["10.0.0.0/30"],
            clusters: [{ name: "c1", clients: ["alice"] }, { name: "job1" }],
            secretsDependOn: [namespaceResource],
        });
        const { c1, job1 } = team.clusters;
        await value(pulumi.all([c1.fingerprint, job1.fingerprint, c1.clientKeyPems, c1.secrets.head.id, job1.secrets.worker.id]));
    });

    after(() => {
        mocksModule.MockMonitor.prototype.registerResource = original;
    });

    it("creates one RayPki per cluster, a dynamic resource whose secretState is an additional secret output", () => {
        const pkis = registered.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource").sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(
            pkis.map((r) => r.name),
            ["team-a-c1-pki", "team-a-job1-pki"],
        );
        for (const pki of pkis) {
            assert.equal(typeof pki.inputs.__provider, "string");
            assert.deepEqual(secretOutputs.get(pki.name), ["secretState"]);
            assert.equal(pki.inputs.keySize, 2048, "defaults applied");
        }
        assert.deepEqual(
            pkis.map((r) => [r.inputs.cluster, r.inputs.clients]),
            [
                ["c1", ["alice"]],
                ["job1", []],
            ],
        );
    });

    it("makes the Secrets wait for the namespace and the PKI resources wait for nothing (they start the dynamic-provider host early)", async () => {
        const ns = await value(namespaceResource.urn);
        const secrets = registered.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.name);
        assert.equal(secrets.length, 4);
        for (const name of secrets) {
            assert.ok(dependencies.get(name)?.includes(ns), `${name} waits for the namespace: ${dependencies.get(name)}`);
        }
        for (const name of ["team-a-c1-pki", "team-a-job1-pki"]) {
            assert.deepEqual(dependencies.get(name), [], `${name} waits for nothing`);
        }
    });

    const secretData = () =>
        registered
            .filter((r) => r.type === "kubernetes:core/v1:Secret")
            .map((s) => ({
                ...s,
                decoded: Object.fromEntries(
                    Object.entries(unwrapSecret(s.inputs.data) as Record<string, unknown>).map(([k, v]) => [
                        k,
                        Buffer.from(unwrapSecret(v) as string, "base64").toString(),
                    ]),
                ),
            }));

    it("creates head and worker Secrets per cluster (none for clients), with tls.crt, tls.key and ca.crt only", async () => {
        const secrets = secretData();
        assert.deepEqual(secrets.map((s) => s.name).sort(), [
            "team-a-c1-tls-head",
            "team-a-c1-tls-worker",
            "team-a-job1-tls-head",
            "team-a-job1-tls-worker",
        ]);
        assert.deepEqual(
            secrets.map((s) => (s.inputs.metadata as { name: string }).name).sort(),
            [
                names.tlsSecret("c1", "head"),
                names.tlsSecret("c1", "worker"),
                names.tlsSecret("job1", "head"),
                names.tlsSecret("job1", "worker"),
            ].sort(),
        );
        const states = { c1: await value(team.clusters.c1.pki.secretState), job1: await value(team.clusters.job1.pki.secretState) };
        assert.notEqual(states.c1.caBundlePem, states.job1.caBundlePem, "each cluster's ca.crt holds its own CA");
        for (const s of secrets) {
            const state = s.name.includes("-c1-") ? states.c1 : states.job1;
            assert.equal(s.inputs.type, "kubernetes.io/tls");
            assert.notEqual(unwrapSecret(s.inputs.data), s.inputs.data, `${s.name}: data is a secret`);
            assert.equal(typeof (s.inputs.metadata as { name: unknown }).name, "string", "metadata stays readable");
            assert.equal((s.inputs.metadata as { namespace: string }).namespace, "ray-team-a");
            assert.deepEqual(Object.keys(s.decoded).sort(), ["ca.crt", "tls.crt", "tls.key"]);
            assert.equal(s.decoded["ca.crt"], state.caBundlePem);
        }
        const head = secrets.find((s) => s.name === "team-a-c1-tls-head")!;
        assert.equal(head.decoded["tls.crt"], states.c1.head.certPem);
        assert.equal(head.decoded["tls.key"], states.c1.head.keyPem);
    });

    it("never puts the CA key (or the CA certificate as tls.crt) into a Secret", async () => {
        const caKeys = [
            (await value(team.clusters.c1.pki.secretState)).ca.keyPem,
            (await value(team.clusters.job1.pki.secretState)).ca.keyPem,
        ];
        const caKeyBodies = caKeys.map((k) => k.split("\n").slice(1, -2).join(""));
        for (const s of secretData()) {
            for (const text of Object.values(s.decoded)) {
                for (const body of caKeyBodies) assert.ok(!text.replace(/\n/g, "").includes(body), `${s.name} holds a CA key`);
            }
            assert.equal(new crypto.X509Certificate(s.decoded["tls.crt"]).ca, false);
        }
    });

    it("exposes each cluster's fingerprint (for the pod annotation) and CA in the clear, and client keys as secrets", async () => {
        const { c1, job1 } = team.clusters;
        assert.match(await value(c1.fingerprint), /^[0-9a-f]{64}$/);
        assert.notEqual(await value(c1.fingerprint), await value(job1.fingerprint));
        assert.ok(ANNOTATIONS.tlsFingerprint);
        assert.equal(await pulumi.isSecret(c1.fingerprint), false);
        assert.equal(await pulumi.isSecret(c1.caBundlePem), false);
        assert.equal(await pulumi.isSecret(c1.clientKeyPems), true);
        assert.match((await value(c1.clientKeyPems)).alice, /PRIVATE KEY/);
        assert.match((await value(c1.clientCertPems)).alice, /BEGIN CERTIFICATE/);
        assert.deepEqual(await value(job1.clientCertPems), {}, "a client belongs to the clusters it names only");
    });
});

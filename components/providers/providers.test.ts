/** The Ray token and basic-auth hash providers, called directly and after closure serialization. */
import { strict as assert } from "assert";
import { rayTokenMockAnswer, rayTokenProvider } from "./rayToken";
import { htpasswdMatches, passwordHashMockAnswer, passwordHashProvider } from "./passwordHash";
import { answers } from "./dynamicMock";
import { rayPkiMockAnswer } from "./pkiResource";
import { reviveSerialized } from "../../test/helpers/serialized";

describe("RayToken provider", () => {
    it("creates a 32-byte random token and keeps it until the rotation counter changes", async () => {
        const a = await rayTokenProvider.create!({ cluster: "c1", rotation: 0 });
        const b = await rayTokenProvider.create!({ cluster: "c1", rotation: 0 });
        assert.match(a.outs.token, /^[0-9a-f]{64}$/);
        assert.notEqual(a.outs.token, b.outs.token);
        assert.deepEqual(await rayTokenProvider.diff!(a.id, a.outs, { cluster: "c1", rotation: 0 }), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const rotated = await rayTokenProvider.diff!(a.id, a.outs, { cluster: "c1", rotation: 1 });
        assert.deepEqual(rotated.replaces, ["rotation"]);
    });

    it("survives closure serialization", async () => {
        const revived = await reviveSerialized(rayTokenProvider);
        const { outs } = await revived.create({ cluster: "c1", rotation: 0 });
        assert.match(outs.token, /^[0-9a-f]{64}$/);
    });
});

describe("PasswordHash provider", () => {
    it("survives closure serialization and stores only a bcrypt line", async () => {
        const revived = await reviveSerialized(passwordHashProvider);
        const { outs } = await revived.create({ username: "ops", password: "Kq7#mVz2pL" });
        assert.deepEqual(Object.keys(outs).sort(), ["htpasswd", "username"]);
        assert.ok(htpasswdMatches(outs.htpasswd, "ops", "Kq7#mVz2pL"));
        assert.equal((await revived.diff("id", outs, { username: "ops", password: "Kq7#mVz2pL" })).changes, false);
    });
});

describe("dynamic providers' mock answers (what the renderer and tests store under Pulumi mocks)", () => {
    const token = { cluster: "c1", rotation: 0, token: undefined };
    const hash = { username: "alice", password: "pw", htpasswd: undefined };

    it("each registration is answered by its own provider only, from the inputs it carries", () => {
        assert.deepEqual(
            [rayTokenMockAnswer, passwordHashMockAnswer].map((a) => answers(a, token)),
            [true, false],
        );
        assert.deepEqual(
            [rayTokenMockAnswer, passwordHashMockAnswer].map((a) => answers(a, hash)),
            [false, true],
        );
        // A PKI request names the cluster and a rotation too: the token's answer must not take it.
        const pki = Object.fromEntries(rayPkiMockAnswer.inputKeys.map((k) => [k, 1]));
        assert.deepEqual(
            [rayPkiMockAnswer, rayTokenMockAnswer].map((a) => answers(a, pki)),
            [true, false],
        );
        // `workload` is optional (RayServices only): a RayCluster's PKI without it is still the PKI's, and nothing else is.
        const { workload: _w, ...clusterPki } = pki;
        void _w;
        assert.deepEqual(
            [rayPkiMockAnswer, rayTokenMockAnswer].map((a) => answers(a, clusterPki)),
            [true, false],
        );
        const { cluster: _c, ...noCluster } = clusterPki;
        void _c;
        assert.equal(answers(rayPkiMockAnswer, noCluster), false, "a required key stays required");
    });

    it("answers with what create stores", async () => {
        const state = await rayTokenMockAnswer.state(token);
        assert.deepEqual(Object.keys(state).sort(), ["cluster", "rotation", "token"]);
        assert.match(String(state.token), /^[0-9a-f]{64}$/);
        const line = String((await passwordHashMockAnswer.state(hash)).htpasswd);
        assert.ok(htpasswdMatches(line, "alice", "pw"));
    });
});

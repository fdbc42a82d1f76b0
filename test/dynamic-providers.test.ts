/** The Ray token and basic-auth hash providers, called directly and after closure serialization. */
import { strict as assert } from "assert";
import { rayTokenProvider } from "../components/resources/rayToken";
import { htpasswdMatches, passwordHashProvider } from "../components/resources/passwordHash";
import { reviveSerialized } from "./helpers/serialized";

describe("RayToken provider", () => {
    it("creates a 32-byte random token and keeps it until the rotation counter changes", async () => {
        const a = await rayTokenProvider.create!({ cluster: "c1", rotation: 0 });
        const b = await rayTokenProvider.create!({ cluster: "c1", rotation: 0 });
        assert.match(a.outs.token, /^[0-9a-f]{64}$/);
        assert.notEqual(a.outs.token, b.outs.token);
        assert.deepEqual(await rayTokenProvider.diff!(a.id, a.outs, { cluster: "c1", rotation: 0 }), { changes: false, replaces: [], deleteBeforeReplace: false });
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

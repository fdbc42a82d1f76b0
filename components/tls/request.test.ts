/**
 * PkiRequest's fields are listed once (PKI_REQUEST_FIELDS, components/providers/pki.ts): the provider's
 * input keys, TeamPki's settings and defaults, the stack schema's `tls` section and a team's
 * requests derive from it, and the public args (components/args.ts) are checked against it here.
 * A field added in one place only fails `npm run typecheck` (the `Equal` checks below, the
 * `satisfies` in pki.ts and tls/model.ts) or one of these tests.
 */
import * as assert from "assert";
import type { Tls } from "../args";
import {
    PKI_DEFAULTS,
    PKI_REQUEST_FIELDS,
    PKI_REQUEST_KEYS,
    PKI_SETTING_KEYS,
    type PkiRequest,
    type PkiSettingKey,
} from "../providers/pki";
import type { TeamPkiSettings } from "./teamPki";
import { requestFromInputs } from "../providers/pkiResource";
import { pkiRequestsFor } from "./request";
import { tlsSchema, type TlsConfig } from "./model";
import { parsed, withKey } from "../../test/helpers/configs";

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Each is `true` only when the two key sets are equal; otherwise tsc refuses the assignment.
const table: Equal<keyof typeof PKI_REQUEST_FIELDS, keyof PkiRequest> = true;
const publicArgs: Equal<Exclude<keyof Tls, "clients">, PkiSettingKey> = true;
const stackSchema: Equal<Exclude<keyof TlsConfig, "clients">, PkiSettingKey> = true;
const teamPki: Equal<keyof TeamPkiSettings, PkiSettingKey> = true;
const sameKeys = { table, publicArgs, stackSchema, teamPki };

describe("PkiRequest: its fields listed once", () => {
    it("the public args, the stack schema and TeamPki name exactly PkiRequest's settings (checked by tsc)", () => {
        assert.deepStrictEqual(sameKeys, { table: true, publicArgs: true, stackSchema: true, teamPki: true });
        assert.deepStrictEqual(
            PKI_REQUEST_KEYS.slice(0, 5),
            ["team", "namespace", "podCidrs", "cluster", "clients"],
            "the provider's input order",
        );
    });

    it("the schema's tls section and the defaults hold every setting and nothing else", () => {
        assert.deepStrictEqual(
            Object.keys(tlsSchema.shape).filter((k) => k !== "clients"),
            PKI_SETTING_KEYS,
        );
        assert.deepStrictEqual(Object.keys(PKI_DEFAULTS), PKI_SETTING_KEYS);
        assert.deepStrictEqual(PKI_SETTING_KEYS, [
            "keySize",
            "leafValidityDays",
            "caValidityDays",
            "renewBeforeDays",
            "rotation",
            "caRotation",
            "caOverlapDays",
        ]);
    });

    it("a team's requests carry every field, with the stack's settings", () => {
        const r = parsed("team-a", (raw) => withKey(raw, "tls", { keySize: 3072, rotation: 4, caOverlapDays: 7 }));
        assert.ok(r.ok && r.value.kind === "team", JSON.stringify(r));
        const requests = pkiRequestsFor(r.value.config);
        assert.ok(requests.length >= 2);
        for (const req of requests) {
            const required = PKI_REQUEST_KEYS.filter((k) => PKI_REQUEST_FIELDS[k] !== "optional");
            assert.deepStrictEqual(
                Object.keys(req).filter((k) => required.includes(k as keyof PkiRequest)),
                required,
            );
            assert.deepStrictEqual(
                [req.keySize, req.rotation, req.caOverlapDays, req.leafValidityDays],
                [3072, 4, 7, PKI_DEFAULTS.leafValidityDays],
            );
        }
    });

    it("the provider reads every field back from its inputs", () => {
        const r = parsed("team-a");
        assert.ok(r.ok && r.value.kind === "team");
        const req = { ...pkiRequestsFor(r.value.config)[0], workload: "RayService" as const };
        assert.deepStrictEqual(requestFromInputs({ ...req, __provider: "serialized", caCertPem: undefined }), req);
    });
});

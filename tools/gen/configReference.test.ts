/**
 * The configuration reference (docs/configuration.md) is generated from the schemas (`npm run docs:config`):
 * every key carries a description, the document holds exactly what the generator writes, and the
 * generator reads types, defaults and constraints from zod rather than from prose.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { platformConfigSchema, teamConfigSchema } from "../../components/config/model";
import {
    REFERENCE_BEGIN,
    REFERENCE_END,
    REFERENCE_FILE,
    configReferenceMarkdown,
    referenceRows,
    undocumentedKeys,
    withReference,
} from "./configReference";
import { ROOT } from "../../test/helpers/render";
import { docFiles } from "../../test/helpers/markdown";

const reference = () => fs.readFileSync(path.join(ROOT, REFERENCE_FILE), "utf8");

describe("configuration reference (generated from the schema)", () => {
    it("every key of the team and platform stack schemas has a description (add .describe() to the ones listed)", () => {
        assert.deepEqual(undocumentedKeys(referenceRows(teamConfigSchema)), []);
        assert.deepEqual(undocumentedKeys(referenceRows(platformConfigSchema)), []);
    });

    it("docs/configuration.md holds the reference the schema generates (stale: run npm run docs:config)", () => {
        assert.equal(REFERENCE_FILE, "docs/configuration.md");
        const text = reference();
        assert.ok(text.includes(REFERENCE_BEGIN) && text.includes(REFERENCE_END), "the markers");
        const generated = withReference(text, configReferenceMarkdown(teamConfigSchema, platformConfigSchema));
        assert.ok(generated === text, `${REFERENCE_FILE}'s configuration reference is stale: run npm run docs:config`);
    });

    it("lists every top-level key of both schemas, the workload keys and the discriminated exposure options", () => {
        const text = reference();
        for (const key of Object.keys(teamConfigSchema.shape).concat(Object.keys(platformConfigSchema.shape))) {
            assert.ok(text.includes(`| \`${key}\` |`), key);
        }
        for (const row of [
            /^\| `workerGroups\[\]\.shmSize` \| all \| quantity \| - \| +\| Size of the memory-backed \/dev\/shm/m,
            /^\| `exposure\.certId` \(`mode: loadbalancer`\) \| `clusters`, `services` \| string \| - \| matches `/m,
            /^\| `entrypoint` \| `jobs` \| string \| required \| at least 1 character \|/m,
        ]) {
            assert.ok(row.test(text), `no row ${row}`);
        }
    });

    it("reads types, defaults, requiredness, constraints and descriptions from zod, and reports an undescribed key by its path", () => {
        const schema = z.strictObject({
            name: z
                .string()
                .max(8)
                .regex(/^[a-z]+$/)
                .describe("A name."),
            size: z.number().int().min(1).max(9).default(3).describe("A size."),
            mode: z.enum(["a", "b"]).optional().describe("A mode."),
            items: z
                .array(z.strictObject({ port: z.number().int().describe("A port."), note: z.string().optional() }))
                .min(1)
                .describe("Items."),
            nested: z
                .strictObject({ flag: z.boolean().default(false).describe("A flag.") })
                .default({ flag: false })
                .describe("Nested."),
            pick: z
                .discriminatedUnion("kind", [
                    z.strictObject({ kind: z.literal("x"), x: z.string().describe("X.") }),
                    z.strictObject({ kind: z.literal("y") }),
                ])
                .describe("A choice."),
        });
        const rows = referenceRows(schema);
        const row = (p: string) => rows.find((r) => r.path === p);
        assert.deepEqual(row("name"), {
            path: "name",
            type: "string",
            default: "required",
            constraints: "at most 8 characters; matches `^[a-z]+$`",
            description: "A name.",
        });
        assert.deepEqual(row("size"), { path: "size", type: "integer", default: "`3`", constraints: ">= 1; <= 9", description: "A size." });
        assert.deepEqual(row("mode"), { path: "mode", type: "`a` \\| `b`", default: "-", constraints: "", description: "A mode." });
        assert.equal(row("items")?.constraints, "at least 1 item");
        assert.equal(row("nested")?.default, "its keys' defaults");
        assert.equal(row("nested.flag")?.default, "`false`");
        assert.deepEqual(row("pick.x"), {
            path: "pick.x",
            when: "kind: x",
            type: "string",
            default: "required",
            constraints: "",
            description: "X.",
        });
        assert.deepEqual(undocumentedKeys(rows), ["items[].note"]);
    });

    it("writes between the markers only, and refuses a document without them", () => {
        const doc = `intro\n${REFERENCE_BEGIN}\nold\n${REFERENCE_END}\nafter\n`;
        assert.equal(withReference(doc, "new\n"), `intro\n${REFERENCE_BEGIN}\n\nnew\n\n${REFERENCE_END}\nafter\n`);
        assert.throws(() => withReference("no markers", "x"), /^Error: docs\/configuration\.md has no "<!-- config-reference:begin/);
    });

    it("the README, docs/ and the policy pack's README cite the seed article by title, not a path users lack", () => {
        for (const file of [...docFiles(), "policy/README.md"]) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            assert.doesNotMatch(text, /shared\/seed/, file);
        }
        assert.match(
            fs.readFileSync(path.join(ROOT, "README.md"), "utf8"),
            /Ray on ACK 最佳实践,保障 AI 数据处理\/训练\/推理等环境的安全部署/,
        );
    });
});

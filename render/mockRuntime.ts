/**
 * Runs the real program (index.ts) under Pulumi's mock runtime and records every
 * resource it registers. Lookups get realistic answers from ./mockAnswers; any other
 * invoke is an error, so a new lookup cannot slip into the program unnoticed.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_RESOURCE_TYPE, mockDynamicState, unwrapSecrets } from "../components/testing";
import { answerInvoke, type MockContext } from "./mockAnswers";
import { answerResourceState } from "./mockAnswers";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly state: Record<string, any>;
    /** The explicit provider's reference (`urn::id`), when it has one. */
    readonly provider?: string;
}

/** Ids shaped like the real ones (`acl-…`, `vsw-…`), derived from the name so renders stay stable. */
function mockId(type: string, name: string): string {
    const prefix: Record<string, string> = { "alicloud:slb/acl:Acl": "acl", "alicloud:vpc/switch:Switch": "vsw" };
    const p = prefix[type];
    return p ? `${p}-bp1${require("crypto").createHash("sha256").update(name).digest("hex").slice(0, 18)}` : `${name}-id`;
}

export function recordingMocks(recorded: RecordedResource[], ctx: MockContext = { podCidrs: [] }): pulumi.runtime.Mocks {
    return {
        async newResource(args: pulumi.runtime.MockResourceArgs) {
            const inputs = unwrapSecrets(args.inputs);
            const { __provider, ...rest } = inputs;
            void __provider;
            // Dynamic resources never run their provider under mocks: answered as their `create` would.
            const state = args.type === DYNAMIC_RESOURCE_TYPE ? await mockDynamicState(rest) : { ...rest };
            recorded.push({ type: args.type, name: args.name, inputs: rest, state, provider: args.provider });
            // What the provider adds once the resource exists (a LoadBalancer Service's address).
            return { id: mockId(args.type, args.name), state: { ...state, ...answerResourceState(args.type, rest) } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return answerInvoke(args.token, unwrapSecrets(args.inputs), ctx);
        },
    };
}

export interface ProgramRun {
    readonly resources: RecordedResource[];
    /** The program's exports, resolved, with a flag for secret outputs. */
    readonly outputs: Record<string, { value: unknown; secret: boolean }>;
}

async function resolveOutput(o: unknown): Promise<{ value: unknown; secret: boolean }> {
    if (!pulumi.Output.isInstance(o)) {
        return { value: o, secret: false };
    }
    const out = o as pulumi.Output<unknown> & { isSecret: Promise<boolean> };
    const value = await new Promise((resolve) => out.apply((v) => resolve(v)));
    return { value: unwrapSecrets(value), secret: await out.isSecret };
}

/**
 * Runs `fn` with Pulumi's closure serializer stubbed out. Compiled (bin/, as `npm run render`
 * runs), each dynamic resource reads its provider's text from the build; from the TypeScript
 * sources (the tests) it would serialize it on demand (components/providers/prebuilt.ts):
 * a V8 inspector session over every loaded script and a TypeScript parse of every captured
 * function, more CPU than the rest of the program. Under these mocks the `__provider` input is
 * dropped unread (recordingMocks), so the mock run skips it. That each provider still serializes
 * and runs once revived is components/providers/providers.test.ts's and components/providers/pkiResource.test.ts's job,
 * and `pulumi preview` does it for real.
 */
async function withoutProviderSerialization<T>(fn: () => Promise<T>): Promise<T> {
    // The module dynamic resources load the serializer from, on demand, at each construction.
    const closure: {
        serializeFunction: (...args: unknown[]) => Promise<unknown>;
    } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
    const original = closure.serializeFunction;
    closure.serializeFunction = async () => ({
        text: "/* not serialized under the renderer's mocks */",
        exportName: "handler",
        containsSecrets: false,
    });
    try {
        return await fn();
    } finally {
        closure.serializeFunction = original;
    }
}

export async function runProgram(
    stack: string,
    config: Record<string, string>,
    secretKeys: string[],
    ctx: MockContext = { podCidrs: [] },
    // program/index.ts from the sources, index.js from their compiled copy in bin/program/.
    program = require.resolve(path.resolve(__dirname, "..", "program", "index")),
): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    // Under mocks the program talks to no cluster: it reads no kubeconfig of this machine (program/ambientKubeconfig.ts).
    process.env.RAY_ON_ACK_RENDER = "offline";
    await pulumi.runtime.setMocks(recordingMocks(resources, ctx), "ray-on-ack", stack, false);
    pulumi.runtime.setAllConfig(config, secretKeys);
    return withoutProviderSerialization(async () => {
        // The program exports a promise of its outputs (index.ts starts the dynamic-provider host first).
        const exports: Record<string, unknown> = await require(program);
        const outputs: Record<string, { value: unknown; secret: boolean }> = {};
        for (const [k, v] of Object.entries(exports)) {
            outputs[k] = await resolveOutput(v);
        }
        // disconnect() waits for every outstanding registration; under mocks there is nothing else to close.
        await pulumi.runtime.disconnect();
        return { resources, outputs };
    });
}

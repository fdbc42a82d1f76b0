/**
 * The ray-on-ack program: one team's hardened Ray environment per stack, or the cluster-wide
 * singletons for the `platform` stack. The only place that reads config. It uses the package as
 * any user would, through its public entry points only (test/boundaries.test.ts keeps it so).
 *
 * In three steps, in this order because of what each one loads (README "Performance"):
 * 1. Validate the stack config (`ray-on-ack/config`: zod and the schemas, not the Pulumi SDK's
 *    index). Invalid, the run stops here with every problem named, before anything is registered.
 * 2. A team stack starts the dynamic-provider host (`ray-on-ack/host`), which then loads in its
 *    own process alongside step 3 instead of holding up the engine after it.
 * 3. Load the Pulumi SDK, the providers and the components, and declare the stack (./stackProgram).
 */
import { RunError } from "@pulumi/pulumi/errors";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { config as zodConfig } from "zod";
import { formatIssues, validateStackConfig } from "./components/config/validate";
import { startDynamicProviderHost } from "./components/host";

// Each stack config is validated a few times per run, by schemas built per run: zod's JIT would
// compile each of them (with `new Function`) to parse it once. An application setting, so the
// program sets it; the library leaves the user's zod alone.
zodConfig({ jitless: true });

/** `isConfigSecret` is public at runtime but marked internal in the typings: which keys the CLI holds as `secure:`. */
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
const config = runtimeConfig.allConfig();
const validated = validateStackConfig(config, Object.keys(config).filter((k) => isConfigSecret(k)));
if (!validated.ok) {
    // RunError: the CLI prints the message without a stack trace, and nothing has been registered yet.
    throw new RunError(`invalid stack config\n${formatIssues(validated.issues)}`);
}
const stack = validated.value;

async function main() {
    // Named for this program; the alias adopts the engine's default host of stacks deployed before
    // it existed, so that upgrading moves their dynamic resources to it without a replace or delete.
    const dynamicHost = stack.kind === "team" ? await startDynamicProviderHost("ray-on-ack-dynamic", { aliases: [{ name: "default" }] }) : undefined;
    const { deployStack } = await import("./stackProgram");
    return deployStack(stack, dynamicHost);
}

// Stack outputs: see README "Stack outputs". A promise of them: Pulumi waits for it.
export = main();

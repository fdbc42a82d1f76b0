/**
 * The ray-on-ack program: one team's hardened Ray environment per stack, or the cluster-wide
 * singletons for the `platform` stack. The only place that reads config. It uses the package as
 * any user would, through its public entry points only, and the program's own checks of stack
 * files (program/; test/boundaries.test.ts keeps it so).
 *
 * In three steps, in this order because of what each one loads (docs/performance.md):
 * 1. Check the stack (program/checkStack.ts: its stack file, its config against the schema, the
 *    platform's lists and tenancy registry, the stack files beside it; zod and yaml, not the Pulumi
 *    SDK's index). Invalid, the run stops here with every problem named, before anything is registered.
 * 2. A team stack starts the dynamic-provider host (`ray-on-ack/host`), which then loads in its
 *    own process alongside step 3 instead of holding up the engine after it.
 * 3. Load the Pulumi SDK, the providers and the components, and declare the stack (./stackProgram).
 */
import { RunError } from "@pulumi/pulumi/errors";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { getStack } from "@pulumi/pulumi/runtime/settings";
import { formatIssues } from "../components/config/validate";
import { startDynamicProviderHost } from "../components/host";
import { ambientKubeconfigProblems } from "./ambientKubeconfig";
import { checkStack } from "./checkStack";
import { POLICY_PACK_CONFIG, STACKS_DIR } from "./stackFile";

/** `isConfigSecret` is public at runtime but marked internal in the typings: which keys the CLI holds as `secure:`. */
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
const config = runtimeConfig.allConfig();
// The renderer runs this program with its own --stacks-dir and --policy-pack-config; `pulumi` with Pulumi.yaml's stackConfigDir and the platform's file.
const checked = checkStack({
    stack: getStack(),
    config,
    secretKeys: Object.keys(config).filter((k) => isConfigSecret(k)),
    stacksDir: process.env.RAY_ON_ACK_STACKS_DIR ?? STACKS_DIR,
    policyPackConfig: process.env.RAY_ON_ACK_POLICY_PACK_CONFIG ?? POLICY_PACK_CONFIG,
});
if (!checked.ok) {
    // RunError: the CLI prints the message without a stack trace, and nothing has been registered yet.
    throw new RunError(`invalid stack config\n${formatIssues(checked.issues)}`);
}
for (const note of checked.notes) {
    process.stderr.write(`${note}\n`);
}
const stack = checked.value;
const platform = checked.platform;
// Without `cloud` the default Kubernetes provider reads the environment's kubeconfig: refused here, before anything is registered, if it would run anything.
const ambient = stack.config.cloud === undefined ? ambientKubeconfigProblems() : [];
if (ambient.length > 0) {
    throw new RunError(`the environment's kubeconfig is refused\n${ambient.join("\n")}`);
}

async function main() {
    // Named for this program; the alias adopts the engine's default host of stacks deployed before
    // it existed, so that upgrading moves their dynamic resources to it without a replace or delete.
    const dynamicHost =
        stack.kind === "team" ? await startDynamicProviderHost("ray-on-ack-dynamic", { aliases: [{ name: "default" }] }) : undefined;
    const { deployStack } = await import("./stackProgram");
    return deployStack(stack, platform, dynamicHost);
}

// Stack outputs: see docs/operations.md "Stack outputs". A promise of them: Pulumi waits for it.
export = main();

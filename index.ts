/**
 * The ray-on-ack program: one team's hardened Ray environment per stack, or the
 * cluster-wide singletons for the `platform` stack. The only place that reads config.
 * It uses the package as any user would, through its public entry point (./components,
 * published as `ray-on-ack`) only: test/boundaries.test.ts keeps it so.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider as AlicloudProvider } from "@pulumi/alicloud/provider";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { config as zodConfig } from "zod";
import {
    Platform,
    TeamEnvironment,
    formatIssues,
    kubeconfigFor,
    needsRrsaProvider,
    platformArgs,
    rrsaProviderFor,
    teamEnvironmentArgs,
    validateStackConfig,
    type CloudConfig,
} from "./components";

// Each stack config is validated a few times per run, by schemas built per run: zod's JIT would
// compile each of them (with `new Function`) to parse it once. An application setting, so the
// program sets it; the library leaves the user's zod alone.
zodConfig({ jitless: true });

/** `isConfigSecret` is public at runtime but marked internal in the typings: which keys the CLI holds as `secure:`. */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
const config = pulumi.runtime.allConfig();
const validated = validateStackConfig(config, Object.keys(config).filter((k) => isConfigSecret(k)));
if (!validated.ok) {
    // RunError: the CLI prints the message without a stack trace, and nothing has been registered yet.
    throw new pulumi.RunError(`invalid stack config\n${formatIssues(validated.issues)}`);
}
const stack = validated.value;

/** With `cloud` set, talk to that cluster: its kubeconfig and region; otherwise the ambient kubeconfig. */
function providers(cloud: CloudConfig | undefined, kubeconfig: string | undefined) {
    if (!cloud) {
        return { opts: {}, invoke: {} };
    }
    const aliyun = new AlicloudProvider("alicloud", { region: cloud.region });
    const kube = new KubernetesProvider("kubernetes", { kubeconfig: kubeconfigFor(cloud, kubeconfig, { provider: aliyun }) });
    return { opts: { providers: { alicloud: aliyun, kubernetes: kube } }, invoke: { provider: aliyun } };
}

function team(config: Extract<typeof stack, { kind: "team" }>["config"]) {
    const p = providers(config.cloud, config.kubeconfig);
    const env = new TeamEnvironment(
        config.team,
        {
            ...teamEnvironmentArgs(config),
            rrsaProvider: config.cloud && needsRrsaProvider(config) ? rrsaProviderFor(config.cloud, p.invoke) : undefined,
            // Plain: the component checks it with the other args and holds it as a secret.
            dashboardPassword: config.dashboardPassword,
            verifyVSwitches: config.cloud !== undefined,
            verifyAcl: config.cloud !== undefined,
        },
        p.opts,
    );
    return {
        team: pulumi.output(config.team),
        namespace: env.namespace,
        clusters: env.clusters,
        jobs: env.jobs,
        services: env.services,
        tlsClientKeys: env.tlsClientKeys,
    };
}

function platform(config: Extract<typeof stack, { kind: "platform" }>["config"]) {
    const p = providers(config.cloud, config.kubeconfig);
    const platform = new Platform("platform", platformArgs(config, rrsaProviderFor(config.cloud, p.invoke)), p.opts);
    return { rrsa: platform.rrsa, teamNamespaces: platform.teamNamespaces };
}

const outputs: Record<string, pulumi.Output<unknown>> = stack.kind === "team" ? team(stack.config) : platform(stack.config);

// Stack outputs: see README "Stack outputs".
export = outputs;

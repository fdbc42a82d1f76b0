/**
 * What one stack deploys: a team's hardened Ray environment, or the platform stack's cluster-wide
 * singletons, from a stack config index.ts has already validated. Loaded by index.ts only after
 * it has started the dynamic-provider host (see there). It uses the package as any user would,
 * through its public entry points only: test/boundaries.test.ts keeps it so.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider as AlicloudProvider } from "@pulumi/alicloud/provider";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import type { PlatformPolicy } from "@ray-on-ack/common/platformPolicy";
import {
    Platform,
    TeamEnvironment,
    kubeconfigFor,
    needsRrsaProvider,
    platformArgs,
    rrsaProviderFor,
    parsedTeamArgs,
    type CloudConfig,
    type StackConfig,
} from "../components";
import { onDynamicProviderHost, type DynamicProviderHost } from "../components/host";

/** With `cloud` set, talk to that cluster: its kubeconfig and region; otherwise the environment's kubeconfig (checked by index.ts). */
function providers(cloud: CloudConfig | undefined) {
    if (!cloud) {
        return { opts: {}, invoke: {} };
    }
    const aliyun = new AlicloudProvider("alicloud", { region: cloud.region });
    const kube = new KubernetesProvider("kubernetes", { kubeconfig: kubeconfigFor(cloud, { provider: aliyun }) });
    return { opts: { providers: { alicloud: aliyun, kubernetes: kube } }, invoke: { provider: aliyun } };
}

function team(
    config: Extract<StackConfig, { kind: "team" }>["config"],
    platform: PlatformPolicy,
    dynamicHost: DynamicProviderHost | undefined,
) {
    const p = providers(config.cloud);
    const env = new TeamEnvironment(
        config.team,
        {
            ...parsedTeamArgs(config),
            rrsaProvider: config.cloud && needsRrsaProvider(config) ? rrsaProviderFor(config.cloud, p.invoke) : undefined,
            // Plain: the component checks it with the other args and holds it as a secret.
            dashboardPassword: config.dashboardPassword,
            gcsRedisPassword: config.gcsRedisPassword,
            verifyVSwitches: config.cloud !== undefined,
            verifyAcl: config.cloud !== undefined,
            // The platform's lists and tenancy registry (platform/policy-pack-config.json), checked again by the component: one validation path.
            platformPolicy: { ...platform.lists, tenancy: platform.tenancy },
        },
        // The dynamic resources under it (PKI, token, password hash) run on the host index.ts started.
        dynamicHost ? { ...p.opts, transformations: [onDynamicProviderHost(dynamicHost)] } : p.opts,
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

function platform(config: Extract<StackConfig, { kind: "platform" }>["config"]) {
    const p = providers(config.cloud);
    const platform = new Platform("platform", platformArgs(config, rrsaProviderFor(config.cloud, p.invoke)), p.opts);
    return { rrsa: platform.rrsa, teamNamespaces: platform.teamNamespaces };
}

/** The stack's outputs (docs/operations.md "Stack outputs"). */
export function deployStack(
    stack: StackConfig,
    policy: PlatformPolicy,
    dynamicHost: DynamicProviderHost | undefined,
): Record<string, pulumi.Output<unknown>> {
    return stack.kind === "team" ? team(stack.config, policy, dynamicHost) : platform(stack.config);
}

/** Runs a component under Pulumi's mock runtime and returns every registration. */
import * as pulumi from "@pulumi/pulumi";
import { recordingMocks, type RecordedResource } from "../../scripts/lib/mockRuntime";
import { TeamEnvironment } from "../../components/teamEnvironment";
import { teamEnvironmentArgs } from "../../components/teamArgs";
import type { TeamConfig } from "../../components/config/schema";
import type { RrsaProvider } from "../../components/cloud/ramPolicies";

export async function recordRegistrations(build: () => pulumi.Output<unknown>[]): Promise<RecordedResource[]> {
    const resources: RecordedResource[] = [];
    await pulumi.runtime.setMocks(recordingMocks(resources), "ray-on-ack", "test", false);
    const outputs = build();
    await Promise.all(outputs.map((o) => new Promise((resolve) => o.apply(resolve))));
    // disconnect() waits for every outstanding registration; under mocks there is nothing else to close.
    await pulumi.runtime.disconnect();
    return resources;
}

export const TEST_RRSA_PROVIDER: RrsaProvider = {
    providerArn: "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c123",
    issuerUrl: "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c123",
};

/** Every registration of one team's TeamEnvironment, as `pulumi up` would make them. */
export async function recordTeam(config: TeamConfig, extra: { password?: string } = {}): Promise<RecordedResource[]> {
    return recordRegistrations(() => {
        const env = new TeamEnvironment(config.team, {
            ...teamEnvironmentArgs(config),
            rrsaProvider: TEST_RRSA_PROVIDER,
            dashboardPassword: extra.password === undefined ? undefined : pulumi.secret(extra.password),
        });
        return [env.clusters, env.jobs, env.tlsClientKeys];
    });
}

/** The Kubernetes objects among the registrations. */
export function objects(resources: RecordedResource[]): Record<string, any>[] {
    return resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind).map((r) => r.inputs);
}

export function find(objs: Record<string, any>[], kind: string, name: string): Record<string, any> {
    const o = objs.find((x) => x.kind === kind && x.metadata?.name === name);
    if (!o) {
        throw new Error(`no ${kind} ${name} among ${objs.map((x) => `${x.kind}/${x.metadata?.name}`).join(", ")}`);
    }
    return o;
}

/** Every pod template in an object, with where it is. */
export function podTemplates(obj: Record<string, any>): { path: string; template: Record<string, any> }[] {
    const out: { path: string; template: Record<string, any> }[] = [];
    const cluster = (spec: any, base: string) => {
        if (!spec) return;
        out.push({ path: `${base}.headGroupSpec.template`, template: spec.headGroupSpec.template });
        (spec.workerGroupSpecs ?? []).forEach((g: any, i: number) => out.push({ path: `${base}.workerGroupSpecs[${i}].template`, template: g.template }));
    };
    if (obj.kind === "RayCluster") cluster(obj.spec, "spec");
    if (obj.kind === "RayJob") {
        cluster(obj.spec.rayClusterSpec, "spec.rayClusterSpec");
        out.push({ path: "spec.submitterPodTemplate", template: obj.spec.submitterPodTemplate });
    }
    return out;
}

/** Runs a component under Pulumi's mock runtime and returns every registration. */
import * as pulumi from "@pulumi/pulumi";
import { recordingMocks, type RecordedResource } from "../../render/mockRuntime";
import { TeamEnvironment } from "../../components/team/teamEnvironment";
import { parsedTeamArgs } from "../../components/team/teamArgs";
import type { TeamConfig } from "../../components/config/model";
import type { RrsaProvider } from "../../components/cloud/ramPolicies";
import { containersOf, podTemplates as walkPodTemplates } from "../../policy/podTemplates";
import { asResource } from "./policy";
import { repoPlatform } from "./configs";

export async function recordRegistrations(build: () => pulumi.Output<unknown>[], stack = "test"): Promise<RecordedResource[]> {
    const resources: RecordedResource[] = [];
    await pulumi.runtime.setMocks(recordingMocks(resources), "ray-on-ack", stack, false);
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

/**
 * Every registration of one team's TeamEnvironment, as `pulumi up` would make them: as the stack
 * named after the team (the repository's team stacks are), with the repository's platform lists and
 * registry (team-b's cost-center label, its Redis for GCS fault tolerance).
 */
export async function recordTeam(config: TeamConfig, extra: { password?: string } = {}): Promise<RecordedResource[]> {
    return recordRegistrations(() => {
        const platform = repoPlatform();
        const env = new TeamEnvironment(config.team, {
            ...parsedTeamArgs(config),
            rrsaProvider: TEST_RRSA_PROVIDER,
            dashboardPassword: extra.password === undefined ? undefined : pulumi.secret(extra.password),
            gcsRedisPassword: config.gcsRedisPassword === undefined ? undefined : pulumi.secret(config.gcsRedisPassword),
            platformPolicy: { ...platform.lists, tenancy: platform.tenancy },
        });
        return [env.clusters, env.jobs, env.tlsClientKeys];
    }, config.team);
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

/**
 * Every pod template in an object, with where it is: the policy pack's walker (head, worker
 * groups, a RayJob's cluster and submitter, a RayService's cluster), so tests and the pack agree
 * on what "every pod" means.
 */
export function podTemplates(obj: Record<string, any>): { path: string; template: Record<string, any> }[] {
    return walkPodTemplates(asResource(obj)).map((t) => ({
        path: t.specPath.replace(/\.spec$/, ""),
        template: { metadata: t.metadata, spec: t.spec },
    }));
}

/**
 * Every container of every pod template in the objects, KubeRay's autoscaler sidecar included
 * (it exists only as `autoscalerOptions` until KubeRay builds the head pod, so a walker that
 * lists `containers` alone lets it escape "every container" assertions).
 */
export function allContainers(objs: Record<string, any>[]): { path: string; c: Record<string, any>; o: Record<string, any> }[] {
    return objs.flatMap((o) =>
        walkPodTemplates(asResource(o)).flatMap((t) => containersOf(t).map((ref) => ({ path: ref.path, c: ref.container, o }))),
    );
}

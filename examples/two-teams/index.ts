/**
 * Two teams in one program: what a platform team writes when it keeps all its teams in one stack
 * instead of ray-on-ack's stack per team. Each team still gets its own namespace, quota,
 * NetworkPolicies, identities and per-cluster CAs; nothing is shared between them.
 *
 * Outside this repository the import is `from "ray-on-ack"`; here it is the same public index.
 * test/examples.test.ts type-checks and renders it under Pulumi's mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { TeamEnvironment, type TeamEnvironmentArgs, type WorkerGroup } from "../../components";

const cpuWorkers: WorkerGroup = { name: "cpu", cpu: "4", memory: "16Gi", replicas: 1, maxReplicas: 4 };

const teams: TeamEnvironmentArgs[] = [
    {
        team: "vision",
        podCidrs: ["10.30.0.0/24"],
        podNetwork: { vSwitchIds: ["vsw-bp1visionpods00001"], securityGroupIds: ["sg-bp1visionray000001"] },
        quota: { cpu: "32", memory: "128Gi" },
        clusters: [{ name: "train", workerGroups: [cpuWorkers] }],
        tls: { clients: [{ name: "carol", clusters: ["train"] }] },
        access: { groups: ["vision-people"] },
    },
    {
        team: "nlp",
        podCidrs: ["10.30.1.0/24"],
        podNetwork: { vSwitchIds: ["vsw-bp1nlppods0000001"], securityGroupIds: ["sg-bp1nlpray00000001"] },
        jobs: [{ name: "eval", entrypoint: "python /home/ray/app/eval.py", workerGroups: [cpuWorkers], activeDeadlineSeconds: 7200 }],
        access: { groups: ["nlp-people"] },
    },
];

const environments = teams.map((t) => new TeamEnvironment(t.team, t));

export const namespaces = pulumi.all(environments.map((e) => e.namespace));
export const clusters = pulumi.all(Object.fromEntries(teams.map((t, i) => [t.team, environments[i].clusters])));
export const jobs = pulumi.all(Object.fromEntries(teams.map((t, i) => [t.team, environments[i].jobs])));

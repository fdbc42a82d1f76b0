/**
 * The ray-on-ack program: one team's hardened Ray environment per stack, or the
 * cluster-wide singletons for the `platform` stack. The only place that reads config.
 */
import * as pulumi from "@pulumi/pulumi";
import { formatIssues, validateStackConfig } from "./components/config/validate";
import { TeamEnvironment } from "./components/teamEnvironment";

const validated = validateStackConfig(pulumi.runtime.allConfig());
if (!validated.ok) {
    // RunError: the CLI prints the message without a stack trace, and nothing has been registered yet.
    throw new pulumi.RunError(`invalid stack config\n${formatIssues(validated.issues)}`);
}
const stack = validated.value;
if (stack.kind !== "team") {
    throw new pulumi.RunError("the platform stack is not implemented yet");
}
const env = new TeamEnvironment(stack.config.team, { config: stack.config });

export const team = stack.config.team;
export const namespace = env.namespace;
export const clusters = env.clusters;
export const jobs = env.jobs;
export const caCertificate = env.caCertificate;
export const tlsClients = env.tlsClients;
export const tlsClientKeys = env.tlsClientKeys;

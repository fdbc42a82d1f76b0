/**
 * For unit tests of programs that use the components under Pulumi's mocks
 * (`pulumi.runtime.setMocks`): mocks never run a dynamic provider, so a test's `newResource`
 * answers the package's dynamic resources (the PKI, the Ray token, the password hash) with this,
 * the same functions their `create` calls.
 */
import { createRayPkiOutputs } from "./tls/provider";
import { generateRayToken } from "./resources/rayToken";
import { htpasswdLine } from "./resources/passwordHash";

/** The type of every dynamic resource in a mock's `newResource` args. */
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

/** The state a ray-on-ack dynamic resource's provider would create from `inputs` (without `__provider`). */
export function mockDynamicState(inputs: Record<string, any>): Record<string, any> {
    if ("podCidrs" in inputs) {
        return { ...inputs, ...createRayPkiOutputs(inputs) };
    }
    if ("cluster" in inputs && "rotation" in inputs) {
        return { ...inputs, token: generateRayToken() };
    }
    if ("username" in inputs && "password" in inputs) {
        return { ...inputs, htpasswd: htpasswdLine(inputs.username, inputs.password) };
    }
    throw new Error(`not a ray-on-ack dynamic resource: inputs ${Object.keys(inputs).join(", ")}`);
}

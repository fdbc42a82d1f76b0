/**
 * For unit tests of programs that use the components under Pulumi's mocks
 * (`pulumi.runtime.setMocks`): mocks never run a dynamic provider, so a test's `newResource`
 * answers the package's dynamic resources (the PKI, the Ray token, the password hash) with this:
 * each provider's own mock answer, built from its `create` (resources/dynamicMock.ts).
 */
import { rayPkiMockAnswer } from "./providers/pkiResource";
import { rayTokenMockAnswer } from "./providers/rayToken";
import { passwordHashMockAnswer } from "./providers/passwordHash";
import { answers, type DynamicMockAnswer } from "./providers/dynamicMock";

/** The type of every dynamic resource in a mock's `newResource` args. */
export { DYNAMIC_RESOURCE_TYPE } from "./providers/dynamicType";

/** Every dynamic provider's own mock answer. */
const DYNAMIC_MOCK_ANSWERS: readonly DynamicMockAnswer[] = [rayPkiMockAnswer, rayTokenMockAnswer, passwordHashMockAnswer];

/** How the mock runtime hands over a secret value: `{ [SIG]: SECRET_SIG, value }` (the SDK's rpc.ts). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A mock's inputs (or outputs) with every secret wrapper replaced by its value. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Pulumi's mocks type them (MockResourceArgs.inputs)
export function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        return value[SIG] === SECRET_SIG
            ? unwrapSecrets(value.value)
            : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/**
 * The state a ray-on-ack dynamic resource's provider would create from `inputs`, inputs included:
 * `args.inputs` of a mock's `newResource`, as Pulumi hands them (the serialized provider in
 * `__provider`, secrets wrapped). Refuses inputs no provider (or more than one) answers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Pulumi's mocks type them (MockResourceArgs.inputs, MockResourceResult.state)
export async function mockDynamicState(given: Record<string, any>): Promise<Record<string, any>> {
    const { __provider: _provider, ...inputs } = unwrapSecrets(given) as Record<string, unknown>;
    const matching = DYNAMIC_MOCK_ANSWERS.filter((a) => answers(a, inputs));
    if (matching.length !== 1) {
        const which = matching.length === 0 ? "no dynamic provider's mock answer" : matching.map((a) => a.name).join(" and ");
        throw new Error(`${which} matches a dynamic resource with inputs ${Object.keys(inputs).join(", ")}`);
    }
    return { ...inputs, ...(await matching[0].state(inputs)) };
}

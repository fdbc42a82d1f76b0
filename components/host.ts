/**
 * `ray-on-ack/host`: start the dynamic-provider host first, while the program is still loading.
 *
 * The package's dynamic resources (each cluster's PKI, the Ray token, the password hash) run in
 * Pulumi's Node.js dynamic-provider host, a second Node.js process that loads all of
 * `@pulumi/pulumi` before it answers (about a second here). The engine starts it when the first
 * resource that needs it is registered, and while it starts, it processes no other registration.
 * Registered as an explicit provider in a program's first lines, before the program loads the
 * Pulumi SDK's index and this package's components, the host starts alongside that loading
 * instead of holding up the engine after it (docs/performance.md).
 *
 * This module loads only `@pulumi/pulumi/resource`, not the SDK's index, so it can run first.
 * Optional: without it, the engine starts its default host when it needs it, as before.
 */
import { ProviderResource, type ResourceOptions, type ResourceTransformation } from "@pulumi/pulumi/resource";
import { DYNAMIC_PROVIDER_PACKAGE, DYNAMIC_RESOURCE_TYPE } from "./providers/dynamicType";

/** An explicit provider for `pulumi-nodejs:dynamic:Resource`: the engine's Node.js dynamic-provider host. */
export class DynamicProviderHost extends ProviderResource {
    constructor(name: string, opts?: ResourceOptions) {
        super(DYNAMIC_PROVIDER_PACKAGE, name, {}, opts);
    }
}

/**
 * Event-loop turns to yield after registering: the registration is prepared over a few promise
 * steps and written on the next turns, and a caller that then loads modules synchronously holds
 * the loop, so the engine would hear of the host only afterwards.
 */
const TURNS_TO_SEND = 10;

/**
 * Registers the host and yields until the registration has left, so that the engine starts the
 * host while the caller goes on loading. Await it before importing the rest of the program.
 */
export async function startDynamicProviderHost(name: string, opts?: ResourceOptions): Promise<DynamicProviderHost> {
    const host = new DynamicProviderHost(name, opts);
    for (let i = 0; i < TURNS_TO_SEND; i++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return host;
}

/**
 * A `transformations` entry for a component: every dynamic resource under it runs on `host`, and
 * nothing else changes. Not the component's `providers`: a component registration waits until
 * each of its providers is up, so the namespace, policies and workloads would all wait for the
 * host; through this, only the dynamic resources do.
 */
export function onDynamicProviderHost(host: DynamicProviderHost): ResourceTransformation {
    return ({ type, props, opts }) => (type === DYNAMIC_RESOURCE_TYPE ? { props, opts: { ...opts, provider: host } } : undefined);
}

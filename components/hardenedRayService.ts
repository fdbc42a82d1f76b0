import * as pulumi from "@pulumi/pulumi";
import type { RayServiceConfig } from "./config/schema";
import { objectMeta } from "./builders/meta";
import { rayServiceSpec, serveAccess, type ServeAccess } from "./builders/rayService";
import { k8sObject } from "./resources/k8sObject";
import { rayTokenSecret } from "./resources/rayToken";
import { names } from "./naming";

/** The TLS Secrets a RayService's current cluster generation mounts (TeamPki's `secretNames`). */
export interface RayServiceTlsSecretNamesArgs {
    readonly head: pulumi.Input<string>;
    readonly worker: pulumi.Input<string>;
}

export interface HardenedRayServiceArgs {
    readonly team: string;
    readonly namespace: string;
    /** The validated service config (see README, `services[]`). */
    readonly service: RayServiceConfig;
    /** Resolved image reference (allowlisted, never `latest`). */
    readonly image: string;
    /** Fingerprint of the service's current certificates; a change starts a new cluster (zero-downtime upgrade). */
    readonly tlsFingerprint: pulumi.Input<string>;
    /**
     * The generation slot's TLS Secrets (components/tls/generations.ts).
     * @default `<service>-ray-tls-head` / `-worker` (no generations: only for a service whose certificates never rotate)
     */
    readonly tlsSecretNames?: RayServiceTlsSecretNamesArgs;
    /** KubeRay version on the cluster. @default "1.6.2" */
    readonly kubeRayVersion?: string;
    /** Extra pod annotations (RRSA container scoping, HistoryServer opt-in). @default none */
    readonly podAnnotations?: Record<string, string>;
    /** Policy ids this service deliberately weakens (documented opt-ins). @default none */
    readonly policyExceptions?: readonly string[];
    /** Bump to replace the Ray token. @default 0 */
    readonly tokenRotation?: number;
}

/**
 * A Ray Serve deployment: a KubeRay RayService whose clusters are hardened as a RayCluster's
 * (TLS with the service's own CA, token auth, isolated pods), Serve on 8000 behind a ClusterIP
 * Service, and zero-downtime upgrades that keep each cluster generation's certificates.
 */
export class HardenedRayService extends pulumi.ComponentResource {
    declare readonly serviceName: pulumi.Output<string>;
    declare readonly access: pulumi.Output<ServeAccess>;
    declare readonly tokenSecret: pulumi.Output<string>;

    constructor(name: string, args: HardenedRayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:ray:HardenedRayService", name, {}, opts);
        const { team, namespace, service } = args;
        const token = rayTokenSecret(name, { team, namespace, cluster: service.name, rotation: args.tokenRotation }, this);
        k8sObject(
            `${name}-rayservice`,
            {
                apiVersion: "ray.io/v1",
                kind: "RayService",
                // As for a RayJob: the operator writes into the embedded cluster spec, and the stack owns it.
                metadata: objectMeta(service.name, namespace, team, {
                    policyExceptions: args.policyExceptions,
                    annotations: { "pulumi.com/patchForce": "true" },
                }),
                spec: rayServiceSpec({
                    service,
                    team,
                    namespace,
                    image: args.image,
                    tlsFingerprint: args.tlsFingerprint,
                    tokenFingerprint: token.fingerprint,
                    kubeRayVersion: args.kubeRayVersion ?? "1.6.2",
                    podAnnotations: args.podAnnotations,
                    tlsSecretNames: args.tlsSecretNames,
                }),
            },
            { parent: this, dependsOn: [token.secret] },
        );
        this.serviceName = pulumi.output(service.name);
        this.access = pulumi.output(serveAccess(namespace, service.name));
        this.tokenSecret = pulumi.output(names.tokenSecret(service.name));
        this.registerOutputs({ serviceName: this.serviceName, access: this.access, tokenSecret: this.tokenSecret });
    }
}

import * as pulumi from "@pulumi/pulumi";
import { rayServiceSchema } from "./model";
import { parseWorkloadArgs } from "./workloadArgs";
import { argsError } from "../core/parseArgs";
import type { RayServiceSettings } from "../args";
import type { RayWorkloadArgs } from "../componentArgs";
import { serveAccess, type ServeAccess } from "./rayService";
import { rayWorkloadSpec } from "./rayWorkload";
import { rayWorkloadResource } from "./rayWorkloadResource";
import { names } from "../core/naming";

/** The TLS Secrets a RayService's current cluster generation mounts (TeamPki's `secretNames`). */
export interface RayServiceTlsSecretNames {
    head: pulumi.Input<string>;
    worker: pulumi.Input<string>;
}

/** One RayService in a team's namespace, whose TLS Secrets (TeamPki, `workload: RayService`) are already there. */
export interface HardenedRayServiceArgs extends RayWorkloadArgs {
    /** The service's settings (docs/configuration.md, `services[]`); its image comes from `image` and `rayVersion`, allowlisted. */
    service: RayServiceSettings;
    /**
     * The TLS Secrets of the generation slot the service's clusters mount (components/tls/generations.ts):
     * TeamPki's `secretNames` for a `workload: RayService` entry. Required: a RayService's clusters are
     * replaced on every change, and each generation keeps its own certificates, so no fixed name fits
     * (TeamEnvironment wires it).
     */
    tlsSecretNames?: RayServiceTlsSecretNames;
}

/**
 * A Ray Serve deployment: a KubeRay RayService whose clusters are hardened as a RayCluster's
 * (TLS with the service's own CA, token auth, isolated pods), Serve on 8000 behind a ClusterIP
 * Service, and zero-downtime upgrades that keep each cluster generation's certificates.
 */
export class HardenedRayService extends pulumi.ComponentResource {
    /** The RayService's name. */
    declare readonly serviceName: pulumi.Output<string>;
    /** The in-cluster Serve address and the loopback port-forward to 8000. */
    declare readonly access: pulumi.Output<ServeAccess>;
    /** The Secret holding the service's Ray token. */
    declare readonly tokenSecret: pulumi.Output<string>;

    constructor(name: string, args: HardenedRayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:ray:HardenedRayService", name, {}, opts);
        const service = parseWorkloadArgs(this, name, "service", rayServiceSchema, args);
        if (args.tlsSecretNames === undefined) {
            throw argsError(
                this,
                name,
                "tlsSecretNames",
                "is required: a RayService's clusters rotate through generation slots of TLS Secrets, which TeamPki (a `workload: RayService` entry) creates and names (its `secretNames`); TeamEnvironment wires both",
            );
        }
        rayWorkloadResource(this, name, "RayService", service.name, args, (common) =>
            rayWorkloadSpec({ kind: "RayService", workload: service, ...common, tlsSecretNames: args.tlsSecretNames }),
        );
        this.serviceName = pulumi.output(service.name);
        this.access = pulumi.output(serveAccess(args.namespace, service.name));
        this.tokenSecret = pulumi.output(names.tokenSecret(service.name));
        this.registerOutputs({ serviceName: this.serviceName, access: this.access, tokenSecret: this.tokenSecret });
    }
}

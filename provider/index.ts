/**
 * The component provider's entry point: the components other Pulumi languages get. The host
 * (`@pulumi/pulumi`'s run-plugin) serves every ComponentResource class exported here, named by
 * this folder's package.json (`ray-on-ack`, tokens `ray-on-ack:index:<Component>`).
 */
export { HardenedRayCluster, HardenedRayJob, HardenedRayService, Platform, TeamEnvironment } from "../components";

/**
 * A RayService's Serve config (`serveConfigV2`), in Ray Serve's own field names so that an
 * application's config can be pasted in. Only what a hardened cluster can honour is accepted:
 * the HTTP options (host, port 8000) and the proxy location are ours, and a `runtime_env` may set
 * environment variables under the same rules as a cluster's `env`, never install code at run time.
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { removedKey } from "../core/removed";

const RUNTIME_ENV_DOWNLOADS =
    "is refused: it installs code from the network when a replica starts, past the image allowlist and digest pinning " +
    "(and egress is denied by default); build the application and its packages into the image instead";

/** Python dotted module path and attribute: `module.sub:app` or `module.sub.app`. */
const IMPORT_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*[:.][A-Za-z_][A-Za-z0-9_]*$/;
/** A URL path prefix: '/', or '/' followed by path segments, no trailing '/', no query. */
const ROUTE_PREFIX = /^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/;

/** `env` is the cluster's env var schema: one rule set for pod env and runtime_env env_vars. */
export function serveConfigSchemaFor<E extends z.ZodType<Record<string, string>>>(env: E) {
    const runtimeEnv = z
        .strictObject({
            env_vars: env.optional().describe("Environment variables of the application's replicas: the same rules as `clusters[].env`."),
            pip: removedKey(RUNTIME_ENV_DOWNLOADS).describe(
                "Refused: installs packages from the network when a replica starts; build them into the image.",
            ),
            conda: removedKey(RUNTIME_ENV_DOWNLOADS).describe("Refused, as `pip`."),
            uv: removedKey(RUNTIME_ENV_DOWNLOADS).describe("Refused, as `pip`."),
            working_dir: removedKey(RUNTIME_ENV_DOWNLOADS).describe(
                "Refused: downloads the application's code at start; put it in the image.",
            ),
            py_modules: removedKey(RUNTIME_ENV_DOWNLOADS).describe("Refused, as `working_dir`."),
            py_executable: removedKey("is refused: replicas run the image's Python").describe("Refused: replicas run the image's Python."),
            container: removedKey(
                "is refused: a replica in another image escapes the image allowlist; give the service that image",
            ).describe("Refused: a replica in another image escapes the image allowlist."),
            image_uri: removedKey(
                "is refused: a replica in another image escapes the image allowlist; give the service that image",
            ).describe("Refused, as `container`."),
        })
        .register(argTypes, { id: "ServeRuntimeEnv", description: "A Serve application's runtime environment: variables only." });

    const autoscalingConfig = z
        .strictObject({
            min_replicas: z.number().int().min(0).default(1).describe("Fewest replicas (0: scale to zero). Default 1."),
            initial_replicas: z
                .number()
                .int()
                .min(0)
                .optional()
                .describe("Replicas at deployment, between min_replicas and max_replicas. Default: min_replicas."),
            max_replicas: z
                .number()
                .int()
                .min(1)
                .max(1000)
                .describe(
                    "Most replicas. Required: with their `ray_actor_options` they must fit what the service's Ray nodes offer at `maxReplicas`.",
                ),
            target_ongoing_requests: z
                .number()
                .positive()
                .optional()
                .describe("Requests per replica Serve scales towards. Default: Serve's (2)."),
            upscale_delay_s: z
                .number()
                .min(0)
                .optional()
                .describe("Seconds of higher load before Serve adds replicas. Default: Serve's (30)."),
            downscale_delay_s: z
                .number()
                .min(0)
                .optional()
                .describe("Seconds of lower load before Serve removes replicas. Default: Serve's (600)."),
            downscale_to_zero_delay_s: z
                .number()
                .min(0)
                .optional()
                .describe("Seconds before the last replica goes (min_replicas 0). Default: downscale_delay_s."),
            look_back_period_s: z.number().positive().optional().describe("Seconds of load averaged per decision. Default: Serve's (30)."),
            upscaling_factor: z.number().positive().optional().describe("Damps (below 1) or boosts each upscaling step. Default: Serve's."),
            downscaling_factor: z.number().positive().optional().describe("Damps or boosts each downscaling step. Default: Serve's."),
            aggregation_function: z
                .enum(["mean", "max", "min"])
                .optional()
                .describe("How load is aggregated over the look-back period. Default: Serve's (mean)."),
            policy: removedKey(
                "is refused: a custom autoscaling policy is code the Serve controller imports and runs on the head; Serve's request-based policy is tuned with the fields above",
            ).describe("Refused: a custom policy is code the Serve controller runs on the head."),
        })
        .superRefine((a, c) => {
            if (a.min_replicas > a.max_replicas) {
                c.addIssue({ code: "custom", path: ["min_replicas"], message: `must be <= max_replicas (${a.max_replicas})` });
            }
            if (a.initial_replicas !== undefined && (a.initial_replicas < a.min_replicas || a.initial_replicas > a.max_replicas)) {
                c.addIssue({
                    code: "custom",
                    path: ["initial_replicas"],
                    message: `must be between min_replicas (${a.min_replicas}) and max_replicas (${a.max_replicas})`,
                });
            }
        })
        .register(argTypes, {
            id: "ServeAutoscalingConfig",
            description: "Serve's replica autoscaling of one deployment, in Ray Serve's own field names.",
        });

    const deployment = z
        .strictObject({
            name: z.string().min(1).max(100).describe("The deployment's class or function name in the application."),
            num_replicas: z
                .number()
                .int()
                .min(1)
                .max(1000)
                .optional()
                .describe("Replicas of the deployment, a fixed number. Default 1; leave it out with `autoscaling_config`."),
            autoscaling_config: autoscalingConfig
                .optional()
                .describe(
                    "Serve's replica autoscaling instead of a fixed `num_replicas`: between min_replicas and max_replicas, bounded by what the service's Ray nodes offer.",
                ),
            max_ongoing_requests: z.number().int().min(1).optional().describe("Requests one replica handles at once. Default: Serve's."),
            ray_actor_options: z
                .strictObject({
                    num_cpus: z.number().min(0).optional().describe("CPUs per replica. Default: Serve's (1)."),
                    num_gpus: z.number().min(0).optional().describe("GPUs per replica."),
                    memory: z.number().int().min(0).optional().describe("Memory per replica, in bytes."),
                })
                .register(argTypes, { id: "ServeActorOptions", description: "A Serve replica's actor resources." })
                .optional()
                .describe("Resources of each replica's actor. Default: Serve's (1 CPU)."),
        })
        .superRefine((d, c) => {
            if (d.num_replicas !== undefined && d.autoscaling_config !== undefined) {
                c.addIssue({
                    code: "custom",
                    path: ["num_replicas"],
                    message: "must be left out with autoscaling_config: Serve sizes the deployment between min_replicas and max_replicas",
                });
            }
        })
        .register(argTypes, {
            id: "ServeDeployment",
            description: "One Serve deployment of an application, in Ray Serve's own field names.",
        });

    const application = z
        .strictObject({
            name: z
                .string()
                .max(63, "must be at most 63 characters")
                .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be letters, digits, '_' and '-', starting with a letter or digit")
                .describe("The Serve application's name (unique in the service)."),
            import_path: z
                .string()
                .regex(
                    IMPORT_PATH,
                    "must be a Python import path such as app.main:deployment (module path, then ':' or '.' and the attribute)",
                )
                .describe("Python path of the bound application, e.g. `app.main:deployment`. It must be in the image."),
            route_prefix: z
                .string()
                .regex(ROUTE_PREFIX, "must be a URL path prefix such as / or /sentiment (no trailing '/', no query)")
                .default("/")
                .describe("HTTP path prefix on port 8000 (unique in the service). Default `/`."),
            runtime_env: runtimeEnv
                .optional()
                .describe("The application's runtime environment: `env_vars` only; nothing is installed at run time."),
            deployments: z.array(deployment).default([]).describe("Per-deployment options. Default: the application's own."),
        })
        .register(argTypes, { id: "ServeApplication", description: "One Serve application (`serveConfigV2.applications[]`)." });

    return z
        .strictObject({
            applications: z
                .array(application)
                .min(1, "needs at least one Serve application")
                .describe("The Serve applications (at least one)."),
        })
        .superRefine((cfg, c) => {
            const seen = new Map<string, number>();
            const routes = new Map<string, number>();
            cfg.applications.forEach((app, i) => {
                if (seen.has(app.name)) {
                    c.addIssue({
                        code: "custom",
                        path: ["applications", i, "name"],
                        message: `duplicate Serve application name '${app.name}'`,
                    });
                }
                seen.set(app.name, i);
                if (routes.has(app.route_prefix)) {
                    c.addIssue({
                        code: "custom",
                        path: ["applications", i, "route_prefix"],
                        message: `'${app.route_prefix}' is already the route of applications[${routes.get(app.route_prefix)}]: Serve refuses two applications on one route`,
                    });
                }
                routes.set(app.route_prefix, i);
                const names = new Set<string>();
                app.deployments.forEach((d, j) => {
                    if (names.has(d.name)) {
                        c.addIssue({
                            code: "custom",
                            path: ["applications", i, "deployments", j, "name"],
                            message: `duplicate deployment name '${d.name}'`,
                        });
                    }
                    names.add(d.name);
                });
            });
        })
        .register(argTypes, { id: "ServeConfigV2", description: "Ray Serve's `serveConfigV2`." });
}

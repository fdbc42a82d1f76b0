/**
 * The checks as @pulumi/policy policies. Kept apart from index.ts because constructing a
 * PolicyPack starts the policy gRPC server: tests and the renderer import this, never index.ts.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { ANNOTATIONS } from "../components/naming";
import { Check } from "./check";
import { PACK_CONFIG_SCHEMA, PackConfig, resolvePackConfig } from "./config";
import { EvaluatedFinding, evaluateCheck, isBlocking } from "./evaluate";
import { PolicyResource } from "./resource";

export const DEFAULT_ENFORCEMENT: EnforcementLevel = "mandatory";

export function configSchemaFor(check: Check): PolicyConfigSchema {
    const keys: (keyof PackConfig)[] = ["allowExceptions", ...check.configKeys];
    return { properties: Object.fromEntries(keys.map((key) => [key, PACK_CONFIG_SCHEMA[key]])) };
}

/**
 * @pulumi/policy's runtime also takes a violation object carrying its own enforcement level
 * (server.js, makeReportViolationFun); its typings only declare the string form. Exceptions use
 * the object form so that a documented opt-in warns instead of failing a mandatory policy.
 */
type ReportWithLevel = (violation: { message: string; urn?: string; enforcementLevel: EnforcementLevel }) => void;

export function reportFinding(reportViolation: ReportViolation, f: EvaluatedFinding, config: PackConfig): void {
    if (isBlocking(f, config)) {
        reportViolation(f.message, f.resource.urn);
        return;
    }
    (reportViolation as unknown as ReportWithLevel)({
        message: `${f.notice ? "notice" : `exception (${ANNOTATIONS.policyExceptions})`}: ${f.message}`,
        urn: f.resource.urn,
        enforcementLevel: "advisory",
    });
}

function view(r: { type: string; name: string; urn: string; props: Record<string, any> }): PolicyResource {
    return { type: r.type, name: r.name, urn: r.urn, props: r.props };
}

export function toPolicy(check: Check): ResourceValidationPolicy | StackValidationPolicy {
    const base = {
        name: check.id,
        displayName: check.title,
        description: check.description,
        enforcementLevel: DEFAULT_ENFORCEMENT,
        configSchema: configSchemaFor(check),
    };
    if (check.kind === "resource") {
        return {
            ...base,
            validateResource: (args, reportViolation) => {
                const resource = view(args);
                if (!check.appliesTo(resource)) {
                    args.notApplicable();
                }
                const config = resolvePackConfig(args.getConfig<Partial<PackConfig>>());
                for (const f of evaluateCheck(check, [resource], config).findings) {
                    reportFinding(reportViolation, f, config);
                }
            },
        };
    }
    return {
        ...base,
        validateStack: (args, reportViolation) => {
            const resources = args.resources.map(view);
            if (!resources.some((r) => check.appliesTo(r))) {
                args.notApplicable();
            }
            const config = resolvePackConfig(args.getConfig<Partial<PackConfig>>());
            for (const f of evaluateCheck(check, resources, config).findings) {
                reportFinding(reportViolation, f, config);
            }
        },
    };
}

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
import { Check } from "./check";
import { PACK_CONFIG_SCHEMA, PackConfig, resolvePackConfig } from "./config";
import { EvaluatedFinding, evaluateCheck, exceptionMessage, isBlocking } from "./evaluate";
import { PolicyResource } from "./resource";
import { grantNeedsPath } from "./grantPaths";

export const DEFAULT_ENFORCEMENT: EnforcementLevel = "mandatory";

/** A policy that judges parts of resources takes only grants that name their path: the engine refuses the rest before the pack runs. */
function grantsSchemaFor(check: Check): PolicyConfigSchema["properties"][string] {
    const grants = PACK_CONFIG_SCHEMA.grants;
    if (!grantNeedsPath(check.id)) {
        return grants;
    }
    const items = grants.items as { required: string[] };
    return { ...grants, items: { ...items, required: [...items.required, "path"] } };
}

export function configSchemaFor(check: Check): PolicyConfigSchema {
    return {
        properties: {
            grants: grantsSchemaFor(check),
            ...Object.fromEntries(check.configKeys.map((key) => [key, PACK_CONFIG_SCHEMA[key]])),
        },
    };
}

/**
 * @pulumi/policy's runtime also takes a violation object carrying its own enforcement level
 * (server.js, makeReportViolationFun); its typings only declare the string form. Exceptions use
 * the object form so that an exception the pack config grants warns instead of failing a
 * mandatory policy.
 */
type ReportWithLevel = (violation: { message: string; urn?: string; enforcementLevel: EnforcementLevel }) => void;

export function reportFinding(reportViolation: ReportViolation, f: EvaluatedFinding): void {
    if (isBlocking(f)) {
        reportViolation(f.message, f.resource.urn);
        return;
    }
    (reportViolation as unknown as ReportWithLevel)({
        message: exceptionMessage(f),
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
                const config = resolvePackConfig(args.getConfig<Partial<PackConfig>>(), check.id);
                const { applicable, findings } = evaluateCheck(check, [view(args)], config);
                if (!applicable) {
                    args.notApplicable();
                }
                for (const f of findings) {
                    reportFinding(reportViolation, f);
                }
            },
        };
    }
    return {
        ...base,
        validateStack: (args, reportViolation) => {
            const config = resolvePackConfig(args.getConfig<Partial<PackConfig>>(), check.id);
            const { applicable, findings } = evaluateCheck(check, args.resources.map(view), config);
            if (!applicable) {
                args.notApplicable();
            }
            for (const f of findings) {
                reportFinding(reportViolation, f);
            }
        },
    };
}

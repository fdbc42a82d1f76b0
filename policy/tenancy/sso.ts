/**
 * Single sign-on at the edge is the platform's: the OpenID Connect provider, the team's OAuth
 * client, its client secret and who may pass are the stack's registry entry (`sso`), never what the
 * team's objects say. A SecurityPolicy that signs people in with another issuer (one the author
 * runs), another client, endpoints of its own (where the client secret and the codes would go),
 * cookies shared with sibling hosts (other teams' dashboards), or claims wider than the registry's
 * would let people in whom the platform did not admit.
 */
import { ENVOY_OIDC, ENVOY_SECURITY_POLICY } from "@ray-on-ack/common";
import { hostMatches, type TeamSso } from "@ray-on-ack/common/tenancy";
import { asList } from "@ray-on-ack/common/ram";
import { Finding, violation } from "../check";
import { PolicyResource, isKind, metadataName, namespaceOf } from "../resource";
import { TeamJudge, TeamRule } from "./judge";

const where = (stack: string, key: string) => `(tenancy registry: ray-tenancy.tenants.${stack}.sso.${key})`;

function oidcFindings(r: PolicyResource, oidc: any, sso: TeamSso, stack: string): Finding[] {
    const out: Finding[] = [];
    const at = (path: string, problem: string) => out.push(violation(r, `spec.oidc${path}`, problem));
    const provider = oidc?.provider ?? {};
    if (provider.issuer !== sso.issuer) {
        at(
            ".provider.issuer",
            `is ${JSON.stringify(provider.issuer)}, not the platform's provider ${sso.issuer} ${where(stack, "issuer")}`,
        );
    }
    for (const key of ["authorizationEndpoint", "tokenEndpoint", "endSessionEndpoint", "backendRef", "backendRefs"]) {
        if (provider[key] !== undefined) {
            at(
                `.provider.${key}`,
                "is set; the provider's endpoints come from its issuer's discovery document, an override sends people, codes or the client secret elsewhere",
            );
        }
    }
    if (oidc?.clientIDRef !== undefined) {
        at(".clientIDRef", `is set; the client is the platform's ${sso.clientId} ${where(stack, "clientId")}, named in clientID`);
    } else if (oidc?.clientID !== sso.clientId) {
        at(".clientID", `is ${JSON.stringify(oidc?.clientID)}, not the team's OAuth client ${sso.clientId} ${where(stack, "clientId")}`);
    }
    const secret = oidc?.clientSecret ?? {};
    if (secret.name !== sso.clientSecretName || (secret.namespace !== undefined && secret.namespace !== namespaceOf(r))) {
        at(
            ".clientSecret",
            `names ${JSON.stringify(secret.namespace === undefined ? secret.name : `${secret.namespace}/${secret.name}`)}, not the platform's Secret ${sso.clientSecretName} in ${namespaceOf(r)} ${where(stack, "clientSecretName")}`,
        );
    }
    const redirect = /^https:\/\/([^/:?#]+)(:[0-9]+)?\//.exec(String(oidc?.redirectURL ?? ""));
    if (redirect === null) {
        at(
            ".redirectURL",
            `is ${JSON.stringify(oidc?.redirectURL)}; name https://<host>${ENVOY_OIDC.redirectPath} on a redirect host of the team's client`,
        );
    } else if (!sso.redirectHosts.some((p) => hostMatches(p, redirect[1]))) {
        at(
            ".redirectURL",
            `goes to ${redirect[1]}, not a redirect host of the team's client ${where(stack, "redirectHosts")}: the provider would send people (and their codes) elsewhere`,
        );
    }
    if (oidc?.cookieDomain !== undefined) {
        at(
            ".cookieDomain",
            "is set; the session cookies would reach every host under it, other teams' dashboards included: leave it out (host-only cookies)",
        );
    }
    if (oidc?.forwardAccessToken === true) {
        at(
            ".forwardAccessToken",
            "is true; it hands each person's access token to the Ray head (and replaces the Authorization header the Ray token travels in)",
        );
    }
    if (oidc?.passThroughAuthHeader === true) {
        at(".passThroughAuthHeader", "is true; a request with any bearer token would skip the sign-in");
    }
    return out;
}

function jwtFindings(r: PolicyResource, jwt: any, sso: TeamSso, stack: string): Finding[] {
    const out: Finding[] = [];
    if (jwt?.optional === true) {
        out.push(violation(r, "spec.jwt.optional", "is true; a request without a token would pass the JWT check"));
    }
    (asList(jwt?.providers) as any[]).forEach((p, i) => {
        const at = (path: string, problem: string) => out.push(violation(r, `spec.jwt.providers[${i}]${path}`, problem));
        if (p?.issuer !== sso.issuer) {
            at(".issuer", `is ${JSON.stringify(p?.issuer)}, not the platform's provider ${sso.issuer} ${where(stack, "issuer")}`);
        }
        if (p?.localJWKS !== undefined || p?.remoteJWKS?.uri !== sso.jwksUri) {
            at(
                ".remoteJWKS",
                `must be the platform's key set ${sso.jwksUri} ${where(stack, "jwksUri")}: other keys would accept tokens the provider never signed`,
            );
        }
        const audiences = asList(p?.audiences);
        if (audiences.length === 0 || audiences.some((a) => a !== sso.clientId)) {
            at(
                ".audiences",
                `must be exactly the team's client ${sso.clientId} ${where(stack, "clientId")}: a token issued to another client (another team's) would pass`,
            );
        }
    });
    return out;
}

/** Every Allow rule requires the registry's claims (values no wider), through a JWT provider of this policy. */
function authorizationFindings(r: PolicyResource, spec: any, sso: TeamSso, stack: string): Finding[] {
    const providers = new Set((asList(spec?.jwt?.providers) as any[]).map((p) => p?.name));
    return (asList(spec?.authorization?.rules) as any[]).flatMap((rule, i) => {
        if (rule?.action !== "Allow") {
            return [];
        }
        const principal = rule?.principal?.jwt;
        const claims = asList(principal?.claims) as any[];
        const missing = sso.claims.filter(
            (want) =>
                !claims.some(
                    (c) =>
                        c?.name === want.name &&
                        (c?.valueType ?? "String") === want.valueType &&
                        asList(c?.values).length > 0 &&
                        asList(c?.values).every((v) => want.values.includes(String(v))),
                ),
        );
        if (rule?.cel !== undefined || !providers.has(principal?.provider) || missing.length > 0) {
            return [
                violation(
                    r,
                    `spec.authorization.rules[${i}]`,
                    `admits requests without the platform's claims (${sso.claims.map((c) => `${c.name} in ${c.values.join("|")}`).join(", ")}) ${where(stack, "claims")}, checked by a jwt provider of this policy: everyone the provider knows would pass`,
                ),
            ];
        }
        return [];
    });
}

function securityPolicy(r: PolicyResource, j: TeamJudge): Finding[] {
    const spec = r.props?.spec ?? {};
    if (spec.oidc === undefined && spec.jwt === undefined) {
        return [];
    }
    const sso = j.tenant.sso;
    if (sso === undefined) {
        return [
            violation(
                r,
                spec.oidc !== undefined ? "spec.oidc" : "spec.jwt",
                `signs people in, but stack ${j.stack} has no OpenID Connect provider registered (tenancy registry: ray-tenancy.tenants.${j.stack}.sso): only the platform's provider may admit people to a team's dashboard`,
            ),
        ];
    }
    return [
        ...(spec.oidc !== undefined ? oidcFindings(r, spec.oidc, sso, j.stack) : []),
        ...(spec.jwt !== undefined ? jwtFindings(r, spec.jwt, sso, j.stack) : []),
        ...authorizationFindings(r, spec, sso, j.stack),
    ];
}

export const ssoClaims: TeamRule = (r, j) => {
    if (isKind(r, "gateway.envoyproxy.io", ENVOY_SECURITY_POLICY.kind)) {
        return securityPolicy(r, j);
    }
    // The client secret is the platform's: a stack declaring that Secret would choose it.
    if (isKind(r, "core", "Secret") && j.tenant.sso !== undefined && metadataName(r) === j.tenant.sso.clientSecretName) {
        return [
            violation(
                r,
                "",
                `is the platform's OAuth client secret for stack ${j.stack} ${where(j.stack, "clientSecretName")}; the platform puts it in the namespace, a team stack never declares it`,
            ),
        ];
    }
    return [];
};

/**
 * Issue 24: single sign-on at the edge is the platform's. Each case is an author of team a's stack
 * (or a pull request) reaching past the registry's `sso` entry with a SecurityPolicy of their own
 * making: their own issuer or keys, another client, endpoints that take the client secret, cookies
 * shared with other hosts, claims wider than the registry's, the platform's client secret Secret.
 */
import * as assert from "assert";
import { tenancy } from "../checks/tenancy";
import { SSO, TENANCY_SETTINGS, k8s, messages, securityPolicy } from "../../test/fixtures/policy";
import { PolicyResource } from "../resource";
import { tenancySchema } from "@ray-on-ack/common/tenancy";

const REGISTRY = (sso: unknown = SSO) => ({
    cluster: TENANCY_SETTINGS.cluster,
    tenants: { a: { ...TENANCY_SETTINGS.tenants.a, sso } },
});

function findings(mutate: (spec: any) => void = () => undefined, registry: object = REGISTRY()): string[] {
    const p = securityPolicy();
    mutate(p.props.spec);
    return messages(tenancy, [p], registry as any);
}

const POLICY = "SecurityPolicy ray-a/demo-dashboard-auth:";

describe("ray-tenancy: single sign-on is the registry's", () => {
    it("passes the SecurityPolicy the package renders from the registry's entry", () => {
        assert.deepStrictEqual(findings(), []);
    });

    it("refuses single sign-on for a stack with no provider registered", () => {
        const { sso: _none, ...withoutSso } = TENANCY_SETTINGS.tenants.a as Record<string, unknown>;
        assert.deepStrictEqual(findings(undefined, { cluster: TENANCY_SETTINGS.cluster, tenants: { a: withoutSso } }), [
            `${POLICY} spec.oidc: signs people in, but stack a has no OpenID Connect provider registered (tenancy registry: ray-tenancy.tenants.a.sso): only the platform's provider may admit people to a team's dashboard`,
        ]);
    });

    it("refuses another issuer, endpoint overrides, another client or client secret, a foreign redirect host", () => {
        assert.deepStrictEqual(
            findings((s) => {
                s.oidc.provider = { issuer: "https://evil.example.net", tokenEndpoint: "https://evil.example.net/token" };
                s.oidc.clientID = "ray-team-b";
                s.oidc.clientSecret = { name: "team-b-client", namespace: "ray-b" };
                s.oidc.redirectURL = "https://collector.example.net/oauth2/callback";
            }),
            [
                `${POLICY} spec.oidc.provider.issuer: is "https://evil.example.net", not the platform's provider https://idaas.example.com/oidc (tenancy registry: ray-tenancy.tenants.a.sso.issuer)`,
                `${POLICY} spec.oidc.provider.tokenEndpoint: is set; the provider's endpoints come from its issuer's discovery document, an override sends people, codes or the client secret elsewhere`,
                `${POLICY} spec.oidc.clientID: is "ray-team-b", not the team's OAuth client ray-team-a (tenancy registry: ray-tenancy.tenants.a.sso.clientId)`,
                `${POLICY} spec.oidc.clientSecret: names "ray-b/team-b-client", not the platform's Secret ray-sso-client in ray-a (tenancy registry: ray-tenancy.tenants.a.sso.clientSecretName)`,
                `${POLICY} spec.oidc.redirectURL: goes to collector.example.net, not a redirect host of the team's client (tenancy registry: ray-tenancy.tenants.a.sso.redirectHosts): the provider would send people (and their codes) elsewhere`,
            ],
        );
    });

    it("refuses a cookie domain, forwarding the access token and skipping the sign-in for bearer tokens", () => {
        assert.deepStrictEqual(
            findings((s) =>
                Object.assign(s.oidc, { cookieDomain: "example.com", forwardAccessToken: true, passThroughAuthHeader: true }),
            ).map((m) => m.split(":")[1].trim()),
            ["spec.oidc.cookieDomain", "spec.oidc.forwardAccessToken", "spec.oidc.passThroughAuthHeader"],
        );
    });

    it("refuses JWT providers of other keys, issuers or audiences, and an optional JWT", () => {
        assert.deepStrictEqual(
            findings((s) => {
                s.jwt.optional = true;
                s.jwt.providers[0].remoteJWKS = { uri: "https://evil.example.net/jwks" };
                s.jwt.providers[0].audiences = ["ray-team-a", "ray-team-b"];
                s.jwt.providers.push({ name: "mine", issuer: "https://evil.example.net", localJWKS: { type: "Inline", inline: "{}" } });
            }),
            [
                `${POLICY} spec.jwt.optional: is true; a request without a token would pass the JWT check`,
                `${POLICY} spec.jwt.providers[0].remoteJWKS: must be the platform's key set https://idaas.example.com/oidc/jwks (tenancy registry: ray-tenancy.tenants.a.sso.jwksUri): other keys would accept tokens the provider never signed`,
                `${POLICY} spec.jwt.providers[0].audiences: must be exactly the team's client ray-team-a (tenancy registry: ray-tenancy.tenants.a.sso.clientId): a token issued to another client (another team's) would pass`,
                `${POLICY} spec.jwt.providers[1].issuer: is "https://evil.example.net", not the platform's provider https://idaas.example.com/oidc (tenancy registry: ray-tenancy.tenants.a.sso.issuer)`,
                `${POLICY} spec.jwt.providers[1].remoteJWKS: must be the platform's key set https://idaas.example.com/oidc/jwks (tenancy registry: ray-tenancy.tenants.a.sso.jwksUri): other keys would accept tokens the provider never signed`,
                `${POLICY} spec.jwt.providers[1].audiences: must be exactly the team's client ray-team-a (tenancy registry: ray-tenancy.tenants.a.sso.clientId): a token issued to another client (another team's) would pass`,
            ],
        );
    });

    it("refuses Allow rules without the registry's claims, with wider values, or through no provider of the policy", () => {
        const admits = `admits requests without the platform's claims (groups in ray-team-a) (tenancy registry: ray-tenancy.tenants.a.sso.claims), checked by a jwt provider of this policy: everyone the provider knows would pass`;
        const broken: ((s: any) => void)[] = [
            (s) => delete s.authorization.rules[0].principal.jwt,
            (s) =>
                (s.authorization.rules[0].principal.jwt.claims = [
                    { name: "groups", valueType: "StringArray", values: ["ray-team-a", "everyone"] },
                ]),
            (s) => (s.authorization.rules[0].principal.jwt.claims = [{ name: "email_verified", values: ["true"] }]),
            (s) => (s.authorization.rules[0].principal.jwt.provider = "undeclared"),
            (s) => s.authorization.rules.unshift({ name: "anyone", action: "Allow", principal: { clientCIDRs: ["203.0.113.0/24"] } }),
        ];
        broken.forEach((mutate, i) => {
            const got = findings(mutate);
            assert.equal(got.length, 1, `case ${i}: ${got.join("; ")}`);
            assert.match(got[0], new RegExp(`spec\\.authorization\\.rules\\[0\\]: ${admits.replace(/[()[\].|]/g, "\\$&")}$`), `case ${i}`);
        });
        // A Deny rule needs no claims; narrower values are fine.
        assert.deepStrictEqual(
            findings((s) => s.authorization.rules.push({ name: "block", action: "Deny", principal: { clientCIDRs: ["203.0.113.7/32"] } })),
            [],
        );
    });

    it("refuses a team stack declaring the platform's client secret Secret", () => {
        const secret: PolicyResource = k8s("kubernetes:core/v1:Secret", {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: SSO.clientSecretName, namespace: "ray-a" },
            stringData: { "client-secret": "chosen-by-the-team" },
        });
        assert.deepStrictEqual(messages(tenancy, [secret], REGISTRY() as any), [
            "Secret ray-a/ray-sso-client: is the platform's OAuth client secret for stack a (tenancy registry: ray-tenancy.tenants.a.sso.clientSecretName); the platform puts it in the namespace, a team stack never declares it",
        ]);
    });

    it("the registry itself refuses a plain-http issuer, an entry without claims, redirect hosts outside the team's hosts, and two teams sharing one OAuth client", () => {
        const problems = (tenants: Record<string, unknown>) => {
            const r = tenancySchema.safeParse({ tenants });
            return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        };
        const a = TENANCY_SETTINGS.tenants.a;
        assert.deepStrictEqual(problems({ a: { ...a, sso: { ...SSO, issuer: "http://idaas.example.com/oidc" } } }), [
            "tenants.a.sso.issuer: must be an https URL without query or fragment",
        ]);
        const { claims: _claims, ...noClaims } = SSO;
        assert.match(problems({ a: { ...a, sso: noClaims } }).join("\n"), /^tenants\.a\.sso\.claims: /);
        const b = {
            ...a,
            team: "b",
            namespace: "ray-b",
            podCidrs: ["10.31.0.0/22"],
            hosts: ["b.example.com"],
            gatewayListeners: [],
            clbCertIds: [],
            ramRoles: [],
            oss: [],
        };
        const bSso = { ...SSO, clientSecretName: "other", redirectHosts: ["b.example.com"] };
        assert.deepStrictEqual(problems({ a: { ...a, sso: SSO }, b: { ...b, sso: bSso } }), [
            "tenants.a.sso: OAuth client ray-team-a of https://idaas.example.com/oidc is also registered to stack b: two teams cannot own one resource",
        ]);
        // The same provider written with a trailing slash is the same client.
        assert.equal(problems({ a: { ...a, sso: SSO }, b: { ...b, sso: { ...bSso, issuer: `${SSO.issuer}/` } } }).length, 1);
        assert.deepStrictEqual(problems({ a: { ...a, sso: SSO }, b: { ...b, sso: { ...bSso, clientId: "ray-team-b" } } }), []);
        // Team b's client may not redirect to team a's host: the provider would send b's sign-ins (codes) there.
        assert.deepStrictEqual(problems({ a, b: { ...b, sso: { ...bSso, clientId: "ray-team-b", redirectHosts: ["ray.example.com"] } } }), [
            "tenants.b.sso.redirectHosts.0: ray.example.com is not one of stack b's hosts (ray-tenancy.tenants.b.hosts: b.example.com): the team's client would send people and their codes to a host the team does not own",
        ]);
    });
});

/**
 * Issue 24: basic auth is a fallback the platform grants, per resource. An Ingress (basic auth is
 * all it has) and a SecurityPolicy with basicAuth fail without a grant; a SecurityPolicy that signs
 * people in (oidc) is none of this check's business; a route whose only policy has jwt, apiKeyAuth
 * or extAuth fails ray-gateway-route-authenticated.
 */
import * as assert from "assert";
import { basicAuthFallback } from "./basicAuth";
import { gatewayRouteAuthenticated } from "./gateway";
import { basicAuthPolicy, blocking, grantFor, httpRoute, ingress, messages, securityPolicy, throughPack } from "../../test/fixtures/policy";

describe("ray-basic-auth-fallback", () => {
    it("fails an Ingress (basic auth, a shared password) unless the platform grants it", () => {
        const ing = ingress();
        assert.deepStrictEqual(blocking(basicAuthFallback, ing), [
            "Ingress ray-a/demo-dashboard: authenticates with basic auth, a password the whole team shares: whoever holds a leaked copy passes the edge from any allowed source until every user gets a new one; use exposure.mode gateway, which signs people in with the platform's single sign-on, or ask the platform team for a ray-basic-auth-fallback grant",
        ]);
        assert.deepStrictEqual(blocking(basicAuthFallback, ing, { grants: [grantFor(ing)] }), []);
        // A grant for another Ingress, or under another policy, covers nothing here.
        const other = ingress();
        other.props.metadata.name = "other-dashboard";
        assert.equal(blocking(basicAuthFallback, ing, { grants: [grantFor(other)] }).length, 1);
    });

    it("fails a SecurityPolicy with basicAuth unless granted; one that signs people in is not its business", () => {
        const basic = basicAuthPolicy();
        assert.deepStrictEqual(blocking(basicAuthFallback, basic), [
            "SecurityPolicy ray-a/demo-dashboard-auth: spec.basicAuth: is a password the whole team shares: whoever holds a leaked copy passes the edge from any allowed source until every user gets a new one; leave out the exposure's username to sign people in with the platform's single sign-on (oidc), or ask the platform team for a ray-basic-auth-fallback grant",
        ]);
        assert.deepStrictEqual(blocking(basicAuthFallback, basic, { grants: [grantFor(basic)] }), []);
        assert.equal(basicAuthFallback.appliesTo(securityPolicy()), false);
        assert.deepStrictEqual(messages(basicAuthFallback, securityPolicy()), []);
    });

    it("through the real pack adapter: mandatory without a grant, advisory with one", () => {
        const basic = basicAuthPolicy();
        assert.equal(throughPack(basicAuthFallback, basic).mandatory.length, 1);
        const granted = throughPack(basicAuthFallback, basic, { grants: [grantFor(basic)] });
        assert.deepStrictEqual([granted.mandatory.length, granted.advisory.length], [0, 1]);
        assert.equal(throughPack(basicAuthFallback, securityPolicy()).notApplicable, true);
    });
});

describe("ray-gateway-route-authenticated: what counts as signing in", () => {
    it("counts oidc and basicAuth; a policy with only jwt, apiKeyAuth or extAuth leaves the route open", () => {
        const route = httpRoute();
        assert.deepStrictEqual(blocking(gatewayRouteAuthenticated, [route, securityPolicy()]), []);
        assert.deepStrictEqual(blocking(gatewayRouteAuthenticated, [route, basicAuthPolicy()]), []);
        const only = (field: string, value: unknown) => {
            const p = securityPolicy();
            delete p.props.spec.oidc;
            delete p.props.spec.jwt;
            p.props.spec[field] = value;
            return p;
        };
        for (const p of [
            only("jwt", securityPolicy().props.spec.jwt),
            only("apiKeyAuth", { credentialRefs: [{ name: "keys" }], extractFrom: [{ headers: ["x-api-key"] }] }),
            only("extAuth", { http: { backendRefs: [{ name: "always-yes", port: 80 }] } }),
        ]) {
            assert.match(
                blocking(gatewayRouteAuthenticated, [route, p]).join("\n"),
                /no SecurityPolicy \(gateway\.envoyproxy\.io\/v1alpha1\) in its namespace targets it with oidc \(single sign-on\) or basicAuth \(the granted fallback\)/,
            );
        }
    });
    it("one SecurityPolicy per route, named in targetRefs: a second (oldest wins in Envoy Gateway) or a label selector could replace the sign-in", () => {
        const route = httpRoute();
        const yes = securityPolicy();
        delete yes.props.spec.oidc;
        delete yes.props.spec.jwt;
        yes.props.spec.extAuth = { http: { backendRefs: [{ name: "always-yes", port: 80 }] } };
        yes.props.metadata.name = "demo-dashboard-early";
        const twice = [route, securityPolicy(), yes];
        const expected = [
            "HTTPRoute ray-a/demo-dashboard: is targeted by 2 SecurityPolicies (demo-dashboard-auth, demo-dashboard-early); Envoy Gateway applies only the oldest, so the pack cannot tell which one signs people in: one policy per route",
        ];
        assert.deepStrictEqual(blocking(gatewayRouteAuthenticated, twice), expected);
        assert.deepStrictEqual(blocking(gatewayRouteAuthenticated, twice, { grants: [grantFor(route)] }), expected, "no grant covers it");
        const bySelector = securityPolicy("another-route");
        bySelector.props.spec.targetSelectors = [{ kind: "HTTPRoute", matchLabels: { "ray-on-ack.io/team": "team-a" } }];
        assert.deepStrictEqual(blocking(gatewayRouteAuthenticated, [route, securityPolicy(), bySelector]), [
            "SecurityPolicy ray-a/another-route-auth: spec.targetSelectors: is set; a policy that selects routes by label can take over another route's sign-in: name the route in targetRefs",
        ]);
    });
});

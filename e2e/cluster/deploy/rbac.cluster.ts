/**
 * The team's people (E2E_PEOPLE_KUBECONFIG, else the admin impersonating E2E_PEOPLE_USER in
 * E2E_PEOPLE_GROUP): port-forward and list pods in the team namespace, read their cluster's Ray
 * token by name; never other Secrets (the TLS keys), exec, create pods, or other namespaces.
 */
import * as assert from "assert";
import { canI, env, kubectl, output, rayCluster } from "../kube";

const { namespace: NS, people } = env();
const RC = rayCluster();
const who = people.description;

describe("rbac", () => {
    // `kubectl auth can-i` answers: what the API server's authorizer says for the identity
    const may: [string, string, string, string, string | undefined][] = [
        // title, verb, resource, namespace, subresource
        [`may port-forward to pods in ${NS}`, "create", "pods", NS, "portforward"],
        [`may list pods in ${NS}`, "list", "pods", NS, undefined],
    ];
    const mayNot: typeof may = [
        [`may not read Secrets in ${NS}`, "get", "secrets", NS, undefined],
        [`may not exec into pods in ${NS}`, "create", "pods", NS, "exec"],
        ["may not list pods in another namespace (default)", "list", "pods", "default", undefined],
        ["may not read Secrets in kube-system", "get", "secrets", "kube-system", undefined],
        [`may not create pods in ${NS}`, "create", "pods", NS, undefined],
    ];
    for (const [title, verb, resource, ns, sub] of may) {
        it(`${who} ${title}`, async () => {
            assert.strictEqual(
                await canI(people, verb, resource, ns, sub),
                "yes",
                `kubectl auth can-i ${verb} ${resource}${sub ? ` --subresource=${sub}` : ""} -n ${ns} as ${who}`,
            );
        });
    }
    for (const [title, verb, resource, ns, sub] of mayNot) {
        it(`${who} ${title}`, async () => {
            assert.strictEqual(
                await canI(people, verb, resource, ns, sub),
                "no",
                `kubectl auth can-i ${verb} ${resource}${sub ? ` --subresource=${sub}` : ""} -n ${ns} as ${who}`,
            );
        });
    }

    // real requests, not only the authorizer's opinion
    it(`${who}'s real request for Secrets in ${NS} is Forbidden`, async () => {
        const r = await kubectl(["-n", NS, "get", "secrets"], people);
        assert.ok(r.code !== 0 && output(r).includes("Forbidden"), `${who}'s request for Secrets in ${NS} was not Forbidden: ${output(r)}`);
    });
    // the one Secret they may read is their cluster's Ray token, by name; never the TLS keys
    it(`${who} may read the Ray token Secret ${RC}-ray-token by name`, async () => {
        const r = await kubectl(["-n", NS, "get", "secret", `${RC}-ray-token`, "-o", "name"], people);
        assert.strictEqual(r.code, 0, `${who} could not read ${RC}-ray-token: ${output(r)}`);
    });
    it(`${who} may not read the TLS Secret ${RC}-ray-tls-head`, async () => {
        const r = await kubectl(["-n", NS, "get", "secret", `${RC}-ray-tls-head`], people);
        assert.ok(
            r.code !== 0 && output(r).includes("Forbidden"),
            `${who}'s request for ${RC}-ray-tls-head was not Forbidden: ${output(r)}`,
        );
    });
});

/** A bring-your-own CLB ACL is read at deploy time (with `cloud`) and judged like aclEntries. */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byoAclProblems } from "./aclCheck";
import { DashboardExposure } from "./dashboardExposure";
import { recordingMocks, type RecordedResource } from "../../render/mockRuntime";

const exposure = {
    mode: "loadbalancer" as const,
    addressType: "internet" as const,
    listener: "https" as const,
    certId: "12345678-cn-hangzhou",
    aclEntries: [],
    aclId: "acl-bp1team",
};

/** The exposure's outcome under mocks whose ACL lookup answers with `entries`. */
async function deploy(entries: string[] | undefined): Promise<{ error?: Error; resources: RecordedResource[] }> {
    const resources: RecordedResource[] = [];
    await pulumi.runtime.setMocks(
        recordingMocks(resources, { podCidrs: [], acls: entries ? { "acl-bp1team": entries } : {} }),
        "ray-on-ack",
        "test",
        false,
    );
    const e = new DashboardExposure("team-x-c1-dashboard", {
        team: "team-x",
        namespace: "ray-team-x",
        cluster: "c1",
        exposure,
        verifyAcl: true,
    });
    const error = await (e.publicDashboard as unknown as { promise(): Promise<unknown> }).promise().then(
        () => undefined,
        (err: Error) => err,
    );
    await pulumi.runtime.disconnect().catch(() => undefined);
    return { error, resources };
}

describe("bring-your-own CLB ACL (exposure.aclId)", () => {
    it("refuses entries that cover too much or reach metadata, naming the ACL", () => {
        assert.deepStrictEqual(byoAclProblems("acl-x", ["0.0.0.0/1", "128.0.0.0/1"], "internet"), [
            "ACL acl-x: 0.0.0.0/1 + 128.0.0.0/1 cover 4294967296 addresses; a public ACL may cover at most 65536 (a /16)",
        ]);
        assert.match(
            byoAclProblems("acl-x", ["100.100.100.200/32"], "intranet")[0],
            /^ACL acl-x: 100\.100\.100\.200\/32 is the cloud metadata range/,
        );
        assert.match(byoAclProblems("acl-x", [], "internet")[0], /no entries/);
        assert.deepStrictEqual(byoAclProblems("acl-x", ["203.0.113.0/27"], "internet", ["203.0.113.0/28"]), []);
        assert.deepStrictEqual(byoAclProblems("acl-x", ["203.0.113.0/27"], "internet", ["10.20.0.0/16"]), [
            "ACL acl-x: sourceCidrs entry 10.20.0.0/16 is not inside the ACL's entries (203.0.113.0/27)",
        ]);
    });

    it("fails the deployment with a ResourceError when the looked-up ACL is too wide, and passes a narrow one", async () => {
        const wide = await deploy(["0.0.0.0/1", "128.0.0.0/1"]);
        assert.ok(wide.error, "a wide ACL must fail the deployment");
        assert.match(
            wide.error.message,
            /ray-on-ack:clusters\.c1\.exposure\.aclId: ACL acl-bp1team: 0\.0\.0\.0\/1 \+ 128\.0\.0\.0\/1 cover 4294967296 addresses/,
        );
        const missing = await deploy(undefined);
        assert.match(String(missing.error?.message), /acl-bp1team does not exist/);
        const narrow = await deploy(["203.0.113.0/27"]);
        assert.equal(narrow.error, undefined);
        assert.ok(narrow.resources.some((r) => r.inputs.kind === "Service"));
    });
});

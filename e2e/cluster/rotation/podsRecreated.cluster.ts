/**
 * After a certificate rotation (`tls.rotation` bumped and applied, by run.sh's rotation_checks or
 * by hand): the KubeRay operator deleted every pod of the RayCluster and recreated them with the
 * new certificates' fingerprint (upgradeStrategy Recreate; without it the old pods stay).
 * What "before" was comes from the environment: E2E_ROTATED_FROM_UIDS (the pods' uids, space
 * separated) and E2E_ROTATED_FROM_FINGERPRINT (the head pod's ray-on-ack.io/tls-fingerprint).
 */
import * as assert from "assert";
import { env, kubectlJson, list, rayCluster, waitFor } from "../kube";

const FINGERPRINT = "ray-on-ack.io/tls-fingerprint";
const { namespace: NS } = env();
const RC = rayCluster();

function before(name: string): string {
    const v = process.env[name] ?? "";
    if (v === "") throw new Error(`${name}: not set; the rotation check compares the pods with those before the rotation`);
    return v;
}
const oldUids = before("E2E_ROTATED_FROM_UIDS").split(/\s+/);
const oldFingerprint = before("E2E_ROTATED_FROM_FINGERPRINT");

describe("rotation", () => {
    it(`the RayCluster ${RC} names new certificates (its head template's fingerprint changed)`, async () => {
        const rc = await kubectlJson(["-n", NS, "get", "raycluster", RC]);
        const now = rc.spec.headGroupSpec.template.metadata?.annotations?.[FINGERPRINT];
        assert.ok(
            now !== undefined && now !== oldFingerprint,
            `the head template's ${FINGERPRINT} is ${JSON.stringify(now)}, before the rotation ${oldFingerprint}`,
        );
    });

    it(`the KubeRay operator deleted every pod of ${RC} and recreated them with the new certificates' fingerprint`, async () => {
        const pods = () => list("pods", `ray.io/cluster=${RC}`);
        const state = async () =>
            (await pods())
                .map(
                    (p) =>
                        `${p.metadata.name} ${p.metadata.labels?.["ray.io/node-type"]} uid=${p.metadata.uid} ${FINGERPRINT}=${p.metadata.annotations?.[FINGERPRINT]}`,
                )
                .join("; ");
        await waitFor(
            180,
            `the pods of ${RC} recreated`,
            async () => {
                const now = await pods();
                const heads = now.filter((p) => p.metadata.labels?.["ray.io/node-type"] === "head");
                return (
                    now.length > 0 &&
                    heads.length > 0 &&
                    now.every((p) => !oldUids.includes(p.metadata.uid)) &&
                    heads.every((p) => p.metadata.annotations?.[FINGERPRINT] !== oldFingerprint)
                );
            },
            async () => `${(await state()) || "no pods"} (old pods kept: no upgradeStrategy Recreate?)`,
        );
    });
});

/**
 * A team's fault-tolerant clusters keep their GCS state only where the platform says: the Redis
 * registered to the stack (`gcsRedis`), never another team's or an unregistered one, and the
 * embedded store of KubeRay 1.7 only where the cluster facts declare the operator, its feature gate
 * and the StorageClass the volumes must use.
 */
import { gcsEmbeddedProblem, gcsRedisProblem } from "@ray-on-ack/common/tenancy";
import { Finding, violation } from "../check";
import { rayClusterSpecs } from "../podTemplates";
import { TeamRule, refused } from "./judge";

export const gcsClaims: TeamRule = (r, j) =>
    rayClusterSpecs(r).flatMap((cluster): Finding[] => {
        const ft = cluster.spec.gcsFaultToleranceOptions;
        if (ft === undefined || ft === null) {
            return [];
        }
        const at = `${cluster.path}.gcsFaultToleranceOptions`;
        if (ft.backend === "rocksdb") {
            const storageClass = ft.storage?.storageClassName;
            const findings = refused(r, `${at}.backend`, gcsEmbeddedProblem(j.t));
            if (j.t.cluster.gcsStorageClass !== undefined && storageClass !== j.t.cluster.gcsStorageClass) {
                findings.push(
                    violation(
                        r,
                        `${at}.storage.storageClassName`,
                        `is ${storageClass === undefined ? "not set (the cluster's default class)" : JSON.stringify(storageClass)}; the embedded GCS store's volumes use the platform's StorageClass ${j.t.cluster.gcsStorageClass} (ray-tenancy.cluster.gcsStorageClass)`,
                    ),
                );
            }
            return findings;
        }
        return refused(r, `${at}.redisAddress`, gcsRedisProblem(j.t, j.stack, String(ft.redisAddress ?? "")));
    });

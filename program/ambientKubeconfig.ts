/**
 * Without `cloud`, the program leaves the Kubernetes provider to the environment's kubeconfig (the
 * CI job's credentials, the operator's machine): the files the provider would read (KUBECONFIG's
 * list, else ~/.kube/config) are refused before anything is registered if a user of theirs runs a
 * command or plugin. The offline render talks to no cluster and reads none (RAY_ON_ACK_RENDER=offline).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubeconfigProblems } from "@ray-on-ack/common/kubeconfig";

export function ambientKubeconfigProblems(env: NodeJS.ProcessEnv = process.env): string[] {
    if (env.RAY_ON_ACK_RENDER === "offline") {
        return [];
    }
    const files = env.KUBECONFIG
        ? env.KUBECONFIG.split(path.delimiter).filter((f) => f !== "")
        : [path.join(os.homedir(), ".kube", "config")];
    return files.filter((f) => fs.existsSync(f)).flatMap((f) => kubeconfigProblems(fs.readFileSync(f, "utf8"), f));
}

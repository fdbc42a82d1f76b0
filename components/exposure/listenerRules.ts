/**
 * Rules of the public-dashboard exposure modes that span several fields: the CLB listener
 * protocol against the address type, and the ingress classes that enforce basic auth.
 */
import { AUTH_HONOURING_INGRESS_CLASSES } from "@ray-on-ack/common";

export const ingressClassRule =
    `must be one of ${Object.keys(AUTH_HONOURING_INGRESS_CLASSES).join(", ")}: classes whose controllers honour the nginx basic-auth annotations ` +
    "(an alb class ignores them and would publish the dashboard without a password)";

export function isAuthHonouringIngressClass(name: string): boolean {
    return Object.keys(AUTH_HONOURING_INGRESS_CLASSES).includes(name);
}

interface ListenerFields {
    readonly addressType: "internet" | "intranet";
    readonly listener: "https" | "tcp";
    readonly certId?: string;
    readonly aclId?: string;
    readonly sourceCidrs?: readonly string[];
}

/** Problems of a loadbalancer exposure's listener settings, by the field they belong to. */
export function listenerProblems(e: ListenerFields): { key: keyof ListenerFields; message: string }[] {
    const out: { key: keyof ListenerFields; message: string }[] = [];
    if (e.listener === "tcp" && e.addressType === "internet") {
        out.push({
            key: "listener",
            message:
                "tcp carries the dashboard and the Ray token in cleartext and is refused for addressType internet; use listener https with certId",
        });
    }
    if (e.listener === "https" && e.certId === undefined) {
        out.push({
            key: "certId",
            message: "is required with listener https (the default): the CLB terminates TLS with this server certificate",
        });
    }
    if (e.listener === "tcp" && e.certId !== undefined) {
        out.push({ key: "certId", message: "has no effect with listener tcp; remove it, or use listener https" });
    }
    if (e.listener === "https" && e.sourceCidrs !== undefined) {
        out.push({
            key: "sourceCidrs",
            message:
                "has no effect with listener https: the pods see the CLB's backend addresses (100.64.0.0/10), and the ACL decides who reaches the listener",
        });
    }
    if (e.listener === "tcp" && e.aclId !== undefined && e.sourceCidrs === undefined) {
        out.push({
            key: "sourceCidrs",
            message: "is required with aclId and listener tcp: the NetworkPolicy needs the sources the ACL admits",
        });
    }
    return out;
}

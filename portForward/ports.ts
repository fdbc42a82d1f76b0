/**
 * Local port checks for the port-forward helper. kubectl only reports a taken port after it
 * has connected to the cluster, and then as "unable to listen on any of the requested ports";
 * checking first names the port and the flag that changes it.
 */
import * as net from "net";
import { PortForwardError } from "./outputs";

export function parsePort(value: string | undefined, flag: string, fallback: number): number {
    if (value === undefined) {
        return fallback;
    }
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
        throw new PortForwardError(`${flag} ${value}: not a port number (1-65535)`);
    }
    return n;
}

/** Resolves when 127.0.0.1:port can be bound; otherwise a PortForwardError naming `flag`. */
export function assertPortFree(port: number, flag: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", (e: NodeJS.ErrnoException) => {
            const why =
                e.code === "EADDRINUSE"
                    ? "is already in use (another port-forward, or a local Ray?)"
                    : `cannot be used (${e.code ?? e.message})`;
            reject(new PortForwardError(`local port ${port} ${why}: choose another with ${flag} <port>`));
        });
        server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve()));
    });
}

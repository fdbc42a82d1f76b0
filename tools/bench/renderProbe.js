/**
 * Preloaded (`node -r`) into the renderer by the program-cost benchmark; changes nothing else.
 *
 * - BENCH_KEY_POOL=<file>: RSA key generation is answered from keys made beforehand (a JSON list
 *   of PKCS#8 PEMs), so the render runs every step but the prime search: "render, keygen
 *   excluded". A request the pool cannot answer is generated for real and counted.
 * - BENCH_PHASES=<file>: at exit, writes the renderer's performance marks (ms since the process
 *   started), the exit time and the key counts, for the loading / config / mock run / posture split.
 *
 * Plain JS: it must load before anything else, without a compiler.
 */
"use strict";
const nodeCrypto = require("crypto");
const fs = require("fs");
const perfHooks = require("perf_hooks");

const counts = { pooled: 0, generated: 0 };

if (process.env.BENCH_KEY_POOL) {
    const pool = JSON.parse(fs.readFileSync(process.env.BENCH_KEY_POOL, "utf8"));
    const real = nodeCrypto.generateKeyPair;
    nodeCrypto.generateKeyPair = function (type, options, callback) {
        const i =
            type === "rsa" && typeof callback === "function" && options && !options.publicKeyEncoding
                ? pool.findIndex((k) => k.bits === options.modulusLength)
                : -1;
        if (i < 0) {
            counts.generated++;
            return real.apply(this, arguments);
        }
        const [key] = pool.splice(i, 1);
        counts.pooled++;
        setImmediate(() => {
            const privateKey = nodeCrypto.createPrivateKey(key.pem);
            callback(null, nodeCrypto.createPublicKey(privateKey), privateKey);
        });
    };
}

if (process.env.BENCH_PHASES) {
    const out = process.env.BENCH_PHASES;
    process.on("exit", () => {
        const marks = Object.fromEntries(perfHooks.performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]));
        fs.writeFileSync(out, JSON.stringify({ marks, exit: perfHooks.performance.now(), keys: counts }));
    });
}

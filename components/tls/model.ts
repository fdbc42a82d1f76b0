/** The TLS config fragment: the per-cluster PKI's key size, validity, rotation and Ray Client users. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { PKI_DEFAULTS, type PkiSettingKey } from "../providers/pki";
import { tlsClientsSchema } from "./tlsClients";

/** The PKI settings, one zod field each: exactly PkiRequest's settings (tsc refuses one more or one less). */
const settingFields = {
    keySize: z
        .union([z.literal(2048), z.literal(3072)])
        .default(PKI_DEFAULTS.keySize)
        .describe("Key size of every RSA key. Default 2048."),
    leafValidityDays: z
        .number()
        .int()
        .min(1)
        .max(825)
        .default(PKI_DEFAULTS.leafValidityDays)
        .describe("Lifetime of the head, worker and client certificates, in days."),
    caValidityDays: z
        .number()
        .int()
        .min(30)
        .max(3650)
        .default(PKI_DEFAULTS.caValidityDays)
        .describe("Lifetime of each cluster's CA, in days."),
    renewBeforeDays: z
        .number()
        .int()
        .min(1)
        .default(PKI_DEFAULTS.renewBeforeDays)
        .describe("A leaf is re-issued when it expires within this many days. Default 30."),
    rotation: z.number().int().min(0).default(PKI_DEFAULTS.rotation).describe("Bump to re-issue the head/worker/client certificates."),
    caRotation: z
        .number()
        .int()
        .min(0)
        .default(PKI_DEFAULTS.caRotation)
        .describe("Bump to issue a new CA; the old one stays trusted for `caOverlapDays`."),
    caOverlapDays: z
        .number()
        .int()
        .min(0)
        .default(PKI_DEFAULTS.caOverlapDays)
        .describe("Days during which `ca.crt` holds both the previous and the new CA. Default 30."),
} satisfies Record<PkiSettingKey, z.ZodType>;

export const tlsSchema = z
    .strictObject({
        ...settingFields,
        clients: tlsClientsSchema.describe(
            "Ray Client users, each with the RayClusters whose CA issues them a client-only certificate (`ray://`).",
        ),
    })
    .register(argTypes, { id: "Tls", description: "The per-cluster PKI." });

export type TlsConfig = z.infer<typeof tlsSchema>;

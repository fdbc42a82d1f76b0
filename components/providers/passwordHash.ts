/**
 * The dashboard's basic-auth entry (`user:bcrypt-hash`, htpasswd format, which ingress-nginx
 * reads). bcrypt salts every hash, so the hash is kept in state and only recomputed when the
 * password or user no longer matches it: otherwise every `pulumi up` would rewrite the Secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockAnswerFrom } from "./dynamicMock";
import { PrebuiltDynamicResource } from "./prebuilt";

export const BCRYPT_COST = 12;

export function htpasswdLine(username: string, password: string): string {
    const bcrypt = require("bcryptjs");
    return `${username}:${bcrypt.hashSync(password, BCRYPT_COST)}`;
}

export function htpasswdMatches(line: string, username: string, password: string): boolean {
    const bcrypt = require("bcryptjs");
    const [user, hash] = [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)];
    return user === username && bcrypt.compareSync(password, hash);
}

interface HashInputs {
    username: string;
    password: string;
}

export const passwordHashProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: HashInputs) {
        return {
            id: `basic-auth-${inputs.username}`,
            outs: { username: inputs.username, htpasswd: htpasswdLine(inputs.username, inputs.password) },
        };
    },
    async diff(_id: string, olds: { username: string; htpasswd: string }, news: HashInputs) {
        return { changes: !htpasswdMatches(olds.htpasswd, news.username, news.password) };
    },
    async update(_id: string, _olds: unknown, news: HashInputs) {
        return { outs: { username: news.username, htpasswd: htpasswdLine(news.username, news.password) } };
    },
};

export interface PasswordHashArgs {
    readonly username: pulumi.Input<string>;
    /** The plain password (a secret); it is not stored, only its hash. */
    readonly password: pulumi.Input<string>;
}

export class PasswordHash extends PrebuiltDynamicResource {
    declare readonly htpasswd: pulumi.Output<string>;

    constructor(name: string, args: PasswordHashArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            { file: __filename, exportName: "passwordHashProvider", provider: passwordHashProvider },
            name,
            { username: args.username, password: pulumi.secret(args.password), htpasswd: undefined },
            {
                ...opts,
                additionalSecretOutputs: ["htpasswd"],
            },
        );
    }
}

/** `PasswordHash` under Pulumi mocks: what `create` stores. */
export const passwordHashMockAnswer = mockAnswerFrom("PasswordHash", ["username", "password"], passwordHashProvider);

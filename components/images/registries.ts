/**
 * `security.allowedRegistries` entries. Images are matched by prefix, so an entry must name a
 * registry host and a namespace (`host/namespace/`): on a public registry anyone can create a
 * namespace, and `registry.cn-hangzhou.aliyuncs.com/` alone would admit all of them.
 */
const REGISTRY_PREFIX = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)+\/$/;

export function registryPrefixProblem(entry: string): string | undefined {
    return REGISTRY_PREFIX.test(entry)
        ? undefined
        : `"${entry}" must be a registry host and namespace ending in '/', e.g. docker.io/rayproject/ or registry-vpc.cn-hangzhou.aliyuncs.com/<namespace>/: a bare host admits every namespace on it`;
}

/**
 * YAML that Kubernetes tooling reads as we meant it. kubectl and KubeRay (sigs.k8s.io/yaml) and
 * Ray Serve (PyYAML) read YAML 1.1, where an unquoted `on`, `off`, `yes` or `no` is a boolean; the
 * `yaml` package writes YAML 1.2, where they are plain strings and stay unquoted. A label value
 * `on` then fails `kubectl apply` ("cannot unmarshal bool into ... labels of type string"), and a
 * Serve env var `"no"` reaches Ray as `false`. Written with the 1.1 schema, every string that 1.1
 * would read as something else is quoted; everything else is unchanged.
 */

/** `lineWidth` 0 never folds long strings (manifests meant for review); the `yaml` default folds at 80. */
export function kubernetesYaml(value: unknown, opts: { lineWidth?: number } = {}): string {
    // Loaded on first use: in a program run only a RayService's serveConfigV2 is YAML.
    const { stringify }: typeof import("yaml") = require("yaml");
    // aliasDuplicateObjects: false: repeated objects are written out again, never as anchors, which
    // some readers reject; finding repeats is also a third of the time this takes.
    return stringify(value, { version: "1.1", lineWidth: opts.lineWidth ?? 80, sortMapEntries: false, aliasDuplicateObjects: false });
}

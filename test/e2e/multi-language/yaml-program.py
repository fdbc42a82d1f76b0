"""Writes the YAML program of the e2e multi-language step: TeamEnvironment with team.json's args.

usage: yaml-program.py TEAM_JSON OUT_DIR [PROVIDER_DIR]
JSON is YAML, so the args go in as they are. With PROVIDER_DIR, the project's `packages` names
it, as `pulumi package add` writes it when the language host can link the package.
"""
import json
import sys

args = json.load(open(sys.argv[1]))
program = {
    "name": "ray-on-ack-yaml",
    "runtime": "yaml",
    "description": "TeamEnvironment from a Pulumi YAML program, through the ray-on-ack component provider",
    "resources": {"team": {"type": "ray-on-ack:TeamEnvironment", "properties": args}},
    "outputs": {"namespace": "${team.namespace}"},
}
if len(sys.argv) > 3:
    program["packages"] = {"ray-on-ack": sys.argv[3]}
with open(sys.argv[2] + "/Pulumi.yaml", "w") as f:
    json.dump(program, f, indent=2)

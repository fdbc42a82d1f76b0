"""Writes the YAML program of the e2e multi-language step: TeamEnvironment with team.json's args.

usage: yaml-program.py TEAM_JSON OUT_DIR
JSON is YAML, so the args go in as they are; `pulumi package add` then adds the package.
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
with open(sys.argv[2] + "/Pulumi.yaml", "w") as f:
    json.dump(program, f, indent=2)

"""Writes the YAML program of the e2e multi-language step: TeamEnvironment with team.json's args,
and a HardenedRayService on its own with service.json's.

usage: yaml_program.py TEAM_JSON SERVICE_JSON OUT_DIR [PROVIDER_DIR]
JSON is YAML, so the args go in as they are. With PROVIDER_DIR, the project's `packages` names
it, as `pulumi package add` writes it when the language host can link the package.
"""
import json
import sys

team, service = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
program = {
    "name": "ray-on-ack-yaml",
    "runtime": "yaml",
    "description": "TeamEnvironment and HardenedRayService from a Pulumi YAML program, through the ray-on-ack component provider",
    "resources": {
        "team": {"type": "ray-on-ack:TeamEnvironment", "properties": team},
        "serve": {"type": "ray-on-ack:HardenedRayService", "properties": service},
    },
    "outputs": {"namespace": "${team.namespace}", "serviceName": "${serve.serviceName}"},
}
if len(sys.argv) > 4:
    program["packages"] = {"ray-on-ack": sys.argv[4]}
with open(sys.argv[3] + "/Pulumi.yaml", "w") as f:
    json.dump(program, f, indent=2)

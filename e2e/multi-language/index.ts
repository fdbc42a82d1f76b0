/**
 * The TypeScript side of the e2e multi-language step: TeamEnvironment with the args of team.json
 * and a HardenedRayService with those of service.json, as the YAML program (yaml_program.py
 * writes it) gives them to the component provider. The step's project points its `main` here, so
 * the import is this repository's public index (a user writes `from "ray-on-ack"`).
 */
import { HardenedRayService, TeamEnvironment, type HardenedRayServiceArgs, type TeamEnvironmentArgs } from "../../components";
import * as fs from "fs";
import * as path from "path";

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, file), "utf8"));
const team = new TeamEnvironment("team", read("team.json") as TeamEnvironmentArgs);
const serve = new HardenedRayService("serve", read("service.json") as HardenedRayServiceArgs);

export const namespace = team.namespace;
export const serviceName = serve.serviceName;

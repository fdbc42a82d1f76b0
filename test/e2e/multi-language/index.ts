/**
 * The TypeScript side of the e2e multi-language step: TeamEnvironment with the args of team.json,
 * which the YAML program (yaml-program.py writes it) gives the component provider. The step's
 * project points its `main` here, so the import is this repository's public index (a user
 * writes `from "ray-on-ack"`).
 */
import { TeamEnvironment, type TeamEnvironmentArgs } from "../../../components";
import * as fs from "fs";
import * as path from "path";

const args: TeamEnvironmentArgs = JSON.parse(fs.readFileSync(path.join(__dirname, "team.json"), "utf8"));
const team = new TeamEnvironment("team", args);

export const namespace = team.namespace;

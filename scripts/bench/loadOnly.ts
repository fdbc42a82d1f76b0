/**
 * Loads every module the renderer and the program load, and runs nothing: the program-cost
 * benchmark's middle point, which splits "our code is slow to load" (ts-node transpiling it,
 * zod building schemas) from "our code is slow to run" (RSA keys, registrations).
 */
import "@pulumi/pulumi";
import "../../components/config/validate";
import "../../components/stack/teamEnvironment";
import "../lib/mockRuntime";
import "../lib/renderFiles";
import "../lib/stackFile";

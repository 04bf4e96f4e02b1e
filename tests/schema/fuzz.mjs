// `make test`'s schema check: schemathesis (tests/schema/schemathesis.toml, installed in
// the project's .venv by scripts/setup.sh) generates requests from the edge's published
// /v1/openapi.json and checks every answer: no 5xx, no status the document does not
// list, the documented content type, and a body valid against the documented schema.
// A tenant of its own is created first so tenant and agency routes are reached with
// real credentials.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { BASE, ORIGIN, ROOT, demoAgency } from "../lib/env.mjs";
import { tenant } from "../lib/edge.mjs";

const st = path.join(ROOT, ".venv", "bin", "st");
const t = await tenant("schema");
const erasable = await tenant("schema");
const env = {
  ...process.env,
  EDGE_URL: BASE,
  AGENCY_ORIGIN: ORIGIN,
  SESSION_TOKEN: t.sessionToken,
  TENANT_TOKEN: t.token,
  TENANT_ID: t.tenantId,
  ERASE_TENANT_ID: erasable.tenantId,
  AGENCY_SECRET_KEY: demoAgency().secretKey,
  SCHEMATHESIS_HOOKS: "",
  NO_COLOR: "1",
};
const checks = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"];
const args = [
  "--config-file", path.join(ROOT, "tests", "schema", "schemathesis.toml"),
  // SCHEMA_FILE=crates/edge/openapi.json tries a regenerated document against an edge
  // built before it (no rebuild per schema change).
  "run", process.env.SCHEMA_FILE ?? `${BASE}/v1/openapi.json`, "--url", BASE,
  "--checks", checks.join(","),
  "--workers", "1",
  "--phases", process.env.SCHEMA_PHASES ?? "examples,coverage,fuzzing",
  ...process.argv.slice(2),
];
console.log(`schemathesis against ${BASE} (tenant ${t.tenantId.slice(0, 6)}…)`);
const r = spawnSync(st, args, { env, stdio: "inherit" });
if (r.error) throw r.error;
process.exit(r.status ?? 1);

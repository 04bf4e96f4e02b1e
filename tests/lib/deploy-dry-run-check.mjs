// What `npx wrangler deploy` would ship, checked the way an operator runs it: in this
// checkout after `make setup` and nothing else (none of scripts/env.sh's variables:
// the [build] command must find the pinned tools itself), with no --env. It must build
// (no download), and list the production bindings and vars only: no sandbox binding,
// no UPSTREAM_BINDING, no dev var, no loopback URL; no static assets (the demo page is
// dev's): the widget comes from the release store (WIDGET).
//   node tests/lib/deploy-dry-run-check.mjs
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { ROOT } from "./env.mjs";

const outdir = path.join(ROOT, "target", "deploy-dry-run");
// The environment of a shell that never sourced scripts/env.sh.
const env = {};
for (const k of ["HOME", "USER", "LANG", "TERM", "TMPDIR", "CI"]) if (process.env[k]) env[k] = process.env[k];
env.PATH = process.env.PATH.split(":").filter((p) => !p.startsWith(path.join(ROOT, "node_modules"))).join(":");
const r = spawnSync("npx", ["--no-install", "wrangler", "deploy", "--dry-run", "--outdir", outdir], { cwd: ROOT, encoding: "utf8", env: { ...env, WRANGLER_SEND_METRICS: "false" } });
const out = `${r.stdout}\n${r.stderr}`;
if (r.status !== 0) {
  console.error(out.split("\n").slice(-40).join("\n"));
  assert.fail(`wrangler deploy --dry-run exited ${r.status}`);
}
const start = out.indexOf("Your Worker has access to the following bindings");
assert.ok(start >= 0, `the dry run lists the bindings:\n${out}`);
const bindings = out.slice(start);
for (const dev of ["SANDBOX", "skor-sandbox", "UPSTREAM_BINDING", "DEV_WIRING", "HOSTED_PAGES_REQUIRE_HTTPS", "127.0.0.1", "localhost", "RELAY_MAX_ATTEMPTS", "RELAY_BASE_DELAY_SECONDS", "RATE_UPLOADS_PER_TENANT", "AGENCY_CACHE_SECONDS"]) {
  assert.ok(!bindings.includes(dev), `production lists no ${dev}:\n${bindings}`);
}
assert.ok(!bindings.includes("ASSETS"), `production uploads no static assets:\n${bindings}`);
for (const prod of ["REGISTRY", "TENANT_STATE", "SCOPE_STORE", "RELAY", "WIDGET"]) {
  assert.ok(bindings.includes(prod), `production binds ${prod}:\n${bindings}`);
}
assert.ok(!out.includes("Downloading") && !/github\.com/i.test(out), "the build downloaded nothing");
const latest = readFileSync(path.join(ROOT, "target", "widget", "latest"), "utf8").trim();
assert.ok(existsSync(path.join(ROOT, "target", "widget", latest, "release.json")), "the build made a widget version to publish");
// The console's sign-in is the operator's to configure (README "Deploy"): until both
// vars are set the console answers 503 (tests/lib/production-config-check.mjs).
const access = ["ACCESS_TEAM_DOMAIN", "ACCESS_AUD"].filter((v) => !bindings.includes(v));
if (access.length) console.log(`note: ${access.join(" and ")} not set: the console answers 503 until they are (README: Deploy, the console behind Cloudflare Access)`);
console.log(`ok: wrangler deploy --dry-run (production) binds ${["REGISTRY", "TENANT_STATE", "SCOPE_STORE", "RELAY", "WIDGET"].join(", ")}, carries no dev wiring and no assets`);

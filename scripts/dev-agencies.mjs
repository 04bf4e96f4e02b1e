#!/usr/bin/env node
// Prepares a local agency registry for `make dev`, `make test` and `make bench`:
// applies the D1 migrations, then seeds the two dev agencies through the operator
// CLI's own `add` (scripts/agency.mjs), with the keys the suites know, and their
// console staff through its `staff-add`.
//   node scripts/dev-agencies.mjs [PERSIST_DIR]     (default: wrangler's .wrangler/state)
// The keys are generated once into the git-ignored .dev-agencies.json (mode 600) and
// reused for every fresh state directory; an agency already in the registry is left
// as it is.
//   Demo Lettings  ag_demo    pk_test_demo    the demo page the edge serves (:8787)
//   Portal Pisos   ag_portal  pk_test_portal  the second agency site, own origin (:8788),
//                                             and the React example (examples/react, :8789)
// Staff (who signs in to the console, http://127.0.0.1:8787/console/, through the
// sandbox's Access): admin@demo.test (admin) and agent@demo.test (agent) for ag_demo,
// admin@portal.test (admin) for ag_portal; a member already there is left as it is.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./agency.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FILE = path.join(ROOT, ".dev-agencies.json");
const persistTo = process.argv[2];

const DEV = [
  { id: "ag_demo", name: "Demo Lettings", publishableKey: "pk_test_demo", origin: ["http://127.0.0.1:8787", "http://localhost:8787"], webhookUrl: "http://127.0.0.1:8799/agency-webhook", channel: "DEMO_WEB" },
  { id: "ag_portal", name: "Portal Pisos", publishableKey: "pk_test_portal", origin: ["http://127.0.0.1:8788", "http://localhost:8788", "http://127.0.0.1:8789"], webhookUrl: "http://127.0.0.1:8798/agency-webhook", channel: "PORTAL_WEB" },
];
const STAFF = {
  ag_demo: [{ email: "admin@demo.test", role: "admin" }, { email: "agent@demo.test", role: "agent" }],
  ag_portal: [{ email: "admin@portal.test", role: "admin" }],
};

const migrate = ["d1", "migrations", "apply", "onboarding-registry", "--local", "--env", "dev", ...(persistTo ? ["--persist-to", persistTo] : [])];
const m = spawnSync("wrangler", migrate, { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } });
if (m.status !== 0) {
  console.error(`dev-agencies: migrations failed:\n${m.stdout}\n${m.stderr}`);
  process.exit(1);
}

const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, "utf8")) : {};
const fresh = new Set();
for (const a of DEV) {
  if (!keys[a.id]) {
    keys[a.id] = { id: a.id, publishableKey: a.publishableKey, webhookUrl: a.webhookUrl, secretKey: `sk_test_${randomBytes(24).toString("hex")}`, webhookSecret: `whsec_${randomBytes(24).toString("hex")}` };
    fresh.add(a.id);
  }
}

const where = { local: true, persistTo, origin: [] };
const present = new Map(run("list", where).map((a) => [a.id, a]));
for (const a of DEV) {
  // A registry seeded before an origin was added here (make dev's .wrangler/state)
  // gets it, keeping any origin added by hand.
  const had = present.get(a.id)?.origins;
  if (had && a.origin.some((o) => !had.includes(o))) {
    run("set-origins", { ...where, id: a.id, origin: [...new Set([...had, ...a.origin])] });
    console.log(`==> registry: ${a.name} (${a.id}) allows ${a.origin.filter((o) => !had.includes(o)).join(", ")} too`);
  }
  if (!present.has(a.id)) {
    const k = keys[a.id];
    run("add", { ...where, id: a.id, name: a.name, origin: a.origin, webhookUrl: a.webhookUrl, channel: a.channel, publishableKey: k.publishableKey, secretKey: k.secretKey, webhookSecret: k.webhookSecret });
    console.log(`==> registry: added ${a.name} (${a.id}, ${a.publishableKey})`);
  } else if (fresh.has(a.id)) {
    // In the registry from an earlier .dev.vars whose keys are gone: rotate to keys
    // this file knows, the old ones ending now.
    const opts = { ...where, id: a.id, overlapHours: "0" };
    keys[a.id].secretKey = run("rotate-secret-key", opts).secretKey;
    keys[a.id].webhookSecret = run("rotate-webhook-secret", opts).webhookSecret;
    console.log(`==> registry: new dev keys for ${a.name} (${a.id})`);
  }
}
if (fresh.size) writeFileSync(FILE, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });

for (const [id, members] of Object.entries(STAFF)) {
  const has = new Set(run("staff-list", { ...where, id }).map((m) => m.email));
  for (const m of members.filter((m) => !has.has(m.email))) {
    run("staff-add", { ...where, id, ...m });
    console.log(`==> registry: ${m.email} (${m.role}) on ${id}'s staff`);
  }
}
const edge = process.env.DEV_URL ?? "http://127.0.0.1:8787";
console.log(`==> console: ${edge}/console/ — sign in as admin@demo.test (code on ${edge}/cdn-cgi/access/mailbox)`);

// Script-level check that a crash between the upstream's commit and the edge's 201
// loses nothing and never makes a second upstream tenant:
//   node tests/lib/crash-retry-check.mjs
// Starts edge + sandbox (`wrangler dev`, both configs, port CRASH_CHECK_PORT, default
// 8795) on a fresh --persist-to directory and its own dev registry. Opens a session and
// sends `POST /v1/tenants` with an Idempotency-Key for `…+slowreply…@example.com`: the
// sandbox stores the tenant, then holds its reply for 6 s. While it holds it, the
// check SIGKILLs workerd (the whole wrangler process group: no clean shutdown, the
// edge never sees the reply, the 201 is never sent), starts wrangler dev again on the
// same directory and retries with the same key and body. The retry must answer 201 for
// a tenant whose state exists, the upstream must hold exactly one tenant for that
// email, and a further retry must replay the same answer.
// Needs the built toolchain (`source scripts/env.sh`) and the generated .dev.vars.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { ROOT, ORIGIN, devVars } from "./env.mjs";
import { tenantBody } from "./bodies.mjs";
import { crash, ready as readyAt, startDev, stop } from "./process-group.mjs";

const PORT = Number(process.env.CRASH_CHECK_PORT ?? 8795);
const BASE = `http://127.0.0.1:${PORT}`;
const KEY = devVars().SKOR_API_KEY;
const dir = mkdtempSync(path.join(tmpdir(), "edge-crash-"));
const state = path.join(dir, "state");
// Our own dev registry: another `wrangler dev` on this machine must not answer for
// the sandbox service binding.
const registry = path.join(dir, "registry");

const start = () => startDev({ root: ROOT, port: PORT, state, registry });
const ready = () => readyAt(BASE);

const post = (p, body, headers = {}) => fetch(`${BASE}${p}`, {
  method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, ...headers }, body: JSON.stringify(body),
});

const tag = `crash+slowreply+${randomBytes(4).toString("hex")}`;
const applicant = tenantBody(tag);
const email = applicant.applicant.email;
const idem = `crash-${randomBytes(8).toString("hex")}`;

// The agency registry of this state directory (migrations, the two dev agencies).
const seeded = spawnSync("node", [path.join(ROOT, "scripts/dev-agencies.mjs"), state], { cwd: ROOT, stdio: "inherit" });
assert.equal(seeded.status, 0, "dev-agencies seeds the registry");
let child = start();
try {
  await ready();
  const s = await post("/v1/sessions", { publishableKey: "pk_test_demo" });
  assert.equal(s.status, 201, "session");
  const { sessionToken } = await s.json();
  const auth = { authorization: `Bearer ${sessionToken}`, "idempotency-key": idem };

  // The first attempt: the sandbox commits the tenant and holds its reply.
  const first = post("/v1/tenants", applicant, auth).then((r) => ({ status: r.status }), (e) => ({ error: e }));
  await new Promise((r) => setTimeout(r, 2500));
  await crash(child);
  const outcome = await first;
  assert.ok(outcome.error || outcome.status >= 500, `the first attempt never got its 201 (got ${JSON.stringify(outcome.status)})`);

  child = start();
  await ready();
  const upstream = async () => {
    const r = await fetch(`${BASE}/sandbox/v1/tenants?email=${encodeURIComponent(email)}`, { headers: { "x-api-key": KEY } });
    assert.equal(r.status, 200, "sandbox lists tenants by email");
    return (await r.json()).tenants;
  };
  const before = await upstream();
  assert.equal(before.length, 1, "the killed attempt's tenant was committed upstream before the crash");

  // The retry: same session, key and body. Its wait covers the dead holder's lease.
  const retry = await post("/v1/tenants", applicant, auth);
  const retried = await retry.json();
  assert.equal(retry.status, 201, `retry answers 201 (${JSON.stringify(retried)})`);
  assert.equal(retried.tenantId, before[0].id, "the retry binds the tenant the killed attempt created");
  const after = await upstream();
  assert.equal(after.length, 1, "no second upstream tenant");

  // Nothing lost: the tenant's state exists and its token works.
  const status = await fetch(`${BASE}/v1/tenants/${retried.tenantId}/status`, {
    headers: { origin: ORIGIN, authorization: `Bearer ${retried.sessionToken}` },
  });
  assert.equal(status.status, 200, "tenant state exists after the retry");
  assert.equal((await status.json()).tenantId, retried.tenantId);

  // A further retry is a replay of the same answer.
  const again = await post("/v1/tenants", applicant, auth);
  assert.equal(again.status, 201);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal((await again.json()).tenantId, retried.tenantId);
  assert.equal((await upstream()).length, 1, "still one upstream tenant");
  console.log(`ok: killed workerd while the upstream held its reply; the retry bound ${retried.tenantId}, the only upstream tenant for the applicant`);
} finally {
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
}

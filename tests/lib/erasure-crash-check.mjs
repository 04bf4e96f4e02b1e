// Script-level check that an erasure interrupted by a crash finishes by itself:
//   node tests/lib/erasure-crash-check.mjs
// Starts edge + sandbox (`wrangler dev`, both configs, port ERASURE_CHECK_PORT, default
// 8796) on a fresh --persist-to directory and its own dev registry. Creates a tenant
// for `…+slowdelete…@example.com` with a document, then asks
// `DELETE /v1/agency/tenants/{id}`: the edge empties the tenant's storage and calls the
// upstream's DELETE, which erases and then holds its reply for 6 s. While it holds it,
// the check SIGKILLs workerd (the whole wrangler process group: no clean shutdown, the
// remaining steps never run), starts wrangler dev again on the same directory and, without
// asking again, waits for the tenant object's alarm to finish the erasure: the agency's
// list no longer has the tenant and a second DELETE answers 200 `erased` at once, and
// the agency view, the applicant's token and the upstream all answer 404.
// Needs the built toolchain (`source scripts/env.sh`) and the generated .dev.vars.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { ROOT, ORIGIN, devVars, devAgencies } from "./env.mjs";
import { tenantBody } from "./bodies.mjs";
import { crash, ready as readyAt, startDev, stop } from "./process-group.mjs";

const PORT = Number(process.env.ERASURE_CHECK_PORT ?? 8796);
const BASE = `http://127.0.0.1:${PORT}`;
const KEY = devVars().SKOR_API_KEY;
const dir = mkdtempSync(path.join(tmpdir(), "edge-erasure-"));
const state = path.join(dir, "state");
const registry = path.join(dir, "registry");

const start = () => startDev({ root: ROOT, port: PORT, state, registry });
const ready = () => readyAt(BASE);

const call = (p, { method = "GET", token, json, body, headers = {}, origin = ORIGIN } = {}) => fetch(`${BASE}${p}`, {
  method: json || body ? "POST" : method,
  headers: {
    ...(origin ? { origin } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(json ? { "content-type": "application/json" } : {}),
    ...headers,
  },
  body: json ? JSON.stringify(json) : body,
});
const SK = devAgencies().ag_demo.secretKey;
const agency = (p, method = "GET") => call(p, { method, token: SK, origin: null });

const seeded = spawnSync("node", [path.join(ROOT, "scripts/dev-agencies.mjs"), state], { cwd: ROOT, stdio: "inherit" });
assert.equal(seeded.status, 0, "dev-agencies seeds the registry");
let child = start();
try {
  await ready();
  const s = await call("/v1/sessions", { json: { publishableKey: "pk_test_demo" } });
  assert.equal(s.status, 201, "session");
  const { sessionToken } = await s.json();
  const created = await call("/v1/tenants", { token: sessionToken, json: tenantBody(`erase+slowdelete+${randomBytes(4).toString("hex")}`) });
  assert.equal(created.status, 201, "tenant");
  const { tenantId, sessionToken: token } = await created.json();
  const up = await call(`/v1/tenants/${tenantId}/documents?kind=payslip`, {
    token, body: Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(2048, 0x20)]), headers: { "content-type": "application/pdf" },
  });
  assert.equal(up.status, 201, "document");
  for (let i = 0; i < 40; i++) {
    const list = await (await agency("/v1/agency/tenants")).json();
    if (list.tenants.some((t) => t.tenantId === tenantId)) break;
    await new Promise((r) => setTimeout(r, 250));
  }

  // The erasure: the upstream holds its reply; workerd dies meanwhile.
  const first = agency(`/v1/agency/tenants/${tenantId}`, "DELETE").then((r) => ({ status: r.status }), (e) => ({ error: e }));
  await new Promise((r) => setTimeout(r, 2500));
  await crash(child);
  const outcome = await first;
  assert.ok(outcome.error || outcome.status >= 500, `the first DELETE never got its answer (got ${JSON.stringify(outcome.status)})`);

  child = start();
  await ready();
  // Nobody asks again: the alarm (5 s after the start, then backing off) finishes it.
  let listed = true;
  for (let i = 0; i < 120 && listed; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    listed = (await (await agency("/v1/agency/tenants")).json()).tenants.some((t) => t.tenantId === tenantId);
  }
  assert.equal(listed, false, "the alarm took the tenant off the list");
  const receipt = await agency(`/v1/agency/tenants/${tenantId}`, "DELETE");
  const r = await receipt.json();
  assert.equal(receipt.status, 200, JSON.stringify(r));
  assert.equal(r.state, "erased");
  assert.equal((await agency(`/v1/agency/tenants/${tenantId}`)).status, 404, "agency view");
  assert.equal((await call(`/v1/tenants/${tenantId}/status`, { token })).status, 404, "applicant token");
  assert.equal((await call(`/sandbox/v1/tenants/${tenantId}`, { origin: null, headers: { "x-api-key": KEY } })).status, 404, "upstream");
  console.log(`ok: killed workerd while the upstream held its DELETE reply; the alarm finished erasing ${tenantId}`);
} finally {
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
}

// No value from .dev.vars ever leaves the edge: every response collected while this
// suite drives each route (happy and failing paths), every response recorded by the
// other edge suites in target/edge-captures, and every served www/ file are scanned.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/env.mjs";
import {
  api, responses, tenant, devVars, devAgencies, pdf, sha256hex, CAPTURE_DIR, EVIL_ORIGIN, sign,
} from "../lib/edge.mjs";

function secrets() {
  const vars = devVars();
  const values = new Set();
  for (const [name, value] of Object.entries(vars)) {
    if (!value || value.length < 8) continue;
    values.add(value);
  }
  // The dev agencies' secret keys (and their hashes, as the registry keeps them) and
  // webhook secrets.
  for (const a of Object.values(devAgencies())) {
    for (const v of [a.secretKey, sha256hex(a.secretKey), a.webhookSecret]) values.add(v);
  }
  return [...values];
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

async function exercise() {
  const t = await tenant("challenge");
  const T = t.tenantId;
  await api(`/v1/tenants/${T}/status`, { token: t.token });
  await api(`/v1/tenants/${T}/documents?kind=payslip`, { token: t.token, body: pdf(), headers: { "Content-Type": "application/pdf" } });
  await api(`/v1/tenants/${T}/documents?kind=payslip`, { token: t.token, body: "<html>", headers: { "Content-Type": "application/pdf" } });
  await api(`/v1/tenants/${T}/documents`, { token: t.token });
  for (const p of ["clave", "kyc", "bank-connections", "identity-inquiries"]) {
    await api(`/v1/tenants/${T}/${p}`, { token: t.token, method: "POST" });
  }
  await api(`/v1/tenants/${T}/status`, { token: "v1.x.y" });
  await api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, origin: EVIL_ORIGIN });
  await api("/v1/tenants", { token: t.sessionToken, json: { applicant: {} } });
  await api("/v1/openapi.json");
  await api("/healthz");
  await api(`/v1/agency/tenants/${T}`, { token: devAgencies().ag_demo.secretKey, origin: null });
  await api(`/v1/agency/tenants/${T}`, { token: "sk_test_wrong", origin: null });
  const body = JSON.stringify({ id: "evt_scan", type: "kyc.completed", createdAt: new Date().toISOString(), tenantId: T, data: { status: "verified" } });
  await api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign("wrong", body) } });
  await api("/", { origin: null });
}

test("no .dev.vars value appears in any response or served file", async () => {
  await exercise();
  const values = secrets();
  assert.ok(values.length >= 5);
  const hay = responses().map((r) => ({ where: r.url, text: JSON.stringify(r.headers) + r.body }));
  if (existsSync(CAPTURE_DIR)) {
    for (const f of readdirSync(CAPTURE_DIR)) {
      for (const line of readFileSync(path.join(CAPTURE_DIR, f), "utf8").split("\n")) {
        if (line) hay.push({ where: `${f}`, text: line });
      }
    }
  }
  const www = path.join(ROOT, "www");
  if (existsSync(www)) {
    for (const f of walk(www)) hay.push({ where: f, text: readFileSync(f).toString("latin1") });
  }
  assert.ok(hay.length > 20, `scanned ${hay.length}`);
  for (const { where, text } of hay) {
    for (const v of values) assert.ok(!text.includes(v), `a secret value appears in ${where}`);
  }
});

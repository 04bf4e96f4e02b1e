// Script-level check that sandbox state survives a restart of `wrangler dev`:
//   node tests/lib/sandbox-restart-check.mjs
// Starts the sandbox alone (port SANDBOX_RESTART_PORT, default 8796) on a fresh
// --persist-to directory, creates a tenant and uploads a document, stops wrangler
// (whole process group), starts it again on the same directory and reads both back.
// Exits non-zero on any difference. Needs the built toolchain (`source scripts/env.sh`).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { ROOT, devVars } from "./env.mjs";
import { stop } from "./process-group.mjs";

const PORT = Number(process.env.SANDBOX_RESTART_PORT ?? 8796);
const URL_ = `http://127.0.0.1:${PORT}`;
const KEY = devVars().SKOR_API_KEY;
const state = mkdtempSync(path.join(tmpdir(), "sbx-restart-"));

function start() {
  const child = spawn("wrangler", [
    "dev", "-c", "crates/sandbox/wrangler.toml", "--ip", "127.0.0.1", "--port", String(PORT),
    "--persist-to", state, "--show-interactive-dev-session=false",
  ], { cwd: ROOT, detached: true, stdio: "ignore" });
  return child;
}

async function ready() {
  for (let i = 0; i < 240; i++) {
    try { if ((await fetch(`${URL_}/healthz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("sandbox did not start");
}

const api = (p, init = {}) => fetch(`${URL_}${p}`, { ...init, headers: { "x-api-key": KEY, ...(init.headers ?? {}) } });

let child = start();
try {
  await ready();
  const tenant = await (await api("/v1/tenants", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ firstName: "Ana", lastName: "Ruiz", email: "ana@example.com", identificationNumber: "12345678Z", postcode: "28013" }),
  })).json();
  const form = new FormData();
  form.set("kind", "payslip");
  form.set("file", new Blob([Buffer.from("%PDF-1.4 restart check")]), "n.pdf");
  const doc = await (await api(`/v1/tenants/${tenant.id}/documents`, { method: "POST", body: form })).json();

  await stop(child);
  child = start();
  await ready();

  const again = await api(`/v1/tenants/${tenant.id}`);
  assert.equal(again.status, 200, "tenant survives the restart");
  assert.deepEqual(await again.json(), tenant);
  const bytes = Buffer.from(await (await api(`/v1/tenants/${tenant.id}/documents/${doc.id}/content`)).arrayBuffer());
  assert.equal(bytes.toString(), "%PDF-1.4 restart check", "document bytes survive the restart");
  console.log(`ok: tenant ${tenant.id} and document ${doc.id} survived a wrangler dev restart`);
} finally {
  await stop(child);
  rmSync(state, { recursive: true, force: true });
}

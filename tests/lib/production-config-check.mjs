// The production configuration (wrangler.toml's top level) run under `wrangler dev`:
//   1. with dev wiring forced in (a loopback screening URL, as the old dev config had),
//      every route answers 503 configuration_error — health, sessions, the agency API,
//      /sandbox/* — and no upstream is called;
//   2. with https upstreams, /healthz answers 200 (so the 503 above is the guard's),
//      /sandbox/* is not forwarded and the demo page is not served.
//   node tests/lib/production-config-check.mjs   (after `make test`'s build steps)
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { ROOT } from "./env.mjs";
import { stop } from "./process-group.mjs";

const PORT = Number(process.env.PROD_CHECK_PORT ?? 8793);
const BASE = `http://127.0.0.1:${PORT}`;
const dir = mkdtempSync(path.join(tmpdir(), "edge-prod-"));

function start(vars) {
  const args = ["dev", "-c", "wrangler.toml", "--ip", "127.0.0.1", "--port", String(PORT), "--persist-to", path.join(dir, "state"), "--log-level", "warn", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const log = path.join(dir, "wrangler.log");
  const child = spawn("bash", ["-c", `exec wrangler ${args.map((a) => `'${a}'`).join(" ")} >>'${log}' 2>&1`], { cwd: ROOT, detached: true, stdio: "ignore", env: { ...process.env, WRANGLER_REGISTRY_PATH: path.join(dir, "registry") } });
  child.log = log;
  return child;
}

async function answering(child) {
  for (let i = 0; i < 600; i++) {
    try { await fetch(`${BASE}/healthz`); return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev (production config) did not answer:\n${readFileSync(child.log, "utf8").slice(-3000)}`);
}

const get = async (p, init) => {
  const r = await fetch(`${BASE}${p}`, init);
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not json */ }
  return { status: r.status, type: r.headers.get("content-type"), json, text };
};

let child;
try {
  child = start({ SKOR_BASE_URL: "http://127.0.0.1:8787/sandbox", IDENTITY_BASE_URL: "https://identity.example" });
  await answering(child);
  const calls = [
    ["/healthz"],
    ["/v1/sessions", { method: "POST", headers: { Origin: "http://127.0.0.1:8787", "Content-Type": "application/json" }, body: '{"publishableKey":"pk_test_demo"}' }],
    ["/v1/agency/webhooks/undelivered", { headers: { Authorization: "Bearer sk_test_x" } }],
    ["/sandbox/v1/tenants"],
  ];
  for (const [p, init] of calls) {
    const r = await get(p, init);
    assert.equal(r.status, 503, `${p}: ${r.status} ${r.text}`);
    assert.equal(r.type, "application/problem+json", p);
    assert.equal(r.json.code, "configuration_error", p);
  }
  // wrangler writes the worker's console lines a moment after the response.
  let log = "";
  for (let i = 0; i < 50 && !/dev wiring outside dev/.test(log); i++) {
    await new Promise((r) => setTimeout(r, 200));
    log = readFileSync(child.log, "utf8");
  }
  assert.match(log, /dev wiring outside dev/, "the log says why");
  await stop(child);

  // The widget is served from the release store: published to this state as a release is.
  const published = spawnSync("node", [path.join(ROOT, "scripts/publish-widget.mjs"), "--persist-to", path.join(dir, "state")], { cwd: ROOT, encoding: "utf8" });
  assert.equal(published.status, 0, published.stderr);
  child = start({ SKOR_BASE_URL: "https://screening.example", IDENTITY_BASE_URL: "https://identity.example" });
  await answering(child);
  assert.equal((await get("/healthz")).status, 200, "https upstreams: the production config serves");
  assert.equal((await get("/sandbox/v1/tenants")).status, 404, "no /sandbox/* outside dev");
  const page = await get("/");
  assert.ok(!page.text.includes("<tenant-onboarding"), "no demo page outside dev");
  assert.equal((await get("/widget/manifest.json")).status, 200, "the widget is served");
  // The console without ACCESS_TEAM_DOMAIN / ACCESS_AUD: 503, never open, and no
  // Access forwarded to a sandbox.
  const console503 = await get("/console/");
  assert.equal(console503.status, 503, `the console without Access: ${console503.status}`);
  assert.match(console503.text, /Cloudflare Access/, "the page says what is missing");
  assert.equal((await get("/cdn-cgi/access/certs")).status, 404, "no /cdn-cgi/access/* outside dev");
  // Outside dev a request that did not come through Cloudflare (no CF-Connecting-IP)
  // is refused before anything else (lib.rs, unit test `addressless_requests`):
  // wrangler dev always sets the header itself, so here only the other half is seen —
  // a request with it goes on (to the registry, which this bare state has not got).
  const addressed = await get("/v1/sessions", { method: "POST", headers: { Origin: "http://127.0.0.1:8787", "Content-Type": "application/json", "CF-Connecting-IP": "198.18.0.1" }, body: '{"publishableKey":"pk_test_demo"}' });
  assert.notEqual(addressed.json?.code, "client_address_missing", addressed.text);
  console.log("ok: dev wiring in the production config answers 503 configuration_error everywhere; with https upstreams it serves, without /sandbox or the demo page; the console answers 503 until Access is configured");
} finally {
  if (child) await stop(child);
  rmSync(dir, { recursive: true, force: true });
}

// Tenant tokens: short-lived, refreshable while the onboarding is open (an applicant
// in a long KYC is not sent back to the start), never accepted from a URL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, BASE, mintToken, tenant } from "../lib/edge.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const refresh = (t, token, origin) => api(`/v1/tenants/${t.tenantId}/session`, { method: "POST", token: token ?? undefined, origin });

test("a tenant token is refreshed: same tenant, a later expiry, and it works", async () => {
  const t = await tenant();
  await sleep(1100); // expiries are whole seconds: a later one makes another token
  const r = await refresh(t, t.token);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.sessionToken.startsWith("v2."));
  assert.notEqual(r.json.sessionToken, t.token);
  const ttl = Date.parse(r.json.expiresAt) - Date.now();
  assert.ok(ttl > 30 * 60_000 && ttl <= 3600_000 + 5000, `ttl ${ttl}`);
  const status = await api(`/v1/tenants/${t.tenantId}/status`, { token: r.json.sessionToken });
  assert.equal(status.status, 200);
  // The refreshed token is still bound to this tenant only.
  const other = await tenant();
  assert.equal((await api(`/v1/tenants/${other.tenantId}/status`, { token: r.json.sessionToken })).status, 403);
});

test("refresh refuses expired, session-only, other-tenant and other-origin tokens", async () => {
  const t = await tenant();
  const expired = mintToken({ tenantId: t.tenantId, expiresAt: Math.floor(Date.now() / 1000) - 5 });
  assert.equal((await refresh(t, expired)).status, 401);
  assert.equal((await refresh(t, t.sessionToken)).status, 403, "a token not bound to the tenant");
  const other = await tenant();
  assert.equal((await refresh(t, other.token)).status, 403);
  assert.equal((await refresh(t, t.token, "https://evil.example")).status, 403);
  assert.equal((await refresh(t, null)).status, 401);
  const unknown = mintToken({ tenantId: "t_nope_0000", expiresAt: Math.floor(Date.now() / 1000) + 600 });
  assert.equal((await api("/v1/tenants/t_nope_0000/session", { method: "POST", token: unknown })).status, 404);
});

test("a token in the URL is never accepted", async () => {
  const t = await tenant();
  for (const p of [`/v1/tenants/${t.tenantId}/events`, `/v1/tenants/${t.tenantId}/status`, `/v1/tenants/${t.tenantId}/documents`]) {
    const res = await fetch(`${BASE}${p}?access_token=${encodeURIComponent(t.token)}`);
    await res.body?.cancel();
    assert.equal(res.status, 401, p);
  }
});

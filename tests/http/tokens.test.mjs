// Tenant tokens: short-lived, refreshable while the onboarding is open (an applicant
// in a long KYC is not sent back to the start), never accepted from a URL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, BASE, mintToken, tenant, demoAgency } from "../lib/edge.mjs";

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

test("tokens: renewals stop at the absolute lifetime from the tenant's first token (24 h)", async () => {
  const t = await tenant();
  const now = Math.floor(Date.now() / 1000);
  const renew = (since) => api(`/v1/tenants/${t.tenantId}/session`, { token: mintToken({ tenantId: t.tenantId, expiresAt: now + 600, since }), method: "POST" });
  // 100 s of lifetime left: renewed, but not past the end.
  const late = await renew(now - 86_400 + 100);
  assert.equal(late.status, 200, late.text);
  assert.ok(Date.parse(late.json.expiresAt) / 1000 <= now + 100 + 1, `capped at the end: ${late.json.expiresAt}`);
  // Past it: refused, though the token itself has not expired.
  const over = await renew(now - 86_400 - 10);
  assert.equal(over.status, 401, over.text);
  assert.equal(over.json.code, "unauthorized");
});

test("tokens: the agency revokes an applicant's access; every token issued so far is refused", async () => {
  const t = await tenant();
  const renewed = await api(`/v1/tenants/${t.tenantId}/session`, { token: t.token, method: "POST" });
  assert.equal(renewed.status, 200);
  assert.equal((await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token })).status, 200);
  const revoked = await api(`/v1/agency/tenants/${t.tenantId}/revoke-access`, { token: demoAgency().secretKey, origin: null, method: "POST" });
  assert.equal(revoked.status, 200, revoked.text);
  assert.deepEqual(revoked.json, { tenantId: t.tenantId, generation: 1 });
  for (const token of [t.token, renewed.json.sessionToken]) {
    assert.equal((await api(`/v1/tenants/${t.tenantId}/status`, { token })).status, 401);
    assert.equal((await api(`/v1/tenants/${t.tenantId}/session`, { token, method: "POST" })).status, 401, "no renewal");
    assert.equal((await api(`/v1/tenants/${t.tenantId}/live-tickets`, { token, method: "POST" })).status, 401, "no live status");
    assert.equal((await api(`/v1/tenants/${t.tenantId}/documents`, { token })).status, 401);
  }
  // Another agency cannot revoke it (not its tenant), nor can the applicant.
  assert.equal((await api(`/v1/agency/tenants/${t.tenantId}/revoke-access`, { token: t.token, origin: null, method: "POST" })).status, 401);
  assert.equal((await api(`/v1/agency/tenants/ten_unknown/revoke-access`, { token: demoAgency().secretKey, origin: null, method: "POST" })).status, 404);
});

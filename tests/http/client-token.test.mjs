// Agency-created sessions (issue 32): what the agency's server fixes for one applicant's
// visit cannot be changed from the browser, the token opens one session once, and a
// reference from a browser is refused with a 422 that says where it belongs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { api, clientToken, grantedSession, session, tenantBody, fakeIp, demoAgency, devAgencies, EVIL_ORIGIN } from "../lib/edge.mjs";

const SK = demoAgency().secretKey;
const agency = (p, opts = {}) => api(p, { token: SK, origin: null, ...opts });
const open = (ct, origin) => api("/v1/sessions", { json: { clientToken: ct }, origin, headers: { "CF-Connecting-IP": fakeIp() } });

test("only the secret key makes a client token, and what it fixes is checked by core's rules", async () => {
  assert.equal((await api("/v1/agency/sessions", { token: demoAgency().publishableKey, origin: null, json: {} })).status, 401);
  assert.equal((await api("/v1/agency/sessions", { origin: null, json: {} })).status, 401);
  const bad = await agency("/v1/agency/sessions", {
    json: { externalReference: "<script>", locale: "fr", expiresIn: 86_401, prefill: { email: "nope" }, requestedAmount: "abc" },
    headers: { "Accept-Language": "en" },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.json.errors.map((e) => [e.field, e.code]), [
    ["externalReference", "invalid_characters"],
    ["requestedAmount", "invalid_format"],
    ["prefill.email", "invalid_email"],
    ["locale", "invalid_choice"],
    ["expiresIn", "out_of_range"],
  ]);
  assert.equal((await agency("/v1/agency/sessions", { json: { unknown: 1 } })).status, 400, "an unknown field is a typo, not ignored");
  const ok = await agency("/v1/agency/sessions", { json: {} });
  assert.equal(ok.status, 201, ok.text);
  assert.match(ok.json.clientToken, /^ct_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
  const ttl = Date.parse(ok.json.expiresAt) - Date.now();
  assert.ok(ttl > 3500_000 && ttl <= 3600_000 + 2000, `default 1 h: ${ttl}`);
});

test("a client token opens one session, once, from the agency's origin; its prefill and language go to the widget, not into the token's text", async () => {
  const reference = `CRM-${randomBytes(4).toString("hex")}`;
  const grant = { externalReference: reference, prefill: { firstName: "Lucía", email: "lucia@example.es" }, locale: "ca", expiresIn: 600 };
  const { clientToken: ct, expiresAt } = await clientToken(grant);
  assert.ok(!ct.includes("lucia") && !ct.includes(reference), "sealed, not just encoded");
  const ttl = Date.parse(expiresAt) - Date.now();
  assert.ok(ttl > 590_000 && ttl <= 602_000, `${ttl}`);
  // Another origin: refused, and the token is not spent by it.
  assert.equal((await open(ct, EVIL_ORIGIN)).status, 403);
  const first = await open(ct);
  assert.equal(first.status, 201, first.text);
  assert.deepEqual(first.json.granted, { prefill: { firstName: "Lucía", email: "lucia@example.es" }, locale: "ca" });
  assert.ok(Math.abs(Date.parse(first.json.expiresAt) - Date.parse(expiresAt)) < 2000, "the session ends with the token");
  const again = await open(ct);
  assert.equal(again.status, 401, again.text);
  assert.equal(again.json.code, "client_token_invalid");
  // Changed by one character, or not a token at all: the same answer.
  const flipped = ct.slice(0, -3) + (ct.at(-3) === "A" ? "B" : "A") + ct.slice(-2);
  for (const forged of [flipped, "ct_AAAAAAAAAAAAAAAA.AAAAAAAA.AAAA", `${ct}x`]) {
    const r = await open(forged);
    assert.equal(r.status, 401, forged);
    assert.equal(r.json.code, "client_token_invalid");
  }
  // Both credentials, or neither: a bad body.
  assert.equal((await api("/v1/sessions", { json: { clientToken: ct, publishableKey: demoAgency().publishableKey }, headers: { "CF-Connecting-IP": fakeIp() } })).status, 400);
  assert.equal((await api("/v1/sessions", { json: {}, headers: { "CF-Connecting-IP": fakeIp() } })).status, 400);
  // Another agency's secret key makes tokens for its own origins only.
  const portal = devAgencies().ag_portal;
  const theirs = await clientToken({}, portal.secretKey);
  assert.equal((await open(theirs.clientToken)).status, 403, "the demo page's origin is not the portal's");
});

test("what the token fixed replaces what the browser sends, and its session makes one tenant", async () => {
  const reference = `CRM-${randomBytes(4).toString("hex")}`;
  const { sessionToken } = await grantedSession({ externalReference: reference, productId: "PISO-7", requestedAmount: "950.00" });
  // The browser's own reference is refused even beside a grant: it says where it belongs.
  const body = tenantBody();
  body.product = { productType: "rental", productId: "CHEAP-1", requestedAmount: "1.00" };
  const sneaky = await api("/v1/tenants", { token: sessionToken, json: { ...body, externalReference: "OTHER-1" }, headers: { "Accept-Language": "en" } });
  assert.equal(sneaky.status, 422, sneaky.text);
  assert.deepEqual(sneaky.json.errors.map((e) => [e.field, e.code]), [["externalReference", "agency_server_only"]]);
  assert.match(sneaky.json.errors[0].message, /only be set by the agency's server, with POST \/v1\/agency\/sessions/);
  const created = await api("/v1/tenants", { token: sessionToken, json: body, headers: { "Idempotency-Key": `ct-${randomBytes(6).toString("hex")}` } });
  assert.equal(created.status, 201, created.text);
  const view = await agency(`/v1/agency/tenants/${created.json.tenantId}`);
  assert.equal(view.json.externalReference, reference);
  assert.equal(view.json.tenant.request.product.productId, "PISO-7", "the grant's property, not the browser's");
  assert.equal(view.json.tenant.request.product.requestedAmount, "950.00");
  // One applicant's visit: a second tenant from the same session is over its limit.
  const second = await api("/v1/tenants", { token: sessionToken, json: tenantBody(), headers: { "Idempotency-Key": `ct-${randomBytes(6).toString("hex")}` } });
  assert.equal(second.status, 429, second.text);
});

test("a publishable-key session cannot set the agency's reference: 422 saying where it belongs, in the caller's language", async () => {
  const s = await session();
  const r = await api("/v1/tenants", { token: s, json: { ...tenantBody(), externalReference: "CRM-1" }, headers: { "Accept-Language": "es" } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [["externalReference", "agency_server_only"]]);
  assert.equal(r.json.errors[0].message, "La referencia de la agencia solo la puede fijar el servidor de la agencia, con POST /v1/agency/sessions.");
  // Nothing was created or spent: the same session still creates the applicant.
  assert.equal((await api("/v1/tenants", { token: s, json: tenantBody() })).status, 201);
});

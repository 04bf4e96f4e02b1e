// Consent receipts (DESIGN.md "Data lifecycle", issue 23): the request names the
// version of the consent texts shown; the edge refuses a version it does not know and
// records, per text, the version, the SHA-256 of the sentence in the language shown,
// the time and the applicant's network (/24 or /48), never their address. The browser
// journey (journey.test.mjs) checks the hashes against the sentences on screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, session, tenantBody, demoAgency } from "../lib/edge.mjs";
import { CONSENT_VERSION } from "../lib/bodies.mjs";

test("consent: an unknown or missing version is refused and creates nothing; a known one leaves receipts", async () => {
  const s = await session();
  for (const [version, code] of [["1999-01-01", "invalid_choice"], [undefined, "required"]]) {
    const body = tenantBody();
    body.consent.version = version;
    const r = await api("/v1/tenants", { token: s, json: body });
    assert.equal(r.status, 422, r.text);
    const e = r.json.errors.find((x) => x.field === "consent.version");
    assert.ok(e, r.text);
    assert.equal(e.code, code);
  }
  const created = await api("/v1/tenants", { token: s, json: tenantBody(), headers: { "Accept-Language": "en", "CF-Connecting-IP": "198.18.7.9" } });
  assert.equal(created.status, 201, created.text);
  const view = await api(`/v1/agency/tenants/${created.json.tenantId}`, { token: demoAgency().secretKey, origin: null });
  assert.equal(view.json.consent.length, 2);
  for (const r of view.json.consent) {
    assert.equal(r.version, CONSENT_VERSION);
    assert.equal(r.locale, "en");
    assert.match(r.textSha256, /^[0-9a-f]{64}$/);
    assert.equal(r.ipPrefix, "198.18.7.0/24");
  }
  assert.ok(!JSON.stringify(view.json.consent).includes("198.18.7.9"), "the address itself is not kept");
});

// What the console suites (tests/http/console.test.mjs, tests/browser/console.test.mjs)
// share: applicants with names of their own, and Access tokens from the sandbox.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, ORIGIN, api, fakeIp, tenantBody } from "./edge.mjs";

/** Letters only (names refuse digits): a name no other test uses. */
export const letters = (n) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join("");

/** An applicant of `agency` (`demo` or `portal`) whose first name is `first`. */
export async function applicant(agency, first) {
  const origin = agency === "demo" ? ORIGIN : "http://127.0.0.1:8788";
  const s = await api("/v1/sessions", { json: { publishableKey: `pk_test_${agency}` }, origin, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(s.status, 201, s.text);
  const body = tenantBody(`${first.toLowerCase()}${randomBytes(3).toString("hex")}`);
  body.applicant.name.first = first;
  const r = await api("/v1/tenants", { token: s.json.sessionToken, json: body, origin });
  assert.equal(r.status, 201, r.text);
  return { tenantId: r.json.tenantId, token: r.json.sessionToken, email: body.applicant.email, name: first, origin };
}

/**
 * A token from the sandbox's Access, signed with its current key: `claims` is an email,
 * or `{email, aud?, iss?, expIn?, nbfIn?}` for tokens the edge must refuse.
 */
export async function accessToken(claims) {
  const body = typeof claims === "string" ? { email: claims } : claims;
  const r = await fetch(`${BASE}/cdn-cgi/access/_test/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).token;
}

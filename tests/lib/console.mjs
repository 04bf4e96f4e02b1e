// What the console suites (tests/http/console.test.mjs, tests/browser/console.test.mjs)
// share: applicants with names of their own, and Access tokens from the sandbox.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, ORIGIN, api, fakeIp, tenantBody } from "./edge.mjs";

/** Letters only (names refuse digits): a name no other test uses. */
export const letters = (n) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join("");

/**
 * An applicant of `agency` (`demo` or `portal`) whose first name is `first`; `outcome`
 * a sandbox tag for their email (`review`, `deny`, …).
 */
export async function applicant(agency, first, outcome) {
  const origin = agency === "demo" ? ORIGIN : "http://127.0.0.1:8788";
  const s = await api("/v1/sessions", { json: { publishableKey: `pk_test_${agency}` }, origin, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(s.status, 201, s.text);
  const body = tenantBody(`${first.toLowerCase()}${randomBytes(3).toString("hex")}${outcome ? `+${outcome}` : ""}`);
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

/** GET a console page with an Access token in the header. */
export async function consolePage(path, token, headers = {}) {
  const r = await fetch(`${BASE}${path}`, { headers: { "Cf-Access-Jwt-Assertion": token, "Accept-Language": "en", ...headers }, redirect: "manual" });
  return { status: r.status, location: r.headers.get("location"), headers: r.headers, text: await r.text() };
}

/** The session's CSRF token, as the forms of a console page (`path`) carry it. */
export async function csrfOf(token, path) {
  const r = await consolePage(path, token);
  const m = /name="csrf" value="([0-9a-f]+)"/.exec(r.text);
  assert.ok(m, `a CSRF token on ${path} (${r.status})`);
  return m[1];
}

/** A fresh single-use form id. */
export const formId = () => randomBytes(16).toString("hex");

/**
 * POSTs a console form as a browser on the console's page would: `Origin` the edge's,
 * the fields urlencoded. `opts.origin` (null: none), `opts.headers` to send otherwise.
 */
export async function consolePost(path, token, fields, opts = {}) {
  const headers = { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en", ...(opts.headers ?? {}) };
  if (token) headers["Cf-Access-Jwt-Assertion"] = token;
  const origin = opts.origin === undefined ? BASE.replace(/\/$/, "") : opts.origin;
  if (origin) headers.Origin = origin;
  const r = await fetch(`${BASE}${path}`, { method: opts.method ?? "POST", headers, body: opts.method === "GET" ? undefined : new URLSearchParams(fields).toString(), redirect: "manual" });
  return { status: r.status, location: r.headers.get("location"), headers: r.headers, text: await r.text() };
}

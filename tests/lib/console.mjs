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

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** The dev mailbox of the sandbox's Access, newest first. */
export async function mailbox() {
  const r = await fetch(`${BASE}/cdn-cgi/access/mailbox?format=json`);
  assert.equal(r.status, 200);
  return (await r.json()).messages;
}
export const mailKey = (m) => `${m.email} ${m.code} ${m.sentAt}`;

/** The newest code sent to `email` that was not in the mailbox before (`seen`). */
export async function newCode(email, seen) {
  for (let i = 0; i < 100; i++) {
    const m = (await mailbox()).find((m) => m.email === email.toLowerCase() && !seen.has(mailKey(m)));
    if (m) return m.code;
    await pause(200);
  }
  throw new Error(`no new code in the dev mailbox for ${email}`);
}

/**
 * Signs `email` in through the sandbox's Access pages in a WebDriver session `b` that is
 * on the sign-in page: types the email, reads the code from the dev mailbox, types it.
 * `onCodePage` runs on the code page (assertions of the caller).
 */
export async function signInThroughAccess(b, email, onCodePage = async () => {}) {
  const field = await b.until("the sign-in page's email field", () => location.pathname.startsWith("/cdn-cgi/access/login/") && document.querySelector("#email"), [], 30_000);
  const seen = new Set((await mailbox()).map(mailKey));
  await b.click(field);
  await b.type(field, email);
  await b.until("the email typed", (v) => document.querySelector("#email")?.value === v, [email], 5000);
  await b.click(await b.run(() => document.querySelector("form button[type=submit]")));
  const codeField = await b.until("the code page", () => document.querySelector("#code"), [], 15_000).catch(async (e) => {
    const shows = await b.run(() => `${location.href} :: ${(document.body?.innerText ?? "").trim().slice(0, 200)}`).catch((e2) => String(e2));
    throw new Error(`${e.message} after sending the email form; the browser shows: ${shows}`);
  });
  await onCodePage();
  const code = await newCode(email, seen);
  assert.match(code, /^\d{6}$/);
  await b.click(codeField);
  await b.type(codeField, code);
  await b.until("the code typed", (v) => document.querySelector("#code")?.value === v, [code], 5000);
  await b.click(await b.run(() => document.querySelector("form button[type=submit]")));
}

// The agency console over HTTP (issue 34): who gets in (Cloudflare Access JWTs, played
// by the sandbox in dev: /cdn-cgi/access/*), what a member of one agency sees, and
// what they never see of another's. The browser suite (tests/browser/console.test.mjs)
// signs in through the sandbox's pages in three engines.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createSign, generateKeyPairSync } from "node:crypto";
import { BASE, ORIGIN, api, pdf, sleep } from "../lib/edge.mjs";
import { accessToken, applicant, letters } from "../lib/console.mjs";

const AUD = "dev-console-aud";
const ISS = BASE.replace(/\/$/, "");

/** GET a console page with a token (header by default, or the cookie). */
async function page(path, token, { cookie = false, headers = {} } = {}) {
  const h = { ...headers };
  if (token && cookie) h.Cookie = `CF_Authorization=${token}`;
  else if (token) h["Cf-Access-Jwt-Assertion"] = token;
  const r = await fetch(`${BASE}${path}`, { headers: h, redirect: "manual" });
  return { status: r.status, location: r.headers.get("location"), headers: r.headers, text: await r.text() };
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** A JWT signed with a key that is not the team's (under one of the team's key ids). */
function forged(claims, kid) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const head = b64url(JSON.stringify({ alg: "RS256", kid, typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createSign("RSA-SHA256").update(`${head}.${body}`).sign(privateKey);
  return `${head}.${body}.${b64url(sig)}`;
}

let admin, portalAdmin, demo, portal;
before(async () => {
  admin = await accessToken({ email: "admin@demo.test" });
  portalAdmin = await accessToken({ email: "Admin@Portal.test" });
  demo = await applicant("demo", `Zoe${letters(5)}`);
  portal = await applicant("portal", `Pau${letters(5)}`);
});

test("without a valid Access token no page is reached: missing or expired → sign in; forged, foreign, early or alg-none → 401", async () => {
  const path = `/console/ag_demo/tenants/${demo.tenantId}`;
  for (const [what, token] of [["missing", null], ["expired", await accessToken({ email: "admin@demo.test", expIn: -3600 })]]) {
    const r = await page(path, token);
    assert.equal(r.status, 302, what);
    assert.match(r.location, /\/cdn-cgi\/access\/login\//, what);
    assert.ok(r.location.includes(encodeURIComponent(path)), `${what}: back to the page after signing in`);
  }
  const certs = await (await fetch(`${BASE}/cdn-cgi/access/certs`)).json();
  const kid = certs.keys[0].kid;
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: [AUD], email: "admin@demo.test", exp: now + 600, nbf: now, iat: now, iss: ISS };
  const none = `${b64url(JSON.stringify({ alg: "none", kid }))}.${b64url(JSON.stringify(claims))}.`;
  const refused = [
    ["signed by another key", forged(claims, kid)],
    ["another application", await accessToken({ email: "admin@demo.test", aud: ["someone-else"] })],
    ["another team", await accessToken({ email: "admin@demo.test", iss: "https://evil.cloudflareaccess.com" })],
    ["not yet valid", await accessToken({ email: "admin@demo.test", nbfIn: 3600 })],
    ["alg none", none],
    ["garbage", "not.a.jwt"],
  ];
  for (const [what, token] of refused) {
    for (const cookie of [false, true]) {
      const r = await page(path, token, { cookie });
      assert.equal(r.status, 401, `${what} (${cookie ? "cookie" : "header"}): ${r.status}`);
      assert.ok(!r.text.includes(demo.email) && !r.text.includes("Zoe"), `${what}: nothing of the applicant`);
      assert.match(r.text, /cdn-cgi\/access\/login/, `${what}: a way to sign in`);
    }
  }
});

test("a signed-in email on no agency's staff sees a not-a-member page and nothing else", async () => {
  const stranger = await accessToken({ email: "stranger@example.com" });
  for (const path of ["/console/", "/console/ag_demo/", `/console/ag_demo/tenants/${demo.tenantId}`]) {
    const r = await page(path, stranger, { headers: { "Accept-Language": "en" } });
    assert.equal(r.status, 403, path);
    assert.match(r.text, /not on any agency's staff/);
    assert.match(r.text, /stranger@example\.com/);
    assert.ok(!r.text.includes(demo.email), "nothing of the agency's applicants");
  }
});

test("a member reads the pipeline (newest first, filters, search) and one application's file, with the cookie or the header", async () => {
  const home = await page("/console/", admin, { cookie: true });
  assert.equal(home.status, 302);
  assert.equal(home.location, "/console/ag_demo/");

  const list = await page("/console/ag_demo/", admin, { cookie: true, headers: { "Accept-Language": "en" } });
  assert.equal(list.status, 200);
  assert.match(list.headers.get("content-type"), /^text\/html/);
  const csp = list.headers.get("content-security-policy");
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok(!/<script(?![^>]*\ssrc=)/.test(list.text), "no inline script");
  assert.ok(!/\sstyle=/.test(list.text), "no inline style");
  assert.equal(list.headers.get("cache-control"), "no-store");
  assert.match(list.text, new RegExp(`id="row-${demo.tenantId}"`));
  assert.match(list.text, /Signed in as admin@demo\.test \(admin\)/);
  assert.ok(list.text.indexOf(demo.tenantId) < list.text.lastIndexOf("</table>"));
  assert.ok(list.text.includes(demo.email), "the row names the applicant (from the console's directory)");

  const name = (await api(`/v1/agency/tenants/${demo.tenantId}`, { token: (await import("../lib/env.mjs")).devAgencies().ag_demo.secretKey, origin: null })).json.tenant.request.applicant.name.first;
  const search = await page(`/console/ag_demo/?q=${encodeURIComponent(name.toUpperCase())}`, admin);
  assert.match(search.text, new RegExp(`row-${demo.tenantId}`), "search by name, any case");
  const byEmail = await page(`/console/ag_demo/?q=${encodeURIComponent(demo.email)}`, admin);
  assert.equal((byEmail.text.match(/<tr id="row-/g) ?? []).length, 1, "search by email: one row");
  const none = await page("/console/ag_demo/?q=%25", admin);
  assert.ok(!none.text.includes(`row-${demo.tenantId}`), "% is no wildcard: a search with nothing searchable matches no row");
  const complete = await page("/console/ag_demo/?stage=complete", admin);
  assert.ok(!complete.text.includes(`row-${demo.tenantId}`), "a new application is not complete");
  const inProgress = await page("/console/ag_demo/?stage=inProgress&decision=none", admin);
  assert.match(inProgress.text, new RegExp(`row-${demo.tenantId}`));
  const allowed = await page("/console/ag_demo/?decision=Allow", admin);
  assert.ok(!allowed.text.includes(`row-${demo.tenantId}`), "no decision yet");

  const file = await page(`/console/ag_demo/tenants/${demo.tenantId}`, admin, { headers: { "Accept-Language": "en" } });
  assert.equal(file.status, 200);
  for (const what of [name, demo.email, "+34612345678", "Acme SL", "Affordability", "Timeline", "Application created", "38.0 %", "2.63×", "threshold (40 %)"]) {
    assert.ok(file.text.includes(what), `the file shows ${what}`);
  }
});

test("affordability is in the agency view and in the agency's threshold", async () => {
  const { devAgencies } = await import("../lib/env.mjs");
  const r = await api(`/v1/agency/tenants/${demo.tenantId}`, { token: devAgencies().ag_demo.secretKey, origin: null });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.affordability, {
    rent: "950.00",
    maxRentShare: 40,
    applicant: { monthlyIncome: "2500.00", rentShare: "38.0", incomeMultiple: "2.63", verdict: "within" },
  });
});

test("a member of one agency gets 404 for another agency's pages and none of its rows in a search", async () => {
  for (const path of ["/console/ag_demo/", `/console/ag_demo/tenants/${demo.tenantId}`, `/console/ag_portal/tenants/${demo.tenantId}`, `/console/ag_demo/tenants/${portal.tenantId}`]) {
    const r = await page(path, portalAdmin);
    assert.equal(r.status, 404, `${path}: ${r.status}`);
    assert.ok(!r.text.includes(demo.email) && !r.text.includes(portal.email), path);
  }
  const own = await page("/console/", portalAdmin);
  assert.equal(own.location, "/console/ag_portal/", "the email's case does not matter");
  const mine = await page(`/console/ag_portal/?q=${encodeURIComponent(portal.email)}`, portalAdmin);
  assert.match(mine.text, new RegExp(`row-${portal.tenantId}`));
  const theirs = await page(`/console/ag_portal/?q=${encodeURIComponent(demo.email)}`, portalAdmin);
  assert.ok(!theirs.text.includes(demo.tenantId), "another agency's applicant is in no search");
  const all = await page("/console/ag_portal/", portalAdmin);
  assert.ok(!all.text.includes(demo.tenantId));
});

test("a document opens sandboxed or downloads; another tenant's document id is a 404", async () => {
  const up = await fetch(`${BASE}/v1/tenants/${demo.tenantId}/documents?kind=payslip`, { method: "POST", headers: { Authorization: `Bearer ${demo.token}`, Origin: ORIGIN, "Content-Type": "application/pdf" }, body: pdf(4096) });
  assert.equal(up.status, 201, await up.clone().text());
  const { documentId } = await up.json();
  const file = await page(`/console/ag_demo/tenants/${demo.tenantId}`, admin);
  assert.ok(file.text.includes(`documents/${documentId}`), "the file links the document");
  const open = await page(`/console/ag_demo/tenants/${demo.tenantId}/documents/${documentId}`, admin);
  assert.equal(open.status, 200);
  assert.equal(open.headers.get("content-type"), "application/pdf");
  assert.match(open.headers.get("content-security-policy"), /sandbox/);
  assert.equal(open.headers.get("content-disposition"), "inline");
  const down = await page(`/console/ag_demo/tenants/${demo.tenantId}/documents/${documentId}?download=1`, admin);
  assert.equal(down.headers.get("content-disposition"), "attachment");
  const foreign = await page(`/console/ag_portal/tenants/${portal.tenantId}/documents/${documentId}`, portalAdmin);
  assert.equal(foreign.status, 404);
});

test("the language: ?lang= is remembered, Accept-Language is the default; es, en and ca", async () => {
  const es = await page("/console/ag_demo/", admin, { headers: { "Accept-Language": "es-ES,es;q=0.9" } });
  assert.match(es.text, /<html lang="es"/);
  assert.match(es.text, /Solicitudes/);
  const ca = await page("/console/ag_demo/", admin, { headers: { "Accept-Language": "ca" } });
  assert.match(ca.text, /Sol·licituds/);
  const set = await page("/console/ag_demo/?lang=en&stage=inProgress", admin);
  assert.equal(set.status, 303);
  assert.equal(set.location, "/console/ag_demo/?stage=inProgress");
  const cookie = set.headers.get("set-cookie");
  assert.match(cookie, /console_lang=en/);
  const en = await page("/console/ag_demo/?stage=inProgress", null, { headers: { Cookie: `${cookie.split(";")[0]}; CF_Authorization=${admin}`, "Accept-Language": "es" } });
  assert.match(en.text, /<html lang="en"/);
  assert.match(en.text, /Applications/);
});

test("a rotated Access key is found by its id; the old key's tokens still verify while the team publishes it", async () => {
  const before = await accessToken({ email: "admin@demo.test" });
  const rotated = await fetch(`${BASE}/cdn-cgi/access/_test/rotate`, { method: "POST" });
  assert.equal(rotated.status, 200);
  const after = await accessToken({ email: "admin@demo.test" });
  assert.notEqual(JSON.parse(Buffer.from(after.split(".")[0], "base64url")).kid, JSON.parse(Buffer.from(before.split(".")[0], "base64url")).kid);
  // An isolate that fetched the keys in the last 10 s does not fetch them again for
  // an unknown id (a stream of made-up ids costs one fetch per 10 s).
  let r;
  for (let i = 0; i < 15; i++) {
    r = await page("/console/ag_demo/", after);
    if (r.status === 200) break;
    await sleep(1000);
  }
  assert.equal(r.status, 200, "the new key is found");
  assert.equal((await page("/console/ag_demo/", before)).status, 200, "the previous key still verifies");
});

test("only GET: a console POST is 405 and changes nothing", async () => {
  const r = await fetch(`${BASE}/console/ag_demo/`, { method: "POST", headers: { "Cf-Access-Jwt-Assertion": admin } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get("allow"), "GET, HEAD");
});

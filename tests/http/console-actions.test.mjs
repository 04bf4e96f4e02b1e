// The agency console's actions over HTTP (issue 35): what staff change, through the
// same functions as the agency API; what every change must carry (POST, the console's
// Origin, the session's CSRF token, a form id used once); what an agent may not do;
// what the audit keeps. The admin's changes to an agency run on an agency of this
// suite's own (made with the operator's CLI), so the dev agencies' keys stay as the
// other suites know them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { BASE, ORIGIN, api, devAgencies, fakeIp, sign, sleep, tenantBody } from "../lib/edge.mjs";
import { ROOT } from "../lib/env.mjs";
import { skor } from "../lib/sandbox.mjs";
import { accessToken, applicant, consolePage, consolePost, csrfOf, formId, letters } from "../lib/console.mjs";

const STATE = process.env.EDGE_STATE_DIR;
const SK = () => devAgencies().ag_demo.secretKey;
const RECEIVER_PORT = 8784;
const NEW_ORIGIN = "http://127.0.0.1:8785";

function cli(...args) {
  const r = spawnSync("npm", ["run", "--silent", "agency", "--", ...args, "--local", ...(STATE ? ["--persist-to", STATE] : [])], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `agency ${args[0]}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function eventually(what, probe, ms = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got) return got;
    assert.ok(Date.now() - t0 < ms, `${what} within ${ms / 1000} s`);
    await sleep(500);
  }
}

/** An applicant of the demo agency whose identity inquiry came back `Review`. */
async function withInquiry() {
  const a = await applicant("demo", `Ines${letters(5)}`, "review");
  const inq = await api(`/v1/tenants/${a.tenantId}/identity-inquiries`, { token: a.token, method: "POST" });
  assert.equal(inq.status, 201, inq.text);
  return { ...a, inquiryId: inq.json.inquiryId };
}

let admin, agent, adminCsrf, agentCsrf, aFile;
// This suite's own agency, its admin, and a receiver for its webhook.
let own, boss, bossCsrf, receiver;
const received = [];

before(async () => {
  admin = await accessToken("admin@demo.test");
  agent = await accessToken("agent@demo.test");
  // Any file page carries the session's token in its forms.
  aFile = `/console/ag_demo/tenants/${(await applicant("demo", `Tina${letters(5)}`)).tenantId}`;
  [adminCsrf, agentCsrf] = await Promise.all([csrfOf(admin, aFile), csrfOf(agent, aFile)]);
  const tag = randomBytes(4).toString("hex");
  own = cli("add", "--name", `Acts ${tag}`, "--origin", ORIGIN);
  own.boss = `boss-${tag}@acts.test`;
  cli("staff-add", "--id", own.id, "--email", own.boss, "--role", "admin");
  boss = await accessToken(own.boss);
  bossCsrf = await csrfOf(boss, `/console/${own.id}/manage`);
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(RECEIVER_PORT, "127.0.0.1", r));
});

after(() => receiver?.close());

test("every change is a POST from the console's own origin with this session's CSRF token; otherwise refused and nothing changes", async () => {
  const a = await withInquiry();
  const file = `/console/ag_demo/tenants/${a.tenantId}`;
  const changes = [
    [`${file}/decision`, { decision: "Deny", reason: "other", inquiry: a.inquiryId }],
    [`${file}/forensic`, {}],
    [`${file}/revoke-access`, {}],
    [`${file}/erase`, { surname: "" }],
    ["/console/ag_demo/manage/staff-remove", { email: "agent@demo.test" }],
    ["/console/ag_demo/manage/staff-add", { email: "mallory@evil.example", role: "admin" }],
    ["/console/ag_demo/manage/webhook", { url: "https://evil.example/hook" }],
    ["/console/ag_demo/manage/origins", { origins: "https://evil.example" }],
    ["/console/ag_demo/manage/rotate-secret-key", { overlap: "0" }],
    ["/console/ag_demo/manage/end-overlap", {}],
  ];
  for (const [path, fields] of changes) {
    const get = await consolePost(path, admin, {}, { method: "GET" });
    assert.equal(get.status, 405, `GET ${path}`);
    assert.equal(get.headers.get("allow"), "POST");
    const attempts = [
      ["no Origin", { ...fields, csrf: adminCsrf, form: formId() }, { origin: null }],
      ["another Origin", { ...fields, csrf: adminCsrf, form: formId() }, { origin: "https://evil.example" }],
      ["Origin null", { ...fields, csrf: adminCsrf, form: formId() }, { origin: "null" }],
      ["no CSRF token", { ...fields, form: formId() }, {}],
      ["another member's CSRF token", { ...fields, csrf: agentCsrf, form: formId() }, {}],
      ["a CSRF token of another sign-in", { ...fields, csrf: await csrfOf(await accessToken({ email: "admin@demo.test", expIn: 1800 }), aFile), form: formId() }, {}],
    ];
    for (const [what, body, opts] of attempts) {
      const r = await consolePost(path, admin, body, opts);
      assert.equal(r.status, 403, `${path}, ${what}: ${r.status}`);
      assert.match(r.text, /Form not accepted/, `${path}, ${what}`);
    }
    // A body over the 8 KB a form takes (with a valid token): said as such, not a fault.
    const big = await consolePost(path, admin, { ...fields, csrf: adminCsrf, form: formId(), note: "x".repeat(9000) });
    assert.equal(big.status, 413, `${path}, over 8 KB: ${big.status}`);
    assert.match(big.text, /Form too large/, `${path}, over 8 KB`);
    const anonymous = await consolePost(path, null, { ...fields, csrf: adminCsrf, form: formId() });
    assert.equal(anonymous.status, 302, `${path} without Access: to the sign-in`);
  }
  // Nothing changed: the applicant still works, no decision, the staff and keys as seeded.
  const status = await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token });
  assert.equal(status.status, 200, "not revoked, not erased");
  assert.notEqual(status.json.steps.identity, "deny");
  const view = await api(`/v1/agency/tenants/${a.tenantId}`, { token: SK(), origin: null });
  assert.equal(view.json.identityInquiries.decision, "Review", "no decision recorded: the upstream's Review stands");
  assert.equal((await consolePage("/console/", await accessToken("mallory@evil.example"))).status, 403, "no one was invited");
  assert.equal((await consolePage("/console/", agent)).status, 302, "the agent is still on the staff");
  const manage = await consolePage("/console/ag_demo/manage", admin);
  assert.ok(!manage.text.includes("evil.example"), "neither the webhook nor the origins changed");
});

test("an agent decides with a reason: 422 with the errors tied to their fields, then the decision in the file, the pipeline, upstream and the audit, once", async () => {
  const a = await withInquiry();
  const file = `/console/ag_demo/tenants/${a.tenantId}`;
  const page = await consolePage(file, agent);
  assert.equal(page.status, 200);
  assert.match(page.text, /action="[^"]*\/decision"/, "the agent has the decision form");
  assert.ok(!page.text.includes("/erase\""), "no erase form for an agent");
  assert.ok(!page.text.includes("/manage\""), "no admin link for an agent");

  const form = formId();
  const bad = await consolePost(`${file}/decision`, agent, { inquiry: a.inquiryId, decision: "Challenge", note: "n".repeat(501), csrf: agentCsrf, form });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /role="alert"/, "the errors are announced");
  for (const [field, message] of [["decision-decision", "Choose a decision"], ["decision-reason", "Choose a reason"], ["decision-note", "longer than 500"]]) {
    assert.match(bad.text, new RegExp(`href="#${field}"`), `the summary links ${field}`);
    assert.match(bad.text, new RegExp(`id="${field}-error"[^>]*>[^<]*${message}`), `${field}'s message`);
    assert.match(bad.text, new RegExp(`id="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="${field}"`), `${field} is marked invalid`);
  }
  assert.ok(bad.text.includes("n".repeat(501)), "what was typed comes back");
  let view = await api(`/v1/agency/tenants/${a.tenantId}`, { token: SK(), origin: null });
  assert.equal(view.json.identityInquiries.decision, "Review", "a refused form decides nothing");

  // The same form, corrected (its id given back when it changed nothing): it is taken.
  const fields = { inquiry: a.inquiryId, decision: "Deny", reason: "fraud_suspected", note: "documents altered", csrf: agentCsrf, form };
  const ok = await consolePost(`${file}/decision`, agent, fields);
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal(ok.location, `${file}?done=decision#actions`);
  const again = await consolePost(`${file}/decision`, agent, { ...fields, decision: "Allow" });
  assert.equal(again.status, 303, "a second submission of the same form");
  assert.equal(again.location, `${file}?done=already`);

  const shown = await consolePage(`${file}?done=decision`, agent);
  assert.match(shown.text, /role="status"[^>]*>Decision recorded\./);
  assert.match(shown.text, /decision-Deny/);
  view = await api(`/v1/agency/tenants/${a.tenantId}`, { token: SK(), origin: null });
  assert.equal(view.json.identityInquiries.decision, "Deny", "the agency's decision, not the double submission's Allow");
  const st = await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token });
  assert.equal(st.json.steps.identity, "deny", "the applicant's status shows the outcome");
  const row = await eventually("the pipeline row", async () => {
    const p = await consolePage(`/console/ag_demo/?decision=Deny&q=${encodeURIComponent(a.email)}`, agent);
    return p.text.includes(`row-${a.tenantId}`) && p;
  });
  assert.match(row.text, /decision-Deny/);

  const audit = await consolePage(`/console/ag_demo/audit?actor=${encodeURIComponent("agent@demo.test")}`, admin);
  assert.equal(audit.status, 200);
  const rows = audit.text.split("<tr>").filter((r) => r.includes("console.decision") && r.includes(a.tenantId));
  assert.equal(rows.length, 1, "one audit row for one decision");
  assert.match(rows[0], /agent@demo\.test/);
  assert.match(rows[0], /fraud_suspected/);
  assert.ok(!audit.text.includes(a.email) && !audit.text.includes(a.name) && !audit.text.includes("documents altered"), "nothing personal in the audit");
});

test("an agent gets 403 for every admin action and page, with a valid CSRF token", async () => {
  const a = await applicant("demo", `Olga${letters(5)}`);
  const paths = [`/console/ag_demo/tenants/${a.tenantId}/erase`, ...["staff-add", "staff-role", "staff-remove", "webhook", "webhook-test", "replay", "origins", "retention", "rotate-secret-key", "rotate-webhook-secret", "end-overlap"].map((c) => `/console/ag_demo/manage/${c}`)];
  for (const path of paths) {
    const r = await consolePost(path, agent, { email: "agent@demo.test", role: "admin", surname: "x", url: "https://x.example/h", origins: "https://x.example", overlap: "0", csrf: agentCsrf, form: formId() });
    assert.equal(r.status, 403, `${path}: ${r.status}`);
    assert.match(r.text, /Only the agency's admins/);
  }
  for (const path of ["/console/ag_demo/manage", "/console/ag_demo/audit"]) {
    assert.equal((await consolePage(path, agent)).status, 403, path);
  }
  assert.equal((await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token })).status, 200, "not erased");
  const manage = await consolePage("/console/ag_demo/manage", admin);
  assert.match(manage.text, /agent@demo\.test[\s\S]*?>agent</, "the agent is still an agent");
});

test("an action on another agency's applicant, or with another applicant's inquiry, is a 404 and changes nothing", async () => {
  const a = await withInquiry();
  const other = await applicant("demo", `Pilar${letters(5)}`);
  const portal = await accessToken("admin@portal.test");
  const portalCsrf = await csrfOf(portal, `/console/ag_portal/manage`);
  const decision = { decision: "Deny", reason: "other", inquiry: a.inquiryId };
  // The portal's admin, on the demo applicant: under the portal's path and under the demo's.
  for (const agency of ["ag_portal", "ag_demo"]) {
    for (const [action, fields] of [["decision", decision], ["revoke-access", {}], ["erase", { surname: "x" }]]) {
      const r = await consolePost(`/console/${agency}/tenants/${a.tenantId}/${action}`, portal, { ...fields, csrf: portalCsrf, form: formId() });
      assert.equal(r.status, 404, `${agency} ${action}: ${r.status}`);
    }
  }
  // A demo agent, deciding on one applicant's file with another applicant's inquiry.
  const crossed = await consolePost(`/console/ag_demo/tenants/${other.tenantId}/decision`, agent, { ...decision, csrf: agentCsrf, form: formId() });
  assert.equal(crossed.status, 404, `another applicant's inquiry: ${crossed.status}`);
  const view = await api(`/v1/agency/tenants/${a.tenantId}`, { token: SK(), origin: null });
  assert.equal(view.json.identityInquiries.decision, "Review", "no decision recorded");
  assert.equal((await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token })).status, 200, "not revoked, not erased");
});

test("forensic analysis asked too early says why at the button; revoking access ends the applicant's token; export is the agency view", async () => {
  const a = await applicant("demo", `Rita${letters(5)}`);
  const file = `/console/ag_demo/tenants/${a.tenantId}`;
  const early = await consolePost(`${file}/forensic`, agent, { csrf: agentCsrf, form: formId() });
  assert.equal(early.status, 422);
  assert.match(early.text, /id="forensic-forensic-error"[^>]*>Nothing to analyse yet/);

  const exported = await fetch(`${BASE}${file}/export`, { headers: { "Cf-Access-Jwt-Assertion": agent } });
  assert.equal(exported.status, 200);
  assert.match(exported.headers.get("content-type"), /application\/json/);
  assert.equal(exported.headers.get("content-disposition"), `attachment; filename="${a.tenantId}.json"`);
  const json = await exported.json();
  const api_ = (await api(`/v1/agency/tenants/${a.tenantId}`, { token: SK(), origin: null })).json;
  assert.equal(json.tenant.tenantId, a.tenantId);
  assert.deepEqual(json.tenant, api_.tenant, "the same view as the agency API");

  const revoke = await consolePost(`${file}/revoke-access`, agent, { csrf: agentCsrf, form: formId() });
  assert.equal(revoke.status, 303);
  assert.equal((await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token })).status, 401, "the applicant's token no longer works");
  const audit = await consolePage("/console/ag_demo/audit", admin);
  for (const action of ["console.export", "console.revoke-access", "console.forensic"]) {
    if (action === "console.forensic") continue; // refused: not done, not audited
    assert.ok(audit.text.split("<tr>").some((r) => r.includes(action) && r.includes(a.tenantId)), action);
  }
  assert.ok(!audit.text.split("<tr>").some((r) => r.includes("console.forensic") && r.includes(a.tenantId)), "a refused action is not audited as done");
});

test("an admin erases an application by typing its surname: the file, the token and the upstream tenant are gone; the pipeline says one was erased", async () => {
  const a = await applicant("demo", `Eva${letters(5)}`);
  const surname = (await api(`/v1/agency/tenants/${a.tenantId}`, { token: SK(), origin: null })).json.tenant.request.applicant.name.last;
  const file = `/console/ag_demo/tenants/${a.tenantId}`;
  const wrong = await consolePost(`${file}/erase`, admin, { surname: "Nobody", csrf: adminCsrf, form: formId() });
  assert.equal(wrong.status, 422);
  assert.match(wrong.text, /id="erase-surname-error"[^>]*>This is not the applicant's surname/);
  assert.equal((await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token })).status, 200, "nothing erased");

  const done = await consolePost(`${file}/erase`, admin, { surname: ` ${surname.toUpperCase()} `, csrf: adminCsrf, form: formId() });
  assert.equal(done.status, 303);
  assert.match(done.location, /^\/console\/ag_demo\/\?done=erase(-pending)?$/);
  const pipeline = await consolePage(done.location, admin);
  assert.match(pipeline.text, /role="status"[^>]*>One application was erased/);
  assert.ok(!pipeline.text.includes(a.tenantId) && !pipeline.text.includes(a.email), "no trace in the pipeline");
  assert.equal((await consolePage(file, admin)).status, 404, "the file is gone");
  assert.ok([401, 404].includes((await api(`/v1/tenants/${a.tenantId}/status`, { token: a.token })).status), "the applicant's token is gone");
  await eventually("the upstream tenant erased", async () => (await skor(`/v1/tenants/${a.tenantId}`)).status === 404);
  const audit = await consolePage("/console/ag_demo/audit", admin);
  assert.ok(audit.text.split("<tr>").some((r) => r.includes("console.erase") && r.includes(a.tenantId) && r.includes("admin@demo.test")));
});

test("an admin manages the staff: invite, change a role, remove; never the last admin; errors at the field", async () => {
  const base = `/console/${own.id}/manage`;
  const invitee = `new-${letters(6)}@acts.test`;
  const post = (change, fields) => consolePost(`${base}/${change}`, boss, { ...fields, csrf: bossCsrf, form: formId() });

  const invalid = await post("staff-add", { email: "not an email", role: "agent" });
  assert.equal(invalid.status, 422);
  assert.match(invalid.text, /id="staff-add-email-error"[^>]*>Type a valid email/);
  assert.match(invalid.text, /value="not an email"/, "what was typed comes back");
  const invited = await post("staff-add", { email: invitee.toUpperCase(), role: "agent" });
  assert.equal(invited.status, 303);
  assert.equal(invited.location, `${base}?done=staff-add#staff`);
  const twice = await post("staff-add", { email: invitee, role: "admin" });
  assert.equal(twice.status, 422);
  assert.match(twice.text, /already on the staff/);
  const newcomer = await accessToken(invitee);
  const home = await consolePage("/console/", newcomer);
  assert.equal(home.location, `/console/${own.id}/`, "the invitee signs in");
  assert.match((await consolePage(home.location, newcomer)).text, /\(agent\)/);

  assert.equal((await post("staff-role", { email: own.boss, role: "agent" })).status, 422, "the last admin cannot become an agent");
  const last = await post("staff-remove", { email: own.boss });
  assert.equal(last.status, 422);
  assert.match(last.text, /needs at least one admin/);
  assert.equal((await post("staff-role", { email: invitee, role: "admin" })).status, 303);
  assert.match((await consolePage(`/console/${own.id}/`, newcomer)).text, /\(admin\)/);
  assert.equal((await post("staff-remove", { email: invitee })).status, 303);
  assert.equal((await consolePage("/console/", newcomer)).status, 403, "removed: on no agency's staff");

  const staffRows = (await consolePage(base, boss)).text;
  assert.ok(staffRows.includes(own.boss) && !staffRows.includes(invitee));
  const audit = (await consolePage(`/console/${own.id}/audit`, boss)).text;
  for (const action of ["console.staff.add", "console.staff.role", "console.staff.remove"]) assert.ok(audit.includes(action), action);
  assert.ok(audit.indexOf("console.staff.remove") < audit.indexOf("console.staff.add"), "newest first");
});

test("an admin sets the webhook and sends a signed test delivery; sets origins and retention; every value checked", async () => {
  const base = `/console/${own.id}/manage`;
  const post = (change, fields) => consolePost(`${base}/${change}`, boss, { ...fields, csrf: bossCsrf, form: formId() });
  const noHook = await post("webhook-test", {});
  assert.equal(noHook.status, 200);
  assert.match(noHook.text, /There is no webhook URL/);
  for (const url of ["ftp://x.example/h", "https://user:pw@x.example/h", "not a url"]) {
    const r = await post("webhook", { url });
    assert.equal(r.status, 422, url);
    assert.match(r.text, /id="webhook-url-error"/);
  }
  assert.equal((await post("webhook", { url: `http://127.0.0.1:${RECEIVER_PORT}/hook` })).status, 303);
  received.length = 0;
  const tested = await post("webhook-test", {});
  assert.equal(tested.status, 200);
  assert.match(tested.text, /role="status"[^>]*>Test delivery accepted: HTTP 204/);
  const got = received.find((r) => JSON.parse(r.body).type === "webhook.test");
  assert.ok(got, "the receiver got the test event");
  const t = /t=(\d+)/.exec(got.headers["onboarding-signature"])[1];
  assert.equal(got.headers["onboarding-signature"], sign(own.webhookSecret, got.body, Number(t)), "signed with the agency's webhook secret");
  assert.ok(got.headers["webhook-signature"], "and the Standard Webhooks way");

  const badOrigins = await post("origins", { origins: `${ORIGIN}\nhttps://x.example/path` });
  assert.equal(badOrigins.status, 422);
  assert.match(badOrigins.text, /id="origins-origins-error"/);
  assert.equal((await post("origins", { origins: `${ORIGIN}\n${NEW_ORIGIN}\n` })).status, 303);
  const s = await api("/v1/sessions", { json: { publishableKey: own.publishableKey }, origin: NEW_ORIGIN, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(s.status, 201, `the new origin opens sessions: ${s.text}`);

  for (const [abandoned, completed] of [["0", "90"], ["7", "3661"], ["x", "1"]]) {
    assert.equal((await post("retention", { abandoned, completed })).status, 422, `${abandoned}/${completed}`);
  }
  assert.equal((await post("retention", { abandoned: "7", completed: "90" })).status, 303);
  const page = (await consolePage(base, boss)).text;
  assert.match(page, /id="retention-abandoned"[^>]*value="7"|value="7"[^>]*id="retention-abandoned"/);
  assert.match(page, /id="retention-completed"[^>]*value="90"|value="90"[^>]*id="retention-completed"/);
  assert.ok(page.includes(NEW_ORIGIN));
});

test("an undelivered event is listed and replayed to the agency's webhook", async () => {
  const base = `/console/${own.id}/manage`;
  const post = (change, fields) => consolePost(`${base}/${change}`, boss, { ...fields, csrf: bossCsrf, form: formId() });
  assert.equal((await post("webhook", { url: "" })).status, 303, "no webhook: events are kept undelivered");
  const s = await api("/v1/sessions", { json: { publishableKey: own.publishableKey }, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(s.status, 201, s.text);
  const r = await api("/v1/tenants", { token: s.json.sessionToken, json: tenantBody(letters(6)) });
  assert.equal(r.status, 201, r.text);
  const eventId = await eventually("the dead letter", async () => {
    const m = new RegExp(`name="event" value="([^"]*${r.json.tenantId}[^"]*)"`).exec((await consolePage(base, boss)).text);
    return m?.[1];
  });
  assert.equal((await post("webhook", { url: `http://127.0.0.1:${RECEIVER_PORT}/hook` })).status, 303);
  received.length = 0;
  const replayed = await post("replay", { event: eventId });
  assert.equal(replayed.status, 303);
  const gone = await post("replay", { event: eventId });
  assert.equal(gone.status, 422, "replayed once: no longer undelivered");
  await eventually("the replayed delivery", async () => received.some((x) => x.headers["onboarding-event-id"] === eventId));
});

test("rotations show the new value once; the old key works until the overlap ends; the audit holds no secret", async () => {
  const base = `/console/${own.id}/manage`;
  const form = formId();
  const rotated = await consolePost(`${base}/rotate-secret-key`, boss, { overlap: "1", csrf: bossCsrf, form });
  assert.equal(rotated.status, 200);
  const fresh = /id="new-secret"[^>]*>(sk_test_[0-9a-f]{48})</.exec(rotated.text)?.[1];
  assert.ok(fresh, "the new secret key, shown once");
  assert.match(rotated.text, /The previous one keeps working until/);
  const again = await consolePost(`${base}/rotate-secret-key`, boss, { overlap: "1", csrf: bossCsrf, form });
  assert.equal(again.status, 303, "the same form again rotates nothing");
  assert.ok(!(await consolePage(again.location, boss)).text.includes("sk_test_"), "and shows no secret");
  const list = (k) => api("/v1/agency/tenants", { token: k, origin: null });
  assert.equal((await list(fresh)).status, 200, "the new key works");
  assert.equal((await list(own.secretKey)).status, 200, "the old key still works in the overlap");

  const hook = await consolePost(`${base}/rotate-webhook-secret`, boss, { overlap: "24", csrf: bossCsrf, form: formId() });
  const whsec = /id="new-secret"[^>]*>(whsec_[0-9a-f]{48})</.exec(hook.text)?.[1];
  assert.ok(whsec, "the new webhook secret, shown once");
  received.length = 0;
  await consolePost(`${base}/webhook-test`, boss, { csrf: bossCsrf, form: formId() });
  const got = received.find((r) => JSON.parse(r.body).type === "webhook.test");
  const sigs = got.headers["onboarding-signature"].split(",").filter((p) => p.startsWith("v1="));
  assert.equal(sigs.length, 2, "signed with the new and the old secret during the overlap");

  assert.equal((await consolePost(`${base}/end-overlap`, boss, { csrf: bossCsrf, form: formId() })).status, 303);
  await eventually("the old key refused", async () => (await list(own.secretKey)).status === 401, 10_000);
  assert.equal((await list(fresh)).status, 200);
  const audit = (await consolePage(`/console/${own.id}/audit`, boss)).text;
  for (const action of ["console.rotate-secret-key", "console.rotate-webhook-secret", "console.revoke-old", "console.set-webhook", "console.set-origins", "console.set-retention", "console.webhook-test"]) {
    assert.ok(audit.includes(action), action);
  }
  assert.ok(!audit.includes(fresh) && !audit.includes(whsec) && !audit.includes("sk_test_") && !audit.includes("whsec_"), "no secret in the audit");
});

test("the console's pages and errors in es and ca too", async () => {
  const es = await consolePost(`/console/${own.id}/manage/staff-add`, boss, { email: "x", role: "agent", csrf: bossCsrf, form: formId() }, { headers: { "Accept-Language": "es" } });
  assert.equal(es.status, 422);
  assert.match(es.text, /Revisa lo marcado/);
  assert.match(es.text, /Escribe un email válido/);
  const ca = await consolePage(`/console/${own.id}/manage`, boss, { "Accept-Language": "ca" });
  assert.match(ca.text, /Gestió de l'agència/);
  assert.match(ca.text, /Rota la clau secreta/);
});

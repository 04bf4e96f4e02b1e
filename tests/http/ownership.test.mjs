// Issue 12, Ownership (DESIGN.md "Rules under abuse and faults"): an upstream id (tenant,
// inquiry) is bound to one agency the first time the edge sees it; a second agency
// never inherits it, and neither agency can read, trigger or decide the other's
// tenants or inquiries through the agency API. The dev configuration has two agencies:
// Demo Lettings (pk_test_demo, :8787) and Portal Pisos (pk_test_portal, :8788).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { api, tenantBody, devAgencies, fakeIp, pdf } from "../lib/edge.mjs";

const keys = devAgencies();
const DEMO = { pk: "pk_test_demo", origin: "http://127.0.0.1:8787", sk: keys.ag_demo.secretKey };
const PORTAL = { pk: "pk_test_portal", origin: "http://127.0.0.1:8788", sk: keys.ag_portal.secretKey };

const problem = (r, status, code) => {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /application\/problem\+json/);
  if (code) assert.equal(r.json.code, code, r.text);
};

async function createTenant(agency, body) {
  const s = await api("/v1/sessions", { json: { publishableKey: agency.pk }, origin: agency.origin, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(s.status, 201, s.text);
  return api("/v1/tenants", { token: s.json.sessionToken, origin: agency.origin, json: body });
}

async function onboarded(agency, tag = "") {
  const r = await createTenant(agency, tenantBody(tag));
  assert.equal(r.status, 201, r.text);
  const t = { tenantId: r.json.tenantId, token: r.json.sessionToken, origin: agency.origin };
  const doc = await api(`/v1/tenants/${t.tenantId}/documents?kind=payslip`, { token: t.token, origin: agency.origin, body: pdf(), headers: { "Content-Type": "application/pdf" } });
  assert.equal(doc.status, 201, doc.text);
  t.documentId = doc.json.documentId;
  const inq = await api(`/v1/tenants/${t.tenantId}/identity-inquiries`, { token: t.token, origin: agency.origin, method: "POST" });
  assert.equal(inq.status, 201, inq.text);
  t.inquiryId = inq.json.inquiryId;
  return t;
}

const agencyApi = (agency, path, opts = {}) => api(path, { ...opts, token: agency.sk, origin: null });

test("ownership: the dev configuration has two agencies with their own secret keys", () => {
  assert.ok(DEMO.sk && PORTAL.sk && DEMO.sk !== PORTAL.sk, "both dev agencies' secret keys in .dev-agencies.json");
});

test("ownership: neither agency can read, trigger or decide the other's tenants and inquiries", async () => {
  const demo = await onboarded(DEMO, "challenge");
  const portal = await onboarded(PORTAL, "challenge");
  for (const [owner, other, t] of [[DEMO, PORTAL, demo], [PORTAL, DEMO, portal]]) {
    // The owner can.
    assert.equal((await agencyApi(owner, `/v1/agency/tenants/${t.tenantId}`)).status, 200);
    const content = await agencyApi(owner, `/v1/agency/tenants/${t.tenantId}/documents/${t.documentId}/content`);
    assert.equal(content.status, 200);
    // The other agency sees nothing and changes nothing.
    problem(await agencyApi(other, `/v1/agency/tenants/${t.tenantId}`), 404, "not_found");
    problem(await agencyApi(other, `/v1/agency/tenants/${t.tenantId}/documents/${t.documentId}/content`), 404, "not_found");
    problem(await agencyApi(other, `/v1/agency/tenants/${t.tenantId}/forensic-analysis`, { method: "POST" }), 404, "not_found");
    problem(await agencyApi(other, `/v1/agency/identity-inquiries/${t.inquiryId}/decision`, { method: "PUT", json: { decision: "Allow" } }), 404, "not_found");
    const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token, origin: t.origin });
    assert.equal(st.json.steps.identity, "challenge", "the other agency's decision did not apply");
    // The owner's decision does.
    assert.equal((await agencyApi(owner, `/v1/agency/identity-inquiries/${t.inquiryId}/decision`, { method: "PUT", json: { decision: "Deny" } })).status, 200);
  }
  // A tenant token of one agency is not accepted from the other's origin either.
  const cross = await api(`/v1/tenants/${demo.tenantId}/status`, { token: demo.token, origin: PORTAL.origin });
  assert.equal(cross.status, 403);
});

test("ownership: an upstream that returns an existing tenant id never hands it to a second agency", async () => {
  const body = tenantBody("existing");
  body.applicant.email = `lucia+existing+${randomBytes(6).toString("hex")}@example.com`;
  const first = await createTenant(DEMO, body);
  assert.equal(first.status, 201, first.text);
  // The same applicant through the other agency: the upstream answers with the first
  // tenant's id, which is Demo's.
  const second = await createTenant(PORTAL, { ...body, deviceSessionId: randomBytes(16).toString("hex") });
  problem(second, 409, "tenant_unavailable");
  assert.ok(!second.text.includes(first.json.tenantId), "the other agency's tenant id is not revealed");
  problem(await agencyApi(PORTAL, `/v1/agency/tenants/${first.json.tenantId}`), 404);
  const owner = await agencyApi(DEMO, `/v1/agency/tenants/${first.json.tenantId}`);
  assert.equal(owner.status, 200);
  assert.equal(owner.json.tenant.agency, "ag_demo", "tenants are keyed by the agency's stable id, never its name");
  // Another session of the same agency with the same email (anyone who knows it) gets
  // the very same refusal — code and words — as the other agency: nothing says
  // whether the person exists, nor where.
  const again = await createTenant(DEMO, { ...body, deviceSessionId: randomBytes(16).toString("hex") });
  problem(again, 409, "tenant_unavailable");
  assert.equal(again.json.title, second.json.title);
  assert.equal(again.json.detail, second.json.detail);
  assert.ok(!again.text.includes(first.json.tenantId));
  // The owner sees the refused attempts in its view of the tenant.
  const seen = await agencyApi(DEMO, `/v1/agency/tenants/${first.json.tenantId}`);
  assert.equal(seen.json.refusedAccess.length, 2, JSON.stringify(seen.json.refusedAccess));
});

test("ownership: a known email opens nobody else's file — only the creating session's retry gets the tenant", async () => {
  const body = tenantBody("existing");
  body.applicant.email = `victim+existing+${randomBytes(6).toString("hex")}@example.com`;
  const s = await api("/v1/sessions", { json: { publishableKey: DEMO.pk }, origin: DEMO.origin, headers: { "CF-Connecting-IP": fakeIp() } });
  const create = (token, key) => api("/v1/tenants", { token, origin: DEMO.origin, json: body, headers: key ? { "Idempotency-Key": key } : {} });
  const victim = await create(s.json.sessionToken, "victim-key");
  assert.equal(victim.status, 201, victim.text);
  // The victim's own retry (same session, same key, or no key): the same tenant.
  const retry = await create(s.json.sessionToken, "victim-key");
  assert.equal(retry.json.tenantId, victim.json.tenantId);
  const unkeyed = await create(s.json.sessionToken);
  assert.equal(unkeyed.status, 201, unkeyed.text);
  assert.equal(unkeyed.json.tenantId, victim.json.tenantId);
  // An attacker's session with the victim's email: no tenant id, no token.
  const attacker = await createTenant(DEMO, { ...tenantBody(), applicant: { ...tenantBody().applicant, email: body.applicant.email } });
  problem(attacker, 409, "tenant_unavailable");
  assert.ok(!attacker.text.includes(victim.json.tenantId));
  assert.equal(attacker.json.sessionToken, undefined);
});

test("ownership: an upstream that returns another tenant's inquiry id never re-binds it", async () => {
  const email = `lucia+sameinquiry+challenge+${randomBytes(6).toString("hex")}@example.com`;
  const mk = async (agency) => {
    const body = tenantBody();
    body.applicant.email = email;
    const r = await createTenant(agency, body);
    assert.equal(r.status, 201, r.text);
    return { tenantId: r.json.tenantId, token: r.json.sessionToken, origin: agency.origin };
  };
  const demo = await mk(DEMO);
  const di = await api(`/v1/tenants/${demo.tenantId}/identity-inquiries`, { token: demo.token, origin: demo.origin, method: "POST" });
  assert.equal(di.status, 201, di.text);
  const portal = await mk(PORTAL);
  // The upstream answers Portal's inquiry with Demo's inquiry id: refused, not adopted.
  const pi = await api(`/v1/tenants/${portal.tenantId}/identity-inquiries`, { token: portal.token, origin: portal.origin, method: "POST" });
  problem(pi, 502, "upstream_error");
  assert.ok(!pi.text.includes(di.json.inquiryId));
  // Portal cannot answer or decide Demo's inquiry; Demo still can.
  problem(await api(`/v1/tenants/${portal.tenantId}/identity-inquiries/${di.json.inquiryId}/answers`, { token: portal.token, origin: portal.origin, json: { answers: [{ questionId: "1", choiceId: "2" }] } }), 404);
  problem(await agencyApi(PORTAL, `/v1/agency/identity-inquiries/${di.json.inquiryId}/decision`, { method: "PUT", json: { decision: "Allow" } }), 404);
  assert.equal((await agencyApi(DEMO, `/v1/agency/identity-inquiries/${di.json.inquiryId}/decision`, { method: "PUT", json: { decision: "Allow" } })).status, 200);
  const st = await api(`/v1/tenants/${portal.tenantId}/status`, { token: portal.token, origin: portal.origin });
  assert.notEqual(st.json.steps.identity, "allow");
});

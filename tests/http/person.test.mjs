// One person, one identity decision per agency (DESIGN.md "Rules under abuse and
// faults", issue 22): a person is a keyed hash of the identity document and the birth
// date. A decided person's new tenant carries the decision (no inquiry upstream, no
// questionnaire); while one tenant's challenge is open no other tenant of the person
// gets one; the attempt bound counts across the person's tenants; the agency's view
// links the person's tenants by the key, never by the document.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { api, session, tenantBody, demoAgency } from "../lib/edge.mjs";
import { randomDni } from "../lib/bodies.mjs";

const agencyView = (tenantId) => api(`/v1/agency/tenants/${tenantId}`, { token: demoAgency().secretKey, origin: null });

/** A tenant of the person `dni` (a new session each time), with an email tagged `tag`. */
async function tenantOf(dni, tag = "") {
  const body = tenantBody();
  body.applicant.governmentId[0].value = dni;
  body.applicant.email = `p${tag ? `+${tag}` : ""}+${randomBytes(5).toString("hex")}@example.com`;
  const r = await api("/v1/tenants", { token: await session(), json: body });
  assert.equal(r.status, 201, r.text);
  return { tenantId: r.json.tenantId, token: r.json.sessionToken };
}

/** Runs the identity inquiry (KYC verified first, as the widget requires). */
const inquire = (t) => api(`/v1/tenants/${t.tenantId}/identity-inquiries`, { token: t.token, method: "POST" });

test("person: the same person through a new session and tenant gets the earlier decision, not a new inquiry", async () => {
  const dni = randomDni();
  const first = await tenantOf(dni, "deny");
  const denied = await inquire(first);
  assert.equal(denied.status, 201, denied.text);
  assert.equal(denied.json.decision, "Deny");
  // A clean email (which alone would pass), the same document and birth date.
  const again = await tenantOf(dni);
  const carried = await inquire(again);
  assert.equal(carried.status, 200, carried.text);
  assert.equal(carried.json.decision, "Deny");
  assert.equal(carried.json.questionnaire, undefined);
  const view = await agencyView(again.tenantId);
  assert.equal(view.status, 200);
  assert.equal(view.json.identityInquiries.inquiries[0].detail.carriedFrom, "person", "nothing went upstream");
  assert.deepEqual(view.json.person.tenants, [first.tenantId, again.tenantId]);
  assert.equal(view.json.person.decision, "Deny");
  assert.equal(view.json.person.attempts, 1);
  assert.match(view.json.person.key, /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(view.json.person).includes(dni), "linked by the key, never by the document");
  // Another person with the same email tag is not affected.
  const other = await tenantOf(randomDni());
  assert.equal((await inquire(other)).json.decision, "Allow");
});

test("person: cycling five tenants of one +challenge person yields one questionnaire; wrong answers are the person's decision", async () => {
  const dni = randomDni();
  const tenants = [];
  for (let i = 0; i < 5; i++) tenants.push(await tenantOf(dni, "challenge"));
  const replies = [];
  for (const t of tenants) replies.push(await inquire(t));
  const questionnaires = replies.filter((r) => r.json?.questionnaire);
  assert.equal(questionnaires.length, 1, replies.map((r) => `${r.status} ${r.json?.code ?? r.json?.decision}`).join(", "));
  assert.equal(replies[0].json.decision, "Challenge");
  for (const r of replies.slice(1)) {
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.code, "identity_inquiry_in_progress");
  }
  // Wrong answers on the one questionnaire decide for the person.
  const q = replies[0].json;
  const RIGHT = { 1: "2", 2: "3", 3: "1" };
  const answers = q.questionnaire.questions.map((x) => ({ questionId: x.questionId, choiceId: x.choices.find((c) => c.choiceId !== RIGHT[x.questionId]).choiceId }));
  const graded = await api(`/v1/tenants/${tenants[0].tenantId}/identity-inquiries/${q.inquiryId}/answers`, { token: tenants[0].token, json: { answers } });
  assert.equal(graded.status, 200, graded.text);
  assert.equal(graded.json.decision, "Deny");
  const sixth = await tenantOf(dni, "challenge");
  const carried = await inquire(sixth);
  assert.equal(carried.status, 200, carried.text);
  assert.equal(carried.json.decision, "Deny");
  assert.equal(carried.json.questionnaire, undefined);
  // And a tenant that was held back carries it too.
  assert.equal((await inquire(tenants[3])).json.decision, "Deny");
});

test("person: the agency's decision update applies to the person's other tenants", async () => {
  const dni = randomDni();
  const first = await tenantOf(dni, "review");
  const reviewed = await inquire(first);
  assert.equal(reviewed.json.decision, "Review");
  const put = await api(`/v1/agency/identity-inquiries/${reviewed.json.inquiryId}/decision`, { token: demoAgency().secretKey, origin: null, method: "PUT", json: { decision: "Allow" } });
  assert.equal(put.status, 200, put.text);
  const next = await tenantOf(dni, "deny");
  const carried = await inquire(next);
  assert.equal(carried.status, 200, carried.text);
  assert.equal(carried.json.decision, "Allow", "the agency's decision, not a new (deny) inquiry");
});

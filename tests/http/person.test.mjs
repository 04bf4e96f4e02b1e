// One person, one identity decision per agency (DESIGN.md "Rules under abuse and
// faults", issue 22; "Trust at the public key", issue 32): a person is a keyed hash of
// the identity document and the birth date. Only what protects is carried: a person
// decided Deny or Review passes it to a new tenant (no inquiry upstream, no
// questionnaire); an Allow never is — whoever holds the document and birth date gets
// their own inquiry. While one tenant's challenge is open, the person's other tenants
// are held back (Review, for the agency). A carried answer looks like a fresh one
// (201, the same fields): the applicant learns nothing of the person's history. The
// agency's view says what was carried and why, and links the person's tenants by the
// key, never by the document.
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
  assert.equal(carried.status, 201, "answered as a fresh inquiry is: " + carried.text);
  assert.deepEqual(Object.keys(carried.json).sort(), Object.keys(denied.json).sort(), "the same shape");
  assert.equal(carried.json.decision, "Deny");
  assert.equal(carried.json.questionnaire, undefined);
  const view = await agencyView(again.tenantId);
  assert.equal(view.status, 200);
  const detail = view.json.identityInquiries.inquiries[0].detail;
  assert.equal(detail.carriedFrom, "person", "nothing went upstream");
  assert.equal(detail.reason, "decided");
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
  // The others are held back: Review for the agency, answered like any outcome.
  for (const r of replies.slice(1)) {
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.decision, "Review");
    assert.deepEqual(Object.keys(r.json).sort(), ["decision", "inquiryId"]);
  }
  const held = await agencyView(tenants[1].tenantId);
  assert.equal(held.json.identityInquiries.inquiries[0].detail.reason, "inProgress");
  // Wrong answers on the one questionnaire decide for the person.
  const q = replies[0].json;
  const RIGHT = { 1: "2", 2: "3", 3: "1" };
  const answers = q.questionnaire.questions.map((x) => ({ questionId: x.questionId, choiceId: x.choices.find((c) => c.choiceId !== RIGHT[x.questionId]).choiceId }));
  const graded = await api(`/v1/tenants/${tenants[0].tenantId}/identity-inquiries/${q.inquiryId}/answers`, { token: tenants[0].token, json: { answers } });
  assert.equal(graded.status, 200, graded.text);
  assert.equal(graded.json.decision, "Deny");
  const sixth = await tenantOf(dni, "challenge");
  const carried = await inquire(sixth);
  assert.equal(carried.status, 201, carried.text);
  assert.equal(carried.json.decision, "Deny");
  assert.equal(carried.json.questionnaire, undefined);
  // A tenant held back keeps its Review (the agency decides it): no second inquiry.
  const again = await inquire(tenants[3]);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.code, "identity_already_decided");
});

test("person: an Allow is never borrowed — a stranger with the same document and birth date gets their own inquiry", async () => {
  const dni = randomDni();
  const victim = await tenantOf(dni);
  const allowed = await inquire(victim);
  assert.equal(allowed.status, 201, allowed.text);
  assert.equal(allowed.json.decision, "Allow");
  // Another name and email, the victim's document and birth date: the sandbox decides
  // this one's own inquiry (+deny), so a borrowed Allow would show.
  const stranger = await tenantOf(dni, "deny");
  const own = await inquire(stranger);
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.decision, "Deny", "its own inquiry's outcome, not the victim's Allow");
  const view = await agencyView(stranger.tenantId);
  assert.equal(view.json.identityInquiries.inquiries[0].detail.carriedFrom, undefined, "it went upstream");
  // The stranger's Deny protects the agency from then on: the person carries it.
  const third = await tenantOf(dni);
  const carried = await inquire(third);
  assert.equal(carried.json.decision, "Deny");
  assert.equal((await agencyView(third.tenantId)).json.identityInquiries.inquiries[0].detail.carriedFrom, "person");
});

test("person: the agency's decision update is the person's — a Deny is carried, an Allow is not", async () => {
  const decide = (inquiryId, decision) =>
    api(`/v1/agency/identity-inquiries/${inquiryId}/decision`, { token: demoAgency().secretKey, origin: null, method: "PUT", json: { decision } });
  const dni = randomDni();
  const first = await tenantOf(dni, "review");
  const reviewed = await inquire(first);
  assert.equal(reviewed.json.decision, "Review");
  const denied = await decide(reviewed.json.inquiryId, "Deny");
  assert.equal(denied.status, 200, denied.text);
  const next = await tenantOf(dni);
  const carried = await inquire(next);
  assert.equal(carried.status, 201, carried.text);
  assert.equal(carried.json.decision, "Deny", "the agency's Deny, not a new (clean) inquiry");
  // Overturned to Allow: the next tenant asks for itself (+deny decides it upstream).
  assert.equal((await decide(reviewed.json.inquiryId, "Allow")).status, 200);
  const later = await tenantOf(dni, "deny");
  const own = await inquire(later);
  assert.equal(own.json.decision, "Deny", "its own inquiry, not the agency's Allow");
  assert.equal((await agencyView(later.tenantId)).json.identityInquiries.inquiries[0].detail.carriedFrom, undefined);
});

test("person: the person key is keyed with PERSON_KEY_SECRET, not AGENCY_SECRETS_KEY (rotating that one keeps every person)", async () => {
  const { createHmac } = await import("node:crypto");
  const { devVars } = await import("../lib/edge.mjs");
  const dni = randomDni();
  const t = await tenantOf(dni, "deny");
  await inquire(t);
  const view = await agencyView(t.tenantId);
  const body = tenantBody();
  // Core's rule (person::person_key): an agency key derived from the secret, then the
  // document's type, number and the birth date under it; 16 bytes, hex.
  const key = (secretHex) => {
    const agencyKey = createHmac("sha256", Buffer.from(secretHex, "hex")).update("person-key\0").update(demoAgency().id).digest();
    const material = ["DNI", dni.toUpperCase(), body.applicant.dateOfBirth].join("\0");
    return createHmac("sha256", agencyKey).update(material).digest().subarray(0, 16).toString("hex");
  };
  const vars = devVars();
  assert.equal(view.json.person.key, key(vars.PERSON_KEY_SECRET));
  assert.notEqual(view.json.person.key, key(vars.AGENCY_SECRETS_KEY));
});

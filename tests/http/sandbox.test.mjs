// skor-sandbox, driven directly (not through the edge's API): the upstream contract,
// its auth, bad input, hosted pages, identity outcomes, and signed webhooks delivered
// in order, exactly once per event id, after the receiver first answers 500.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BASE } from "../lib/env.mjs";
import {
  IDENTITY_API_KEY, PDF, RECEIVER_URL, SANDBOX_URL, SKOR_API_KEY,
  createTenant, eventually, identity, json, setWebhook, skor, startHosted, startReceiver,
  submitHosted, tenantBody, upload, verifySignature,
} from "../lib/sandbox.mjs";

const PROBLEM = /^application\/problem\+json/;

async function assertProblem(res, status, code) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", PROBLEM);
  const body = JSON.parse(text);
  assert.equal(body.status, status);
  if (code) assert.equal(body.code, code);
  return body;
}

async function documentIds(tenantId) {
  const res = await skor(`/v1/tenants/${tenantId}/documents`);
  assert.equal(res.status, 200);
  return (await res.json()).documents.map((d) => d.id);
}

let receiver;

before(async () => {
  receiver = await startReceiver();
  const res = await setWebhook(RECEIVER_URL);
  assert.equal(res.status, 200, await res.text());
});

after(async () => {
  // Give the edge its webhooks back, whatever happened above.
  await setWebhook(`${BASE}/webhooks/skor`).catch(() => {});
  await receiver?.close();
});

describe("auth", () => {
  test("screening paths need the X-API-Key; a wrong or missing key changes nothing", async () => {
    const tenant = await createTenant();
    const before = await documentIds(tenant.id);
    for (const key of [undefined, "wrong", `${SKOR_API_KEY}x`, IDENTITY_API_KEY]) {
      await assertProblem(await skor("/v1/tenants", { ...json(tenantBody()), headers: { "content-type": "application/json", "x-api-key": key } }), 401, "unauthorized");
      await assertProblem(await upload(tenant.id, { headers: { "x-api-key": key } }), 401, "unauthorized");
      await assertProblem(await skor("/v1/webhooks", { method: "PUT", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ url: "http://127.0.0.1:1/x" }) }), 401, "unauthorized");
      await assertProblem(await skor(`/v1/tenants/${tenant.id}`, { headers: { "x-api-key": key } }), 401);
    }
    // A bearer token is not the screening key's header.
    await assertProblem(await skor(`/v1/tenants/${tenant.id}`, { headers: { "x-api-key": undefined, authorization: `Bearer ${SKOR_API_KEY}` } }), 401);
    assert.deepEqual(await documentIds(tenant.id), before);
    const cfg = await (await skor("/v1/webhooks")).json();
    assert.equal(cfg.url, RECEIVER_URL);
  });

  test("identity paths need Authorization: Bearer with the identity key", async () => {
    const body = JSON.stringify({ applicant: { email: "a@example.com" } });
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${SKOR_API_KEY}`, IDENTITY_API_KEY]) {
      await assertProblem(await identity("/identity/v1/inquiries", { method: "POST", body, headers: { authorization } }), 401, "unauthorized");
    }
    await assertProblem(await identity("/identity/v1/inquiries", { method: "POST", body, headers: { authorization: undefined, "x-api-key": IDENTITY_API_KEY } }), 401);
  });
});

describe("bad input", () => {
  test("malformed JSON 400, wrong content type 415, missing fields 422, unknown tenant 404", async () => {
    await assertProblem(await skor("/v1/tenants", { method: "POST", headers: { "content-type": "application/json" }, body: "{\"firstName\":" }), 400, "malformed_json");
    await assertProblem(await skor("/v1/tenants", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(tenantBody()) }), 415, "unsupported_media_type");
    const p = await assertProblem(await skor("/v1/tenants", json({ firstName: "Lucía" })), 422, "validation_failed");
    assert.deepEqual(p.errors.map((e) => e.field).sort(), ["email", "identificationNumber", "lastName", "postcode"]);
    await assertProblem(await skor("/v1/tenants", json(tenantBody("", { email: "not-an-email" }))), 422, "validation_failed");
    await assertProblem(await skor("/v1/tenants/ten_doesnotexist"), 404, "not_found");
    await assertProblem(await upload("ten_doesnotexist"), 404, "not_found");
    await assertProblem(await skor("/v1/tenants/ten_doesnotexist/kyc", { method: "POST" }), 404, "not_found");
    await assertProblem(await skor("/v1/nothing-here"), 404, "not_found");
    await assertProblem(await setWebhook("javascript:alert(1)"), 422, "validation_failed");
    await assertProblem(await skor("/v1/webhooks", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: "http://x.example/", events: ["no.such.event"] }) }), 422);
  });

  test("documents: not multipart 415, not PDF/JPEG/PNG 415, empty 422, no kind 422, over 15 MiB 413; nothing half-written", async () => {
    const tenant = await createTenant();
    await assertProblem(await skor(`/v1/tenants/${tenant.id}/documents`, json({ kind: "payslip" })), 415, "unsupported_media_type");
    await assertProblem(await upload(tenant.id, { bytes: Buffer.from("<html><script>alert(1)</script>"), type: "application/pdf" }), 415, "unsupported_media_type");
    await assertProblem(await upload(tenant.id, { bytes: Buffer.alloc(0) }), 422, "validation_failed");
    const noKind = await assertProblem(await upload(tenant.id, { kind: null }), 422, "validation_failed");
    assert.equal(noKind.errors[0].field, "kind");
    await assertProblem(await upload(tenant.id, { kind: "selfie" }), 422, "validation_failed");
    await assertProblem(await upload(tenant.id, { bytes: null }), 422, "validation_failed");
    const big = Buffer.alloc(15 * 1024 * 1024 + 1);
    PDF.copy(big);
    await assertProblem(await upload(tenant.id, { bytes: big }), 413, "file_too_large");
    await assertProblem(await skor(`/v1/tenants/${tenant.id}/documents`, { method: "POST", headers: { "content-type": "multipart/form-data; boundary=XYZ" }, body: "garbage" }), 400, "malformed_multipart");
    assert.deepEqual(await documentIds(tenant.id), []);
    const forensic = await (await skor(`/v1/tenants/${tenant.id}/forensic-analysis`)).json();
    assert.equal(forensic.status, "waiting");
    assert.deepEqual(forensic.waitingFor, ["documents", "kyc"]);
  });
});

describe("documents", () => {
  test("upload is sniffed and hashed; list and content return it; a JPEG declared as PDF is a JPEG", async () => {
    const tenant = await createTenant();
    const res = await upload(tenant.id);
    assert.equal(res.status, 201);
    const doc = await res.json();
    assert.equal(doc.tenantId, tenant.id);
    assert.equal(doc.kind, "payslip");
    assert.equal(doc.contentType, "application/pdf");
    assert.equal(doc.sizeBytes, PDF.length);
    assert.equal(doc.sha256, (await import("node:crypto")).createHash("sha256").update(PDF).digest("hex"));
    assert.equal(doc.status, "processing");
    assert.equal(doc.source, "upload");

    const content = await skor(`/v1/tenants/${tenant.id}/documents/${doc.id}/content`);
    assert.equal(content.status, 200);
    assert.equal(content.headers.get("content-type"), "application/pdf");
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), PDF);
    await assertProblem(await skor(`/v1/tenants/${tenant.id}/documents/doc_nope/content`), 404);
    const other = await createTenant();
    await assertProblem(await skor(`/v1/tenants/${other.id}/documents/${doc.id}/content`), 404);

    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const j = await (await upload(tenant.id, { kind: "identity_document", bytes: jpeg, type: "application/pdf", name: "dni.pdf" })).json();
    assert.equal(j.contentType, "image/jpeg");

    // Analysis completes a moment later (the alarm).
    await eventually(async () => {
      const list = (await (await skor(`/v1/tenants/${tenant.id}/documents`)).json()).documents;
      return list.length === 2 && list.every((d) => d.status === "accepted");
    }, 10000, "document analysis");
  });

  test("a 10 MiB document is stored across chunks and comes back byte for byte", async () => {
    const tenant = await createTenant();
    const bytes = Buffer.alloc(10 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    PDF.copy(bytes);
    const doc = await (await upload(tenant.id, { bytes })).json();
    assert.equal(doc.sizeBytes, bytes.length);
    const back = Buffer.from(await (await skor(`/v1/tenants/${tenant.id}/documents/${doc.id}/content`)).arrayBuffer());
    assert.equal(back.length, bytes.length);
    assert.ok(back.equals(bytes));
  });
});

describe("full lifecycle with webhooks", () => {
  test("create → upload → KYC approve via the hosted form → signed events in order, once each, after a 500", async () => {
    const tenant = await createTenant();
    assert.match(tenant.id, /^ten_[0-9a-f]{32}$/);
    assert.deepEqual(tenant.creditCheck, { defaulter: false, risk: "low" });
    const got = await (await skor(`/v1/tenants/${tenant.id}`)).json();
    assert.equal(got.email, "lucia@example.com");
    assert.equal(got.identificationNumber, "12345678Z");

    receiver.failFirst(tenant.id, 1);
    const doc = await (await upload(tenant.id)).json();
    await receiver.until(() => receiver.accepted(tenant.id).length >= 1, 15000, "document event");

    // KYC through the hosted page, exactly as a browser without JavaScript would.
    const session = await startHosted(tenant.id, "kyc");
    assert.match(session.id, /^[0-9a-f]{32}$/);
    assert.ok(session.url.startsWith(`${SANDBOX_URL}/hosted/kyc/`), session.url);
    const page = await fetch(session.url, { headers: { "accept-language": "en-GB,en;q=0.9" } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<form method="post">/);
    assert.match(html, /name="decision" value="approve"/);
    assert.doesNotMatch(html, /<script/i);
    const done = await submitHosted(session.url, "approve");
    assert.equal(done.status, 200);
    assert.match(await done.text(), /aprobado|approved/);

    await receiver.until(
      () => receiver.accepted(tenant.id).some((d) => d.event.type === "forensic.analysis.completed"),
      15000, "forensic event");

    const all = receiver.deliveries.filter((d) => d.event?.tenantId === tenant.id);
    // The first delivery was refused and retried later with the same id.
    assert.equal(all[0].status, 500);
    const retried = all.filter((d) => d.event.id === all[0].event.id);
    assert.ok(retried.length >= 2 && retried.at(-1).status === 204);
    assert.deepEqual(retried.map((d) => d.body).filter((b, i, a) => a.indexOf(b) === i).length, 1, "same body on retry");

    const ok = receiver.accepted(tenant.id);
    for (const d of all) {
      verifySignature(d.headers["skor-signature"], d.body);
      assert.match(d.headers["content-type"], /^application\/json/);
      assert.deepEqual(Object.keys(d.event).sort(), ["createdAt", "data", "id", "sequence", "tenantId", "type"]);
      assert.ok(Number.isInteger(d.event.sequence) && d.event.sequence >= 1, "a per-tenant sequence");
    }
    // Exactly once per id among accepted deliveries, in creation order.
    const ids = ok.map((d) => d.event.id);
    assert.equal(new Set(ids).size, ids.length, "one accepted delivery per event id");
    const created = ok.map((d) => Date.parse(d.event.createdAt));
    assert.deepEqual(created, [...created].sort((a, b) => a - b), "in creation order");
    const seqs = ok.map((d) => d.event.sequence);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "sequence follows creation order");
    assert.equal(new Set(seqs).size, seqs.length, "one sequence number per event");
    assert.deepEqual(ok.map((d) => d.event.type), [
      "document.analysis.completed", "kyc.completed", "forensic.analysis.completed",
    ]);
    assert.deepEqual(ok[0].event.data, { documentId: doc.id, kind: "payslip", status: "accepted" });
    assert.deepEqual(ok[1].event.data, { status: "verified" });
    assert.deepEqual(ok[2].event.data, { status: "completed", inconsistencies: [], fraudIndicators: [], risk: "low" });

    // The sandbox's own delivery log agrees.
    const log = await (await skor(`/v1/webhooks/deliveries?tenantId=${tenant.id}`)).json();
    assert.deepEqual(log.deliveries.map((d) => d.state), ["delivered", "delivered", "delivered"]);
    assert.equal(log.deliveries[0].attempts, 2);

    const forensic = await (await skor(`/v1/tenants/${tenant.id}/forensic-analysis`)).json();
    assert.equal(forensic.status, "completed");
    // A finished session cannot be replayed into a second event.
    assert.equal((await submitHosted(session.url, "reject")).status, 200);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(receiver.accepted(tenant.id).filter((d) => d.event.type === "kyc.completed").length, 1);
  });

  test("Cl@ve approve adds two retrieved PDFs; bank approve reports a financial score", async () => {
    const tenant = await createTenant();
    const clave = await startHosted(tenant.id, "clave");
    assert.equal((await submitHosted(clave.url, "approve")).status, 200);
    await receiver.until(() => receiver.accepted(tenant.id).filter((d) => d.event.type === "document.analysis.completed").length === 2, 15000, "clave documents analysed");
    const claveEvent = receiver.accepted(tenant.id).find((d) => d.event.type === "clave.completed").event;
    assert.equal(claveEvent.data.status, "completed");
    assert.equal(claveEvent.data.documentIds.length, 2);
    const docs = (await (await skor(`/v1/tenants/${tenant.id}/documents`)).json()).documents;
    assert.deepEqual(docs.map((d) => d.source), ["clave", "clave"]);
    for (const id of claveEvent.data.documentIds) {
      const res = await skor(`/v1/tenants/${tenant.id}/documents/${id}/content`);
      assert.equal(res.headers.get("content-type"), "application/pdf");
      const pdf = Buffer.from(await res.arrayBuffer()).toString("latin1");
      assert.ok(pdf.startsWith("%PDF-1.4") && pdf.trimEnd().endsWith("%%EOF"));
    }
    // Documents but no verified KYC: forensic is blocked, also when triggered by hand.
    await assertProblem(await skor(`/v1/tenants/${tenant.id}/forensic-analysis`, { method: "POST" }), 409, "forensic_blocked");

    await assertProblem(await skor(`/v1/tenants/${tenant.id}/financial-score`), 404);
    const bank = await startHosted(tenant.id, "bank-connections");
    assert.ok(bank.url.includes("/hosted/bank/"));
    await submitHosted(bank.url, "approve");
    await receiver.until(() => receiver.accepted(tenant.id).some((d) => d.event.type === "financial.analysis.completed"), 15000, "financial event");
    const fin = receiver.accepted(tenant.id).find((d) => d.event.type === "financial.analysis.completed").event;
    assert.deepEqual(fin.data, { status: "completed", score: 742, band: "B" });
    assert.deepEqual(await (await skor(`/v1/tenants/${tenant.id}/financial-score`)).json(), { score: 742, band: "B" });
  });

  test("test values: +defaulter, +kycfail, +forged; Reject buttons; manual forensic trigger", async () => {
    const defaulter = await createTenant("defaulter");
    assert.deepEqual(defaulter.creditCheck, { defaulter: true, risk: "high" });
    const byId = await createTenant("", { identificationNumber: "00000000T" });
    assert.equal(byId.creditCheck.defaulter, true);

    const kycfail = await createTenant("kycfail");
    await submitHosted((await startHosted(kycfail.id, "kyc")).url, "approve");
    const rejected = await createTenant();
    await submitHosted((await startHosted(rejected.id, "kyc")).url, "reject");
    const bankRejected = await createTenant();
    await submitHosted((await startHosted(bankRejected.id, "bank-connections")).url, "reject");
    await receiver.until(() => receiver.accepted(kycfail.id).length && receiver.accepted(rejected.id).length && receiver.accepted(bankRejected.id).length, 15000, "rejections");
    assert.deepEqual(receiver.accepted(kycfail.id)[0].event.data, { status: "rejected" });
    assert.deepEqual(receiver.accepted(rejected.id)[0].event.data, { status: "rejected" });
    assert.deepEqual(receiver.accepted(bankRejected.id)[0].event.data, { status: "failed" });

    const forged = await createTenant("forged");
    const doc = await (await upload(forged.id)).json();
    await submitHosted((await startHosted(forged.id, "kyc")).url, "approve");
    await receiver.until(() => receiver.accepted(forged.id).some((d) => d.event.type === "forensic.analysis.completed"), 15000, "forged forensic");
    const f = receiver.accepted(forged.id).find((d) => d.event.type === "forensic.analysis.completed").event.data;
    assert.equal(f.risk, "high");
    assert.deepEqual(f.fraudIndicators, [`document_tampering:${doc.id}`]);
    assert.ok(f.inconsistencies.length > 0);

    // Manual trigger: a second run, a second event.
    const trig = await skor(`/v1/tenants/${forged.id}/forensic-analysis`, { method: "POST" });
    assert.equal(trig.status, 202);
    await receiver.until(() => receiver.accepted(forged.id).filter((d) => d.event.type === "forensic.analysis.completed").length === 2, 15000, "manual forensic");
  });
});

describe("hosted pages", () => {
  test("Spanish by default, English or Catalan by ?lang or Accept-Language; return link only for http(s); unknown session 404", async () => {
    const tenant = await createTenant();
    const s = await startHosted(tenant.id, "clave", { returnUrl: "http://127.0.0.1:8787/?step=documents" });
    const u = new URL(s.url);
    assert.equal(u.searchParams.get("return"), "http://127.0.0.1:8787/?step=documents");
    const es = await (await fetch(s.url)).text();
    assert.match(es, /<html lang="es">/);
    assert.match(es, /Aprobar/);
    assert.match((await (await fetch(`${s.url}&lang=en`)).text()), /<html lang="en">[\s\S]*Approve/);
    // Catalan by ?lang and by Accept-Language; each page links the other two languages.
    const ca = await (await fetch(`${s.url}&lang=ca`)).text();
    assert.match(ca, /<html lang="ca">[\s\S]*Descàrrega de documents amb Cl@ve[\s\S]*Aprova/);
    assert.match(ca, /hreflang="es"[^>]*>Español<[\s\S]*hreflang="en"[^>]*>English</);
    assert.match((await (await fetch(s.url, { headers: { "Accept-Language": "ca-ES,ca;q=0.9,es;q=0.8" } })).text()), /<html lang="ca">/);
    const page = await fetch(s.url);
    assert.match(page.headers.get("content-security-policy"), /default-src 'none'/);
    const css = await fetch(new URL("../assets/hosted.css", s.url));
    assert.equal(css.status, 200);
    assert.match(css.headers.get("content-type"), /^text\/css/);

    const done = await (await submitHosted(s.url, "reject")).text();
    assert.match(done, /href="http:\/\/127\.0\.0\.1:8787\/\?step=documents"/);
    assert.match(done, /cerrar esta ventana/);

    const other = await startHosted(tenant.id, "kyc");
    const evil = `${other.url}?return=${encodeURIComponent("javascript:alert(1)")}`;
    const res = await (await submitHosted(evil, "approve")).text();
    assert.doesNotMatch(res, /javascript:/);
    await assertProblem(await skor(`/v1/tenants/${tenant.id}/kyc`, json({ returnUrl: "javascript:alert(1)" })), 422);

    const missing = await fetch(`${SANDBOX_URL}/hosted/kyc/${"0".repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Sesión no encontrada/);
    assert.equal((await submitHosted(`${SANDBOX_URL}/hosted/kyc/${"0".repeat(32)}`, "approve")).status, 404);
  });
});

describe("identity decisions", () => {
  const inquiry = (email, extra = {}) => ({
    strategy: "TenantOnboardingStandard", inquiryId: crypto.randomUUID(), channel: "DEMO_WEB",
    deviceSessionId: "c12da910e8734aea856cd0fefb2be80d", creationDateTime: new Date().toISOString(),
    userIp: "203.0.113.7",
    applicant: {
      name: { first: "Lucía", last: "García", secondLast: "López" }, email,
      phoneNumber: "+34612345678", dateOfBirth: "1990-05-17",
      addresses: [{ line1: "Calle Mayor 1", city: "Madrid", region: "M", countryCode: "ES", postalCode: "28013" }],
      governmentId: [{ type: "DNI", value: "12345678Z", countryCode: "ES" }],
      employment: [{ employer: { name: "Acme SL" }, employeeTitle: "Ingeniera", startDate: "2019-08-24", currentEmployee: "true", contractType: "PERMANENT" }],
      income: { period: "MONTHLY", amount: "2500", currency: "EUR" },
    },
    product: { productType: "rental", productId: "ref-123", requestedAmount: "950" },
    ...extra,
  });
  const post = (body, headers) => identity("/identity/v1/inquiries", { method: "POST", body: JSON.stringify(body), headers });

  test("outcome by +tag, with the seed's full response shape", async () => {
    for (const [email, decision] of [
      ["lucia@example.com", "Allow"], ["lucia+deny@example.com", "Deny"],
      ["lucia+review@example.com", "Review"], ["lucia+challenge@example.com", "Challenge"],
    ]) {
      const req = inquiry(email);
      const res = await post(req);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.decision, decision);
      assert.equal(body.inquiryId, req.inquiryId);
      assert.equal(body.deviceSessionId, req.deviceSessionId);
      assert.match(body.authenticationId, /^[0-9a-f-]{36}$/);
      for (const k of ["userSegment", "tags", "scoreCards", "deviceId", "entityId", "insights", "strategy", "thirdPartyCalls", "errorResponses"]) {
        assert.ok(k in body, `missing ${k}`);
      }
      assert.equal(body.insights.applicant.riskAssessment, decision);
      assert.ok(body.thirdPartyCalls.applicant.atDataResponse.risk.score);
      const q = body.strategy.actions.find((a) => a.data)?.data;
      assert.equal(Boolean(q), decision === "Challenge");
    }
  });

  test("challenge: right answers Allow, wrong ones Deny, only once", async () => {
    const right = [{ questionId: "1", choiceId: "2" }, { questionId: "2", choiceId: "3" }, { questionId: "3", choiceId: "1" }];
    const a = await (await post(inquiry("lucia+challenge@example.com"), { "accept-language": "en" })).json();
    const q = a.strategy.actions[0].data;
    assert.equal(q.questions.length, 3);
    assert.equal(q.questions[0].choiceType.type, "SINGLE_CHOICE");
    assert.match(q.questions[0].questionText, /credit provider/);
    const answer = (id, answers) => identity(`/identity/v1/inquiries/${id}/answers`, { method: "POST", body: JSON.stringify({ answers }) });
    let res = await answer(a.inquiryId, right);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { decision: "Allow" });
    await assertProblem(await answer(a.inquiryId, right), 409, "not_challenged");

    const b = await (await post(inquiry("lucia+challenge@example.com"))).json();
    assert.match(b.strategy.actions[0].data.questions[0].questionText, /préstamo/);
    res = await answer(b.inquiryId, [...right.slice(0, 2), { questionId: "3", choiceId: "3" }]);
    assert.deepEqual(await res.json(), { decision: "Deny" });

    const allow = await (await post(inquiry("lucia@example.com"))).json();
    await assertProblem(await answer(allow.inquiryId, right), 409);
    await assertProblem(await answer("nope", right), 404);
  });

  test("decision update gets the seed's reply; repeats of an inquiry id are idempotent; bad bodies", async () => {
    const req = inquiry("lucia+review@example.com");
    const first = await (await post(req)).json();
    const again = await (await post(req)).json();
    assert.deepEqual(again, first);

    const update = {
      inquiryId: first.inquiryId, authenticationId: first.authenticationId, decision: "Allow",
      tags: ["tag1"], notes: "passed document verification", externalAgent: "agent-7",
      queue: "investigation", verifiedFraud: "false", rejectionCode: "",
    };
    const put = (id, body, ct = "application/json") => identity(`/identity/v1/inquiries/${id}/decision`, { method: "PUT", body, headers: { "content-type": ct } });
    const res = await put(first.inquiryId, JSON.stringify(update));
    assert.equal(res.status, 200);
    const reply = await res.json();
    assert.equal(reply.inquiryId, first.inquiryId);
    assert.match(reply.correlationId, /^[0-9a-f-]{36}$/);
    assert.equal(reply.message, "successfully updated");
    await assertProblem(await put("no-such-inquiry", JSON.stringify(update)), 404);
    await assertProblem(await put(first.inquiryId, "{"), 400, "malformed_json");
    await assertProblem(await put(first.inquiryId, JSON.stringify({ ...update, decision: "Maybe" })), 422);
    await assertProblem(await put(first.inquiryId, JSON.stringify(update), "text/plain"), 415);
    await assertProblem(await post({ applicant: {} }), 422);
  });
});

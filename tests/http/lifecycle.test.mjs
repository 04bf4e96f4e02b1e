// Issue 6, end to end: the REAL flow through the edge, with the sandbox sending its own
// signed webhooks to the edge's /webhooks/skor (scripts/configure-upstream.sh points
// them there). An applicant opens the SSE stream, uploads a document, completes KYC and
// a bank connection on the hosted pages (forms parsed from the HTML and posted, as a
// browser without JavaScript would), passes the identity step-up questionnaire, and the
// stream reports each step in order and finally `complete: true`. A reconnect with
// Last-Event-ID replays only what was missed. The agency's receiver (127.0.0.1:8799,
// the demo agency's webhookUrl) fails the first attempts of every event and still gets
// each relayed event, verifiably signed, exactly once per id after dedup; an event it
// never accepts becomes a dead letter. The agency API returns the full results.
//
// Hosted-page URLs: the sandbox builds them from the URL the edge called it with
// (SKOR_BASE_URL, in wrangler.toml the demo origin http://127.0.0.1:8787/sandbox). The
// edge hands them out unchanged; this suite opens them at BASE's origin instead, so it
// runs against a wrangler dev on any port without --var overrides.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import http from "node:http";
import { api, tenant, devVars, demoAgency, pdf, sha256hex, sign, sleep, pumpSse, BASE, ORIGIN } from "../lib/edge.mjs";
import { skor } from "../lib/sandbox.mjs";

const vars = devVars();
const AGENCY = demoAgency();
const SK = AGENCY.secretKey;
const SKOR_SECRET = vars.SKOR_WEBHOOK_SECRET;
const RECEIVER = new URL(AGENCY.webhookUrl);
/** Attempts the receiver refuses (500) for each event id before accepting it. */
const FAIL_FIRST = 2;
/** The sandbox's right step-up answers (crates/sandbox/README.md). */
const RIGHT_ANSWERS = { 1: "2", 2: "3", 3: "1" };

// ---------------------------------------------------------------- agency receiver

/** Every delivery: {eventId, tenantId, status, attempt, signature, body, at}. */
const received = [];
const dead = new Set(); // tenant ids whose events are always refused
const seenAttempts = new Map(); // event id → deliveries so far
let server;

function startAgencyReceiver() {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      let event = null;
      try { event = JSON.parse(body); } catch { /* recorded as is */ }
      const id = event?.id ?? "";
      const n = (seenAttempts.get(id) ?? 0) + 1;
      seenAttempts.set(id, n);
      const mineToFail = event && (dead.has(event.tenantId) || (tenants.has(event.tenantId) && n <= FAIL_FIRST));
      const status = req.url === RECEIVER.pathname && !mineToFail ? 200 : 500;
      received.push({
        eventId: id, tenantId: event?.tenantId, type: event?.type, status, path: req.url,
        attempt: req.headers["onboarding-attempt"], headerId: req.headers["onboarding-event-id"],
        signature: req.headers["onboarding-signature"], body, at: Date.now(),
      });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(RECEIVER.port), RECEIVER.hostname, resolve);
  });
}

/** Tenants of this suite (their events are failed FAIL_FIRST times, then accepted). */
const tenants = new Set();

function verifyAgencySignature(header, body) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  assert.ok(m, `Onboarding-Signature shape: ${header}`);
  const expected = createHmac("sha256", AGENCY.webhookSecret).update(`${m[1]}.${body}`).digest("hex");
  assert.equal(m[2], expected, "Onboarding-Signature verifies with the agency's webhookSecret");
  assert.ok(Math.abs(Date.now() / 1000 - Number(m[1])) < 300, "signature timestamp is fresh");
}

async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

// ---------------------------------------------------------------- SSE client

/** Opens the tenant's event stream; frames accumulate in `.frames` ({id, status}). */
function openStream(tenantId, token, lastEventId) {
  const ctrl = new AbortController();
  const frames = [];
  const headers = { Authorization: `Bearer ${token}`, Origin: ORIGIN };
  if (lastEventId !== undefined) headers["Last-Event-ID"] = String(lastEventId);
  const s = { frames, status: null, close: () => ctrl.abort() };
  s.ready = fetch(`${BASE}/v1/tenants/${tenantId}/events`, { headers, signal: ctrl.signal }).then((res) => {
    s.status = res.status;
    s.contentType = res.headers.get("content-type");
    s.done = pumpSse(res.body, frames);
  });
  s.until = (pred, ms, what) => waitFor(() => frames.find((f) => pred(f.status)), ms, what);
  return s;
}

// ---------------------------------------------------------------- hosted pages

/** The hosted page's URL at BASE's origin (see the header comment). */
function atBase(url) {
  const u = new URL(url);
  if (u.pathname.startsWith("/sandbox/")) {
    const b = new URL(BASE);
    u.protocol = b.protocol;
    u.host = b.host;
  }
  return u.toString();
}

/**
 * Opens a hosted page and presses the button `decision=<value>` of its form, the way a
 * browser does: the form's action (or the page's own URL when it has none) resolved
 * against the page URL, its method, its fields urlencoded.
 */
async function pressHostedButton(url, value) {
  const pageUrl = atBase(url);
  const page = await fetch(pageUrl, { headers: { "Accept-Language": "en" } });
  assert.equal(page.status, 200, `GET hosted page ${pageUrl}`);
  assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  const html = await page.text();
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  assert.ok(form, "the hosted page has a form");
  const attr = (tag, name) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, "i").exec(tag)?.[1];
  const method = (attr(form[1], "method") ?? "get").toUpperCase();
  const action = new URL((attr(form[1], "action") ?? "").replaceAll("&amp;", "&"), pageUrl);
  const fields = new URLSearchParams();
  for (const input of form[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input[0], "name");
    if (name && attr(input[0], "type") !== "submit") fields.append(name, attr(input[0], "value") ?? "");
  }
  const button = [...form[2].matchAll(/<button\b[^>]*>/gi)].map((b) => b[0])
    .find((b) => attr(b, "value") === value);
  assert.ok(button, `a ${value} button`);
  assert.equal(attr(button, "type") ?? "submit", "submit");
  fields.append(attr(button, "name"), value);
  assert.equal(method, "POST", "the form posts");
  const res = await fetch(action, {
    method,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(pageUrl).origin, "Accept-Language": "en" },
    body: fields.toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  return { page: html, result: text };
}

// ---------------------------------------------------------------- the flow

const flow = {}; // shared by the tests below, in order
let deadLetter; // {tenantId, eventId}

before(async () => {
  await startAgencyReceiver();
  // The dead-letter case starts first and runs while the lifecycle does: a signed
  // upstream event for a tenant whose relays the receiver always refuses.
  const t = await tenant();
  dead.add(t.tenantId);
  const eventId = `evt_deadletter_${Date.now()}`;
  const body = JSON.stringify({ id: eventId, type: "kyc.completed", createdAt: new Date().toISOString(), tenantId: t.tenantId, data: { status: "verified" } });
  const r = await api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign(SKOR_SECRET, body) } });
  assert.equal(r.status, 200, r.text);
  deadLetter = { tenantId: t.tenantId, eventId };
});

after(async () => {
  flow.stream?.close();
  flow.replay?.close();
  // Leave nothing in flight for the next suite (whose receiver takes port 8799): keep
  // answering until the relay has been quiet for longer than its longest dev back-off.
  dead.clear();
  tenants.clear();
  const quietFor = 7000; // > the last dev back-off (4 s) + the queue's batch timeout (1 s)
  await waitFor(() => Date.now() - (received.at(-1)?.at ?? 0) > quietFor, 30000, "relay to go quiet").catch(() => {});
  server?.closeAllConnections?.();
  await new Promise((r) => server.close(r));
});

test("session → tenant → SSE → document → KYC → bank → identity: each step in order, then complete", async () => {
  // `+challenge`: the identity inquiry asks the step-up questions; `+forged`: forensic
  // analysis reports a finding the agency (never the browser) sees.
  const t = await tenant("challenge+forged");
  tenants.add(t.tenantId);
  flow.t = t;

  const stream = openStream(t.tenantId, t.token);
  flow.stream = stream;
  await stream.ready;
  assert.equal(stream.status, 200);
  assert.match(stream.contentType, /text\/event-stream/);
  const first = await stream.until(() => true, 10000, "the current status first");
  assert.equal(first.status.tenantId, t.tenantId);
  assert.equal(first.status.steps.details, "done");
  assert.equal(first.status.complete, false);

  // Document, streamed through the edge.
  const file = pdf(40_000);
  const up = await api(`/v1/tenants/${t.tenantId}/documents?kind=payslip`, { token: t.token, body: file, headers: { "Content-Type": "application/pdf" } });
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.sha256, sha256hex(file));
  flow.document = { id: up.json.documentId, bytes: file };
  await stream.until((s) => s.steps.documents.items.some((i) => i.documentId === up.json.documentId && i.state === "accepted"), 20000, "document accepted (sandbox webhook)");

  // KYC: hosted page in the applicant's language, with a return link to the agency page.
  const returnUrl = `${ORIGIN}/?onboarding=kyc-done`;
  const kyc = await api(`/v1/tenants/${t.tenantId}/kyc`, { token: t.token, json: { returnUrl }, headers: { "Accept-Language": "en-GB,en;q=0.9" } });
  assert.equal(kyc.status, 200, kyc.text);
  const kycUrl = new URL(kyc.json.verificationUrl);
  assert.equal(kycUrl.searchParams.get("lang"), "en", "locale passed to the hosted page");
  assert.equal(kycUrl.searchParams.get("return"), returnUrl, "returnUrl passed to the hosted page");
  await stream.until((s) => s.steps.kyc === "pending", 10000, "kyc pending");
  const kycPage = await pressHostedButton(kyc.json.verificationUrl, "approve");
  assert.match(kycPage.page, /<html lang="en"/);
  assert.ok(kycPage.result.includes(returnUrl.replaceAll("&", "&amp;")) || kycPage.result.includes(returnUrl), "finished page links back");
  await stream.until((s) => s.steps.kyc === "verified", 20000, "kyc verified (sandbox webhook)");
  await stream.until((s) => s.steps.forensic === "done", 20000, "forensic analysis done after document + KYC");

  // Bank connection.
  const bank = await api(`/v1/tenants/${t.tenantId}/bank-connections`, { token: t.token, method: "POST" });
  assert.equal(bank.status, 200, bank.text);
  assert.equal(new URL(bank.json.connectUrl).searchParams.get("lang"), "es", "default locale is Spanish");
  await stream.until((s) => s.steps.bank === "pending", 10000, "bank pending");
  await pressHostedButton(bank.json.connectUrl, "approve");
  await stream.until((s) => s.steps.bank === "done", 20000, "bank done (sandbox webhook)");

  // Disconnect here; the identity step happens while the stream is closed.
  await sleep(1500); // let the forensic re-run after the bank connection land, or not
  flow.lastSeen = stream.frames.at(-1).id;
  stream.close();
  await stream.done;

  const inq = await api(`/v1/tenants/${t.tenantId}/identity-inquiries`, { token: t.token, method: "POST" });
  assert.equal(inq.status, 201, inq.text);
  assert.equal(inq.json.decision, "Challenge");
  const questions = inq.json.questionnaire.questions;
  assert.equal(questions.length, 3);
  const answers = questions.map((q) => {
    const choiceId = RIGHT_ANSWERS[q.questionId];
    assert.ok(q.choices.some((c) => c.choiceId === choiceId), `question ${q.questionId} offers ${choiceId}`);
    return { questionId: q.questionId, choiceId };
  });
  const ans = await api(`/v1/tenants/${t.tenantId}/identity-inquiries/${inq.json.inquiryId}/answers`, { token: t.token, json: { answers } });
  assert.equal(ans.status, 200, ans.text);
  assert.deepEqual(ans.json, { decision: "Allow" });
  flow.inquiryId = inq.json.inquiryId;

  // Reconnect from the last id seen: only what was missed, then live again.
  const replay = openStream(t.tenantId, t.token, flow.lastSeen);
  flow.replay = replay;
  await replay.ready;
  assert.equal(replay.status, 200);
  await replay.until((s) => s.complete === true, 30000, "complete: true");
  const ids = replay.frames.map((f) => f.id);
  assert.ok(ids.length >= 2, `replayed ${ids}`);
  assert.equal(ids[0], flow.lastSeen + 1, "replay starts right after Last-Event-ID");
  ids.forEach((id, i) => i && assert.equal(id, ids[i - 1] + 1, `no gap and no repeat: ${ids}`));

  // The whole story, in order: first time each step reached its result.
  const all = [...stream.frames, ...replay.frames];
  all.forEach((f, i) => i && assert.ok(f.id > all[i - 1].id, "ids strictly increase across the reconnect"));
  const firstIndex = (pred, what) => {
    const i = all.findIndex((f) => pred(f.status));
    assert.ok(i >= 0, `${what} reported`);
    return i;
  };
  const order = [
    firstIndex((s) => s.steps.documents.state === "processing", "document uploaded"),
    firstIndex((s) => s.steps.documents.state === "done" && s.steps.documents.items[0].state === "accepted", "document accepted"),
    firstIndex((s) => s.steps.kyc === "pending", "kyc started"),
    firstIndex((s) => s.steps.kyc === "verified", "kyc verified"),
    firstIndex((s) => s.steps.forensic === "done", "forensic done"),
    firstIndex((s) => s.steps.bank === "pending", "bank started"),
    firstIndex((s) => s.steps.bank === "done", "bank done"),
    firstIndex((s) => s.steps.identity === "challenge", "identity challenge"),
    firstIndex((s) => s.steps.identity === "allow", "identity allow"),
    firstIndex((s) => s.complete === true, "complete"),
  ];
  assert.deepEqual([...order].sort((a, b) => a - b), order, `steps in order: ${order}`);
  assert.ok(all.slice(0, order.at(-1)).every((f) => f.status.complete === false), "complete only at the end");
  const final = all[order.at(-1)].status;
  assert.deepEqual(
    { kyc: final.steps.kyc, bank: final.steps.bank, identity: final.steps.identity, forensic: final.steps.forensic, documents: final.steps.documents.state },
    { kyc: "verified", bank: "done", identity: "allow", forensic: "done", documents: "done" },
  );
  // Nothing agency-only ever reaches the browser's stream.
  const streamed = JSON.stringify(all);
  for (const leak of ["fraudIndicators", "inconsistencies", "document_tampering", "score", "insights", "band"]) {
    assert.ok(!streamed.includes(leak), `${leak} not in the SSE stream`);
  }
  const status = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(status.json.complete, true);
});

test("agency API: full results, document content, manual forensic trigger", async () => {
  const { t } = flow;
  assert.ok(t, "the lifecycle ran");
  const full = await api(`/v1/agency/tenants/${t.tenantId}`, { token: SK, origin: null });
  assert.equal(full.status, 200, full.text);
  assert.equal(full.json.status.complete, true);
  assert.equal(full.json.status.tenantId, t.tenantId);
  // Identity: the full upstream answer (insights and all), then the step-up's Allow.
  assert.ok(full.json.identity, "identity detail");
  assert.equal(full.json.status.steps.identity, "allow");
  // Forensic findings (+forged) and financial score (default tenant: 742, band B).
  assert.equal(full.json.forensic.status, "completed");
  assert.equal(full.json.forensic.risk, "high");
  assert.ok(full.json.forensic.fraudIndicators.some((f) => f.startsWith("document_tampering:")), JSON.stringify(full.json.forensic));
  assert.ok(full.json.forensic.inconsistencies.length >= 1);
  assert.deepEqual({ score: full.json.financial.score, band: full.json.financial.band }, { score: 742, band: "B" });
  assert.equal(full.json.kyc.status, "verified");
  assert.ok(full.json.documents.some((d) => JSON.stringify(d).includes(flow.document.id)));

  // The stored document, byte for byte.
  const res = await fetch(`${BASE}/v1/agency/tenants/${t.tenantId}/documents/${flow.document.id}/content`, { headers: { Authorization: `Bearer ${SK}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/pdf");
  assert.match(res.headers.get("content-security-policy") ?? "", /^sandbox/, "opened in a browser, it runs nothing");
  assert.equal(sha256hex(Buffer.from(await res.arrayBuffer())), sha256hex(flow.document.bytes));
  // Not with the tenant's browser token, nor another tenant's document id.
  assert.equal((await api(`/v1/agency/tenants/${t.tenantId}/documents/${flow.document.id}/content`, { token: t.token, origin: null })).status, 401);
  assert.equal((await api(`/v1/agency/tenants/${t.tenantId}/documents/doc_nope/content`, { token: SK, origin: null })).status, 404);

  // Manual forensic trigger: processing, then a fresh upstream event brings it back.
  const logBefore = (await (await skor(`/v1/webhooks/deliveries?tenantId=${t.tenantId}`)).json()).deliveries;
  const forensicRuns = logBefore.filter((d) => d.type === "forensic.analysis.completed").length;
  const trig = await api(`/v1/agency/tenants/${t.tenantId}/forensic-analysis`, { token: SK, origin: null, method: "POST" });
  assert.equal(trig.status, 202, trig.text);
  await waitFor(async () => {
    const log = (await (await skor(`/v1/webhooks/deliveries?tenantId=${t.tenantId}`)).json()).deliveries;
    return log.filter((d) => d.type === "forensic.analysis.completed" && d.state === "delivered").length > forensicRuns;
  }, 20000, "the manual forensic run's webhook");
  const again = await waitFor(async () => {
    const r = await api(`/v1/agency/tenants/${t.tenantId}`, { token: SK, origin: null });
    return r.json.status.steps.forensic === "done" && r;
  }, 10000, "forensic done again");
  assert.equal(again.json.status.complete, true);
});

test("relay: every accepted upstream event reaches the agency, signed, exactly once per id", async () => {
  const { t } = flow;
  assert.ok(t, "the lifecycle ran");
  // What the edge accepted = what the sandbox delivered to it for this tenant.
  const log = (await (await skor(`/v1/webhooks/deliveries?tenantId=${t.tenantId}`)).json()).deliveries;
  assert.ok(log.length >= 5, `sandbox events: ${log.map((d) => d.type)}`);
  for (const d of log) assert.equal(d.state, "delivered", `${d.type} delivered to the edge`);
  const types = new Set(log.map((d) => d.type));
  for (const ty of ["document.analysis.completed", "kyc.completed", "financial.analysis.completed", "forensic.analysis.completed"]) {
    assert.ok(types.has(ty), `${ty} among ${[...types]}`);
  }
  // …and the edge's own tenant.created (with the consent receipts).
  const created = `tenant.created.${t.tenantId}`;
  const expected = [...log.map((d) => d.id), created].sort();
  const ok = () => received.filter((r) => r.tenantId === t.tenantId && r.status === 200);
  await waitFor(() => new Set(ok().map((r) => r.eventId)).size >= expected.length, 45000, "every event relayed");
  // After dedup by id: exactly the accepted upstream events and tenant.created.
  assert.deepEqual([...new Set(ok().map((r) => r.eventId))].sort(), expected);
  for (const id of expected) {
    const attempts = received.filter((r) => r.eventId === id);
    // The first FAIL_FIRST attempts were refused, then one was accepted: same id every time.
    assert.ok(attempts.length >= FAIL_FIRST + 1, `${id}: ${attempts.length} attempts`);
    assert.deepEqual(attempts.slice(0, FAIL_FIRST).map((a) => a.status), Array(FAIL_FIRST).fill(500));
    assert.equal(attempts.filter((a) => a.status === 200).length, 1, `${id} accepted once`);
    for (const a of attempts) {
      assert.equal(a.headerId, id);
      assert.equal(JSON.parse(a.body).id, id);
      verifyAgencySignature(a.signature, a.body);
    }
    assert.deepEqual(attempts.map((a) => Number(a.attempt)), attempts.map((_, i) => i + 1), "attempt numbers count up");
    // The relayed body is the upstream event as the edge verified it.
    const ev = JSON.parse(attempts[0].body);
    assert.equal(ev.tenantId, t.tenantId);
    if (id === created) assert.equal(ev.data.consent.length, 2, "tenant.created carries the receipts");
    else assert.ok(types.has(ev.type));
  }
});

test("relay: an event the agency never accepts becomes a dead letter, listed once", async () => {
  assert.ok(deadLetter, "the dead-letter event was sent");
  const listed = await waitFor(async () => {
    const r = await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null });
    assert.equal(r.status, 200, r.text);
    return r.json.events.find((e) => e.eventId === deadLetter.eventId);
  }, 60000, "the dead letter");
  const attempts = received.filter((r) => r.eventId === deadLetter.eventId);
  assert.ok(attempts.length >= 2, "it was retried");
  assert.ok(attempts.every((a) => a.status === 500));
  assert.equal(listed.attempts, attempts.length, "the record counts every attempt");
  assert.equal(listed.tenantId, deadLetter.tenantId);
  assert.equal(listed.type, "kyc.completed");
  const r = await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null });
  assert.equal(r.json.events.filter((e) => e.eventId === deadLetter.eventId).length, 1);
  // Other credentials see nothing.
  assert.equal((await api("/v1/agency/webhooks/undelivered", { token: "pk_test_demo", origin: null })).status, 401);
});

test("webhooks: a signed event for a tenant the edge does not know is acknowledged, not applied", async () => {
  const body = JSON.stringify({ id: `evt_unknown_${Date.now()}`, type: "kyc.completed", createdAt: new Date().toISOString(), tenantId: "ten_not_ours_0001", data: { status: "verified" } });
  const r = await api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign(SKOR_SECRET, body) } });
  assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`);
  assert.equal(r.json.applied, false);
  // Still refused when unsigned or tampered.
  assert.equal((await api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json" } })).status, 400);
  const tampered = body.replace("verified", "rejected");
  assert.equal((await api("/webhooks/skor", { body: tampered, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign(SKOR_SECRET, body) } })).status, 403);
  // Tenants created straight at the sandbox (not through the edge): their events are
  // delivered to the edge and acknowledged, so the sandbox does not retry them.
  const created = await (await skor("/v1/tenants", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ firstName: "Ana", lastName: "Ruiz", email: "ana@example.com", identificationNumber: "12345678Z", postcode: "28013" }),
  })).json();
  const form = new FormData();
  form.set("kind", "payslip");
  form.set("file", new Blob([pdf(1000)], { type: "application/pdf" }), "n.pdf");
  assert.equal((await skor(`/v1/tenants/${created.id}/documents`, { method: "POST", body: form })).status, 201);
  const delivered = await waitFor(async () => {
    const log = (await (await skor(`/v1/webhooks/deliveries?tenantId=${created.id}`)).json()).deliveries;
    return log.length && log.every((d) => d.state === "delivered") && log;
  }, 15000, "the sandbox's event acknowledged by the edge");
  assert.equal(delivered[0].attempts, 1, "acknowledged on the first attempt");
});

test("hosted-page starts: returnUrl must be http(s) on the session's origin", async () => {
  const t = await tenant();
  for (const bad of ["https://evil.example/back", "javascript:alert(1)", "http://127.0.0.1:8787.evil.example/", "/relative", 42]) {
    const r = await api(`/v1/tenants/${t.tenantId}/kyc`, { token: t.token, json: { returnUrl: bad } });
    assert.ok([400, 422].includes(r.status), `${bad} → ${r.status} ${r.text}`);
  }
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.kyc, "not_started", "a refused start changes nothing");
  const ok = await api(`/v1/tenants/${t.tenantId}/clave`, { token: t.token, json: { returnUrl: `${ORIGIN}/back` } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(new URL(ok.json.redirectUrl).searchParams.get("return"), `${ORIGIN}/back`);
  // An empty body still works (the widget may send none).
  assert.equal((await api(`/v1/tenants/${t.tenantId}/bank-connections`, { token: t.token, method: "POST" })).status, 200);
});

// The public edge API (issue 5): each route's happy path and, per Security rule, an
// attempt to break it. Runs against a running `wrangler dev` (BASE from DEV_URL).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  api, session, tenant, tenantBody, mintToken, pdf, sha256hex, PNG_HEADER,
  ORIGIN, EVIL_ORIGIN, BASE, fakeIp,
} from "../lib/edge.mjs";
import { SKOR_API_KEY } from "../lib/sandbox.mjs";

const problem = (r, status, code) => {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /application\/problem\+json/);
  if (code) assert.equal(r.json.code, code, r.text);
};

test("healthz and openapi describe every route", async () => {
  const h = await api("/healthz", { origin: null });
  assert.equal(h.status, 200);
  assert.deepEqual(h.json, { status: "ok" });
  const o = await api("/v1/openapi.json");
  assert.equal(o.status, 200);
  assert.equal(o.json.openapi, "3.1.0");
  const expected = [
    ["post", "/v1/sessions"], ["post", "/v1/tenants"],
    ["get", "/v1/tenants/{tenantId}/status"], ["get", "/v1/tenants/{tenantId}/events"],
    ["post", "/v1/tenants/{tenantId}/documents"], ["get", "/v1/tenants/{tenantId}/documents"],
    ["post", "/v1/tenants/{tenantId}/clave"], ["post", "/v1/tenants/{tenantId}/kyc"],
    ["post", "/v1/tenants/{tenantId}/bank-connections"],
    ["post", "/v1/tenants/{tenantId}/identity-inquiries"],
    ["post", "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers"],
    ["get", "/v1/agency/tenants/{tenantId}"],
    ["get", "/v1/agency/tenants/{tenantId}/documents/{documentId}/content"],
    ["post", "/v1/agency/tenants/{tenantId}/forensic-analysis"],
    ["put", "/v1/agency/identity-inquiries/{inquiryId}/decision"],
    ["post", "/webhooks/skor"], ["get", "/healthz"], ["get", "/v1/openapi.json"],
  ];
  for (const [m, p] of expected) assert.ok(o.json.paths[p]?.[m], `${m} ${p} described`);
  // And every described operation exists (not 404/405 when called without auth).
  for (const [p, ops] of Object.entries(o.json.paths)) {
    for (const m of Object.keys(ops)) {
      const url = p.replaceAll(/\{[^}]+\}/g, "x1");
      const r = await api(url, { method: m.toUpperCase(), origin: null, body: m === "get" ? undefined : "" });
      assert.ok(![404, 405].includes(r.status) || p.includes("{"), `${m} ${p} answered ${r.status}`);
      assert.notEqual(r.status, 405, `${m} ${p}`);
    }
  }
});

test("unknown routes are 404 and wrong methods 405, as problems", async () => {
  problem(await api("/v1/nope"), 404, "not_found");
  const r = await api("/v1/sessions", { method: "DELETE" });
  problem(r, 405, "method_not_allowed");
  assert.ok(r.headers.get("allow"));
});

test("sessions: allowed origin gets a token, CORS exact, never *", async () => {
  const r = await api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(r.status, 201);
  assert.ok(r.json.sessionToken.startsWith("v2."));
  assert.ok(Date.parse(r.json.expiresAt) > Date.now());
  assert.equal(r.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(r.headers.get("vary") ?? "", /Origin/);
  const other = await api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, origin: "http://localhost:8787", headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(other.status, 201);
  assert.equal(other.headers.get("access-control-allow-origin"), "http://localhost:8787");
});

test("sessions: evil, missing, look-alike origins and unknown keys are refused", async () => {
  for (const origin of [EVIL_ORIGIN, null, "http://127.0.0.1:8787.evil.example", "http://127.0.0.1:8788", "null", "HTTP://127.0.0.1:8787/"]) {
    const r = await api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, origin, headers: { "CF-Connecting-IP": fakeIp() } });
    problem(r, 403, "forbidden_origin");
    // The refusal is readable by the page it refuses (so the widget can tell it from a
    // network failure), never with credentials; a missing Origin gets no CORS at all.
    assert.equal(r.headers.get("access-control-allow-origin")?.toLowerCase(), origin?.toLowerCase());
    assert.equal(r.headers.get("access-control-allow-credentials"), null);
  }
  problem(await api("/v1/sessions", { json: { publishableKey: "pk_test_nope" } }), 403, "forbidden_origin");
  problem(await api("/v1/sessions", { json: { publishableKey: "sk_test_x" } }), 403);
});

test("sessions: each agency's key opens sessions on its own origins only", async () => {
  const portal = "http://127.0.0.1:8788";
  const ok = await api("/v1/sessions", { json: { publishableKey: "pk_test_portal" }, origin: portal, headers: { "CF-Connecting-IP": fakeIp() } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.headers.get("access-control-allow-origin"), portal);
  problem(await api("/v1/sessions", { json: { publishableKey: "pk_test_portal" }, headers: { "CF-Connecting-IP": fakeIp() } }), 403, "forbidden_origin");
});

test("preflight for sessions: any origin may ask (the key and Origin decide), without credentials", async () => {
  for (const origin of [ORIGIN, EVIL_ORIGIN, "http://127.0.0.1:8788"]) {
    const r = await api("/v1/sessions", { method: "OPTIONS", origin, headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,accept-language" } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin")?.toLowerCase(), origin?.toLowerCase());
    assert.equal(r.headers.get("access-control-allow-credentials"), null);
  }
});

test("preflight: allowed origin gets the headers, evil origin does not", async () => {
  const ok = await api("/v1/tenants", { method: "OPTIONS", headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,idempotency-key,content-type" } });
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
  const allowed = (ok.headers.get("access-control-allow-headers") ?? "").toLowerCase();
  for (const h of ["authorization", "idempotency-key", "content-type"]) assert.ok(allowed.includes(h), h);
  assert.match(ok.headers.get("vary") ?? "", /Origin/);
  const evil = await api("/v1/tenants", { method: "OPTIONS", origin: EVIL_ORIGIN, headers: { "Access-Control-Request-Method": "POST" } });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers.get("access-control-allow-origin"), null);
});

test("tenants: valid applicant creates a tenant with a tenant-bound token", async () => {
  const s = await session();
  const r = await api("/v1/tenants", { token: s, json: tenantBody() });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.tenantId, /^[A-Za-z0-9_-]+$/);
  assert.notEqual(r.json.sessionToken, s);
  assert.equal(r.json.status.steps.details, "done");
  assert.equal(r.json.status.complete, false);
  const st = await api(`/v1/tenants/${r.json.tenantId}/status`, { token: r.json.sessionToken });
  assert.equal(st.status, 200);
  assert.equal(st.json.tenantId, r.json.tenantId);
  // The plain session token is not bound to that tenant.
  problem(await api(`/v1/tenants/${r.json.tenantId}/status`, { token: s }), 403, "tenant_mismatch");
});

test("tenants: every validation error at once, localized by Accept-Language", async () => {
  const s = await session();
  const body = tenantBody();
  body.applicant.governmentId[0].value = "12345678A";
  body.applicant.email = "not-an-email";
  body.applicant.addresses[0].postalCode = "99999";
  body.consent.creditCheckAccepted = false;
  const es = await api("/v1/tenants", { token: s, json: body, headers: { "Accept-Language": "es-ES,es;q=0.9" } });
  problem(es, 422, "validation_failed");
  const fields = es.json.errors.map((e) => e.field);
  for (const f of ["applicant.governmentId[0].value", "applicant.email", "applicant.addresses[0].postalCode", "consent.creditCheckAccepted"]) {
    assert.ok(fields.includes(f), `${f} in ${fields}`);
  }
  const en = await api("/v1/tenants", { token: s, json: body, headers: { "Accept-Language": "en" } });
  problem(en, 422, "validation_failed");
  assert.notEqual(es.json.errors[0].message, en.json.errors[0].message);
  assert.equal(es.json.title === en.json.title, false);
});

test("tenants: malformed and hostile JSON is a 4xx, never a 5xx", async () => {
  const s = await session();
  const deep = "[".repeat(5000) + "]".repeat(5000);
  const cases = [
    ["{", 400], ["", 400], ["null", 400], ["[]", null], ["42", 400], ['"x"', 400],
    [deep, null],
    [JSON.stringify({ applicant: { name: { first: "a".repeat(60000) } } }), 422],
    [JSON.stringify({ applicant: { name: { first: 1, last: ["x"] }, email: { a: 1 }, addresses: "x" } }), null],
    [JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } }, applicant: { __proto__: { email: "x" } } }), 422],
    [JSON.stringify({ ...tenantBody(), applicant: { ...tenantBody().applicant, notes: "x".repeat(70000) } }), 413],
  ];
  for (const [body, want] of cases) {
    const r = await api("/v1/tenants", { token: s, json: body });
    assert.ok(r.status >= 400 && r.status < 500, `${body.slice(0, 40)} → ${r.status} ${r.text.slice(0, 200)}`);
    if (want) assert.equal(r.status, want, `${body.slice(0, 40)} → ${r.text.slice(0, 200)}`);
  }
  // Only application/json is JSON (core's media_type): a look-alike is refused before
  // anything is read.
  for (const type of ["text/plain", "application/jsonx", "application/json-patch+json"]) {
    const wrongType = await api("/v1/tenants", { token: s, body: JSON.stringify(tenantBody()), headers: { "Content-Type": type } });
    problem(wrongType, 415);
  }
});

test("tokens: missing, tampered, forged, expired and wrong-origin tokens are refused", async () => {
  const t = await tenant();
  const url = `/v1/tenants/${t.tenantId}/status`;
  problem(await api(url), 401, "unauthorized");
  const flip = t.token.slice(0, -3) + (t.token.at(-3) === "A" ? "B" : "A") + t.token.slice(-2);
  problem(await api(url, { token: flip }), 401);
  const [v, payload, mac] = t.token.split(".");
  const other = mintToken({ tenantId: "ten_other", expiresAt: Math.floor(Date.now() / 1000) + 600 });
  problem(await api(url, { token: `${v}.${other.split(".")[1]}.${mac}` }), 401);
  problem(await api(url, { token: mintToken({ tenantId: t.tenantId, expiresAt: Math.floor(Date.now() / 1000) + 600 }, "not-the-key") }), 401);
  problem(await api(url, { token: mintToken({ tenantId: t.tenantId, expiresAt: Math.floor(Date.now() / 1000) - 1 }) }), 401);
  problem(await api(url, { token: "v1..." }), 401);
  problem(await api(url, { token: "x".repeat(10000) }), 401);
  // A valid token used from another origin.
  problem(await api(url, { token: t.token, origin: EVIL_ORIGIN }), 403, "forbidden_origin");
  // A validly signed token for an origin that is not on the allowlist.
  problem(await api(url, { token: mintToken({ tenantId: t.tenantId, origin: EVIL_ORIGIN, expiresAt: Math.floor(Date.now() / 1000) + 600 }), origin: EVIL_ORIGIN }), 401);
  // Sanity: the real one works, also without an Origin header (same-origin GET).
  assert.equal((await api(url, { token: t.token, origin: null })).status, 200);
  assert.ok(payload);
});

test("tenant isolation: a token for one tenant cannot touch another", async () => {
  const a = await tenant();
  const b = await tenant();
  for (const [m, p] of [["GET", "status"], ["GET", "documents"], ["POST", "kyc"], ["POST", "clave"], ["POST", "bank-connections"], ["POST", "identity-inquiries"], ["GET", "events"]]) {
    problem(await api(`/v1/tenants/${b.tenantId}/${p}`, { token: a.token, method: m }), 403, "tenant_mismatch");
  }
  problem(await api(`/v1/tenants/${b.tenantId}/documents?kind=payslip`, { token: a.token, body: pdf(), headers: { "Content-Type": "application/pdf" } }), 403);
});

test("idempotency: concurrent duplicates of POST /v1/tenants make one tenant, same answer", async () => {
  const s = await session();
  const body = tenantBody();
  const key = `idem-${Date.now()}-${Math.random()}`;
  const rs = await Promise.all(Array.from({ length: 5 }, () => api("/v1/tenants", { token: s, json: body, headers: { "Idempotency-Key": key } })));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  const ids = new Set(rs.map((r) => r.json.tenantId));
  assert.equal(ids.size, 1, [...ids].join(","));
  assert.equal(new Set(rs.map((r) => r.json.sessionToken)).size, 1);
  const later = await api("/v1/tenants", { token: s, json: body, headers: { "Idempotency-Key": key } });
  assert.equal(later.json.tenantId, rs[0].json.tenantId);
  const reused = await api("/v1/tenants", { token: s, json: tenantBody("other"), headers: { "Idempotency-Key": key } });
  problem(reused, 422, "idempotency_key_reused");
});

test("tenant creation with the widget's Idempotency-Key: at most two object round trips before the reply", async () => {
  // X-Dev-Object-Calls (dev only) counts the isolate's object requests while the
  // request ran: exact here, one request at a time. The key with its limits, then the
  // binding; the replay record is written after the reply.
  const counts = [];
  for (let i = 0; i < 3; i++) {
    const s = await session();
    const r = await api("/v1/tenants", { token: s, json: tenantBody(), headers: { "Idempotency-Key": `rt-${Date.now()}-${i}` } });
    assert.equal(r.status, 201, r.text);
    counts.push(Number(r.headers.get("x-dev-object-calls")));
  }
  assert.ok(Math.min(...counts) <= 2, `object round trips: ${counts}`);
});

test("documents: raw PDF and multipart PNG are streamed, hashed and listed", async () => {
  const t = await tenant();
  const file = pdf(200_000);
  const r = await api(`/v1/tenants/${t.tenantId}/documents?kind=payslip`, { token: t.token, body: file, headers: { "Content-Type": "application/pdf" } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.kind, "payslip");
  assert.equal(r.json.sizeBytes, file.length);
  assert.equal(r.json.sha256, sha256hex(file));
  assert.ok(r.json.documentId);
  assert.ok(r.json.status);
  const png = Buffer.concat([PNG_HEADER, Buffer.alloc(5000, 7)]);
  const fd = new FormData();
  fd.append("kind", "identity_document");
  fd.append("file", new Blob([png], { type: "image/png" }), "id.png");
  const m = await api(`/v1/tenants/${t.tenantId}/documents`, { token: t.token, body: fd });
  assert.equal(m.status, 201, m.text);
  assert.equal(m.json.sha256, sha256hex(png));
  assert.equal(m.json.sizeBytes, png.length);
  const list = await api(`/v1/tenants/${t.tenantId}/documents`, { token: t.token });
  assert.equal(list.status, 200);
  const ids = list.json.documents.map((d) => d.documentId);
  assert.ok(ids.includes(r.json.documentId) && ids.includes(m.json.documentId));
  assert.ok(!list.text.includes("%PDF"));
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.documents.items.length, 2);
});

test("documents: disguised, empty, oversize and wrongly-kinded files are refused", async () => {
  const t = await tenant();
  const up = (body, ct, kind = "payslip") =>
    api(`/v1/tenants/${t.tenantId}/documents?kind=${kind}`, { token: t.token, body, headers: { "Content-Type": ct } });
  problem(await up(Buffer.from("<!doctype html><script>alert(1)</script>"), "application/pdf"), 415);
  problem(await up(Buffer.concat([Buffer.from("junkjunk"), PNG_HEADER, Buffer.alloc(100)]), "image/png"), 415);
  problem(await up(Buffer.from("MZ\x90\x00executable"), "application/octet-stream"), 415);
  problem(await up(pdf(), "image/png"), 415); // declared type disagrees with the bytes
  problem(await up(pdf(), "text/html"), 415);
  problem(await up(Buffer.alloc(0), "application/pdf"), 422);
  problem(await up(pdf(), "application/pdf", "passport_scan"), 422);
  problem(await up(pdf(), "application/pdf", ""), 422);
  // Over the 15 MiB default, both declared and streamed (no Content-Length).
  // Declared too large: answered from the first bytes, without reading the rest.
  const declared = await new Promise((resolve, reject) => {
    const u = new URL(`${BASE}/v1/tenants/${t.tenantId}/documents?kind=payslip`);
    const req = http.request(u, { method: "POST", headers: { Authorization: `Bearer ${t.token}`, Origin: ORIGIN, "Content-Type": "application/pdf", "Content-Length": String(16 * 1024 * 1024) } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    req.write(pdf(1000));
  });
  assert.equal(declared.status, 413, declared.text);
  assert.equal(JSON.parse(declared.text).code, "file_too_large");
  const chunks = async function* () {
    yield pdf(1000);
    for (let i = 0; i < 17; i++) yield Buffer.alloc(1024 * 1024, 0x20);
  };
  const streamed = await api(`/v1/tenants/${t.tenantId}/documents?kind=payslip`, {
    token: t.token, body: ReadableStream.from(chunks()), headers: { "Content-Type": "application/pdf" },
  });
  problem(streamed, 413);
  const fd = new FormData();
  fd.append("kind", "payslip");
  fd.append("file", new Blob(["<html>hi</html>"], { type: "application/pdf" }), "cv.pdf");
  problem(await api(`/v1/tenants/${t.tenantId}/documents`, { token: t.token, body: fd }), 415);
  // Nothing of that was stored.
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.documents.items.length, 0);
});

test("documents: an upstream that reports no digest — the edge hashes the stored file itself", async () => {
  const t = await tenant("nodigest");
  const file = pdf(700_000);
  const r = await api(`/v1/tenants/${t.tenantId}/documents?kind=payslip`, { token: t.token, body: file, headers: { "Content-Type": "application/pdf", "Idempotency-Key": `nodigest-${Date.now()}` } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sha256, sha256hex(file));
  assert.equal(r.json.sizeBytes, file.length);
});

test("documents: an upload that breaks off midway stores nothing, upstream or here", async () => {
  const t = await tenant();
  const declared = 4 * 1024 * 1024;
  await new Promise((resolve) => {
    const u = new URL(`${BASE}/v1/tenants/${t.tenantId}/documents?kind=payslip`);
    const req = http.request(u, { method: "POST", headers: { Authorization: `Bearer ${t.token}`, Origin: ORIGIN, "Content-Type": "application/pdf", "Content-Length": String(declared) } });
    req.on("error", () => resolve());
    req.on("response", (res) => { res.resume(); res.on("end", resolve); });
    req.write(pdf(1024 * 1024));
    // Half of what was declared, then the connection goes away.
    setTimeout(() => { req.destroy(); resolve(); }, 500);
  });
  // The edge notices, the upstream request is aborted: give both a moment.
  await new Promise((r) => setTimeout(r, 1500));
  const list = await api(`/v1/tenants/${t.tenantId}/documents`, { token: t.token });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.documents, [], "no upstream document");
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.documents.items.length, 0);
  // And the tenant's next upload goes through whole.
  const file = pdf(300_000);
  const r = await api(`/v1/tenants/${t.tenantId}/documents?kind=payslip`, { token: t.token, body: file, headers: { "Content-Type": "application/pdf" } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sha256, sha256hex(file));
  assert.equal(r.json.sizeBytes, file.length);
});

test("documents: a retry with the same Idempotency-Key never makes a second document", async () => {
  const t = await tenant();
  const file = pdf(30_000);
  const key = `doc-${Date.now()}`;
  const send = () => api(`/v1/tenants/${t.tenantId}/documents?kind=bank_statement`, { token: t.token, body: file, headers: { "Content-Type": "application/pdf", "Idempotency-Key": key } });
  const [a, b] = await Promise.all([send(), send()]);
  const c = await send();
  for (const r of [a, b, c]) assert.equal(r.status, 201, r.text);
  assert.equal(new Set([a, b, c].map((r) => r.json.documentId)).size, 1);
  const list = await api(`/v1/tenants/${t.tenantId}/documents`, { token: t.token });
  assert.equal(list.json.documents.length, 1);
});

test("hosted pages: Cl@ve, KYC and bank starts return URLs and mark the step pending", async () => {
  const t = await tenant();
  const c = await api(`/v1/tenants/${t.tenantId}/clave`, { token: t.token, method: "POST" });
  assert.equal(c.status, 200, c.text);
  assert.match(c.json.redirectUrl, /^https?:\/\//);
  const k = await api(`/v1/tenants/${t.tenantId}/kyc`, { token: t.token, method: "POST" });
  assert.match(k.json.verificationUrl, /^https?:\/\//);
  const b = await api(`/v1/tenants/${t.tenantId}/bank-connections`, { token: t.token, method: "POST" });
  assert.match(b.json.connectUrl, /^https?:\/\//);
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.kyc, "pending");
  assert.equal(st.json.steps.clave, "pending");
  assert.equal(st.json.steps.bank, "pending");
});

test("identity: the browser sees only decision and questionnaire; answers decide", async () => {
  const t = await tenant("challenge");
  const r = await api(`/v1/tenants/${t.tenantId}/identity-inquiries`, { token: t.token, json: { userIp: "6.6.6.6", channel: "EVIL", strategy: "x" } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ["decision", "inquiryId", "questionnaire"]);
  assert.equal(r.json.decision, "Challenge");
  for (const leak of ["insights", "scoreCards", "thirdPartyCalls", "tags", "strategy", "6.6.6.6"]) {
    assert.ok(!r.text.includes(leak), leak);
  }
  const q = r.json.questionnaire.questions;
  const answers = q.map((x) => ({ questionId: x.questionId, choiceId: x.choices[0].choiceId }));
  const a = await api(`/v1/tenants/${t.tenantId}/identity-inquiries/${r.json.inquiryId}/answers`, { token: t.token, json: { answers } });
  assert.equal(a.status, 200, a.text);
  assert.ok(["Allow", "Deny"].includes(a.json.decision));
  assert.deepEqual(Object.keys(a.json), ["decision"]);
  problem(await api(`/v1/tenants/${t.tenantId}/identity-inquiries/inq_unknown/answers`, { token: t.token, json: { answers } }), 404);
  problem(await api(`/v1/tenants/${t.tenantId}/identity-inquiries/${r.json.inquiryId}/answers`, { token: t.token, json: { answers: [] } }), 422);
  const allow = await tenant();
  const d = await api(`/v1/tenants/${allow.tenantId}/identity-inquiries`, { token: allow.token, method: "POST" });
  assert.equal(d.json.decision, "Allow");
  assert.equal(d.json.questionnaire, undefined);
  const st = await api(`/v1/tenants/${allow.tenantId}/status`, { token: allow.token });
  assert.equal(st.json.steps.identity, "allow");
});

const randomHex = (n) => randomBytes(n).toString("hex");

/** Opens sessions 50 at a time from `address()` until one is refused; returns it. */
async function untilRefused(ceiling, address) {
  for (let sent = 0; sent < ceiling + 50; sent += 50) {
    const rs = await Promise.all(Array.from({ length: 50 }, () => api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, headers: { "CF-Connecting-IP": address() } })));
    for (const r of rs) {
      if (r.status === 429) return r;
      assert.equal(r.status, 201, r.text);
    }
  }
  return undefined;
}

/** The per-address ceiling, after waiting for a fresh window if this one ends soon. */
async function sessionCeiling() {
  // The ceiling is RATE_SESSIONS_PER_IP in wrangler.toml (sized for carrier NAT).
  const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
  const ceiling = Number(/^RATE_SESSIONS_PER_IP = "(\d+)"/m.exec(toml)[1]);
  const windowMs = Number(/^RATE_SESSIONS_WINDOW_SECONDS = "(\d+)"/m.exec(toml)[1]) * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < 30_000) await new Promise((r) => setTimeout(r, left + 500));
  return ceiling;
}

test("rate limits: 1,001 sessions from one IPv6 /64 meet the per-address ceiling like one address would", async () => {
  const ceiling = await sessionCeiling();
  const prefix = `2001:db8:${randomHex(2)}:${randomHex(2)}`;
  const limited = await untilRefused(ceiling, () => `${prefix}:${randomHex(2)}:${randomHex(2)}:${randomHex(2)}:${randomHex(2)}`);
  assert.ok(limited, `a 429 within ${ceiling + 50} sessions from one /64`);
  problem(limited, 429, "rate_limited");
  // The next /64 is another subscriber.
  const other = await api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, headers: { "CF-Connecting-IP": `2001:db8:${randomHex(2)}:${randomHex(2)}::1` } });
  assert.equal(other.status, 201, other.text);
});

test("rate limits: sessions per IP answer 429 with Retry-After (a coarse ceiling)", async () => {
  // A fixed window: a burst that straddles a window's end is counted in two windows
  // and never meets the ceiling, so sessionCeiling() starts in a fresh one if needed.
  const ceiling = await sessionCeiling();
  const ip = fakeIp();
  const limited = await untilRefused(ceiling, () => ip);
  assert.ok(limited, `a 429 within ${ceiling + 50} sessions from one IP`);
  problem(limited, 429, "rate_limited");
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.equal(limited.headers.get("access-control-allow-origin"), ORIGIN);
});

test("rate limits: tenants per session answer 429 with Retry-After", async () => {
  const s = await session();
  let limited;
  for (let i = 0; i < 12 && !limited; i++) {
    const r = await api("/v1/tenants", { token: s, json: tenantBody() });
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 201, r.text);
  }
  assert.ok(limited, "a 429 within 12 creations");
  problem(limited, 429, "rate_limited");
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
});

test("rate limits: keyed and unkeyed creations share one count per session; a refused one reaches nothing upstream and takes no key; a replay costs nothing", async () => {
  // The limit is counted in the same store call that takes an Idempotency-Key, so a
  // client that alternates (or drops the header) must not get a second allowance.
  const limit = Number(/RATE_TENANTS_PER_SESSION\s*=\s*"(\d+)"/.exec(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8"))[1]);
  const s = await session();
  const tag = `mix${Date.now().toString(36)}`;
  const body = tenantBody(tag);
  const key = (i) => `mix-${tag}-${i}`;
  const create = (i) => api("/v1/tenants", { token: s, json: body, headers: i % 2 ? { "Idempotency-Key": key(i) } : {} });
  let i = 0;
  for (; i < limit; i++) assert.equal((await create(i)).status, 201, `creation ${i + 1} of ${limit}`);
  // A replay of a finished key answers its 201 again, counted nothing.
  const replay = await api("/v1/tenants", { token: s, json: body, headers: { "Idempotency-Key": key(1) } });
  assert.equal(replay.status, 201, replay.text);
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const upstream = async () => {
    const r = await fetch(`${BASE}/sandbox/v1/tenants?email=${encodeURIComponent(body.applicant.email)}`, { headers: { "x-api-key": SKOR_API_KEY } });
    assert.equal(r.status, 200);
    return (await r.json()).tenants.length;
  };
  assert.equal(await upstream(), limit, "one upstream tenant per creation, none for the replay");
  for (const k of [i, i + 1]) problem(await create(k), 429, "rate_limited");
  assert.equal(await upstream(), limit, "a refused creation reaches nothing upstream");
  // The refused key was not taken: the same key again is refused by the limit again,
  // not answered "in progress" nor replayed.
  problem(await create(i + 1), 429, "rate_limited");
});

// Issue 6: signed webhooks in (exactly once, nothing changed by bad ones), live status
// out over SSE with Last-Event-ID replay, the agency API's authentication, and the
// relay to the agency's webhook URL (a local receiver on 8799 that fails at first).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHmac } from "node:crypto";
import { api, tenant, session, devVars, demoAgency, sign, sleep, pumpSse, BASE, ORIGIN } from "../lib/edge.mjs";

const vars = devVars();
const SECRET = vars.SKOR_WEBHOOK_SECRET;
const SK = demoAgency().secretKey;
const AGENCY_WHSEC = demoAgency().webhookSecret;

function event(tenantId, id, type, data) {
  return JSON.stringify({ id, type, createdAt: new Date().toISOString(), tenantId, data });
}
const post = (body, signature) =>
  api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", ...(signature ? { "Skor-Signature": signature } : {}) } });

test("webhooks: unsigned, stale, tampered and wrongly-keyed deliveries change nothing", async () => {
  const t = await tenant();
  const body = event(t.tenantId, `evt_bad_${Date.now()}`, "kyc.completed", { status: "verified" });
  const now = Math.floor(Date.now() / 1000);
  for (const sig of [undefined, "", "t=1,v1=zz", sign(SECRET, body, now - 301), sign(SECRET, body, now + 400), sign("whsec_wrong", body), sign(SECRET, body + " ", now)]) {
    const r = await post(body, sig);
    assert.ok(r.status >= 400 && r.status < 500, `${sig} → ${r.status}`);
  }
  const tampered = body.replace("verified", "rejected");
  assert.ok((await post(tampered, sign(SECRET, body))).status >= 400);
  // A properly signed event whose id is not [A-Za-z0-9._:-] (it would fail every relay
  // attempt later) is refused at intake; so is a header with many v1= values.
  for (const id of ["evt_ñ_1", "evt 1", "evt/1", "x".repeat(129)]) {
    const odd = event(t.tenantId, id, "kyc.completed", { status: "verified" });
    const r = await post(odd, sign(SECRET, odd));
    assert.equal(r.status, 400, `${id}: ${r.text}`);
  }
  const many = sign(SECRET, body).replace(",v1=", `,v1=${"0".repeat(64)},v1=${"1".repeat(64)},v1=${"2".repeat(64)},v1=${"3".repeat(64)},v1=`);
  assert.equal((await post(body, many)).status, 400, "at most four v1= values");
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.kyc, "not_started");
});

test("webhooks: a signed event applies once, concurrent duplicates included", async () => {
  const t = await tenant();
  const id = `evt_dup_${Date.now()}`;
  const body = event(t.tenantId, id, "kyc.completed", { status: "verified" });
  const rs = await Promise.all(Array.from({ length: 6 }, () => post(body, sign(SECRET, body))));
  for (const r of rs) assert.equal(r.status, 200, r.text);
  assert.equal(rs.filter((r) => r.json.applied).length, 1);
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.kyc, "verified");
  // Replaying later (fresh timestamp) changes nothing either.
  const again = await post(body, sign(SECRET, body));
  assert.equal(again.json.applied, false);
});

test("SSE: current status first, id lines, Last-Event-ID replays only what was missed", async () => {
  const t = await tenant();
  const ctrl = new AbortController();
  const res = await fetch(`${BASE}/v1/tenants/${t.tenantId}/events`, { headers: { Authorization: `Bearer ${t.token}`, Origin: ORIGIN }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /text\/event-stream/);
  const frames = [];
  const pump = pumpSse(res.body, frames);
  const until = async (n) => { for (let i = 0; i < 60 && frames.length < n; i++) await sleep(100); };
  await until(1);
  assert.equal(frames[0].status.tenantId, t.tenantId);
  const firstId = frames[0].id;
  await api(`/v1/tenants/${t.tenantId}/kyc`, { token: t.token, method: "POST" });
  await until(2);
  assert.equal(frames[1].status.steps.kyc, "pending");
  const body = event(t.tenantId, `evt_sse_${Date.now()}`, "kyc.completed", { status: "verified" });
  await post(body, sign(SECRET, body));
  await until(3);
  assert.equal(frames[2].status.steps.kyc, "verified");
  assert.ok(frames[1].id > firstId && frames[2].id > frames[1].id);
  ctrl.abort();
  await pump;
  // Reconnect from the first id: exactly the two later changes.
  const ctrl2 = new AbortController();
  const res2 = await fetch(`${BASE}/v1/tenants/${t.tenantId}/events`, { headers: { Authorization: `Bearer ${t.token}`, "Last-Event-ID": String(firstId) }, signal: ctrl2.signal });
  const replayed = [];
  const pump2 = pumpSse(res2.body, replayed);
  for (let i = 0; i < 60 && replayed.length < 2; i++) await sleep(100);
  ctrl2.abort();
  await pump2;
  const ids = replayed.map((f) => f.id);
  assert.deepEqual(ids, [frames[1].id, frames[2].id]);
  // Another tenant's token gets nothing.
  const other = await tenant();
  const leak = await api(`/v1/tenants/${t.tenantId}/events`, { token: other.token });
  assert.equal(leak.status, 403);
});

test("agency API: secret key works; publishable keys, session tokens and wrong keys do not", async () => {
  const t = await tenant("challenge");
  const inq = await api(`/v1/tenants/${t.tenantId}/identity-inquiries`, { token: t.token, method: "POST" });
  const url = `/v1/agency/tenants/${t.tenantId}`;
  const ok = await api(url, { token: SK, origin: null });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.tenant.tenantId, t.tenantId);
  assert.ok(ok.json.identity, "identity detail kept for the agency");
  const s = await session();
  for (const bad of ["pk_test_demo", s, t.token, "sk_test_" + "0".repeat(48), SK + "x", undefined]) {
    const r = await api(url, { token: bad, origin: null });
    assert.equal(r.status, 401, `${String(bad).slice(0, 12)} → ${r.status}`);
  }
  const dec = await api(`/v1/agency/identity-inquiries/${inq.json.inquiryId}/decision`, {
    token: SK, origin: null, method: "PUT",
    json: { decision: "Allow", tags: ["manual"], notes: "checked", externalAgent: "agent-1", queue: "q", verifiedFraud: false },
  });
  assert.equal(dec.status, 200, dec.text);
  const st = await api(`/v1/tenants/${t.tenantId}/status`, { token: t.token });
  assert.equal(st.json.steps.identity, "allow");
  const undelivered = await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null });
  assert.equal(undelivered.status, 200);
  assert.ok(Array.isArray(undelivered.json.events));
});

test("relay: a failing agency receiver still gets each event, signed, same id", async () => {
  const got = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      calls++;
      if (calls <= 2) { res.writeHead(500); res.end(); return; }
      got.push({ sig: req.headers["onboarding-signature"], body });
      res.writeHead(200); res.end("ok");
    });
  });
  await new Promise((r) => server.listen(8799, "127.0.0.1", r));
  try {
    const t = await tenant();
    const id = `evt_relay_${Date.now()}`;
    const body = event(t.tenantId, id, "kyc.completed", { status: "verified" });
    assert.equal((await post(body, sign(SECRET, body))).status, 200);
    // Other suites' events may be in flight to the same receiver; find ours.
    const mine = () => got.filter((g) => JSON.parse(g.body).id === id);
    for (let i = 0; i < 300 && mine().length === 0; i++) await sleep(100);
    assert.ok(mine().length >= 1, `delivered after ${calls} calls`);
    const d = mine()[0];
    assert.equal(JSON.parse(d.body).id, id);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(d.sig);
    assert.ok(m, d.sig);
    assert.equal(createHmac("sha256", AGENCY_WHSEC).update(`${m[1]}.${d.body}`).digest("hex"), m[2]);
    assert.ok(calls >= 3);
  } finally {
    server.close();
  }
});

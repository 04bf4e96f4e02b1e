// Issue 12, Relay (DESIGN.md "Rules under abuse and faults"): a delivery to the
// agency's webhook has a timeout and follows no redirect (a 3xx is a failed attempt);
// an event that cannot be delivered becomes a dead letter, never a silent drop.
// The demo agency's receiver is a local server on 8799 (its webhookUrl in .dev.vars).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHmac } from "node:crypto";
import { api, tenant, devVars, devAgencies, demoAgency, sign, sleep } from "../lib/edge.mjs";
import { standardHeaders, verifiesInNode, verifiesInPython } from "../lib/standard-webhooks.mjs";

const vars = devVars();
const SK = demoAgency().secretKey;
const SECRET = vars.SKOR_WEBHOOK_SECRET;
const AGENCY_WHSEC = demoAgency().webhookSecret;

const deliver = (tenantId, id) => {
  const body = JSON.stringify({ id, type: "kyc.completed", createdAt: new Date().toISOString(), tenantId, data: { status: "verified" } });
  return api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign(SECRET, body) } });
};

test("relay: every delivery carries Standard Webhooks headers that the maintained libraries verify (npm and PyPI)", { timeout: 60_000 }, async () => {
  const t = await tenant();
  const eventId = `evt_standard_${Date.now()}`;
  const got = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (body.includes(eventId)) got.push({ body, headers: standardHeaders(req), onboarding: req.headers["onboarding-signature"] });
      res.writeHead(200);
      res.end("ok");
    });
  });
  await new Promise((r) => server.listen(8799, "127.0.0.1", r));
  try {
    assert.equal((await deliver(t.tenantId, eventId)).status, 200);
    for (let i = 0; i < 80 && !got.length; i++) await sleep(250);
    assert.ok(got.length, "delivered");
    const { body, headers, onboarding } = got[0];
    assert.equal(headers["webhook-id"], eventId, "webhook-id is the event id (stable across retries)");
    assert.ok(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000) < 60);
    assert.match(headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/, "one secret in force: one signature");
    assert.match(onboarding, /^t=\d+,v1=[0-9a-f]{64}$/, "Onboarding-Signature still there");
    assert.ok(verifiesInNode(AGENCY_WHSEC, body, headers), "npm standardwebhooks accepts it");
    assert.ok(verifiesInPython(AGENCY_WHSEC, body, headers), "PyPI standardwebhooks accepts it");
    const tampered = body.replace(eventId, `${eventId}x`);
    assert.ok(!verifiesInNode(AGENCY_WHSEC, tampered, headers) && !verifiesInPython(AGENCY_WHSEC, tampered, headers), "a changed body is refused");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("relay: a hanging receiver times out and a redirecting one is not followed; both end as dead letters", { timeout: 120_000 }, async () => {
  const hang = await tenant();
  const redirect = await tenant();
  const stolen = [];
  const attempts = { hang: 0, redirect: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/stolen") { stolen.push(body); res.writeHead(200); res.end(); return; }
      let tenantId;
      try { tenantId = JSON.parse(body).tenantId; } catch { /* not an event */ }
      if (tenantId === hang.tenantId) { attempts.hang++; return; } // never answers
      if (tenantId === redirect.tenantId) {
        attempts.redirect++;
        res.writeHead(302, { Location: "http://127.0.0.1:8799/stolen" });
        res.end();
        return;
      }
      res.writeHead(200); res.end("ok");
    });
  });
  await new Promise((r) => server.listen(8799, "127.0.0.1", r));
  try {
    const ids = { hang: `evt_hang_${Date.now()}`, redirect: `evt_redirect_${Date.now()}` };
    assert.equal((await deliver(hang.tenantId, ids.hang)).status, 200);
    assert.equal((await deliver(redirect.tenantId, ids.redirect)).status, 200);
    let dead = [];
    for (let i = 0; i < 100; i++) {
      const r = await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null });
      dead = r.json.events.filter((e) => e.eventId === ids.hang || e.eventId === ids.redirect);
      if (dead.length === 2) break;
      await sleep(1000);
    }
    const byId = Object.fromEntries(dead.map((d) => [d.eventId, d]));
    assert.ok(byId[ids.hang], `hang dead-lettered (attempts seen: ${attempts.hang})`);
    assert.ok(byId[ids.redirect], `redirect dead-lettered (attempts seen: ${attempts.redirect})`);
    assert.equal(byId[ids.hang].lastError, "timeout");
    assert.match(byId[ids.redirect].lastError, /^redirect 302$/);
    assert.ok(byId[ids.hang].attempts >= 2 && byId[ids.redirect].attempts >= 2);
    assert.ok(attempts.hang >= 2 && attempts.redirect >= 2, JSON.stringify(attempts));
    assert.equal(stolen.length, 0, "the redirect was never followed");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("relay: an event larger than a Queue message (128 KB) is delivered whole, by reference", { timeout: 60_000 }, async () => {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ sig: req.headers["onboarding-signature"], body });
      res.writeHead(200); res.end("ok");
    });
  });
  await new Promise((r) => server.listen(8799, "127.0.0.1", r));
  try {
    const t = await tenant();
    const id = `evt_big_${Date.now()}`;
    // ~200 KB: under the webhook intake's 256 KiB, over a Queue message.
    const body = JSON.stringify({ id, type: "forensic.analysis.completed", createdAt: new Date().toISOString(), tenantId: t.tenantId,
      data: { status: "completed", inconsistencies: Array.from({ length: 2000 }, (_, i) => `inconsistency ${i} ${"x".repeat(80)}`), fraudIndicators: [], risk: "medium" } });
    assert.ok(body.length > 150_000 && body.length < 256 * 1024, String(body.length));
    const r = await api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign(SECRET, body) } });
    assert.equal(r.status, 200, r.text);
    const mine = () => got.filter((g) => g.body.includes(id));
    for (let i = 0; i < 150 && mine().length === 0; i++) await sleep(100);
    assert.equal(mine().length, 1, "delivered once");
    const d = mine()[0];
    assert.equal(d.body, body, "byte for byte");
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(d.sig);
    assert.ok(m, d.sig);
    assert.equal(createHmac("sha256", AGENCY_WHSEC).update(`${m[1]}.${d.body}`).digest("hex"), m[2]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("relay: a dead letter is replayed by the agency — same event id, delivered, off the list; another agency cannot", { timeout: 120_000 }, async () => {
  const t = await tenant();
  let up = false;
  const got = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (!body.includes(t.tenantId)) { res.writeHead(200); res.end(); return; }
      got.push({ id: req.headers["onboarding-event-id"], attempt: req.headers["onboarding-attempt"], body });
      res.writeHead(up ? 200 : 500); res.end();
    });
  });
  await new Promise((r) => server.listen(8799, "127.0.0.1", r));
  try {
    const id = `evt_replay_${Date.now()}`;
    assert.equal((await deliver(t.tenantId, id)).status, 200);
    let listed;
    for (let i = 0; i < 60 && !listed; i++) {
      listed = (await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null })).json.events.find((e) => e.eventId === id);
      if (!listed) await sleep(1000);
    }
    assert.ok(listed, "the event became a dead letter");
    const portal = devAgencies().ag_portal.secretKey;
    assert.equal((await api(`/v1/agency/webhooks/undelivered/${id}/replay`, { token: portal, origin: null, method: "POST" })).status, 404, "another agency's dead letter is not there");
    assert.equal((await api("/v1/agency/webhooks/undelivered/evt_nope/replay", { token: SK, origin: null, method: "POST" })).status, 404);
    up = true;
    const before = got.length;
    const r = await api(`/v1/agency/webhooks/undelivered/${id}/replay`, { token: SK, origin: null, method: "POST" });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json, { eventId: id, queued: true });
    for (let i = 0; i < 40 && got.length === before; i++) await sleep(250);
    const again = got.slice(before);
    assert.equal(again.length, 1, "delivered once more");
    assert.equal(again[0].id, id, "same event id");
    assert.equal(again[0].attempt, "1", "fresh attempts");
    assert.equal(JSON.parse(again[0].body).id, id);
    const left = (await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null })).json.events;
    assert.ok(!left.some((e) => e.eventId === id), "off the dead-letter list");
    assert.equal((await api(`/v1/agency/webhooks/undelivered/${id}/replay`, { token: SK, origin: null, method: "POST" })).status, 404, "replayed once");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("relay: a dead endpoint under a burst of creations — the edge answers, the events become dead letters with what the endpoint did, and a replay delivers each once", { timeout: 180_000 }, async () => {
  // Nothing listens on the demo agency's port here (each test above closed its own).
  const N = 24;
  const created = await Promise.all(Array.from({ length: N }, () => tenant()));
  assert.equal(new Set(created.map((t) => t.tenantId)).size, N, "every creation answered 201");
  const ids = new Set(created.map((t) => `tenant.created.${t.tenantId}`));
  let dead = [];
  for (let i = 0; i < 90 && dead.length < N; i++) {
    const r = await api("/v1/agency/webhooks/undelivered", { token: SK, origin: null });
    dead = r.json.events.filter((e) => ids.has(e.eventId));
    if (dead.length < N) await sleep(1000);
  }
  assert.equal(dead.length, N, `${dead.length}/${N} dead-lettered`);
  // Held by the breaker or tried, each says what the endpoint did: nothing answered.
  assert.deepEqual([...new Set(dead.map((d) => d.lastError))], ["unreachable"]);
  // The status route still answers at once while the relay keeps failing.
  assert.equal((await api(`/v1/tenants/${created[0].tenantId}/status`, { token: created[0].token })).status, 200);

  const got = new Map();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const id = req.headers["onboarding-event-id"];
      if (ids.has(id)) got.set(id, (got.get(id) ?? 0) + 1);
      res.writeHead(200); res.end();
    });
  });
  await new Promise((r) => server.listen(8799, "127.0.0.1", r));
  try {
    for (const id of ids) {
      const r = await api(`/v1/agency/webhooks/undelivered/${id}/replay`, { token: SK, origin: null, method: "POST" });
      assert.equal(r.status, 202, r.text);
    }
    for (let i = 0; i < 120 && got.size < N; i++) await sleep(250);
    assert.equal(got.size, N, `${got.size}/${N} delivered after the replay`);
    await sleep(1500);
    assert.deepEqual([...new Set(got.values())], [1], "each exactly once");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

// A creation's relay and list row are done after its 201, with the alarm as backstop:
// once done the object owes nothing and its alarm is back on retention (no wake-up 60 s
// later per creation). The next test plays a crash between the two.
test("relay: tenant.created is queued and the list row written after the 201; then nothing is owed to the alarm", { timeout: 60_000 }, async () => {
  const t = await tenant();
  const diag = async () => (await api(`/_dev/tenants/${t.tenantId}/served`, { origin: null })).json;
  let d;
  for (let i = 0; i < 100; i++) {
    d = await diag();
    if (d.unqueued === 0 && !d.due.includes("sweep_due") && !d.due.includes("list_due")) break;
    await sleep(50);
  }
  assert.equal(d.unqueued, 0, "tenant.created queued");
  assert.deepEqual(d.due.filter((k) => k === "sweep_due" || k === "list_due"), [], JSON.stringify(d));
  assert.ok(d.due.includes("retain_until"), "retention kept");
  assert.ok(d.alarm > Date.now() + 3_600_000, `the alarm is retention's, not the 60 s backstop (${d.alarm - Date.now()} ms away)`);
  const listed = await api("/v1/agency/tenants?limit=100", { token: SK, origin: null });
  assert.ok(listed.json.tenants.some((r) => r.tenantId === t.tenantId), "on the agency's list");
});

test("relay: a crash between the 201 and the relay (played: +nosettle) loses nothing — the alarm queues tenant.created and lists the tenant within 60 s", { timeout: 120_000 }, async () => {
  const t = await tenant("nosettle");
  const diag = async () => (await api(`/_dev/tenants/${t.tenantId}/served`, { origin: null })).json;
  const listed = async () => (await api("/v1/agency/tenants?limit=100", { token: SK, origin: null })).json.tenants.some((r) => r.tenantId === t.tenantId);
  const owed = await diag();
  assert.equal(owed.unqueued, 1, "tenant.created not queued yet");
  assert.ok(owed.due.includes("sweep_due") && owed.due.includes("list_due"), JSON.stringify(owed));
  assert.ok(owed.alarm <= Date.now() + 61_000, "the backstop alarm is set");
  assert.equal(await listed(), false, "not listed yet");
  let d = owed;
  for (let i = 0; i < 90 && (d.unqueued !== 0 || d.due.includes("list_due")); i++) {
    await sleep(1000);
    d = await diag();
  }
  assert.equal(d.unqueued, 0, "the alarm queued tenant.created");
  assert.deepEqual(d.due.filter((k) => k === "sweep_due" || k === "list_due"), [], JSON.stringify(d));
  assert.ok(await listed(), "the alarm listed the tenant");
  assert.ok(d.alarm > Date.now() + 3_600_000, "and moved on to retention");
});

// Issue 12, Relay (DESIGN.md "Rules under abuse and faults"): a delivery to the
// agency's webhook has a timeout and follows no redirect (a 3xx is a failed attempt);
// an event that cannot be delivered becomes a dead letter, never a silent drop.
// The demo agency's receiver is a local server on 8799 (its webhookUrl in .dev.vars).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { api, tenant, devVars, sign, sleep } from "../lib/edge.mjs";

const vars = devVars();
const SK = vars.DEMO_AGENCY_SECRET_KEY;
const SECRET = vars.SKOR_WEBHOOK_SECRET;

const deliver = (tenantId, id) => {
  const body = JSON.stringify({ id, type: "kyc.completed", createdAt: new Date().toISOString(), tenantId, data: { status: "verified" } });
  return api("/webhooks/skor", { body, origin: null, headers: { "Content-Type": "application/json", "Skor-Signature": sign(SECRET, body) } });
};

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

// Helpers for the suites that drive skor-sandbox directly: its URL and keys, a webhook
// receiver the test controls, signature checks, and small API wrappers.
import http from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { BASE, devVars } from "./env.mjs";

export const SANDBOX_URL = (process.env.SANDBOX_URL ?? `${BASE}/sandbox`).replace(/\/$/, "");
export const RECEIVER_PORT = Number(process.env.SANDBOX_RECEIVER_PORT ?? 8799);
export const RECEIVER_URL = `http://127.0.0.1:${RECEIVER_PORT}/skor-webhooks`;

const vars = devVars();
export const SKOR_API_KEY = vars.SKOR_API_KEY;
export const IDENTITY_API_KEY = vars.IDENTITY_API_KEY;
export const WEBHOOK_SECRET = vars.SKOR_WEBHOOK_SECRET;

/** fetch against the sandbox with the screening key (unless headers override it). */
export function skor(path, init = {}) {
  const headers = { "x-api-key": SKOR_API_KEY, ...(init.headers ?? {}) };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete headers[k];
  return fetch(`${SANDBOX_URL}${path}`, { ...init, headers });
}

/** fetch against the identity API with the bearer key. */
export function identity(path, init = {}) {
  const headers = {
    authorization: `Bearer ${IDENTITY_API_KEY}`,
    "content-type": "application/json",
    ...(init.headers ?? {}),
  };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete headers[k];
  return fetch(`${SANDBOX_URL}${path}`, { ...init, headers });
}

export const json = (body) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** A tenant body; `tag` goes into the email (`lucia+tag@example.com`). */
export function tenantBody(tag = "", overrides = {}) {
  const email = tag ? `lucia+${tag}@example.com` : "lucia@example.com";
  return {
    firstName: "Lucía", lastName: "García", secondLastName: "López", email,
    phone: "+34612345678", dateOfBirth: "1990-05-17",
    identificationNumber: "12345678Z", identificationType: "DNI",
    postcode: "28013", country: "ES", address: "Calle Mayor 1, Madrid",
    ...overrides,
  };
}

export async function createTenant(tag = "", overrides = {}) {
  const res = await skor("/v1/tenants", json(tenantBody(tag, overrides)));
  if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A small valid-looking PDF. */
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

export function upload(tenantId, { kind = "payslip", bytes = PDF, type = "application/pdf", name = "nomina.pdf", headers } = {}) {
  const form = new FormData();
  if (kind !== null) form.set("kind", kind);
  if (bytes !== null) form.set("file", new Blob([bytes], { type }), name);
  return skor(`/v1/tenants/${tenantId}/documents`, { method: "POST", body: form, headers });
}

/** Starts a hosted session (`clave`, `kyc`, `bank-connections`) → {id, url}. */
export async function startHosted(tenantId, which, body) {
  const init = body ? json(body) : { method: "POST" };
  const res = await skor(`/v1/tenants/${tenantId}/${which}`, init);
  if (res.status !== 201) throw new Error(`start ${which}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Submits the hosted page's form the way a browser without JavaScript does. */
export function submitHosted(url, decision) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ decision }).toString(),
  });
}

export function setWebhook(url, events = []) {
  return skor("/v1/webhooks", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ url, events }) });
}

/** Verifies `t=<unix>,v1=<hex>` over "t.body"; returns t or throws. */
export function verifySignature(header, body, secret = WEBHOOK_SECRET, toleranceSecs = 300) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!m) throw new Error(`malformed signature header: ${header}`);
  const t = Number(m[1]);
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(m[2], "hex");
  if (!timingSafeEqual(expected, given)) throw new Error("signature mismatch");
  if (Math.abs(Date.now() / 1000 - t) > toleranceSecs) throw new Error("signature timestamp out of tolerance");
  return t;
}

/**
 * A webhook receiver on 127.0.0.1:RECEIVER_PORT. Every delivery is recorded
 * ({status, headers, body, event}); `failFirst(tenantId, n)` answers 500 to that
 * tenant's next n deliveries.
 */
export async function startReceiver() {
  const deliveries = [];
  const failures = new Map();
  const waiters = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event = null;
      try { event = JSON.parse(body); } catch { /* recorded as is */ }
      const left = event ? failures.get(event.tenantId) ?? 0 : 0;
      const status = left > 0 ? 500 : 204;
      if (left > 0) failures.set(event.tenantId, left - 1);
      deliveries.push({ path: req.url, status, headers: req.headers, body, event, at: Date.now() });
      res.writeHead(status).end();
      for (const w of waiters) w();
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(RECEIVER_PORT, "127.0.0.1", resolve);
  });
  return {
    deliveries,
    failFirst(tenantId, n = 1) { failures.set(tenantId, n); },
    /** Successful (2xx-answered) deliveries for a tenant, in arrival order. */
    accepted(tenantId) {
      return deliveries.filter((d) => d.status < 300 && d.event?.tenantId === tenantId);
    },
    /** Resolves once `predicate()` holds, or rejects after `ms`. */
    async until(predicate, ms = 15000, what = "condition") {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => {
          const w = () => { waiters.delete(w); clearTimeout(timer); resolve(); };
          const timer = setTimeout(w, Math.min(left, 250));
          waiters.add(w);
        });
      }
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually(fn, ms = 10000, what = "condition") {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Helpers for the edge HTTP suites: a fetch wrapper that records every response (so
// the secret scan can check them), sessions, tenants, token minting in core's format
// and Skor-style webhook signing.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { BASE, ORIGIN, ROOT, devVars, devAgencies, demoAgency } from "./env.mjs";

export { BASE, ORIGIN, devVars, devAgencies, demoAgency };
export const SANDBOX_URL = process.env.SANDBOX_URL ?? `${BASE}/sandbox`;
export const EVIL_ORIGIN = "https://evil.example";
export const CAPTURE_DIR = path.join(ROOT, "target", "edge-captures");

const captured = [];
/** Every response seen by this process: `{url, status, headers, body}`. */
export function responses() {
  return captured;
}

function record(url, res, body) {
  const entry = { url, status: res.status, headers: [...res.headers.entries()], body };
  captured.push(entry);
  try {
    mkdirSync(CAPTURE_DIR, { recursive: true });
    appendFileSync(path.join(CAPTURE_DIR, `${process.pid}.jsonl`), JSON.stringify(entry) + "\n");
  } catch {
    // Capturing is best effort; the scan also exercises the routes itself.
  }
}

/**
 * Calls the edge. Returns `{status, headers, text, json}`.
 * `opts`: method, token, origin (default ORIGIN; null for none), headers, json, body.
 */
export async function api(p, opts = {}) {
  const headers = new Headers(opts.headers ?? {});
  const origin = opts.origin === undefined ? ORIGIN : opts.origin;
  if (origin) headers.set("Origin", origin);
  if (opts.token) headers.set("Authorization", `Bearer ${opts.token}`);
  let body = opts.body;
  if (opts.json !== undefined) {
    body = typeof opts.json === "string" ? opts.json : JSON.stringify(opts.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const url = p.startsWith("http") ? p : `${BASE}${p}`;
  const res = await fetch(url, { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body, duplex: "half" });
  const text = await res.text();
  record(url, res, text);
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A fresh session token for the demo agency. */
export async function session(origin = ORIGIN) {
  // Local workerd passes the client's CF-Connecting-IP through (Cloudflare sets it in
  // production), so each test session comes from its own address and the per-IP
  // session limit is exercised by its own test only.
  const r = await api("/v1/sessions", { json: { publishableKey: "pk_test_demo" }, origin, headers: { "CF-Connecting-IP": fakeIp() } });
  if (r.status !== 201) throw new Error(`session: ${r.status} ${r.text}`);
  return r.json.sessionToken;
}

/**
 * A client token from the agency's server (`POST /v1/agency/sessions`, the demo agency's
 * secret key unless another is given) for `grant`; returns the reply's JSON.
 */
export async function clientToken(grant = {}, secretKey = devAgencies().ag_demo.secretKey) {
  const r = await api("/v1/agency/sessions", { token: secretKey, origin: null, json: grant });
  if (r.status !== 201) throw new Error(`client token: ${r.status} ${r.text}`);
  return r.json;
}

/** A session opened with a fresh client token for `grant`: `{sessionToken, granted, clientToken}`. */
export async function grantedSession(grant = {}, origin = ORIGIN) {
  const { clientToken: ct } = await clientToken(grant);
  const r = await api("/v1/sessions", { json: { clientToken: ct }, origin, headers: { "CF-Connecting-IP": fakeIp() } });
  if (r.status !== 201) throw new Error(`granted session: ${r.status} ${r.text}`);
  return { ...r.json, clientToken: ct };
}

export { tenantBody } from "./bodies.mjs";
import { tenantBody } from "./bodies.mjs";

/** Creates a tenant; returns `{tenantId, token, status}`. */
export async function tenant(tag = "") {
  const s = await session();
  const r = await api("/v1/tenants", { token: s, json: tenantBody(tag) });
  if (r.status !== 201) throw new Error(`tenant: ${r.status} ${r.text}`);
  return { tenantId: r.json.tenantId, token: r.json.sessionToken, status: r.json.status, sessionToken: s };
}

/** A random address from the documentation range 198.18.0.0/15. */
export function fakeIp() {
  return `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
}

function b64url(buf) {
  return Buffer.from(buf).toString("base64url");
}

function str(s) {
  const b = Buffer.from(s, "utf8");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

/** A token in core's `v2.<kid>.<payload>.<mac>` format, signed with `key` (default: ours). */
export function mintToken({ publishableKey = "pk_test_demo", origin = ORIGIN, sessionId = randomBytes(16).toString("hex"), tenantId = null, expiresAt, since = Math.floor(Date.now() / 1000), generation = 0 }, key = devVars().SESSION_TOKEN_KEY) {
  const exp = Buffer.alloc(8);
  exp.writeBigInt64BE(BigInt(expiresAt));
  // A tenant token also carries its first token's time and its generation.
  const grant = Buffer.alloc(12);
  grant.writeBigInt64BE(BigInt(since));
  grant.writeUInt32BE(generation, 8);
  const tenantPart = tenantId === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), str(tenantId), grant]);
  const payload = Buffer.concat([str(publishableKey), str(origin), str(sessionId), tenantPart, exp]);
  const kid = b64url(createHash("sha256").update(key).digest().subarray(0, 6));
  const signed = `v2.${kid}.${b64url(payload)}`;
  const mac = createHmac("sha256", key).update(signed).digest();
  return `${signed}.${b64url(mac)}`;
}

/** `t=…,v1=…` over `t.body`. */
export function sign(secret, body, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

export function sha256hex(buf) {
  return createHash("sha256").update(buf).digest("hex");
}

/** A minimal valid PDF of about `size` bytes. */
export function pdf(size = 2048) {
  const head = Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "latin1");
  const tail = Buffer.from("\ntrailer<<>>\n%%EOF\n", "latin1");
  const fill = Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20);
  return Buffer.concat([head, fill, tail]);
}

export const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Reads a text/event-stream body, pushing each `{id, status}` frame into `frames`
 * until the stream ends or is aborted. Returns the promise of that loop.
 */
export function pumpSse(body, frames) {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  return (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const raw = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (\d+)$/m.exec(raw)?.[1];
          const data = /^data: (.*)$/m.exec(raw)?.[1];
          if (id && data) frames.push({ id: Number(id), status: JSON.parse(data) });
        }
      }
    } catch { /* aborted */ }
  })();
}

// The widget's files as an agency page on another origin gets them: public CORS
// (no credentials), Cross-Origin-Resource-Policy, right types, a short cache on the
// stable entry and the manifest, a year (immutable) on versioned files, and a manifest
// whose integrity is that of the entry it names, which names only its own version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { BASE } from "../lib/env.mjs";

const AGENCY = "http://127.0.0.1:9000"; // any other origin
const get = async (p) => {
  const res = await fetch(`${BASE}${p}`, { headers: { Origin: AGENCY } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
};
const sri = (buf) => `sha384-${createHash("sha384").update(buf).digest("base64")}`;

function crossOrigin(res, p) {
  assert.equal(res.status, 200, p);
  assert.equal(res.headers.get("access-control-allow-origin"), "*", p);
  assert.equal(res.headers.get("access-control-allow-credentials"), null, p);
  assert.equal(res.headers.get("cross-origin-resource-policy"), "cross-origin", p);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", p);
}

test("manifest: version, entry, and the entry's real sha384", async () => {
  const { res, body } = await get("/widget/manifest.json");
  crossOrigin(res, "manifest");
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.match(res.headers.get("cache-control"), /max-age=300\b/);
  const m = JSON.parse(body);
  assert.match(m.version, /^\d+\.\d+\.\d+-[0-9a-f]{10}$/);
  assert.equal(m.entry, `/widget/${m.version}/onboarding.js`);
  const entry = await get(m.entry);
  assert.equal(sri(entry.body), m.integrity);
  for (const [p, integrity] of Object.entries(m.files)) {
    assert.ok(p.startsWith(`/widget/${m.version}/`), p);
    assert.equal(sri((await get(p)).body), integrity, p);
  }
});

test("versioned files: cross-origin, right types, immutable; the entry loads only its own version", async () => {
  const m = JSON.parse((await get("/widget/manifest.json")).body);
  const types = { "onboarding.js": /^text\/javascript/, "widget_bg.wasm": /^application\/wasm$/, "onboarding.css": /^text\/css/, "onboarding.d.ts": /^text\/plain/ };
  for (const [file, type] of Object.entries(types)) {
    const p = `/widget/${m.version}/${file}`;
    const { res } = await get(p);
    crossOrigin(res, p);
    assert.match(res.headers.get("content-type"), type, p);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable", p);
  }
  const entry = (await get(m.entry)).body.toString();
  // One module: no import of another file; the two files it fetches are its
  // neighbours, each with the manifest's integrity.
  assert.doesNotMatch(entry, /\bimport\s*[("'{*]|\bfrom\s*["']/);
  // (Other "./…" strings in it are wasm import-module names, not URLs.)
  // (The glue's unused default `new URL("widget_bg.wasm", …)` is the same neighbour.)
  const urls = new Set([...entry.matchAll(/\bURL\("([^"]+)"/g)].map((x) => x[1].replace(/^\.\//, "")));
  assert.deepEqual([...urls].sort(), ["onboarding.css", "widget_bg.wasm"]);
  for (const integrity of Object.values(m.files)) assert.ok(entry.includes(integrity), integrity);
});

test("stable entry: short cache, re-exports the manifest's version", async () => {
  const m = JSON.parse((await get("/widget/manifest.json")).body);
  const { res, body } = await get("/widget/onboarding.js");
  crossOrigin(res, "stable entry");
  assert.match(res.headers.get("content-type"), /^text\/javascript/);
  assert.equal(res.headers.get("cache-control"), "public, max-age=300");
  assert.match(body.toString(), new RegExp(`from "\\./${m.version.replace(/\./g, "\\.")}/onboarding\\.js"`));
  const types = await get("/widget/onboarding.d.ts");
  crossOrigin(types.res, "types");
  assert.match(types.body.toString(), /export function mount/);
});

test("a version that does not exist is not found", async () => {
  const { res } = await get("/widget/0.0.0-0000000000/onboarding.js");
  assert.equal(res.status, 404);
});

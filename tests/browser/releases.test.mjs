// Releases that stay (DESIGN.md Widget → "Delivery", issue 24): a second version is
// built and published the way a release is; the first stays in the build output and
// in the release store, byte for byte, and a page pinning either entry with its
// integrity runs its journey. The store refuses a version already published with
// other bytes. At the end the first version is the latest again (the suites after
// this one see the widget they expect).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BASE, ROOT } from "../lib/env.mjs";
import { launch } from "../lib/browser.mjs";
import { AGENCY_SITE } from "./journey.mjs";

const STATE = process.env.EDGE_STATE_DIR;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A request right after a long CLI-only pause may meet a keep-alive connection the
// server has just closed ("fetch failed"): tried once more.
const get = (url) => fetch(url).catch(() => fetch(url));
const sri = (buf) => `sha384-${createHash("sha384").update(buf).digest("base64")}`;
const bytes = async (p) => Buffer.from(await (await get(`${BASE}${p}`)).arrayBuffer());
const run = (script, args, env = {}) => spawnSync("node", [path.join(ROOT, script), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
const publish = (...extra) => run("scripts/publish-widget.mjs", ["--persist-to", STATE, ...extra]);

/** A page of the agency site pinning `version`: its journey's first heading. */
async function pinnedJourney(version) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const failures = [];
  page.on("requestfailed", (r) => failures.push(r.url()));
  try {
    await page.goto(`${AGENCY_SITE}/?version=${version}`);
    const h2 = page.locator("tenant-onboarding h2").first();
    await h2.waitFor({ timeout: 30_000 });
    const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/widget/")));
    return { heading: await h2.textContent(), loaded, failures };
  } finally {
    await context.close();
  }
}

test("releases: a second version is published; the first is still served unchanged and both pinned entries run", { timeout: 300_000, skip: STATE ? false : "needs EDGE_STATE_DIR (the running edge's local release store), set by scripts/test.sh" }, async () => {
  const first = await (await get(`${BASE}/widget/manifest.json`)).json();
  const firstFiles = {};
  for (const f of ["onboarding.js", "widget_bg.wasm", "onboarding.css", "onboarding.d.ts"]) firstFiles[f] = sri(await bytes(`/widget/${first.version}/${f}`));
  assert.equal(firstFiles["onboarding.js"], first.integrity);

  // A second build: one more byte (a space in the stylesheet), so another version. It
  // deletes nothing.
  const built = run("scripts/package-widget.mjs", [path.join(ROOT, "target", "widget-bindgen")], { WIDGET_EXTRA_CSS: " " });
  assert.equal(built.status, 0, built.stderr);
  const second = readFileSync(path.join(ROOT, "target", "widget", "latest"), "utf8").trim();
  assert.notEqual(second, first.version);
  assert.ok(existsSync(path.join(ROOT, "target", "widget", first.version, "onboarding.js")), "the build kept the first version");
  try {
    const p = publish();
    assert.equal(p.status, 0, p.stderr);

    const manifest = await (await get(`${BASE}/widget/manifest.json`)).json();
    assert.equal(manifest.version, second, "the second is the latest");
    assert.equal(manifest.versions[0].version, second, "listed first: the newest");
    const listed = manifest.versions.find((v) => v.version === first.version);
    assert.ok(listed, "the first is still listed");
    assert.equal(listed.integrity, first.integrity);
    // The first version: every file still there, byte for byte.
    for (const [f, integrity] of Object.entries(firstFiles)) assert.equal(sri(await bytes(`/widget/${first.version}/${f}`)), integrity, f);

    // Each pinned entry, with its integrity, runs (and loads only its own version).
    // (The agency site keeps the manifest it read for 2 s.)
    await new Promise((r) => setTimeout(r, 2500));
    for (const v of [first.version, second]) {
      const r = await pinnedJourney(v);
      assert.match(r.heading, /\S/, `${v}: the journey draws`);
      assert.deepEqual(r.failures, [], `${v}: nothing failed to load`);
      const versions = new Set(r.loaded.map((u) => new URL(u).pathname.split("/")[2]));
      assert.deepEqual([...versions], [v], `${v} loads only its own files: ${r.loaded}`);
    }

    // The store is append-only: the same version with other bytes is refused.
    const releaseFile = path.join(ROOT, "target", "widget", first.version, "release.json");
    const original = readFileSync(releaseFile, "utf8");
    writeFileSync(releaseFile, JSON.stringify({ ...JSON.parse(original), integrity: "sha384-tampered" }));
    try {
      const refused = publish("--version", first.version);
      assert.notEqual(refused.status, 0, "a published version is never replaced");
      assert.match(refused.stderr, /never changes/);
    } finally {
      writeFileSync(releaseFile, original);
    }
  } finally {
    // The first version is the latest again (its files were never touched).
    writeFileSync(path.join(ROOT, "target", "widget", "latest"), `${first.version}\n`);
    const back = publish("--version", first.version);
    assert.equal(back.status, 0, back.stderr);
  }
  assert.equal((await (await get(`${BASE}/widget/manifest.json`)).json()).version, first.version);
});

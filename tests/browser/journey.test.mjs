// The whole journey on the demo page (same origin as the edge, stable entry) in
// Playwright's Chromium, a screenshot of each screen to tests/artifacts/. The same
// journey on the second agency site (cross-origin, pinned entry) in all three engines
// is engines.test.mjs; on a phone, delivery.test.mjs.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { BASE, ROOT, demoAgency } from "../lib/env.mjs";
import { CONSENT_VERSION } from "../lib/bodies.mjs";
import { playwright } from "../lib/drivers.mjs";
import { launch } from "../lib/browser.mjs";
import { walk } from "./journey.mjs";

const ARTIFACTS = path.join(ROOT, "tests/artifacts");
let browser;
before(async () => { browser = await launch(); mkdirSync(ARTIFACTS, { recursive: true }); });
after(async () => { await browser?.close(); });

test("an applicant completes the whole journey and sees it complete", { timeout: 240000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  let n = 0;
  let shown;
  const detail = await walk(playwright(page), {
    url: `${BASE}/`,
    at: async (step) => {
      // The consent sentences exactly as the applicant saw them.
      if (step === "consent") {
        shown = await page.evaluate(() => ["termsAccepted", "creditCheckAccepted"].map((k) =>
          document.querySelector("tenant-onboarding").shadowRoot.querySelector(`label[for="f-consent-${k}"]`).textContent));
      }
      n += 1;
      await page.screenshot({ path: path.join(ARTIFACTS, `journey-${String(n).padStart(2, "0")}-${step}.png`), fullPage: true });
    },
  });
  assert.match(detail.tenantId, /.+/);
  // The agency's record of the consent names those very texts (hash recomputed here),
  // the version shown and the applicant's network, not their address.
  const view = await (await fetch(`${BASE}/v1/agency/tenants/${detail.tenantId}`, { headers: { Authorization: `Bearer ${demoAgency().secretKey}` } })).json();
  assert.deepEqual(view.consent.map((r) => r.kind), ["terms", "creditCheck"]);
  assert.deepEqual(view.consent.map((r) => r.textSha256), shown.map((t) => createHash("sha256").update(t, "utf8").digest("hex")));
  for (const r of view.consent) {
    assert.equal(r.version, CONSENT_VERSION);
    assert.equal(r.locale, "es");
    assert.match(r.ipPrefix, /\/(24|48)$/);
    assert.ok(Date.parse(r.acceptedAt) > Date.now() - 10 * 60_000);
  }
  assert.match(await page.locator("tenant-onboarding #dyn-focus").first().textContent(), /comprobaciones han terminado/);
  // Nothing personal is kept in the browser, and the resume state is gone once done.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.doesNotMatch(stored, /Lucía|12345678Z|example\.com|612/);
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), []);
  await context.close();
});

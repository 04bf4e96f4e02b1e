// The whole journey on the demo page (same origin as the edge, stable entry) in
// Playwright's Chromium, a screenshot of each screen to tests/artifacts/. The same
// journey on the second agency site (cross-origin, pinned entry) in all three engines
// is engines.test.mjs; on a phone, delivery.test.mjs.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { BASE, ROOT } from "../lib/env.mjs";
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
  const detail = await walk(playwright(page), {
    url: `${BASE}/`,
    at: async (step) => {
      n += 1;
      await page.screenshot({ path: path.join(ARTIFACTS, `journey-${String(n).padStart(2, "0")}-${step}.png`), fullPage: true });
    },
  });
  assert.match(detail.tenantId, /.+/);
  assert.match(await page.locator("tenant-onboarding #dyn-focus").first().textContent(), /comprobaciones han terminado/);
  // Nothing personal is kept in the browser, and the resume state is gone once done.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.doesNotMatch(stored, /Lucía|12345678Z|example\.com|612/);
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), []);
  await context.close();
});

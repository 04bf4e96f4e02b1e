// axe-core on every screen of the journey (and on the details form with its errors
// shown); fails on any serious or critical violation. The demo page's CSP forbids
// injecting axe, so this context alone bypasses CSP (demo-page.test.mjs checks the
// widget under the real policy).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BASE, ROOT } from "../lib/env.mjs";
import { playwright } from "../lib/drivers.mjs";
import { launch } from "../lib/browser.mjs";
import { AGENCY_SITE, walk, refusedAtMount } from "./journey.mjs";

const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function audit(page, step) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${step}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const [name, viewport] of [["desktop", { width: 1024, height: 900 }], ["320 px", { width: 320, height: 640 }]]) {
  test(`no serious or critical axe violations on any step (${name})`, { timeout: 240000 }, async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport });
    const page = await context.newPage();
    const found = [];
    await walk(playwright(page), { url: `${BASE}/`, at: async (step) => { found.push(...(await audit(page, step))); } });
    assert.deepEqual(found, []);
    await context.close();
  });
}

test("no serious or critical axe violations on the agency site, nor on the refusal at mount", { timeout: 120000 }, async () => {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 375, height: 667 } });
  const page = await context.newPage();
  const found = [];
  await page.goto(`${AGENCY_SITE}/`);
  await page.locator("tenant-onboarding h2").first().waitFor({ timeout: 15000 });
  found.push(...(await audit(page, "agency-site consent")));
  await refusedAtMount(playwright(page));
  found.push(...(await audit(page, "refused at mount")));
  assert.deepEqual(found, []);
  await context.close();
});

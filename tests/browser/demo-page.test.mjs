import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { BASE } from "../lib/env.mjs";
import { launch } from "../lib/browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the demo page loads under its CSP and mounts the widget", async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  const res = await page.goto(`${BASE}/`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-security-policy"] ?? "", /script-src 'self'/);
  assert.match(await page.title(), /Calle Mayor/);
  const heading = page.locator("tenant-onboarding h2");
  await heading.waitFor({ timeout: 15000 });
  assert.ok((await heading.textContent()).length > 0);
  assert.deepEqual(problems, []);
  await page.close();
});

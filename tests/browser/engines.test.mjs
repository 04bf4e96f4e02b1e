// The applicant's journey on the second agency site (its own origin, a strict CSP
// naming only itself and the edge, the widget pinned with SRI) in the three engines
// applicants arrive with: Blink (Debian's Chromium), Gecko (firefox-esr) and WebKit
// (MiniBrowser, Safari's engine, under Xvfb), each through its own WebDriver. Also, in
// each: a publishable key not allowed on the page's origin is reported at mount,
// before the applicant can type anything.
//
// ENGINES=chromium,webkit limits the run. Each engine's journey time is written to
// target/engine-times.json (for the closing note and docs/benchmarks.md, not asserted:
// these machines are shared and noisy).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/env.mjs";
import { open, stopDisplay } from "../lib/webdriver.mjs";
import { webdriver } from "../lib/drivers.mjs";
import { walk, refusedAtMount } from "./journey.mjs";

const engines = (process.env.ENGINES ?? "chromium,firefox,webkit").split(",").filter(Boolean);
const times = {};
after(() => {
  stopDisplay();
  mkdirSync(path.join(ROOT, "target"), { recursive: true });
  writeFileSync(path.join(ROOT, "target/engine-times.json"), JSON.stringify(times, null, 2) + "\n");
  for (const [engine, t] of Object.entries(times)) console.log(`# ${engine}: journey ${t.journeyMs} ms, refusal at mount ${t.refusalMs} ms`);
});

for (const engine of engines) {
  test(`${engine}: the journey completes on the agency's own site, and a wrong key is refused at mount`, { timeout: 300000 }, async () => {
    const b = await open(engine);
    try {
      const d = webdriver(b);
      const t0 = Date.now();
      const refused = await refusedAtMount(d);
      times[engine] = { refusalMs: Date.now() - t0 };
      assert.match(refused.heading, /no disponible/);
      assert.equal(refused.inputs, 0, "no form field is shown");
      assert.match(refused.outcome, /por teléfono/, "the page heard onboarding:error forbidden_origin");

      const done = await walk(d);
      times[engine].journeyMs = done.ms;
      assert.match(done.tenantId, /^[A-Za-z0-9_-]+$/);
      const steps = done.events.filter((e) => e.name === "onboarding:step").map((e) => e.detail.step);
      assert.deepEqual(steps.slice(0, 5), ["details", "documents", "identity", "bank", "summary"].slice(0, Math.min(5, steps.length)));
      assert.ok(done.progress.length > 0, "upload progress was shown");
      assert.equal(Math.max(...done.progress), 100);
      assert.deepEqual(done.events.filter((e) => e.name === "onboarding:error"), []);
      assert.ok(done.tickets >= 1, "the live status was opened as a WebSocket (with a ticket)");
      assert.equal(done.sse, 0, "and not as SSE");
    } catch (e) {
      mkdirSync(path.join(ROOT, "tests/artifacts"), { recursive: true });
      await b.screenshot().then((png) => writeFileSync(path.join(ROOT, `tests/artifacts/engine-${engine}-failure.png`), png)).catch(() => {});
      throw e;
    } finally {
      await b.close();
    }
  });
}

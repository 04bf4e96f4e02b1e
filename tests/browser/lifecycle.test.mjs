// The widget in a single-page app (DESIGN.md Widget → "Lifecycle", issue 24): hosts
// that move, get replaced, are mounted, destroyed and mounted again at once (React
// StrictMode), two loaders on one page, a wasm download that fails once. Each must run
// exactly one journey — one `POST /v1/tenants` when the applicant goes through
// Details — and leave the host showing it. The app is the second agency's page (its own
// origin), driven by the test as an SPA's code would drive it.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { BASE } from "../lib/env.mjs";
import { randomDni } from "../lib/bodies.mjs";
import { countCalls, launch } from "../lib/browser.mjs";
import { AGENCY_SITE, applicant } from "./journey.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * The second agency's page (loopback, like the agency's own origin), its own element
 * removed once it has booted (or failed to), three empty hosts `#a #b #c` added, the
 * widget module at `window.__mod`; counting the sessions and tenants asked for from
 * then on. `bypassCSP`: the test evaluates its app code in the page.
 */
async function spa({ wasmFailsOnce = false } = {}) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__events = [];
    for (const n of ["onboarding:ready", "onboarding:error"]) {
      document.addEventListener(n, (e) => window.__events.push({ name: n, detail: { ...e.detail } }));
    }
  });
  let wasmRequests = 0;
  if (wasmFailsOnce) {
    await page.route("**/widget_bg.wasm", (r) => (++wasmRequests === 1 ? r.abort("connectionreset") : r.continue()));
  }
  const warnings = [];
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  await page.goto(`${AGENCY_SITE}/?entry=stable`);
  await page.waitForFunction((failing) => failing
    ? window.__events.some((e) => e.detail.code === "boot_failed")
    : document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector("h2"), wasmFailsOnce, { timeout: 30_000 });
  await page.evaluate(async (base) => {
    for (const el of document.querySelectorAll("tenant-onboarding")) el.remove();
    for (const id of ["a", "b", "c"]) {
      const d = document.createElement("div");
      d.id = id;
      document.body.append(d);
    }
    window.__events.length = 0;
    window.__mod = await import(`${base}/widget/onboarding.js`);
  }, BASE);
  const calls = countCalls(page);
  return { context, page, calls, warnings, wasm: () => wasmRequests };
}

/** Consent, then Details with valid values, in the journey shown in `host`. */
async function throughDetails(page, host) {
  const q = (sel) => page.locator(`${host} ${sel}`).first();
  await page.locator(`${host} h2`).first().waitFor({ timeout: 30_000 });
  await q('[name="consent.termsAccepted"]').check();
  await q('[name="consent.creditCheckAccepted"]').check();
  await q("#submit").click();
  await page.locator(`${host} h2`, { hasText: /Tus datos/ }).waitFor({ timeout: 20_000 });
  const values = applicant(`spa+${Date.now()}@example.com`, randomDni());
  for (const [name, value] of Object.entries(values)) await q(`[name="${name}"]`).fill(value);
  await q("#submit").click();
  await page.locator(`${host} h2`, { hasText: /Documentos/ }).waitFor({ timeout: 30_000 });
}

const element = (parent) => `(() => {
  const el = document.createElement("tenant-onboarding");
  el.setAttribute("publishable-key", "pk_test_portal");
  el.setAttribute("locale", "es");
  document.getElementById("${parent}").append(el);
})()`;

test("SPA: an element the app moves keeps its one journey", { timeout: 120_000 }, async () => {
  const { context, page, calls } = await spa();
  try {
    await page.evaluate(element("a"));
    await page.locator("#a tenant-onboarding h2").waitFor({ timeout: 30_000 });
    // Moved as a framework moves a keyed node: removed and inserted in one task.
    await page.evaluate(() => document.getElementById("b").append(document.querySelector("tenant-onboarding")));
    await throughDetails(page, "#b tenant-onboarding");
    assert.equal(calls.sessions, 1, "one session: the journey was not restarted");
    assert.equal(calls.tenants, 1, "one POST /v1/tenants");
    assert.equal(await page.evaluate(() => window.__events.filter((e) => e.name === "onboarding:ready").length), 1);
  } finally {
    await context.close();
  }
});

test("SPA: a replaced element ends its journey; the new one runs alone", { timeout: 120_000 }, async () => {
  const { context, page, calls } = await spa();
  try {
    await page.evaluate(element("a"));
    await page.locator("#a tenant-onboarding h2").waitFor({ timeout: 30_000 });
    const old = await page.evaluateHandle(() => document.querySelector("#a tenant-onboarding"));
    await page.evaluate(() => document.getElementById("a").replaceChildren());
    await page.evaluate(element("b"));
    await throughDetails(page, "#b tenant-onboarding");
    assert.equal(calls.tenants, 1, "one POST /v1/tenants");
    assert.equal(await old.evaluate((el) => el.shadowRoot.innerHTML), "", "the removed element's journey is gone");
  } finally {
    await context.close();
  }
});

test("SPA: mount → destroy → mount at once (React StrictMode) runs one journey and leaves the host drawn", { timeout: 120_000 }, async () => {
  const { context, page, calls } = await spa();
  try {
    await page.evaluate(() => {
      const host = document.getElementById("c");
      const options = { publishableKey: "pk_test_portal", locale: "es" };
      // The effect, its cleanup, the effect again — as StrictMode runs them.
      const first = window.__mod.mount(host, options);
      first.then((h) => h?.destroy());
      window.__second = window.__mod.mount(host, options);
    });
    await throughDetails(page, "#c");
    assert.equal(calls.tenants, 1, "one POST /v1/tenants");
    assert.ok(calls.sessions <= 2, `sessions: ${calls.sessions}`);
    // The first handle's late destroy() did not touch the second journey.
    assert.match(await page.locator("#c h2").first().textContent(), /Documentos/);
    assert.equal(await page.evaluate(async () => (await window.__second).step), "documents");
    // destroy() is final and idempotent.
    await page.evaluate(async () => { const h = await window.__second; h.destroy(); h.destroy(); });
    assert.equal(await page.evaluate(() => document.getElementById("c").shadowRoot.innerHTML), "");
  } finally {
    await context.close();
  }
});

test("SPA: a wasm download that fails once is tried again by the next mount", { timeout: 120_000 }, async () => {
  const { context, page, calls, wasm } = await spa({ wasmFailsOnce: true });
  try {
    // The page's own element failed to boot (spa() waited for its boot_failed and
    // removed it); the app mounts again: a new element.
    await page.evaluate(element("a"));
    await throughDetails(page, "#a tenant-onboarding");
    assert.equal(wasm(), 2, "downloaded again");
    assert.equal(calls.tenants, 1, "one POST /v1/tenants");
  } finally {
    await context.close();
  }
});

test("SPA: a changed key or product starts a fresh journey; two loaders define the element once and say so", { timeout: 120_000 }, async () => {
  const { context, page, warnings } = await spa();
  try {
    await page.evaluate(element("a"));
    await page.locator("#a tenant-onboarding h2").waitFor({ timeout: 30_000 });
    const sessionsBefore = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/v1/sessions")).length);
    await page.evaluate(() => document.querySelector("tenant-onboarding").setAttribute("product-id", "listing-42"));
    await page.waitForFunction((n) => performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/v1/sessions")).length > n, sessionsBefore, { timeout: 20_000 });

    // A second copy of the widget under another version (as a page that loads the
    // stable entry and an older pinned one would).
    const manifest = await (await fetch(`${BASE}/widget/manifest.json`)).json();
    const pinned = await (await fetch(`${BASE}${manifest.entry}`)).text();
    const other = "0.0.1-0000000000";
    assert.ok(pinned.includes(manifest.version));
    const otherUrl = `${BASE}/widget/${other}/onboarding.js`;
    await page.route(otherUrl, (r) => r.fulfill({
      contentType: "text/javascript", headers: { "access-control-allow-origin": "*" }, body: pinned.replaceAll(manifest.version, other),
    }));
    await page.evaluate(async (url) => { await import(url); }, otherUrl);
    assert.equal(await page.evaluate(() => customElements.get("tenant-onboarding").version), manifest.version, "the first definition stays");
    const said = warnings.filter((w) => w.includes("<tenant-onboarding>"));
    assert.equal(said.length, 1, warnings.join("\n"));
    assert.ok(said[0].includes(manifest.version) && said[0].includes(other), said[0]);
  } finally {
    await context.close();
  }
});

// Catalan and the agency's own options (DESIGN.md Widget → "Integration", issue 25), on
// the second agency's site (its own origin, the pinned entry) in Chromium:
// * the whole journey with `locale="ca"`: every screen in Catalan (headings, the
//   `lang` of the widget, core's field messages), the language's catalog fetched once
//   with its integrity, the consent receipts naming Catalan texts;
// * `mount()` with an agency's phrase, a prefilled email core refuses, the agency's
//   reference and the callbacks: the phrase shown as text, core's Catalan message under
//   the prefilled field, numeric step indexes, the reference in the agency's view.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { BASE, devAgencies } from "../lib/env.mjs";
import { clientToken } from "../lib/edge.mjs";
import { randomDni } from "../lib/bodies.mjs";
import { playwright } from "../lib/drivers.mjs";
import { launch } from "../lib/browser.mjs";
import { AGENCY_SITE, applicant, walk } from "./journey.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const portal = () => devAgencies().ag_portal;
const agencyView = async (tenantId) =>
  (await fetch(`${BASE}/v1/agency/tenants/${tenantId}`, { headers: { Authorization: `Bearer ${portal().secretKey}` } })).json();

test("a journey in Catalan: every screen, core's messages, the receipts", { timeout: 240_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  const catalogs = [];
  page.on("request", (r) => { if (/\/i18n\.\w+\.json$/.test(r.url())) catalogs.push(new URL(r.url()).pathname.split("/").pop()); });
  const seen = [];
  let consentTexts;
  const detail = await walk(playwright(page), {
    url: `${AGENCY_SITE}/?locale=ca`,
    locale: "ca",
    at: async (step) => {
      const shown = await page.evaluate(() => {
        const r = document.querySelector("tenant-onboarding").shadowRoot;
        return { lang: r.querySelector(".onb")?.getAttribute("lang"), h2: r.querySelector("h2")?.textContent, text: r.textContent };
      });
      seen.push([step, shown.h2]);
      assert.equal(shown.lang, "ca", step);
      // No Spanish left on the screen: words that only the Spanish catalog has.
      assert.doesNotMatch(shown.text, /\b(Continuar|Atrás|Salir|Solicitud de alquiler|Tus datos|obligatorio)\b/, `${step}: ${shown.text.slice(0, 300)}`);
      if (step === "consent") {
        assert.match(shown.text, /Sol·licitud de lloguer/);
        consentTexts = await page.evaluate(() => ["termsAccepted", "creditCheckAccepted"].map((k) =>
          document.querySelector("tenant-onboarding").shadowRoot.querySelector(`label[for="f-consent-${k}"]`).textContent));
      }
      if (step === "details-errors") {
        // Core's messages, from the Catalan catalog.
        const first = await page.evaluate(() => document.querySelector("tenant-onboarding").shadowRoot.getElementById("f-applicant-name-first-e")?.textContent);
        assert.equal(first, "El nom és obligatori.");
      }
    },
  });
  assert.deepEqual(catalogs, ["i18n.ca.json"], "the Catalan catalog, once; no other");
  assert.ok(seen.some(([s]) => s === "done"), JSON.stringify(seen));
  // The receipts name the Catalan sentences the applicant ticked.
  const view = await agencyView(detail.tenantId);
  assert.deepEqual(view.consent.map((r) => r.locale), ["ca", "ca"]);
  assert.deepEqual(view.consent.map((r) => r.textSha256), consentTexts.map((t) => createHash("sha256").update(t, "utf8").digest("hex")));
  assert.deepEqual(problems, []);
  await context.close();
});

test("mount(): an agency's phrase, a prefilled email core refuses, the reference and the callbacks", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  const tenants = [];
  page.on("request", (r) => { if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/tenants") tenants.push(r.postDataJSON()); });
  await page.goto(`${AGENCY_SITE}/`);
  await page.waitForFunction(() => document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector("h2"), null, { timeout: 30_000 });
  const reference = `CRM-${Date.now()}`;
  // The agency's server made a client token with its reference (issue 32).
  const { clientToken: token } = await clientToken({ externalReference: reference }, portal().secretKey);
  // The site's own entry (pinned, with its integrity): the same module instance.
  await page.evaluate(async ({ token, reference }) => {
    document.querySelector("tenant-onboarding").remove();
    const host = document.createElement("div");
    host.id = "host";
    document.body.append(host);
    const entry = document.querySelector('script[type="module"][src*="/widget/"]').src;
    const { mount } = await import(entry);
    window.__calls = [];
    const log = (name) => (detail) => window.__calls.push({ name, detail });
    window.__handle = await mount(host, {
      clientToken: token,
      locale: "ca",
      // From the page: ignored with a warning (only the agency's server sets it).
      externalReference: `${reference}-from-the-page`,
      prefill: { firstName: "Núria", email: "nuria@example" },
      messages: { ca: { StepConsent: "Abans de començar amb <b>Portal Pisos</b>", Nope: "x" } },
      onReady: log("ready"), onStep: log("step"), onComplete: log("complete"), onError: log("error"),
    });
  }, { token, reference });
  const root = (fn, arg) => page.evaluate(fn, arg);
  const h2 = () => root(() => document.getElementById("host").shadowRoot.querySelector("h2")?.textContent);
  // The phrase, as text: the markup in it is shown, not made.
  assert.equal(await h2(), "Abans de començar amb <b>Portal Pisos</b>");
  assert.equal(await root(() => document.getElementById("host").shadowRoot.querySelector("h2 b")), null);
  assert.ok(warnings.some((w) => /messages\.ca\.Nope/.test(w)), warnings.join("\n"));
  assert.ok(warnings.some((w) => /externalReference is ignored/.test(w)), warnings.join("\n"));
  await root(() => {
    const r = document.getElementById("host").shadowRoot;
    for (const k of ["termsAccepted", "creditCheckAccepted"]) r.querySelector(`[name="consent.${k}"]`).click();
    r.getElementById("submit").click();
  });
  await page.waitForFunction(() => /Les teves dades/.test(document.getElementById("host").shadowRoot.querySelector("h2")?.textContent ?? ""));
  // Prefilled, editable, and checked by core as typed input is.
  const field = await root(() => {
    const r = document.getElementById("host").shadowRoot;
    return { first: r.querySelector('[name="applicant.name.first"]').value, email: r.querySelector('[name="applicant.email"]').value, error: r.getElementById("f-applicant-email-e")?.textContent };
  });
  assert.deepEqual(field, { first: "Núria", email: "nuria@example", error: "El correu electrònic no és vàlid; ha de ser com nom@exemple.com." });
  // The applicant corrects it and goes on.
  const values = { ...applicant(`nuria+${Date.now()}@example.com`, randomDni()) };
  for (const [name, value] of Object.entries(values)) {
    await page.locator(`#host [name="${name}"]`).fill(value);
  }
  await page.locator("#host #submit").click();
  await page.waitForFunction(() => /^Documents$/.test(document.getElementById("host").shadowRoot.querySelector("h2")?.textContent ?? ""), null, { timeout: 30_000 });
  assert.equal(tenants.length, 1);
  assert.equal(tenants[0].externalReference, undefined, "the browser sends no reference");
  const calls = await page.evaluate(() => window.__calls);
  assert.deepEqual(calls.filter((c) => c.name === "ready").map((c) => c.detail), [{ step: "consent", locale: "ca" }]);
  assert.deepEqual(calls.filter((c) => c.name === "step").map((c) => c.detail), [{ step: "details", index: 2 }, { step: "documents", index: 3 }]);
  // The agency's view carries its reference.
  const tenantId = await page.evaluate(() => {
    for (const k of Object.keys(sessionStorage)) if (k.startsWith("tenant-onboarding:")) return JSON.parse(sessionStorage.getItem(k)).tenantId;
    return null;
  });
  assert.ok(tenantId, "the resume state names the tenant");
  assert.equal((await agencyView(tenantId)).externalReference, reference);
  // Destroyed: the callbacks stop with the journey.
  await page.evaluate(() => window.__handle.destroy());
  await page.evaluate(() => document.getElementById("host").dispatchEvent(new CustomEvent("onboarding:step", { detail: { step: "x", index: 9 } })));
  assert.equal((await page.evaluate(() => window.__calls)).filter((c) => c.name === "step").length, 2);
  await context.close();
});

// The applicant's whole journey on the demo page, shared by journey.test.mjs
// (screenshots) and a11y.test.mjs (axe-core on every step). Drives the widget the
// way a person does: labels, buttons, the hosted pages in their popups.
import { BASE } from "../lib/env.mjs";

export const w = (sel) => `tenant-onboarding ${sel}`;

/** The sandbox's right answers to its step-up questions (questionId → choiceId). */
export const RIGHT_ANSWERS = { 1: "2", 2: "3", 3: "1" };

export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

export function applicant(email) {
  return {
    "applicant.name.first": "Lucía",
    "applicant.name.last": "García",
    "applicant.name.secondLast": "López",
    "applicant.dateOfBirth": "1990-05-17",
    "applicant.governmentId[0].value": "12345678Z",
    "applicant.email": email,
    "applicant.phoneNumber": "612 34 56 78",
    "applicant.addresses[0].line1": "Calle Mayor 1",
    "applicant.addresses[0].postalCode": "28013",
    "applicant.addresses[0].city": "Madrid",
    "applicant.employment[0].employer.name": "Acme SL",
    "applicant.employment[0].employeeTitle": "Ingeniera",
    "applicant.employment[0].startDate": "2019-08-24",
    "applicant.income.amount": "2500",
  };
}

/** Texts of the shadow root's elements matching `sel`. */
export async function texts(page, sel) {
  return page.evaluate((sel) => {
    const root = document.querySelector("tenant-onboarding")?.shadowRoot;
    return root ? [...root.querySelectorAll(sel)].map((e) => e.textContent) : [];
  }, sel);
}

export async function heading(page) {
  return (await page.locator(w("h2")).textContent()).trim();
}

async function waitHeading(page, re, timeout = 20000) {
  await page.waitForFunction(
    ([src, flags]) => new RegExp(src, flags).test(document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector("h2")?.textContent ?? ""),
    [re.source, re.flags],
    { timeout },
  );
}

/** Approves the hosted page that clicking `selector` opens in a popup. */
async function approveInPopup(page, selector) {
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.locator(w(selector)).click()]);
  await popup.waitForLoadState();
  await popup.locator("button[value=approve]").click({ timeout: 15000 });
  await popup.waitForLoadState();
  if (!popup.isClosed()) await popup.close();
}

/**
 * Runs the journey. `at(step, page)` is awaited on every screen (consent, details,
 * details-errors, documents, identity-questions, identity-done, bank, summary, done).
 * Resolves to the `onboarding:complete` detail.
 */
export async function walk(page, { email = `lucia+challenge+${Date.now()}@example.com`, at = async () => {} } = {}) {
  await page.goto(`${BASE}/`);
  await page.evaluate(() => {
    window.__complete = new Promise((r) => document.addEventListener("onboarding:complete", (e) => r(e.detail), { once: true }));
  });
  await page.locator(w("h2")).waitFor({ timeout: 15000 });
  await at("consent", page);

  await page.locator(w('[name="consent.termsAccepted"]')).check();
  await page.locator(w('[name="consent.creditCheckAccepted"]')).check();
  await page.locator(w("#submit")).click();
  await waitHeading(page, /Tus datos/);
  await at("details", page);

  // Submitting empty shows core's messages on the fields.
  await page.locator(w("#submit")).click();
  await page.locator(w('[aria-invalid="true"]')).first().waitFor();
  await at("details-errors", page);

  for (const [name, value] of Object.entries(applicant(email))) {
    await page.locator(w(`[name="${name}"]`)).fill(value);
  }
  await page.locator(w("#submit")).click();
  await waitHeading(page, /Documentos/);

  await page.locator(w("input[name=files]")).setInputFiles([
    { name: "nomina-octubre.pdf", mimeType: "application/pdf", buffer: PDF },
    { name: "extracto.png", mimeType: "image/png", buffer: PNG },
  ]);
  await page.locator(w("#upload-all")).waitFor();
  await page.locator(w("#kind-2")).selectOption("bank_statement");
  await page.locator(w("#upload-all")).click();
  await page.waitForFunction(() => {
    const s = [...(document.querySelector("tenant-onboarding")?.shadowRoot?.querySelectorAll(".fstate") ?? [])];
    return s.length === 2 && s.every((e) => /Subido|Aceptado|analizando/.test(e.textContent));
  }, null, { timeout: 20000 });
  await at("documents", page);
  await page.locator(w("#docs-next")).click();
  await waitHeading(page, /identidad/);
  await at("identity", page);

  await approveInPopup(page, "#kyc");
  await page.locator(w("fieldset[data-question]")).first().waitFor({ timeout: 30000 });
  for (const fs of await page.locator(w("fieldset[data-question]")).all()) {
    const q = await fs.getAttribute("data-question");
    await fs.locator(`input[value="${RIGHT_ANSWERS[q]}"]`).check();
  }
  await at("identity-questions", page);
  await page.locator(w("#submit")).click();
  await page.locator(w("#identity-next")).waitFor({ timeout: 15000 });
  await at("identity-done", page);
  await page.locator(w("#identity-next")).click();
  await waitHeading(page, /bancaria/);

  await approveInPopup(page, "#bank");
  await page.locator(w("p.ok")).waitFor({ timeout: 30000 });
  await at("bank", page);
  await page.locator(w("#bank-next")).click();

  await waitHeading(page, /Estado de tu solicitud|completada/);
  if (/Estado/.test(await heading(page))) await at("summary", page);
  await waitHeading(page, /completada/, 90000);
  await at("done", page);
  return page.evaluate(() => window.__complete);
}

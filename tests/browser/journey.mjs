// The applicant's whole journey, written once and run in every engine: consent →
// details (a wrong DNI letter first, core's message, then the right one) → two
// documents with upload progress → KYC approved in the hosted page (popup) → a
// `+challenge` applicant answering the step-up questions → a bank connection → the
// live status reaching complete.
//
// It drives a `Driver` (tests/lib/drivers.mjs): Playwright for Chromium (screenshots,
// axe, a phone viewport) or W3C WebDriver for Chromium, Firefox and WebKit. Inputs
// are found by label-bearing names inside the widget's shadow root and clicked or
// typed into through the driver, as a person would.
import { randomDni } from "../lib/bodies.mjs";

export const AGENCY_SITE = process.env.AGENCY_SITE_URL ?? "http://127.0.0.1:8788";

/** The sandbox's right answers to its step-up questions (questionId → choiceId). */
export const RIGHT_ANSWERS = { 1: "2", 2: "3", 3: "1" };

export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
/** A 2 MiB payslip, so the upload is long enough to report progress. */
export const BIG_PDF = Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024, 0x20)]);

export function applicant(email, dni = "12345678Z") {
  return {
    "applicant.name.first": "Lucía",
    "applicant.name.last": "García",
    "applicant.name.secondLast": "López",
    "applicant.dateOfBirth": "1990-05-17",
    "applicant.governmentId[0].value": dni,
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

// Page-side helpers (run inside the page; they must not close over anything).
export const root = () => document.querySelector("tenant-onboarding")?.shadowRoot;
const headingMatches = (src, flags) =>
  new RegExp(src, flags).test(document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector("h2")?.textContent ?? "");

/** Installs listeners that record the widget's DOM events and its progress bars. */
export function recordEvents() {
  window.__onb = { events: [], progress: [] };
  for (const name of ["onboarding:ready", "onboarding:step", "onboarding:complete", "onboarding:error", "onboarding:exit"]) {
    document.addEventListener(name, (e) => window.__onb.events.push({ name, detail: { ...e.detail } }));
  }
  const watch = () => {
    const r = document.querySelector("tenant-onboarding")?.shadowRoot;
    if (!r) return setTimeout(watch, 50);
    new MutationObserver(() => {
      for (const p of r.querySelectorAll("progress")) window.__onb.progress.push(Number(p.getAttribute("value")));
    }).observe(r, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
  };
  watch();
}

/** Page-side: whether `n` files are listed and every one is uploaded. */
export function allUploaded(n, done = "Subido|Aceptado|analizando") {
  const s = [...document.querySelector("tenant-onboarding").shadowRoot.querySelectorAll(".fstate")];
  return s.length === n && s.every((e) => new RegExp(done).test(e.textContent));
}

export async function waitHeading(d, re, timeout = 20000) {
  await waitFor(d, `heading ${re}`, headingMatches, [re.source, re.flags], timeout);
}

/**
 * `d.until`, and when it times out, where the journey stood: the heading, the messages
 * on screen, the invalid fields with their values and the chosen answers (a busy
 * machine once left WebKit on Details, once without an identity decision).
 */
export async function waitFor(d, what, fn, args = [], timeout = 20000) {
  try {
    return await d.until(what, fn, args, timeout);
  } catch (e) {
    const where = await d.run(() => {
      const r = document.querySelector("tenant-onboarding")?.shadowRoot;
      const texts = (sel) => [...(r?.querySelectorAll(sel) ?? [])].map((x) => x.textContent.trim()).filter(Boolean);
      const invalid = [...(r?.querySelectorAll("[aria-invalid=true]") ?? [])].map((x) => `${x.name}=${JSON.stringify(x.value)}`);
      const chosen = [...(r?.querySelectorAll("input[type=radio]:checked") ?? [])].map((x) => `${x.name}=${x.value}`);
      const busy = r?.querySelector("[aria-busy=true]") ? "yes" : "no";
      return JSON.stringify({ heading: r?.querySelector("h2")?.textContent?.trim(), messages: texts(".err, .notice, [role=alert], [role=status]"), invalid, chosen, busy });
    }).catch(() => "unavailable");
    throw new Error(`${e.message}; on screen: ${where}`);
  }
}

export async function heading(d) {
  return d.run(() => document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector("h2")?.textContent?.trim() ?? "");
}

/** What each screen says, per language (headings and core's DNI message). */
const SAYS = {
  es: { uploaded: /Subido|Aceptado|analizando/, details: /Tus datos/, dni: /letra del DNI/, documents: /Documentos/, identity: /identidad/, bank: /bancaria/, summary: /Estado de tu solicitud/, done: /completada/ },
  ca: { uploaded: /Pujat|Acceptat|analitzant/, details: /Les teves dades/, dni: /lletra del DNI/, documents: /^Documents$/, identity: /identitat/, bank: /bancària/, summary: /Estat de la teva sol·licitud/, done: /completada/ },
};

async function fillDetails(d, values) {
  for (const [name, value] of Object.entries(values)) await d.fill(`[name="${name}"]`, value);
}

/**
 * Runs the journey on `url` (default: the second agency site, cross-origin).
 * `at(step)` is awaited on every screen (consent, details, details-errors, documents,
 * identity, identity-questions, identity-done, bank, summary, done). Resolves to
 * `{tenantId, events, progress, ms}`.
 */
export async function walk(d, { url = `${AGENCY_SITE}/`, email = `lucia+challenge+${Date.now()}@example.com`, at = async () => {}, locale = "es" } = {}) {
  const says = SAYS[locale];
  const started = Date.now();
  await d.goto(url);
  await d.run(recordEvents);
  await d.until("the widget", () => document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector("h2"), [], 30000);
  await at("consent");

  await d.check('[name="consent.termsAccepted"]');
  await d.check('[name="consent.creditCheckAccepted"]');
  await d.click("#submit");
  await waitHeading(d, says.details);
  await at("details");

  // Submitting empty shows core's messages on the fields.
  await d.click("#submit");
  await d.until("field errors", () => document.querySelector("tenant-onboarding").shadowRoot.querySelector('[aria-invalid="true"]'));
  await at("details-errors");

  // A wrong DNI letter: core's message under the field, nothing sent.
  await fillDetails(d, applicant(email, "12345678A"));
  await d.click("#submit");
  const dniError = await waitFor(d, "the DNI message", () =>
    document.querySelector("tenant-onboarding").shadowRoot.getElementById("f-applicant-governmentId-0--value-e")?.textContent);
  if (!says.dni.test(dniError)) throw new Error(`unexpected DNI message: ${dniError}`);
  await d.fill('[name="applicant.governmentId[0].value"]', randomDni());
  await d.click("#submit");
  await waitHeading(d, says.documents);

  await d.setFiles("input[name=files]", [
    { name: "nomina-octubre.pdf", type: "application/pdf", data: BIG_PDF },
    { name: "extracto.png", type: "image/png", data: PNG },
  ]);
  await d.until("the upload button", () => document.querySelector("tenant-onboarding").shadowRoot.getElementById("upload-all"));
  await d.select("#kind-2", "bank_statement");
  await d.click("#upload-all");
  await waitFor(d, "both uploads", allUploaded, [2, says.uploaded.source], 30000);
  await at("documents");
  await d.click("#docs-next");
  await waitHeading(d, says.identity);
  await at("identity");

  await d.approveHosted("#kyc");
  await waitFor(d, "the step-up questions", () => document.querySelector("tenant-onboarding").shadowRoot.querySelector("fieldset[data-question]"), [], 30000);
  const questions = await d.run(() => [...document.querySelector("tenant-onboarding").shadowRoot.querySelectorAll("fieldset[data-question]")].map((f) => f.dataset.question));
  for (const q of questions) await d.check(`fieldset[data-question="${q}"] input[value="${RIGHT_ANSWERS[q]}"]`);
  await at("identity-questions");
  await d.click("#submit");
  await waitFor(d, "the identity decision", () => document.querySelector("tenant-onboarding").shadowRoot.getElementById("identity-next"), [], 20000);
  await at("identity-done");
  await d.click("#identity-next");
  await waitHeading(d, says.bank);

  await d.approveHosted("#bank");
  await waitFor(d, "the bank connection", () => document.querySelector("tenant-onboarding").shadowRoot.querySelector("p.ok"), [], 30000);
  await at("bank");
  await d.click("#bank-next");

  await waitHeading(d, new RegExp(`${says.summary.source}|${says.done.source}`));
  if (says.summary.test(await heading(d))) await at("summary");
  await waitHeading(d, says.done, 90000);
  await at("done");
  const rec = await d.until("onboarding:complete", () => {
    const done = window.__onb?.events.find((e) => e.name === "onboarding:complete");
    // The live status came over the WebSocket: each connection is opened with a ticket.
    const tickets = performance.getEntriesByType("resource").filter((e) => e.name.includes("/live-tickets")).length;
    const sse = performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/events")).length;
    return done && { tenantId: done.detail.tenantId, events: window.__onb.events, progress: window.__onb.progress, tickets, sse };
  });
  return { ...rec, ms: Date.now() - started };
}

/**
 * A key not allowed on the page's origin: found at mount, before anything is typed.
 * Resolves to `{heading, error, inputs}` as the widget shows them.
 */
export async function refusedAtMount(d, { url = `${AGENCY_SITE}/?key=pk_test_demo` } = {}) {
  await d.goto(url);
  await d.run(recordEvents);
  return d.until("the refusal", () => {
    const r = document.querySelector("tenant-onboarding")?.shadowRoot;
    const error = window.__onb?.events.find((e) => e.name === "onboarding:error");
    const h = r?.querySelector("h2")?.textContent ?? "";
    if (!/no disponible/.test(h)) return null;
    // The event may fire before this page script's listener exists; the agency's own
    // script (sites/portal/app.js) hears it from the start and says so in #outcome.
    return {
      heading: h,
      error: error?.detail ?? null,
      outcome: document.getElementById("outcome")?.textContent ?? "",
      inputs: r.querySelectorAll("input").length,
    };
  }, [], 30000);
}

// A reload in the middle of the step-up questions resumes the open inquiry (same
// inquiry, same questions) instead of starting another; answered, the decision is
// the one there is, and the agency sees one inquiry. A reload after the decision shows
// it, never a new inquiry.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { BASE, demoAgency } from "../lib/env.mjs";
import { launch } from "../lib/browser.mjs";
import { playwright } from "../lib/drivers.mjs";
import { walk, RIGHT_ANSWERS } from "./journey.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const STOP = new Error("stop here");

test("a reload during the step-up questions resumes the same inquiry; the decision is kept", { timeout: 180000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const inquiries = [];
  // Counted when the reply's headers arrive (before the widget can draw from its
  // body); each entry is a promise of {status, body}.
  page.on("response", (r) => {
    if (/\/identity-inquiries$/.test(new URL(r.url()).pathname) && r.request().method() === "POST") {
      inquiries.push(r.json().catch(() => null).then((body) => ({ status: r.status(), body })));
    }
  });
  const d = playwright(page);
  await walk(d, { url: `${BASE}/`, at: async (step) => { if (step === "identity-questions") throw STOP; } })
    .catch((e) => { if (e !== STOP) throw e; });
  assert.equal(inquiries.length, 1);
  const first = (await inquiries[0]).body;
  assert.equal(first.decision, "Challenge");

  await page.reload();
  const questions = page.locator("tenant-onboarding fieldset[data-question]");
  await questions.first().waitFor({ timeout: 30000 });
  assert.equal(inquiries.length, 2);
  const second = (await inquiries[1]).body;
  assert.equal(second.inquiryId, first.inquiryId, "the open inquiry, not a new one");
  assert.deepEqual(second.questionnaire, first.questionnaire);
  for (const fs of await questions.all()) {
    const q = await fs.getAttribute("data-question");
    await fs.locator(`input[value="${RIGHT_ANSWERS[q]}"]`).check();
  }
  await page.locator("tenant-onboarding #submit").click();
  await page.locator("tenant-onboarding #identity-next").waitFor({ timeout: 15000 });

  // Reloaded after the decision: the decision is shown; the edge refused a new inquiry.
  await page.reload();
  await page.locator("tenant-onboarding #identity-next").waitFor({ timeout: 30000 });
  assert.equal((await inquiries.at(-1)).status, 409);
  assert.match(await page.locator("tenant-onboarding #dyn-focus").first().textContent(), /Identidad confirmada/);

  const saved = await page.evaluate(() => JSON.parse(Object.values({ ...sessionStorage })[0] ?? "{}"));
  const view = await fetch(`${BASE}/v1/agency/tenants/${saved.tenantId ?? saved.t}`, { headers: { Authorization: `Bearer ${demoAgency().secretKey}` } });
  const body = await view.json();
  assert.equal(view.status, 200, JSON.stringify(body));
  assert.equal(body.identityInquiries.inquiries.length, 1, "one upstream inquiry in all");
  await context.close();
});

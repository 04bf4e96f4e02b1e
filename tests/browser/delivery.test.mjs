// The widget as an agency embeds it, in Playwright's Chromium (which can intercept
// responses and emulate a phone): the pinned tag on the second agency site's own
// origin under its strict CSP; Subresource Integrity refusing a changed byte in each
// versioned file; a key not allowed on the origin found at mount (message, event,
// console warning) and a network failure at mount told apart from it and retried;
// the journey on a 375×667 touch screen with a camera input and an oversized photo
// scaled down before upload.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { deflateSync, crc32 } from "node:zlib";
import { randomBytes } from "node:crypto";
import { BASE } from "../lib/env.mjs";
import { launch } from "../lib/browser.mjs";
import { playwright } from "../lib/drivers.mjs";
import { AGENCY_SITE, allUploaded, walk, refusedAtMount } from "./journey.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const manifest = async () => (await fetch(`${BASE}/widget/manifest.json`)).json();

/** Console messages and page errors of `page`. */
function watch(page) {
  const seen = { errors: [], warnings: [] };
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
    if (m.type() === "warning") seen.warnings.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  return seen;
}

async function widgetHeading(page, timeout = 15000) {
  await page.locator("tenant-onboarding h2").first().waitFor({ timeout });
  return (await page.locator("tenant-onboarding h2").first().textContent()).trim();
}

test("the pinned tag loads and runs on the agency's own origin under its strict CSP", async () => {
  const m = await manifest();
  const page = await browser.newPage();
  const seen = watch(page);
  const loaded = [];
  page.on("response", (r) => { if (r.url().startsWith(`${BASE}/widget/`)) loaded.push(new URL(r.url()).pathname); });
  const res = await page.goto(`${AGENCY_SITE}/`);
  const csp = res.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' http:\/\/127\.0\.0\.1:8787 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  assert.match(await page.content(), new RegExp(`src="${BASE}${m.entry}" integrity="${m.integrity.replace(/[+/]/g, "\\$&")}" crossorigin="anonymous"`));
  assert.match(await widgetHeading(page), /Antes de empezar/);
  // The stylesheet arrived and applied (SRI passed): the shadow root has its sheet.
  await page.waitForFunction(() => document.querySelector("tenant-onboarding").shadowRoot.querySelector("link")?.sheet, null, { timeout: 10000 });
  // Everything came from the one pinned version; a Spanish journey fetches no language
  // catalog (Spanish is in the wasm).
  const files = [...new Set(loaded)].sort();
  assert.deepEqual(files, [m.entry, ...Object.keys(m.files).filter((f) => !/\/i18n\.\w+\.json$/.test(f))].sort());
  assert.ok(Object.keys(m.files).some((f) => f.endsWith("/i18n.ca.json")), "the manifest lists the catalogs");
  assert.deepEqual(seen.errors, []);
  await page.close();
});

for (const [what, file] of [["entry", "onboarding.js"], ["wasm", "widget_bg.wasm"], ["stylesheet", "onboarding.css"]]) {
  test(`one changed byte in the pinned ${what} makes the browser refuse it`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = watch(page);
    await page.route(`${BASE}/widget/*/${file}`, async (route) => {
      const res = await route.fetch();
      const body = await res.body();
      body[Math.floor(body.length / 2)] ^= 0x01;
      await route.fulfill({ response: res, body });
    });
    await page.goto(`${AGENCY_SITE}/`);
    const integrityError = () => seen.errors.some((e) => /integrity|digest/i.test(e));
    for (let i = 0; i < 100 && !integrityError(); i++) await page.waitForTimeout(100);
    assert.ok(integrityError(), `an integrity error: ${seen.errors.join(" | ")}`);
    if (file === "onboarding.css") {
      // The journey still runs, but unstyled: the tampered sheet was not applied.
      await widgetHeading(page);
      assert.equal(await page.evaluate(() => document.querySelector("tenant-onboarding").shadowRoot.querySelector("link").sheet), null);
    } else {
      await page.waitForTimeout(500);
      assert.equal(await page.locator("tenant-onboarding h2").count(), 0, "nothing of the widget ran");
    }
    await context.close();
  });
}

test("a key not allowed on this origin is found at mount: message, event, one console warning", async () => {
  const page = await browser.newPage();
  const seen = watch(page);
  const refused = await refusedAtMount(playwright(page));
  assert.match(refused.heading, /no disponible/);
  assert.equal(refused.inputs, 0);
  assert.match(refused.outcome, /por teléfono/);
  const warns = seen.warnings.filter((w) => /tenant-onboarding/.test(w));
  assert.equal(warns.length, 1, warns.join(" | "));
  assert.match(warns[0], /pk_test_demo/);
  assert.match(warns[0], /http:\/\/127\.0\.0\.1:8788/);
  // English too (its catalog is fetched first).
  await page.locator("tenant-onboarding #lang-en").click();
  await page.waitForFunction(() => /not available/.test(document.querySelector("tenant-onboarding").shadowRoot.querySelector("h2")?.textContent), null, { timeout: 10_000 });
  await page.close();
});

test("an unknown key is refused the same way", async () => {
  const page = await browser.newPage();
  const refused = await refusedAtMount(playwright(page), { url: `${AGENCY_SITE}/?key=pk_test_nobody` });
  assert.match(refused.heading, /no disponible/);
  await page.close();
});

test("a network failure at mount is not a refusal: the form stays and the check is retried", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  let attempts = 0;
  let created = false;
  await page.route(`${BASE}/v1/sessions`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    attempts += 1;
    if (attempts <= 2) return route.abort("internetdisconnected");
    const res = await route.fetch();
    created = res.status() === 201;
    return route.fulfill({ response: res });
  });
  await page.goto(`${AGENCY_SITE}/`);
  assert.match(await widgetHeading(page), /Antes de empezar/);
  for (let i = 0; i < 100 && !created; i++) await page.waitForTimeout(100);
  assert.equal(attempts, 3);
  assert.ok(created, "the third attempt opened the session");
  assert.match(await widgetHeading(page), /Antes de empezar/, "never shown as refused");
  await context.close();
});

/** An RGB PNG of random pixels (does not compress): `w`×`h` is about 3·w·h bytes. */
function noisePng(w, h) {
  const row = 1 + w * 3;
  const raw = randomBytes(row * h);
  for (let y = 0; y < h; y++) raw[y * row] = 0; // filter: none
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 0 })), chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("on a phone (375×667, touch): the journey completes; camera input; a 16 MiB photo is scaled down", { timeout: 240000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const seen = watch(page);
  const photo = noisePng(2400, 2400);
  assert.ok(photo.length > 16 * 1024 * 1024, `photo is ${photo.length} B`);
  const d = playwright(page);
  const done = await walk(d, {
    at: async (step) => {
      if (step !== "documents") return;
      // Nothing overflows sideways on a small screen.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no horizontal scroll");
      const camera = page.locator("tenant-onboarding #camera");
      assert.equal(await camera.getAttribute("capture"), "environment");
      assert.match(await camera.getAttribute("accept"), /image\/jpeg/);
      await camera.setInputFiles({ name: "dni-foto.png", mimeType: "image/png", buffer: photo });
      await d.until("the scaled photo", () => {
        const rows = [...document.querySelector("tenant-onboarding").shadowRoot.querySelectorAll(".file")];
        return rows.length === 3 && /\.jpg/.test(rows[2].querySelector(".fname").textContent) && rows[2].querySelector("select:not([disabled])");
      }, [], 30000);
      await d.select("#kind-3", "identity_document");
      await d.click("#upload-all");
      await d.until("three uploads", allUploaded, [3], 60000);
      const size = await page.locator("tenant-onboarding #file-3 .fname .muted").textContent();
      const mb = Number(size.replace(",", ".").replace(/[^0-9.]/g, ""));
      assert.ok(/MB|KB/.test(size) && (/KB/.test(size) || mb < 15), `scaled size ${size}`);
    },
  });
  assert.match(done.tenantId, /.+/);
  assert.deepEqual(seen.errors, []);
  await context.close();
});

test("under Trusted Types enforcement the whole journey runs through the one policy, with no violation", { timeout: 240_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective}: ${e.sample}`));
  });
  const seen = watch(page);
  try {
    const res = await page.goto(`${AGENCY_SITE}/?tt=1`);
    assert.match(res.headers()["content-security-policy"], /require-trusted-types-for 'script'; trusted-types tenant-onboarding/);
    const done = await walk(playwright(page), { url: `${AGENCY_SITE}/?tt=1` });
    assert.ok(done.tenantId, "the journey completed");
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "no violation reported");
    assert.deepEqual(seen.errors.filter((e) => /TrustedHTML|Trusted Type/i.test(e)), []);
  } finally {
    await context.close();
  }
});

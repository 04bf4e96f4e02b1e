// The agency console in a browser (issue 34); tests/http/console.test.mjs covers the
// same pages over HTTP.
// * In the three engines (WebDriver: Chromium, Firefox, WebKit; ENGINES=chromium,webkit
//   limits the run), each from a fresh profile: /console/ sends the browser to the
//   sandbox's Access sign-in page; the email is typed, the code read from the dev
//   mailbox (its JSON, with node's fetch) and typed; the pipeline is filtered (a stage
//   chosen and a name searched) to one row, and the row's link opens the file.
// * axe-core (Playwright Chromium, a context that bypasses the console's CSP so axe can
//   be injected): no serious or critical violation on the pipeline (rows, no match), a
//   file, the not-a-member page, the 404 page, in es, en and ca (switched with the
//   header's language links, then remembered), and on the sandbox's sign-in and code
//   pages (English only), at desktop width and at 320 px; at 320 px nothing but a
//   `.scroll` region's content is wider than the viewport.
// * The keyboard alone: skip link, filters, Enter to apply, Tab to a row's link, Enter
//   to open the file; there, Tab reaches the back link and the document links.
// * Isolation: a portal admin gets the 404 page for a demo applicant's file and no row
//   when searching the portal pipeline for the demo applicant's email.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/env.mjs";
import { BASE, ORIGIN, pdf } from "../lib/edge.mjs";
import { launch } from "../lib/browser.mjs";
import { open, stopDisplay } from "../lib/webdriver.mjs";
import { accessToken, applicant, letters, signInThroughAccess } from "../lib/console.mjs";

const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const engines = (process.env.ENGINES ?? "chromium,firefox,webkit").split(",").filter(Boolean);

let browser, demo, other, portal;
before(async () => {
  browser = await launch();
  // Two demo applicants (a filter must show one and not the other) and a portal one.
  demo = await applicant("demo", `Zoe${letters(6)}`);
  other = await applicant("demo", `Max${letters(6)}`);
  portal = await applicant("portal", `Pau${letters(6)}`);
  // A document on the demo applicant's file (its links, and its table at 320 px).
  const up = await fetch(`${BASE}/v1/tenants/${demo.tenantId}/documents?kind=payslip`, { method: "POST", headers: { Authorization: `Bearer ${demo.token}`, Origin: ORIGIN, "Content-Type": "application/pdf" }, body: pdf(4096) });
  assert.equal(up.status, 201, await up.clone().text());
});
after(async () => {
  await browser?.close();
  stopDisplay();
});

async function shot(what, png) {
  mkdirSync(path.join(ROOT, "tests/artifacts"), { recursive: true });
  writeFileSync(path.join(ROOT, `tests/artifacts/console-${what}-failure.png`), png);
}

// ---------------------------------------------------------------------------------
// 1. Three engines, through the sandbox's sign-in pages.

const STAFF = { chromium: "admin@demo.test", firefox: "agent@demo.test", webkit: "admin@demo.test" };

for (const engine of engines) {
  test(`${engine}: signs in through Access's pages, filters the pipeline to one row and opens the file`, { timeout: 180_000 }, async () => {
    const b = await open(engine);
    const email = STAFF[engine] ?? "admin@demo.test";
    try {
      // A fresh profile: no cookie, so /console/ goes to the sign-in page.
      await b.goto(`${BASE}/console/`);
      await b.until("the sign-in page", () => location.pathname.startsWith("/cdn-cgi/access/login/") && document.querySelector("#email"), [], 30_000);
      const signIn = new URL(await b.url());
      assert.equal(signIn.origin, BASE, "Access plays on the edge's own host in dev");
      assert.equal(signIn.searchParams.get("redirect_url"), "/console/", "back to the console after signing in");
      await signInThroughAccess(b, email, async () => {
        assert.match(await b.run(() => document.querySelector("h1").textContent), /Enter your code/);
        assert.match(await b.run(() => document.querySelector("main strong")?.textContent ?? ""), new RegExp(email.replace(/[.]/g, "\\.")));
      });

      // Signed in: /console/ → the member's one agency's pipeline.
      await b.until("the pipeline", () => location.pathname === "/console/ag_demo/" && document.querySelector("table.pipeline"), [], 30_000);
      const who = await b.run(() => document.querySelector("header .who")?.textContent ?? "");
      assert.ok(who.includes(email), `the header names ${email}: ${who}`);
      const all = await b.run(() => [...document.querySelectorAll("table.pipeline tbody tr[id]")].map((r) => r.id));
      assert.ok(all.includes(`row-${demo.tenantId}`) && all.includes(`row-${other.tenantId}`), "both applicants before filtering");

      // Filter: the stage chosen from the select, the name typed into the search.
      const q = await b.run(() => document.querySelector("#q"));
      await b.click(q);
      await b.type(q, demo.name);
      await b.until("the name typed", (v) => document.querySelector("#q")?.value === v, [demo.name], 5000);
      await b.click(await b.run(() => document.querySelector('#stage option[value="inProgress"]')));
      await b.until("the stage chosen", () => document.querySelector("#stage")?.value === "inProgress", [], 5000);
      await b.click(await b.run(() => document.querySelector("form.filters button[type=submit]")));
      await b.until("the filtered pipeline", (name) => {
        const p = new URLSearchParams(location.search);
        return p.get("q") === name && document.readyState === "complete" && document.querySelector("table.pipeline, p.empty");
      }, [demo.name], 20_000);
      const params = new URL(await b.url()).searchParams;
      assert.equal(params.get("stage"), "inProgress");
      const rows = await b.run(() => [...document.querySelectorAll("table.pipeline tbody tr[id]")].map((r) => r.id));
      assert.deepEqual(rows, [`row-${demo.tenantId}`], "the one applicant of that name, and no other");
      assert.equal(await b.run(() => document.querySelector("#stage").value), "inProgress", "the page shows the filter it applied");

      // Open the file from the row's link.
      await b.click(await b.run((id) => document.querySelector(`#row-${id} th a`), demo.tenantId));
      const h1 = await b.until("the file's heading", (id) => location.pathname === `/console/ag_demo/tenants/${id}` && document.querySelector("h1")?.textContent, [demo.tenantId], 20_000);
      assert.ok(h1.includes(demo.name), `the file's h1 names the applicant: ${h1}`);
    } catch (e) {
      await b.screenshot().then((png) => shot(engine, png)).catch(() => {});
      throw e;
    } finally {
      await b.close();
    }
  });
}

// ---------------------------------------------------------------------------------
// 2. axe, in each language, at desktop width and at 320 px.

/** A Playwright context signed in as `email` (a token from the sandbox's test hook). */
async function signedIn(email, options = {}) {
  const context = await browser.newContext({ bypassCSP: true, locale: "es-ES", ...options });
  await context.addCookies([{ name: "CF_Authorization", value: await accessToken(email), url: BASE }]);
  return context;
}

async function audit(page, step) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${step}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** At a narrow width: what sticks out of the viewport, outside a `.scroll` region. */
async function overflow(page, step, width) {
  const o = await page.evaluate((w) => {
    const sticksOut = (el) => el.getBoundingClientRect().right > w + 1;
    // Content wider than its box (a long word, a table), where the box does not scroll.
    const spills = (el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0;
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || !(sticksOut(el) || spills(el))) continue;
      // Inside a `.scroll` region is fine, unless the region does not clip it (an
      // absolutely positioned box whose containing block is outside the region).
      const region = el.parentElement?.closest(".scroll");
      const escapes = ["absolute", "fixed"].includes(getComputedStyle(el).position) && getComputedStyle(region ?? el).position === "static";
      if (region && !escapes) continue;
      // The deepest offenders only (their ancestors stick out because of them).
      if (!escapes && [...el.children].some((c) => !c.classList.contains("scroll") && (sticksOut(c) || spills(c)))) continue;
      const what = `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).replace(/ /g, ".")}` : ""}`;
      out.push(`${what} "${(el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50)}" right=${Math.round(r.left + Math.max(r.width, el.scrollWidth))}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5) };
  }, width);
  return o.scrollWidth <= width + 1 ? [] : [`${step}: scrollWidth ${o.scrollWidth} > ${width}: ${o.out.join("; ")}`];
}

/**
 * Puts the page in `lang` with the header's language link (a `303` back to the same
 * page, remembered in the `console_lang` cookie). Returns whether a click was needed.
 */
async function inLanguage(page, lang) {
  if ((await page.evaluate(() => document.documentElement.lang)) === lang) return false;
  const link = page.locator(`header a[hreflang="${lang}"]`);
  await Promise.all([page.waitForEvent("load"), link.click()]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, "the language link switched the page");
  return true;
}

for (const [name, viewport] of [["desktop", { width: 1024, height: 900 }], ["320 px", { width: 320, height: 640 }]]) {
  test(`axe: no serious or critical violation on any console page, es/en/ca, nor on Access's pages (${name})`, { timeout: 180_000 }, async () => {
    const narrow = viewport.width <= 320;
    const found = [];
    const check = async (page, step) => {
      found.push(...(await audit(page, step)));
      if (narrow) found.push(...(await overflow(page, step, viewport.width)));
    };
    // An export, so that the audit page has a row to show.
    const exported = await fetch(`${BASE}/console/ag_demo/tenants/${demo.tenantId}/export`, { headers: { "Cf-Access-Jwt-Assertion": await accessToken("admin@demo.test") } });
    assert.equal(exported.status, 200);
    const member = await signedIn("admin@demo.test", { viewport });
    const stranger = await signedIn("someone@example.com", { viewport });
    try {
      for (const lang of ["es", "en", "ca"]) {
        const page = await member.newPage();
        const clicks = [];
        const visit = async (step, url, status, ready) => {
          const r = await page.goto(`${BASE}${url}`);
          clicks.push(await inLanguage(page, lang));
          assert.equal(r.status(), status, `${step} (${lang}): status`);
          assert.ok(await page.evaluate(ready), `${step} (${lang}): the page is the one expected`);
          await check(page, `${step} [${lang}]`);
        };
        await visit("pipeline", "/console/ag_demo/", 200, () => document.querySelectorAll("table.pipeline tbody tr[id]").length > 0);
        await visit("pipeline, no match", `/console/ag_demo/?q=${letters(12)}`, 200, () => Boolean(document.querySelector("p.empty")) && !document.querySelector("table.pipeline"));
        await visit("file", `/console/ag_demo/tenants/${demo.tenantId}`, 200, () => Boolean(document.querySelector("h1")?.textContent.trim()) && Boolean(document.querySelector('a[href*="/documents/"]')));
        await visit("404", "/console/ag_demo/tenants/ten_nosuchtenant", 404, () => document.querySelectorAll("h1").length === 1);
        await visit("manage", "/console/ag_demo/manage", 200, () => ["staff", "webhook", "origins", "retention", "keys"].every((id) => document.getElementById(id)));
        await visit("audit", "/console/ag_demo/audit", 200, () => document.querySelectorAll("main table tbody tr").length > 0);
        assert.deepEqual(clicks.slice(1), [false, false, false, false, false], `${lang}: the language is remembered after the link`);

        // Forms sent with errors (nothing changes): the page again, 422, each error tied
        // to its field and the summary announced.
        const rejected = async (step, url, action, fill) => {
          await page.goto(`${BASE}${url}`);
          await fill();
          const [r] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === "POST"),
            page.click(`form[action$="${action}"] button[type=submit]`),
          ]);
          await page.waitForLoadState("load");
          assert.equal(r.status(), 422, `${step} (${lang}): status`);
          const tied = await page.evaluate(() => [...document.querySelectorAll("[aria-invalid=true]")].map((f) => {
            const said = (f.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent.trim()).filter(Boolean);
            return said.length > 0;
          }));
          assert.ok(tied.length > 0 && tied.every(Boolean), `${step} (${lang}): every invalid field names its error`);
          assert.ok(await page.evaluate(() => Boolean(document.querySelector("[role=alert]")?.textContent.trim())), `${step} (${lang}): the errors are announced`);
          await check(page, `${step} [${lang}]`);
        };
        await rejected("file, erasure with another surname", `/console/ag_demo/tenants/${demo.tenantId}`, "/erase", () => page.fill("#erase-surname", "Nadie"));
        await rejected("manage, webhook not a URL", "/console/ag_demo/manage", "/webhook", () => page.fill("#webhook-url", "not a url"));
        await page.close();

        const p = await stranger.newPage();
        const r = await p.goto(`${BASE}/console/`);
        assert.equal(r.status(), 403);
        await inLanguage(p, lang);
        assert.ok((await p.textContent("main")).includes("someone@example.com"), "the not-a-member page names the email");
        await check(p, `not a member [${lang}]`);
        await p.close();
      }
    } finally {
      await member.close();
      await stranger.close();
    }

    // The sandbox's Access pages (English only: Access's own pages, not the console's).
    const anon = await browser.newContext({ bypassCSP: true, viewport });
    try {
      const page = await anon.newPage();
      await page.goto(`${BASE}/console/ag_demo/`);
      assert.match(new URL(page.url()).pathname, /^\/cdn-cgi\/access\/login\//, "unsigned: the sign-in page");
      await check(page, "Access sign-in");
      await page.fill("#email", "admin@demo.test");
      const [sent] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.click("form button[type=submit]")]);
      await page.waitForLoadState("load");
      if (await page.$("#code")) {
        await check(page, "Access code");
        // A code of five digits (not counted as a try): the error is tied to the field.
        await page.fill("#code", "12345");
        await page.evaluate(() => document.querySelector("#code").removeAttribute("pattern"));
        await Promise.all([page.waitForSelector("#code-error"), page.click("form button[type=submit]")]);
        await check(page, "Access code with an error");
      } else {
        found.push(`Access code: sending the email form answered ${sent.status()} "${(await sent.text()).trim().slice(0, 80)}", not the code page`);
      }
    } finally {
      await anon.close();
    }
    assert.deepEqual(found, []);
  });
}

// ---------------------------------------------------------------------------------
// 3. The keyboard alone.

/** What has the focus: a short description. */
const focus = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return {
    tag: a?.tagName.toLowerCase(),
    id: a?.id ?? "",
    cls: typeof a?.className === "string" ? a.className : "",
    href: a?.getAttribute("href") ?? null,
    text: (a?.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50),
    row: a?.closest("tr[id]")?.id ?? null,
    inMain: !!a?.closest("main"),
    type: a?.getAttribute("type") ?? null,
    outline: a ? getComputedStyle(a).outlineStyle : "none",
    left: a ? a.getBoundingClientRect().left : -1,
  };
});
const label = (f) => `${f.tag}${f.id ? `#${f.id}` : ""}${f.cls ? `.${f.cls.replace(/ /g, ".")}` : ""}${f.href ? `[${f.href}]` : ""}`;

/** Presses Tab until `want(focus)`; returns the stops on the way (the last one is it). */
async function tabTo(page, what, want, max = 30) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focus(page);
    stops.push(f);
    if (want(f)) return stops;
  }
  throw new Error(`Tab never reached ${what}; it went: ${stops.map(label).join(" → ")}`);
}

test("keyboard alone: skip link, filters, Enter to apply, Tab to a row and Enter to open it; the file's back and document links", { timeout: 90_000 }, async () => {
  const context = await signedIn("admin@demo.test", { locale: "en-GB", viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/console/ag_demo/`);
    await page.waitForSelector("table.pipeline");

    // The first Tab stop is the skip link, shown when focused; Enter moves focus to main.
    await page.keyboard.press("Tab");
    let f = await focus(page);
    assert.equal(f.cls, "skip", `first stop: ${label(f)}`);
    assert.ok(f.left >= 0, "the skip link is on screen when focused");
    assert.notEqual(f.outline, "none", "a visible focus outline");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "main");
    await page.keyboard.press("Tab");
    f = await focus(page);
    assert.equal(f.id, "stage", `after the skip link: ${label(f)}`);

    // The stage with the arrow keys, the decision too, then the search typed in.
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.querySelector("#stage").value), "inProgress");
    await page.keyboard.press("Tab");
    assert.equal((await focus(page)).id, "decision");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.querySelector("#decision").value), "none");
    await page.keyboard.press("Tab");
    assert.equal((await focus(page)).id, "q");
    await page.keyboard.type(demo.name);
    await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === demo.name), page.keyboard.press("Enter")]);
    await page.waitForLoadState("load");
    const u = new URL(page.url());
    assert.equal(u.searchParams.get("stage"), "inProgress");
    assert.equal(u.searchParams.get("decision"), "none");
    assert.deepEqual(await page.$$eval("table.pipeline tbody tr[id]", (rows) => rows.map((r) => r.id)), [`row-${demo.tenantId}`]);

    // From the top of the filtered page: the filters, the table's region, the row's link.
    const stops = await tabTo(page, "the row's link", (f) => f.row === `row-${demo.tenantId}` && f.tag === "a");
    const order = stops.map(label);
    const at = (pred) => stops.findIndex(pred);
    assert.equal(at((s) => s.cls === "skip"), 0, order.join(" → "));
    const iStage = at((s) => s.id === "stage"), iQ = at((s) => s.id === "q"), iSubmit = at((s) => s.tag === "button" && s.type === "submit");
    const iRegion = at((s) => s.cls === "scroll");
    assert.ok(iStage > 0 && iStage < iQ && iQ < iSubmit && iSubmit < iRegion && iRegion < stops.length - 1, `order: ${order.join(" → ")}`);
    f = stops.at(-1);
    assert.ok(f.text.includes(demo.name), `the row's link names the applicant: ${f.text}`);
    assert.notEqual(f.outline, "none", "a visible focus outline on the row's link");
    await Promise.all([page.waitForURL(`${BASE}/console/ag_demo/tenants/${demo.tenantId}`), page.keyboard.press("Enter")]);
    assert.ok((await page.textContent("h1")).includes(demo.name), "Enter on the link opened the file");

    // The file: the back link is the first stop in main; the document links follow.
    const toBack = await tabTo(page, "the back link", (f) => f.href === "/console/ag_demo/" && f.text.includes("Back"));
    // Everything before it is the skip link or the header (whose admin nav adds stops for admins).
    assert.deepEqual(toBack.slice(0, -1).filter((s) => s.inMain).map(label), [], `the back link comes right after the header: ${toBack.map(label).join(" → ")}`);
    const toDocs = await tabTo(page, "the document links", (f) => f.href?.includes("/documents/"));
    const open = toDocs.at(-1);
    assert.ok(!open.href.includes("download"), `"Open" first: ${label(open)}`);
    await page.keyboard.press("Tab");
    const download = await focus(page);
    assert.equal(download.href, `${open.href}?download=1`, `then "Download": ${label(download)}`);
    assert.ok(toDocs.some((s) => s.cls === "scroll"), "the documents table's region is a stop before its links");
  } catch (e) {
    await page.screenshot().then((png) => shot("keyboard", png)).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------
// 4. Isolation between agencies, in a browser.

test("isolation: a portal admin gets the 404 page for a demo applicant's file, and no row searching for the demo applicant", { timeout: 60_000 }, async () => {
  const context = await signedIn("admin@portal.test", { locale: "en-GB", viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  try {
    for (const url of [`/console/ag_demo/tenants/${demo.tenantId}`, `/console/ag_portal/tenants/${demo.tenantId}`, "/console/ag_demo/"]) {
      const r = await page.goto(`${BASE}${url}`);
      assert.equal(r.status(), 404, url);
      assert.equal((await page.textContent("h1")).trim(), "Not found", url);
      const html = await page.content();
      assert.ok(!html.includes(demo.name) && !html.includes(demo.email), `${url}: nothing of the demo applicant`);
    }

    // The portal's own pipeline, searched with the form as a person would.
    await page.goto(`${BASE}/console/`);
    assert.equal(new URL(page.url()).pathname, "/console/ag_portal/");
    const search = async (text) => {
      await page.fill("#q", text);
      await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === text), page.click("form.filters button[type=submit]")]);
      await page.waitForLoadState("load");
      return page.$$eval("tr[id^=row-]", (rows) => rows.map((r) => r.id));
    };
    assert.deepEqual(await search(portal.email), [`row-${portal.tenantId}`], "the portal's own applicant is found");
    assert.deepEqual(await search(demo.email), [], "the demo applicant is in no search of the portal's");
    assert.ok(await page.isVisible("p.empty"), "the page says nothing matches");
    const text = await page.textContent("main");
    assert.ok(!text.includes(demo.name) && !text.includes(demo.tenantId));
  } catch (e) {
    await page.screenshot().then((png) => shot("isolation", png)).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

// The two ways the suites drive a browser, behind one small interface that
// tests/browser/journey.mjs is written against:
//
//   goto(url) · run(fn, ...args) · until(what, fn, args, timeout) · click(sel)
//   check(sel) · fill(sel, text) · select(sel, value) · setFiles(sel, files)
//   approveHosted(sel)
//
// Selectors are inside the widget's shadow root. `playwright(page)` adapts a
// Playwright page (Chromium: screenshots, axe, phone emulation); `webdriver(browser)`
// adapts a W3C WebDriver session (tests/lib/webdriver.mjs: Chromium, Firefox, WebKit).

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Page-side: puts `files` ({name, type, b64}) on the file input `sel` and fires
// `change`, as a file chooser does. (WebDriver's file upload needs a path on the
// browser's machine and is not implemented for hidden inputs in every driver.)
function putFiles(sel, files) {
  const input = document.querySelector("tenant-onboarding").shadowRoot.querySelector(sel);
  const dt = new DataTransfer();
  for (const f of files) {
    const bin = atob(f.b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    dt.items.add(new File([bytes], f.name, { type: f.type }));
  }
  input.files = dt.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

// Page-side: a date picker's result. Typing into <input type=date> is locale- and
// engine-specific (segment order, separators), so dates are set as the picker would.
function pickDate(sel, value) {
  const el = document.querySelector("tenant-onboarding").shadowRoot.querySelector(sel);
  if (el?.type !== "date") return false;
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
  el.blur();
  return true;
}

function pickOption(sel, value) {
  const el = document.querySelector("tenant-onboarding").shadowRoot.querySelector(sel);
  el.value = value;
  el.dispatchEvent(new Event("change", { bubbles: true }));
  return el.value === value;
}

// Page-side: resolves once `sel` has kept the same box for two animation frames (a
// message that appears or goes away above it moves it; a synthesized click aimed at
// the old place lands on nothing). Playwright checks the same before it clicks.
function settled(sel) {
  return new Promise((resolve) => {
    const el = document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector(sel);
    if (!el) return resolve(false);
    el.scrollIntoView({ block: "center" });
    let last = "";
    let frames = 0;
    // A window that paints no frames (hidden, occluded) must not hang the click.
    setTimeout(() => resolve(true), 1000);
    const tick = () => {
      const r = el.getBoundingClientRect();
      const box = `${r.x},${r.y},${r.width},${r.height}`;
      if (box === last || ++frames > 60) return resolve(true);
      last = box;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

// Page-side: whether the input `sel` holds `text` (typing is done).
const holds = (sel, text) => document.querySelector("tenant-onboarding").shadowRoot.querySelector(sel)?.value === text;

const checked = (sel) => document.querySelector("tenant-onboarding").shadowRoot.querySelector(sel)?.checked === true;

const encode = (files) => files.map((f) => ({ name: f.name, type: f.type, b64: Buffer.from(f.data).toString("base64") }));

/** A Playwright page as a driver. */
export function playwright(page) {
  const w = (sel) => page.locator(`tenant-onboarding ${sel}`).first();
  return {
    engine: "chromium (playwright)",
    page,
    goto: (url) => page.goto(url),
    // Expressions, not functions: evaluated by the driver (CDP), never by the page's
    // own eval, so the agency page's strict CSP does not get in the way.
    run: (fn, ...args) => page.evaluate(`(${fn})(...${JSON.stringify(args)})`),
    async until(what, fn, args = [], timeout = 20000) {
      const end = Date.now() + timeout;
      for (;;) {
        // A DOM node does not cross back to Node: report it as `true`.
        const v = await page.evaluate(`((v) => v instanceof Node ? true : v)((${fn})(...${JSON.stringify(args)}))`).catch(() => null);
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(150);
      }
    },
    click: (sel) => w(sel).click(),
    check: (sel) => w(sel).check(),
    fill: (sel, text) => w(sel).fill(text),
    select: (sel, value) => w(sel).selectOption(value),
    setFiles: (sel, files) => w(sel).setInputFiles(files.map((f) => ({ name: f.name, mimeType: f.type, buffer: f.data }))),
    async approveHosted(sel) {
      const [popup] = await Promise.all([page.waitForEvent("popup"), w(sel).click()]);
      await popup.waitForLoadState();
      // The hosted page cannot reach (or navigate) the agency's tab.
      if (!(await popup.evaluate(() => window.opener === null))) throw new Error("the hosted page sees window.opener");
      await popup.locator("button[value=approve]").click({ timeout: 15000 });
      await popup.getByText(/registrado el resultado|outcome has been recorded|registrat el resultat/).waitFor({ timeout: 20000 });
      if (!popup.isClosed()) await popup.close();
    },
  };
}

/** A WebDriver session as a driver (a screenshot of the page on failure: `shot`). */
export function webdriver(b) {
  const find = (sel) => b.until(`element ${sel}`, (s) => document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector(s), [sel]);
  const click = async (sel) => {
    await b.runAsync(settled, sel);
    await b.click(await find(sel));
  };
  const retrying = async (what, fn) => {
    // A re-render between finding and acting replaces the element: find it again.
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (i >= 4 || !/stale|not interactable|detached|no such element/i.test(`${e.code} ${e.message}`)) throw new Error(`${what}: ${e.message}`);
        await sleep(150);
      }
    }
  };
  return {
    engine: b.engine,
    browser: b,
    goto: (url) => b.goto(url),
    run: (fn, ...args) => b.run(fn, ...args),
    until: (what, fn, args, timeout) => b.until(what, fn, args, timeout),
    click: (sel) => retrying(`click ${sel}`, () => click(sel)),
    // A click, then a look: under load a synthesized click sometimes lands on nothing
    // (seen in WebKit on a radio button); a person taps again, so does this.
    check: (sel) => retrying(`check ${sel}`, async () => {
      for (let i = 0; i < 3; i++) {
        await click(sel);
        if (await b.until(`${sel} checked`, checked, [sel], 1500).catch(() => false)) return;
      }
      throw new Error(`${sel} is still not checked after three clicks`);
    }),
    fill: (sel, text) => retrying(`fill ${sel}`, async () => {
      const el = await find(sel);
      if (await b.run(pickDate, sel, text)) return;
      await b.clear(el);
      await b.type(el, text);
      // WebKit returns from typing before the page has seen every key.
      await b.until(`${sel} holding what was typed`, holds, [sel, text], 5000);
    }),
    select: async (sel, value) => {
      await find(sel);
      if (!(await b.run(pickOption, sel, value))) throw new Error(`select ${sel}: no option ${value}`);
    },
    setFiles: async (sel, files) => {
      await find(sel);
      await b.run(putFiles, sel, encode(files));
    },
    /** Clicks `sel`, approves the hosted page in the window it opens, comes back. */
    async approveHosted(sel) {
      const main = await b.window();
      const before = new Set(await b.windows());
      await retrying(`click ${sel}`, () => click(sel));
      let popup;
      for (let i = 0; i < 100 && !popup; i++) {
        popup = (await b.windows()).find((h) => !before.has(h));
        if (!popup) await sleep(100);
      }
      if (popup) await b.switchTo(popup);
      // Without a popup (blocked), the widget sends the page itself to the hosted page.
      await b.until("the hosted page's Approve button", () => document.querySelector("button[value=approve]"), [], 20000);
      // Pressed from the page's own script: the hosted page is the upstream's, not
      // ours, and under load Gecko's synthesized click on a popup still laying itself
      // out sometimes lands nowhere (the page then still shows its form).
      await b.run(() => document.querySelector("button[value=approve]").click()).catch(() => {});
      if (popup) {
        // Close only once the hosted page has recorded the outcome (its result page
        // says so): closing while the form's POST is in flight would lose it.
        // "Already completed" also means this click recorded it (the page was shown
        // again after the POST, e.g. by a late navigation of the popup).
        const recorded = () => /registrado el resultado|outcome has been recorded|registrat el resultat|ya se había completado|had already been completed|ja s.havia completat/.test(document.body?.textContent ?? "");
        await b.until("the hosted page's result", recorded, [], 30000).catch(async (e) => {
          const where = await b.run(() => `${location.href} :: ${(document.body?.textContent ?? "").replace(/\s+/g, " ").slice(0, 300)}`).catch((e2) => String(e2));
          throw new Error(`${e.message} (the popup shows: ${where})`);
        });
        if ((await b.windows()).includes(popup)) await b.closeWindow().catch(() => {});
        await b.switchTo(main);
      }
    },
  };
}

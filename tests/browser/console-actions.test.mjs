// The console's actions in a browser (issue 35), in Chromium, Firefox and WebKit
// (WebDriver; ENGINES=chromium,webkit limits the run). tests/http/console-actions
// covers the same actions' every refusal over HTTP; here each engine does, as staff do:
// * an applicant walks the widget on the demo page to the identity decision; the
//   agency's agent opens the file in the console, records Deny with a reason; back on
//   the demo page the widget shows the applicant the decision it shows for a Deny;
// * on an agency of its own (the operator's CLI), an admin invites an agent from the
//   manage page, and the agent then signs in through Access's pages;
// * the admin erases an application by typing the surname: the applicant's token, the
//   file and the upstream tenant are gone;
// * the admin rotates the secret key (shown once), the old key works until the admin
//   ends the overlap.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/env.mjs";
import { BASE, ORIGIN, api, fakeIp, tenantBody } from "../lib/edge.mjs";
import { open, stopDisplay } from "../lib/webdriver.mjs";
import { webdriver } from "../lib/drivers.mjs";
import { accessToken, signInThroughAccess } from "../lib/console.mjs";
import { walk } from "./journey.mjs";

const engines = (process.env.ENGINES ?? "chromium,firefox,webkit").split(",").filter(Boolean);
const STATE = process.env.EDGE_STATE_DIR;
const STOP = new Error("stop: the widget shows the identity decision");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

after(() => stopDisplay());

function cli(...args) {
  const r = spawnSync("npm", ["run", "--silent", "agency", "--", ...args, "--local", ...(STATE ? ["--persist-to", STATE] : [])], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `agency ${args[0]}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function shot(what, b) {
  const png = await b.screenshot().catch(() => null);
  if (!png) return;
  mkdirSync(path.join(ROOT, "tests/artifacts"), { recursive: true });
  writeFileSync(path.join(ROOT, `tests/artifacts/console-actions-${what}-failure.png`), png);
}

/** The tenant of the applicant with `email` in `agency`'s pipeline (a console search). */
async function tenantOf(email, agency, token) {
  const r = await fetch(`${BASE}/console/${agency}/?q=${encodeURIComponent(email)}`, { headers: { "Cf-Access-Jwt-Assertion": token } });
  const ids = [...(await r.text()).matchAll(/id="row-([^"]+)"/g)].map((m) => m[1]);
  assert.equal(ids.length, 1, `one application of ${email}`);
  return ids[0];
}

/** Signs the session in as `email` with a token from the sandbox's Access (a cookie). */
async function signedIn(b, email) {
  await b.goto(`${BASE}/healthz`);
  await b.deleteCookies();
  await b.addCookie("CF_Authorization", await accessToken(email));
}

/** Clicks the submit button of the form posting to `action` (a path suffix). */
async function submit(b, action, label) {
  const button = await b.until(`the ${label} button`, (a) => document.querySelector(`form[action$="${a}"] button[type=submit]`), [action]);
  await b.click(button);
}

/** Types `text` into the field `#id` (emptied first). */
async function typeInto(b, id, text) {
  const field = await b.until(`#${id}`, (i) => document.getElementById(i), [id]);
  await b.clear(field);
  await b.click(field);
  await b.type(field, text);
  await b.until(`#${id} typed`, (i, v) => document.getElementById(i)?.value === v, [id, text], 5000);
}

/** Waits for the page after a form: the path, and the confirmation line. */
async function confirmed(b, what, pathPrefix) {
  return b.until(what, (p) => location.pathname.startsWith(p) && document.querySelector("p.done[role=status], div.secret[role=status]")?.textContent, [pathPrefix], 30_000);
}

for (const engine of engines) {
  test(`${engine}: an agent's decision reaches the applicant's widget; an admin invites, erases and rotates`, { timeout: 420_000 }, async () => {
    const b = await open(engine);
    const d = webdriver(b);
    try {
      // 1. The applicant, on the demo page, to the identity decision (Allow).
      const email = `lucia+challenge+${engine}${randomBytes(3).toString("hex")}@example.com`;
      await walk(d, { url: `${BASE}/`, email, at: async (step) => { if (step === "identity-done") throw STOP; } }).catch((e) => {
        if (e !== STOP) throw e;
      });
      const says = () => document.querySelector("tenant-onboarding").shadowRoot.textContent;
      assert.match(await d.run(says), /Identidad confirmada/);
      const tenantId = await tenantOf(email, "ag_demo", await accessToken("admin@demo.test"));

      // The agent records Deny, with a reason and a note, on the file.
      await signedIn(b, "agent@demo.test");
      await b.goto(`${BASE}/console/ag_demo/tenants/${tenantId}`);
      await b.click(await b.until("the Deny choice", () => document.querySelector('input[name=decision][value="Deny"]')));
      await b.click(await b.until("the reason", () => document.querySelector('#decision-reason option[value="identity_mismatch"]')));
      await b.until("the reason chosen", () => document.querySelector("#decision-reason").value === "identity_mismatch", [], 5000);
      await typeInto(b, "decision-note", "Photo does not match");
      await submit(b, "/decision", "record decision");
      const done = await confirmed(b, "the decision recorded", `/console/ag_demo/tenants/${tenantId}`);
      assert.match(done, /Decisión registrada|Decision recorded|Decisió registrada/);
      assert.ok(await b.run(() => Boolean(document.querySelector(".decision-Deny"))), "the file shows Deny");

      // Back on the demo page: the widget resumes and shows the agency's decision.
      await b.goto(`${BASE}/`);
      await d.until("the widget shows the Deny", (re) => new RegExp(re).test(document.querySelector("tenant-onboarding")?.shadowRoot?.textContent ?? ""), ["No hemos podido confirmar tu identidad"], 30_000);

      // 2. An agency of this engine's own, with an admin.
      const tag = randomBytes(4).toString("hex");
      const own = cli("add", "--name", `Browser ${engine} ${tag}`, "--origin", ORIGIN);
      const bossEmail = `boss-${tag}@browser.test`;
      cli("staff-add", "--id", own.id, "--email", bossEmail, "--role", "admin");
      await signedIn(b, bossEmail);
      await b.goto(`${BASE}/console/${own.id}/manage`);
      const invitee = `agent-${tag}@browser.test`;
      await typeInto(b, "staff-add-email", invitee);
      await b.click(await b.until("the agent role", () => document.querySelector('form[action$="/staff-add"] input[name=role][value="agent"]')));
      await submit(b, "/staff-add", "invite");
      await confirmed(b, "the invitation", `/console/${own.id}/manage`);
      assert.ok((await b.run(() => document.querySelector("#staff table")?.textContent ?? "")).includes(invitee), "the invitee is listed");

      // The invitee signs in through Access's pages.
      await b.deleteCookies();
      await b.goto(`${BASE}/console/`);
      await signInThroughAccess(b, invitee);
      await b.until("the invitee's pipeline", (id) => location.pathname === `/console/${id}/` && document.querySelector("header .who")?.textContent.includes("agent"), [own.id], 30_000);

      // 3. The admin erases an application, confirmed by the surname.
      const s = await api("/v1/sessions", { json: { publishableKey: own.publishableKey }, headers: { "CF-Connecting-IP": fakeIp() } });
      const body = tenantBody(`${engine}${tag}`);
      const created = await api("/v1/tenants", { token: s.json.sessionToken, json: body });
      assert.equal(created.status, 201, created.text);
      const doomed = created.json.tenantId;
      await signedIn(b, bossEmail);
      await b.goto(`${BASE}/console/${own.id}/tenants/${doomed}`);
      await typeInto(b, "erase-surname", body.applicant.name.last);
      await submit(b, "/erase", "erase");
      const erased = await confirmed(b, "the erasure", `/console/${own.id}/`);
      assert.match(erased, /borrado una solicitud|application was erased|esborrat una sol·licitud/);
      assert.ok([401, 404].includes((await api(`/v1/tenants/${doomed}/status`, { token: created.json.sessionToken })).status), "the applicant's token is gone");
      const file = await fetch(`${BASE}/console/${own.id}/tenants/${doomed}`, { headers: { "Cf-Access-Jwt-Assertion": await accessToken(bossEmail) } });
      assert.equal(file.status, 404, "the file is gone");
      const { devVars } = await import("../lib/env.mjs");
      let upstream;
      for (let i = 0; i < 40; i++) {
        upstream = await api(`/sandbox/v1/tenants/${doomed}`, { origin: null, headers: { "X-API-Key": devVars().SKOR_API_KEY } });
        if (upstream.status === 404) break;
        await sleep(500);
      }
      assert.equal(upstream.status, 404, "the upstream tenant is erased");

      // 4. A key rotation: the new key shown once, the old one working until the overlap ends.
      await b.goto(`${BASE}/console/${own.id}/manage`);
      await typeInto(b, "rotate-secret-key-overlap", "1");
      await submit(b, "/rotate-secret-key", "rotate the secret key");
      const fresh = await b.until("the new key", () => document.querySelector("#new-secret")?.textContent, [], 30_000);
      assert.match(fresh, /^sk_test_[0-9a-f]{48}$/);
      const list = (k) => api("/v1/agency/tenants", { token: k, origin: null });
      assert.equal((await list(fresh)).status, 200, "the new key works");
      assert.equal((await list(own.secretKey)).status, 200, "the old key works during the overlap");
      await b.goto(`${BASE}/console/${own.id}/manage`);
      assert.ok(!(await b.run(() => document.body.textContent)).includes(fresh), "shown once: not on the page again");
      await submit(b, "/end-overlap", "end the overlap");
      await confirmed(b, "the overlap ended", `/console/${own.id}/manage`);
      let old;
      for (let i = 0; i < 20; i++) {
        old = await list(own.secretKey);
        if (old.status === 401) break;
        await sleep(500);
      }
      assert.equal(old.status, 401, "the old key stops once the overlap is ended");
      assert.equal((await list(fresh)).status, 200);
    } catch (e) {
      await shot(engine, b);
      throw e;
    } finally {
      await b.close();
    }
  });
}

// The agency's kit, as an agency's developer gets it: the npm package
// (packages/tenant-onboarding) packed with `npm pack`, installed from that tarball
// into the React example (examples/react), type-checked there (and wrong props
// refused), rendered on the server, built with Vite and run in Chromium under React
// StrictMode against the running `wrangler dev`: one journey, one POST /v1/tenants,
// onStep with a numeric index, onComplete exactly once.
//
// Needs the example's dependencies (scripts/setup.sh installs them) and the edge on
// DEV_URL with pk_test_portal allowing http://127.0.0.1:8789 (scripts/dev-agencies.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BASE, ROOT, devAgencies } from "../lib/env.mjs";
import { onboardingSession } from "../../examples/react/agency-server.mjs";
import { randomDni } from "../lib/bodies.mjs";
import { countCalls, launch } from "../lib/browser.mjs";
import { applicant, BIG_PDF, PNG } from "../browser/journey.mjs";

const PKG = path.join(ROOT, "packages/tenant-onboarding");
const EXAMPLE = path.join(ROOT, "examples/react");
const KIT = path.join(ROOT, "target/kit");
const PORT = 8789;
const SITE = `http://127.0.0.1:${PORT}`;
const bin = (name) => path.join(EXAMPLE, "node_modules/.bin", name);

function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return r;
}
function ok(cmd, args, cwd, env) {
  const r = run(cmd, args, cwd, env);
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} (in ${path.relative(ROOT, cwd) || "."}) failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let packed;
let server;
let browser;

before(async () => {
  assert.ok(existsSync(bin("vite")), "examples/react has no node_modules: run scripts/setup.sh");
  mkdirSync(KIT, { recursive: true });
  // What `npm publish` would upload: the same file list, the same tarball.
  [packed] = JSON.parse(ok("npm", ["pack", "--json", "--pack-destination", KIT], PKG));
  // Into the example as an agency installs it. The old copy goes first: npm keeps an
  // installed 0.1.0 for a tarball of the same version whatever its bytes.
  rmSync(path.join(EXAMPLE, "node_modules/tenant-onboarding"), { recursive: true, force: true });
  ok("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", path.join(KIT, packed.filename)], EXAMPLE);

  const env = { VITE_EDGE_URL: BASE, VITE_PUBLISHABLE_KEY: "pk_test_portal" };
  // The production build must build; the pages under test are the development build
  // (.env.development sets NODE_ENV=development): only React's development build runs
  // StrictMode's effect → cleanup → effect, the case this is about.
  ok(bin("vite"), ["build", "--logLevel", "warn"], EXAMPLE, env);
  ok(bin("vite"), ["build", "--mode", "development", "--outDir", "dist-dev", "--emptyOutDir", "--logLevel", "warn"], EXAMPLE, env);
  server = await serve(path.join(EXAMPLE, "dist-dev"));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

test("npm pack: exactly the package's files, and a publishable package.json", () => {
  assert.deepEqual(packed.files.map((f) => f.path).sort(), ["README.md", "index.d.ts", "index.js", "package.json", "react.d.ts", "react.js", "widget.d.ts"]);
  const pkg = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
  assert.equal(pkg.private, undefined, "not private");
  assert.equal(pkg.version, "0.1.0");
  assert.equal(pkg.sideEffects, false);
  assert.ok(pkg.license);
  assert.deepEqual(Object.keys(pkg.exports), [".", "./react", "./package.json"]);
  assert.deepEqual(pkg.peerDependenciesMeta, { react: { optional: true } });
  assert.equal(pkg.dependencies, undefined, "no dependencies");
  assert.match(readFileSync(path.join(PKG, "react.js"), "utf8"), /^"use client";\n/, "react.js starts with \"use client\"");
  // The example runs the packed bytes, not the source folder.
  for (const f of ["index.js", "react.js", "index.d.ts"]) {
    assert.equal(readFileSync(path.join(EXAMPLE, "node_modules/tenant-onboarding", f), "utf8"), readFileSync(path.join(PKG, f), "utf8"), f);
  }
});

test("the package's widget types are the edge's /widget/onboarding.d.ts (one source)", () => {
  // (That file's MessageKey union is the widget's phrase table: a test in
  // crates/widget/src/i18n.rs checks it.)
  const shipped = readFileSync(path.join(EXAMPLE, "node_modules/tenant-onboarding/widget.d.ts"), "utf8");
  assert.equal(shipped, readFileSync(path.join(ROOT, "crates/widget/js/onboarding.d.ts"), "utf8"));
  assert.match(shipped, /export type MessageKey =\n {2}\| "Title"/);
});

test("TSX: the example type-checks (component and bare element); wrong props do not", () => {
  ok(bin("tsc"), ["--noEmit", "-p", EXAMPLE], EXAMPLE);

  // Each file holds one mistake; each must be reported, and nothing else (an error in
  // the package's own .d.ts would be one). Compiled with the example's settings and
  // its node_modules (linked), in a scratch folder.
  const dir = path.join(KIT, "negative");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.join(EXAMPLE, "node_modules"), path.join(dir, "node_modules"), "dir");
  const wrong = {
    "wrong-step-index.tsx": `import { TenantOnboarding } from "tenant-onboarding/react";
export const x = <TenantOnboarding edge="https://e.example" publishableKey="pk_test_portal" onStep={(d: { index: string }) => console.log(d.index)} />;`,
    "wrong-locale-element.tsx": `import type {} from "tenant-onboarding";
export const x = <tenant-onboarding publishable-key="pk_test_portal" locale="fr" />;`,
    "wrong-locale-component.tsx": `import { TenantOnboarding } from "tenant-onboarding/react";
export const x = <TenantOnboarding edge="https://e.example" publishableKey="pk_test_portal" locale="fr" />;`,
    "wrong-no-key-element.tsx": `import type {} from "tenant-onboarding";
export const x = <tenant-onboarding locale="es" />;`,
    "wrong-message-key.tsx": `import { TenantOnboarding } from "tenant-onboarding/react";
export const x = <TenantOnboarding edge="https://e.example" publishableKey="pk_test_portal" messages={{ ca: { NoSuchPhrase: "x" } }} />;`,
    "wrong-reference-from-the-page.tsx": `import { TenantOnboarding } from "tenant-onboarding/react";
export const x = <TenantOnboarding edge="https://e.example" publishableKey="pk_test_portal" externalReference="CRM-1" />;`,
    "wrong-no-credential.tsx": `import { load } from "tenant-onboarding";
export const x = load({ edge: "https://e.example" }).then((w) => w.mount(document.body, { locale: "es" }));`,
    "wrong-complete-detail.tsx": `import { load } from "tenant-onboarding";
export const x = load({ edge: "https://e.example" }).then((w) => w.mount(document.body, { publishableKey: "pk", onComplete: (d) => d.tenantId.toFixed() }));`,
  };
  for (const [name, source] of Object.entries(wrong)) writeFileSync(path.join(dir, name), `${source}\n`);
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: path.join(EXAMPLE, "tsconfig.json"), include: ["*.tsx"] }));
  const r = run(bin("tsc"), ["--noEmit", "--pretty", "false", "-p", dir], dir);
  assert.notEqual(r.status, 0, "the wrong props type-checked");
  const errors = r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
  for (const name of Object.keys(wrong)) assert.ok(errors.some((l) => l.startsWith(name)), `no error in ${name}:\n${r.stdout}`);
  assert.deepEqual(errors.filter((l) => !l.startsWith("wrong-")), [], "errors outside the wrong files");
});

test("SSR: the component renders its host on the server; load() refuses there", async () => {
  // Resolved from the example, as its server bundle would be.
  const require = createRequire(path.join(EXAMPLE, "package.json"));
  const { createElement } = require("react");
  const { renderToString } = require("react-dom/server");
  const { TenantOnboarding } = await import(pathToFileURL(require.resolve("tenant-onboarding/react")).href);
  const { load } = await import(pathToFileURL(require.resolve("tenant-onboarding")).href);
  assert.equal(typeof globalThis.window, "undefined");
  const html = renderToString(createElement(TenantOnboarding, { edge: BASE, publishableKey: "pk_test_portal", className: "apply", onComplete() {} }));
  assert.equal(html, '<div class="apply"></div>');
  await assert.rejects(load({ edge: BASE }), /needs a browser/);
});

/**
 * A static server for the built example on its own origin (the agency allows it); also
 * the agency's server (`/api/onboarding-session`, the example's agency-server.mjs, with
 * the portal agency's secret key), `/blank` (an empty page) and `/pkg/index.js` (the
 * installed package's load()) for calling load() by hand.
 */
function serve(dir) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };
  return new Promise((resolve, reject) => {
    const s = createServer((req, res) => {
      const p = path.posix.normalize(decodeURIComponent(new URL(req.url, SITE).pathname));
      let file = path.join(dir, p);
      if (p === "/blank") {
        res.writeHead(200, { "Content-Type": types[".html"] }).end("<!doctype html><title>blank</title>");
        return;
      }
      if (p === "/api/onboarding-session") {
        onboardingSession(req, res, { edge: BASE, secretKey: devAgencies().ag_portal.secretKey });
        return;
      }
      if (p === "/pkg/index.js") file = path.join(EXAMPLE, "node_modules/tenant-onboarding/index.js");
      else if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) file = path.join(dir, "index.html");
      res.writeHead(200, { "Content-Type": types[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
      res.end(readFileSync(file));
    });
    s.once("error", reject);
    s.listen(PORT, "127.0.0.1", () => resolve(s));
  });
}

test("React example under StrictMode: one journey, one POST /v1/tenants, callbacks with numbers, onComplete once", { timeout: 300_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const calls = countCalls(page);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });

  const host = "div.onboarding";
  const q = (sel) => page.locator(`${host} ${sel}`).first();
  const heading = (re, timeout = 30_000) => page.locator(`${host} h2`, { hasText: re }).waitFor({ timeout });
  const logged = () => page.evaluate(() => [...document.querySelectorAll("#events li")].map((li) => ({ name: li.dataset.event, detail: JSON.parse(li.textContent) })));
  const approveHosted = async (sel) => {
    const [popup] = await Promise.all([page.waitForEvent("popup"), q(sel).click()]);
    await popup.waitForLoadState();
    await popup.locator("button[value=approve]").click({ timeout: 15_000 });
    await popup.getByText(/registrado el resultado|outcome has been recorded|registrat el resultat/).waitFor({ timeout: 20_000 });
    if (!popup.isClosed()) await popup.close();
  };

  try {
    await page.goto(`${SITE}/`);
    await heading(/Antes de empezar/);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.appEffects), "2", "StrictMode ran App's effect twice (a development build)");
    assert.equal(await page.locator(`${host}`).count(), 1);
    // StrictMode's two effects both called load(): one pinned tag in the page.
    const tags = await page.evaluate(() => [...document.querySelectorAll('script[type="module"][src$="/onboarding.js"]')].map((s) => ({ src: s.src, integrity: s.integrity, crossOrigin: s.crossOrigin })));
    assert.equal(tags.length, 1, JSON.stringify(tags));
    assert.match(tags[0].src, /\/widget\/[0-9A-Za-z.-]+\/onboarding\.js$/);
    assert.match(tags[0].integrity, /^sha384-/);
    assert.equal(tags[0].crossOrigin, "anonymous");
    // A new locale prop switches language in place (setLocale): no new journey.
    const sessions = calls.sessions;
    await page.locator("select").selectOption("en");
    await heading(/Before you start/);
    await page.locator("select").selectOption("es");
    await heading(/Antes de empezar/);
    assert.equal(calls.sessions, sessions, "a locale change opened no session");

    // Consent, then details.
    await q('[name="consent.termsAccepted"]').check();
    await q('[name="consent.creditCheckAccepted"]').check();
    await q("#submit").click();
    await heading(/Tus datos/);
    for (const [name, value] of Object.entries(applicant(`kit+${Date.now()}@example.com`, randomDni()))) {
      await q(`[name="${name}"]`).fill(value);
    }
    await q("#submit").click();
    await heading(/Documentos/);
    assert.equal(calls.tenants, 1, "one POST /v1/tenants under StrictMode");
    assert.ok(calls.sessions >= 1 && calls.sessions <= 2, `sessions: ${calls.sessions}`);

    const ready = (await logged()).filter((e) => e.name === "ready");
    assert.equal(ready.length, 1, `onReady once: ${JSON.stringify(await logged())}`);
    const steps = (await logged()).filter((e) => e.name === "step");
    assert.ok(steps.length >= 2, `onStep calls: ${JSON.stringify(steps)}`);
    for (const s of steps) assert.equal(typeof s.detail.index, "number", `index is a number: ${JSON.stringify(s)}`);
    assert.deepEqual(steps.at(-1).detail, { step: "documents", index: 3 });

    // Documents.
    await q("input[name=files]").setInputFiles([
      { name: "nomina.pdf", mimeType: "application/pdf", buffer: BIG_PDF },
      { name: "extracto.png", mimeType: "image/png", buffer: PNG },
    ]);
    await q("#upload-all").waitFor();
    await q("#kind-2").selectOption("bank_statement");
    await q("#upload-all").click();
    await page.waitForFunction((h) => {
      const s = [...(document.querySelector(h)?.shadowRoot?.querySelectorAll(".fstate") ?? [])];
      return s.length === 2 && s.every((e) => /Subido|Aceptado|analizando/.test(e.textContent));
    }, host, { timeout: 60_000 });
    await q("#docs-next").click();
    await heading(/identidad/);

    // Identity: the sandbox's hosted page, approved (no step-up for a plain email).
    await approveHosted("#kyc");
    await q("#identity-next").waitFor({ timeout: 30_000 });
    await q("#identity-next").click();
    await heading(/bancaria/);

    // Bank, then the live status to the end.
    await approveHosted("#bank");
    await q("p.ok").waitFor({ timeout: 30_000 });
    await q("#bank-next").click();
    await heading(/completada/, 90_000);
    await page.locator("#completed", { hasText: "1" }).waitFor({ timeout: 15_000 });
    // Nothing late: a second journey or listener would complete again.
    await page.waitForTimeout(1500);
    assert.equal(await page.locator("#completed").textContent(), "1", "onComplete exactly once");
    const complete = (await logged()).filter((e) => e.name === "complete");
    assert.equal(complete.length, 1);
    assert.match(complete[0].detail.tenantId, /\S/);
    // The reference the agency's server put in the client token is the tenant's.
    const view = await fetch(`${BASE}/v1/agency/tenants/${complete[0].detail.tenantId}`, { headers: { Authorization: `Bearer ${devAgencies().ag_portal.secretKey}` } }).then((r) => r.json());
    assert.equal(view.externalReference, "CRM-4711");
    assert.equal(view.tenant.request.product.productId, "ref-123");
    assert.equal(calls.tenants, 1, "still one POST /v1/tenants");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("React example, the bare element: <tenant-onboarding> after load() runs its journey", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${SITE}/?element`);
    await page.locator("tenant-onboarding h2").first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('script[type="module"][src$="/onboarding.js"]').count(), 1);
    assert.match(await page.locator("tenant-onboarding").getAttribute("client-token"), /^ct_/, "the token from the agency's server");
  } finally {
    await context.close();
  }
});

test("load(): pins from the manifest, fetches nothing more when given both, refuses a wrong integrity and an unknown version", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const manifests = [];
  page.on("request", (r) => { if (r.url().endsWith("/widget/manifest.json")) manifests.push(r.url()); });
  try {
    await page.goto(`${SITE}/blank`);
    const m = await (await fetch(`${BASE}/widget/manifest.json`)).json();
    const r = await page.evaluate(async ({ edge, version, integrity }) => {
      const { load } = await import("/pkg/index.js");
      const tags = () => [...document.querySelectorAll('script[type="module"][src$="/onboarding.js"]')].map((s) => s.integrity);
      const out = {};
      out.unknown = await load({ edge, version: "0.0.0-none" }).then(() => "resolved", (e) => e.message);
      out.wrong = await load({ edge, version, integrity: `sha384-${"A".repeat(64)}` }).then(() => "resolved", (e) => e.message);
      out.tagsAfterWrong = tags().length;
      const pinned = await load({ edge, version, integrity });
      out.pinned = { version: pinned.version, mount: typeof pinned.mount, defined: !!customElements.get("tenant-onboarding") };
      const again = await load({ edge, version });
      out.same = again.mount === pinned.mount;
      out.tags = tags();
      return out;
    }, { edge: BASE, version: m.version, integrity: m.integrity });
    assert.match(r.unknown, /0\.0\.0-none is not published/);
    assert.match(r.wrong, /did not load/);
    assert.equal(r.tagsAfterWrong, 0, "the failed tag is gone, so a later load() writes a fresh one");
    assert.deepEqual(r.pinned, { version: m.version, mount: "function", defined: true });
    assert.ok(r.same, "the same module instance");
    assert.deepEqual(r.tags, [m.integrity], "one tag, with the entry's integrity");
    // Read once for the page (the unknown version; the version without integrity
    // reused it); version and integrity together need none.
    assert.equal(manifests.length, 1, manifests.join(", "));
    // A page whose own tag of the same entry has no integrity: load() with one refuses
    // instead of trusting that tag.
    const other = await context.newPage();
    await other.goto(`${SITE}/blank`);
    const refused = await other.evaluate(async ({ edge, version, integrity }) => {
      const tag = document.createElement("script");
      tag.type = "module";
      tag.src = new URL(`widget/${version}/onboarding.js`, edge).href;
      document.head.append(tag);
      const { load } = await import("/pkg/index.js");
      return load({ edge, version, integrity }).then(() => "resolved", (e) => e.message);
    }, { edge: `${BASE}/`, version: m.version, integrity: m.integrity });
    assert.match(refused, /already has .* without the integrity asked for/);
  } finally {
    await context.close();
  }
});

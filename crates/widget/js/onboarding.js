// <tenant-onboarding> loader. Holds no rules and builds no messages: it boots the
// wasm module (onboarding-core + the journey, in Rust), defines the element and passes
// its attributes on. No inline script, no eval: works under a strict CSP
// (script-src EDGE 'wasm-unsafe-eval'; style-src EDGE; connect-src EDGE wss://EDGE).
//
// scripts/package-widget.mjs bundles this file and the wasm-bindgen glue into one
// module per version and fills ./build-info.js with the Subresource Integrity of the
// files it loads, so a page that pins this module with `integrity` pins all of it: the
// wasm is fetched with `integrity`, the stylesheet linked with `integrity`, a language
// catalog fetched with `integrity`.
import init, { mount as mountWasm, locale as pickLocale } from "./widget.js";
import info from "./build-info.js";

const here = new URL(import.meta.url);
let booting;
/** Loads the wasm once; a failed load is tried again by the next mount. */
function boot() {
  booting ??= init({
    // Credentials as a `<link rel="preload" crossorigin="anonymous">` has them
    // (none cross-origin), so a page's preload of the wasm is the download used here.
    module_or_path: fetch(new URL("./widget_bg.wasm", here), { integrity: info.integrity.wasm }),
  }).catch((error) => {
    booting = undefined;
    throw error;
  });
  return booting;
}

// Started as soon as this module runs, before any mount: the wasm's download and
// compilation, and the stylesheet (preloaded with its integrity; the shadow root's
// link then finds it).
const styleUrl = new URL("./onboarding.css", here).href;
boot().catch(() => {});
if (typeof document !== "undefined") {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "style";
  link.href = styleUrl;
  link.integrity = info.integrity.css;
  link.crossOrigin = "anonymous";
  document.head.append(link);
}

// Languages: Spanish is in the wasm; each other language is a file of this version
// (core's texts and field names, the widget's phrases), fetched once, with its
// integrity, by the first journey that speaks it.
const catalogFiles = new Map();
function catalogFile(tag) {
  let file = catalogFiles.get(tag);
  if (!file) {
    const integrity = info.integrity.i18n[tag];
    file = integrity
      ? fetch(new URL(`./i18n.${tag}.json`, here), { integrity }).then((r) => r.json())
      : Promise.reject(Error(tag));
    file.catch(() => catalogFiles.delete(tag));
    catalogFiles.set(tag, file);
  }
  return file;
}

/**
 * The catalog the wasm speaks `tag` from, with the agency's own phrases
 * (`messages[tag]`, keyed as in onboarding.d.ts) in place: plain text, escaped by the
 * widget like any other. Every string of it in one text, NUL-separated (the wasm's
 * `Catalog::load`). `null`: the compiled-in Spanish (also when the file cannot be had,
 * an error or a 404's JSON: the journey goes on in Spanish rather than not at all).
 */
async function catalog(tag, messages) {
  const own = messages?.[tag];
  if (tag === "es" && !own) return null;
  const file = await catalogFile(tag);
  const ui = file.ui.slice();
  for (const [key, text] of Object.entries(own ?? {})) {
    const i = file.keys.indexOf(key);
    if (i < 0 || typeof text != "string") console.warn(`<tenant-onboarding>: no phrase messages.${tag}.${key}`);
    else ui[i] = text.replaceAll("\0", "");
  }
  return [...file.core, ...file.labels, ...ui].join("\0");
}

// `mount`'s callbacks and the events they follow (each gets the event's `detail`).
const CALLBACKS = [["ready", "onReady"], ["step", "onStep"], ["complete", "onComplete"], ["exit", "onExit"], ["error", "onError"]];
/** Adds `options`' callbacks as listeners on `el`; returns their removal. */
function listen(el, options) {
  const added = CALLBACKS.filter(([, key]) => typeof options[key] === "function").map(([name, key]) => {
    const listener = (e) => options[key](e.detail);
    el.addEventListener(`onboarding:${name}`, listener);
    return () => el.removeEventListener(`onboarding:${name}`, listener);
  });
  return () => added.forEach((remove) => remove());
}

/** The widget's version (also in /widget/manifest.json). */
export const version = info.version;

// Trusted Types: the widget writes only its own markup (every text escaped in Rust), and
// does so through one policy, "tenant-onboarding", so a page that enforces Trusted
// Types (require-trusted-types-for 'script'; trusted-types tenant-onboarding) runs it.
// Made at the first mount where the browser has the API: a page cannot be asked whether
// it enforces them without a violation report, and on a page that does not, a policy
// that returns its input grants nothing a string would not.
let policy;
function writeHtml(node, html) {
  if (policy === undefined) {
    try {
      policy = self.trustedTypes?.createPolicy("tenant-onboarding", { createHTML: (s) => s }) ?? null;
    } catch {
      // The page's trusted-types directive does not name it (its report says so).
      policy = null;
    }
  }
  node.innerHTML = policy ? policy.createHTML(html) : html;
}

// One journey per host: the latest mount of a host replaces the journey before it,
// which is destroyed before the new one draws.
const journeys = new WeakMap();
// The session text each client token opened in this page's life.
const opened = new Map();

/**
 * Mounts the journey into `el`'s shadow root (see onboarding.d.ts for the options).
 * Resolves to a handle with `setLocale(locale)`, `step`, `deviceSessionId`,
 * `destroy()` and `reset()`.
 */
export function mount(el, options = {}) {
  const previous = journeys.get(el);
  if (options.externalReference !== undefined) {
    // Only the agency's server sets it now (the edge refuses one from a browser).
    console.warn("<tenant-onboarding>: externalReference is ignored: pass it to POST /v1/agency/sessions on the agency's server and give the widget the clientToken it returns");
    options = { ...options, externalReference: undefined };
  }
  // The session the journey opens first, asked for while the wasm downloads and
  // compiles: its 2xx text is handed over (anything else, the journey asks again). A
  // client token opens it (once) when the page has one, else the publishable key.
  const credential = options.clientToken
    ? { clientToken: options.clientToken }
    : options.publishableKey && { publishableKey: options.publishableKey };
  const session = credential && (opened.get(options.clientToken) ?? fetch(`${options.apiBase ?? here.origin}/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(credential),
  }).then((r) => r.ok && r.text(), () => 0));
  if (options.clientToken) {
    // A client token opens one session: a remount on this page (an SPA's route, a
    // React remount) takes the same one instead of spending the token again.
    opened.set(options.clientToken, session);
    session.then((text) => text || opened.delete(options.clientToken));
  }
  // A language named in the options: its catalog downloads with the wasm (a guess at
  // the tag's language only warms the cache; the wasm still decides which it speaks).
  const named = String(options.locale ?? "").split(/[-_]/)[0].toLowerCase();
  if (named !== "es" && info.integrity.i18n[named]) catalogFile(named).catch(() => {});
  const loadCatalog = (tag) => catalog(tag, options.messages).catch(() => null);
  const next = (async () => {
    const old = previous && (await previous.catch(() => null));
    old?.destroy();
    const [, sessionText] = await Promise.all([boot(), session]);
    // What a client token granted: the agency server's prefill under the page's own,
    // its language unless the page named one; drawn so from the first frame.
    let granted;
    try { granted = sessionText && JSON.parse(sessionText).granted; } catch {}
    if (granted) {
      options = {
        ...options,
        locale: options.locale || granted.locale,
        prefill: { ...granted.prefill, ...options.prefill },
      };
    }
    const firstCatalog = await loadCatalog(pickLocale(options.locale));
    if (journeys.get(el) !== next) return null; // replaced while loading
    const journey = mountWasm(el, {
      apiBase: here.origin,
      styleUrl,
      styleIntegrity: info.integrity.css,
      ...options,
      writeHtml,
      sessionText,
      loadCatalog,
      firstCatalog,
    });
    // In the same task as the mount: the journey's first event (ready) comes after.
    return handle(el, options, journey, listen(el, options));
  })();
  journeys.set(el, next);
  next.catch((error) => {
    if (journeys.get(el) === next) journeys.delete(el);
    options.onError?.({ code: "boot_failed", message: String(error) });
  });
  return next;
}

function handle(el, options, journey, unlisten) {
  return {
    get step() { return journey?.step ?? ""; },
    get deviceSessionId() { return journey?.deviceSessionId ?? ""; },
    setLocale(locale) { journey?.setLocale(locale); },
    /** Ends this journey (idempotent; a later journey on the host is left alone). */
    destroy() {
      unlisten();
      journey?.destroy();
      journey?.free();
      journey = null;
    },
    /** Forgets the saved progress and starts over; resolves to the new handle. */
    reset() {
      // The journey's resume key (web/app.rs, `storage_key`): per key and product, or
      // a client token's resume tag.
      sessionStorage.removeItem(options.clientToken
        ? `tenant-onboarding:${options.clientToken.split(".")[0]}`
        : `tenant-onboarding:${options.publishableKey ?? ""}:${options.productId ?? ""}`);
      return mount(el, options);
    },
  };
}

const ATTRS = [
  "client-token", "publishable-key", "locale", "api-base", "device-data-collector-url", "product-id",
  "requested-amount", "terms-url", "credit-check-url", "external-reference",
  "prefill-first-name", "prefill-last-name", "prefill-email", "prefill-phone",
];
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

class TenantOnboarding extends HTMLElement {
  static get observedAttributes() { return ATTRS; }
  static get version() { return info.version; }

  connectedCallback() {
    // Moved within the page (disconnected and reconnected in one task): same journey.
    this._leaving = false;
    if (!this._handle) this._start();
  }

  disconnectedCallback() {
    this._leaving = true;
    queueMicrotask(() => {
      if (!this._leaving || this.isConnected) return;
      const handle = this._handle;
      this._handle = undefined;
      handle?.then((h) => h?.destroy());
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this._handle) return;
    if (name === "locale") {
      if (value) this._handle.then((h) => h?.setLocale(value));
      return;
    }
    // Another key, product, …: a fresh journey for it, once however many change.
    if (this._restart) return;
    this._restart = true;
    queueMicrotask(() => {
      this._restart = false;
      if (this.isConnected) this._start();
    });
  }

  _start() {
    const options = {};
    for (const name of ATTRS) {
      const value = this.getAttribute(name);
      if (value === null) continue;
      // `prefill-email="…"` is `prefill: {email: "…"}`, as `mount` takes it.
      const prefill = /^prefill-(.+)$/.exec(name);
      if (prefill) (options.prefill ??= {})[camel(prefill[1])] = value;
      else options[camel(name)] = value;
    }
    const handle = mount(this, options).catch((error) => {
      if (this._handle === handle) this._handle = undefined;
      this.dispatchEvent(new CustomEvent("onboarding:error", {
        bubbles: true, composed: true, detail: { code: "boot_failed", message: String(error) },
      }));
    });
    this._handle = handle;
  }
}

const defined = customElements.get("tenant-onboarding");
if (!defined) customElements.define("tenant-onboarding", TenantOnboarding);
else if (defined.version !== info.version) {
  console.warn(`<tenant-onboarding>: ${defined.version} already defines the element; ${info.version} is not used`);
}

// <tenant-onboarding> loader. Holds no rules and builds no messages: it boots the
// wasm module (onboarding-core + the journey, in Rust), defines the element and passes
// its attributes on. No inline script, no eval: works under a strict CSP
// (script-src EDGE 'wasm-unsafe-eval'; style-src EDGE; connect-src EDGE wss://EDGE).
//
// scripts/package-widget.mjs bundles this file and the wasm-bindgen glue into one
// module per version and fills ./build-info.js with the Subresource Integrity of the
// two files it loads, so a page that pins this module with `integrity` pins all of it:
// the wasm is fetched with `integrity`, the stylesheet linked with `integrity`.
import init, { mount as mountWasm } from "./widget.js";
import info from "./build-info.js";

const here = new URL(import.meta.url);
let booting;
function boot() {
  booting ??= init({
    module_or_path: fetch(new URL("./widget_bg.wasm", here), {
      integrity: info.integrity.wasm,
      credentials: "omit",
    }),
  });
  return booting;
}

/** The widget's version (also in /widget/manifest.json). */
export const version = info.version;

/**
 * Mounts the journey into `el`'s shadow root (see onboarding.d.ts for the options).
 * Resolves to a handle with `setLocale(locale)`, `step`, `deviceSessionId`, `destroy()`.
 */
export async function mount(el, options = {}) {
  await boot();
  return mountWasm(el, {
    apiBase: here.origin,
    styleUrl: new URL("./onboarding.css", here).href,
    styleIntegrity: info.integrity.css,
    ...options,
  });
}

const ATTRS = [
  "publishable-key", "locale", "api-base", "device-data-collector-url", "product-id",
  "requested-amount", "terms-url", "credit-check-url",
];
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

class TenantOnboarding extends HTMLElement {
  static get observedAttributes() { return ["locale"]; }

  connectedCallback() {
    if (this._handle) return;
    const options = {};
    for (const name of ATTRS) {
      const value = this.getAttribute(name);
      if (value !== null) options[camel(name)] = value;
    }
    this._handle = mount(this, options).catch((error) => {
      this._handle = undefined;
      this.dispatchEvent(new CustomEvent("onboarding:error", {
        bubbles: true, composed: true, detail: { code: "boot_failed", message: String(error) },
      }));
    });
  }

  disconnectedCallback() {
    const handle = this._handle;
    this._handle = undefined;
    handle?.then((h) => h?.destroy());
  }

  attributeChangedCallback(name, old, value) {
    if (name === "locale" && value && old !== value) this._handle?.then((h) => h?.setLocale(value));
  }
}

if (!customElements.get("tenant-onboarding")) customElements.define("tenant-onboarding", TenantOnboarding);

// <tenant-onboarding> loader. Holds no rules and builds no messages: it boots the
// wasm module (onboarding-core + the journey, in Rust) and defines the element.
import init, { mount as mountWasm } from "./widget.js";

let booting;
function boot() {
  booting ??= init({ module_or_path: new URL("./widget_bg.wasm", import.meta.url) });
  return booting;
}

/** Mount the journey into `el` (see onboarding.d.ts for the options). */
export async function mount(el, options = {}) {
  await boot();
  return mountWasm(el, options);
}

const ATTRS = ["publishable-key", "locale", "api-base", "device-data-collector-url", "product-id", "requested-amount"];

class TenantOnboarding extends HTMLElement {
  connectedCallback() {
    if (this._mounted) return;
    this._mounted = true;
    const options = {};
    for (const name of ATTRS) {
      const value = this.getAttribute(name);
      if (value !== null) options[name.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value;
    }
    mount(this, options).catch((error) => {
      this.dispatchEvent(new CustomEvent("onboarding:error", { bubbles: true, composed: true, detail: { code: "boot_failed", message: String(error) } }));
    });
  }
}

if (!customElements.get("tenant-onboarding")) customElements.define("tenant-onboarding", TenantOnboarding);

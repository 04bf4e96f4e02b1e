// Types for /widget/onboarding.js.

/** Options of `mount()`; the element takes the same as kebab-case attributes. */
export interface OnboardingOptions {
  /** The agency's publishable key (`pk_…`); its allowed origins must include the page's. */
  publishableKey: string;
  /** `"es"` or `"en"`; default: the browser's languages (Spanish when neither). */
  locale?: "es" | "en" | string;
  /** Origin of the edge API; default: where onboarding.js was loaded from. */
  apiBase?: string;
  /** A device-data collector; the widget requests `<url>?s=<deviceSessionId>` as an image. */
  deviceDataCollectorUrl?: string;
  /** The property reference sent as `product.productId`. */
  productId?: string;
  /** The monthly rent sent as `product.requestedAmount` (decimal string). */
  requestedAmount?: string;
  /** Stylesheet linked into the shadow root; default: onboarding.css beside onboarding.js. */
  styleUrl?: string;
  /** Terms and privacy page linked from the consent step. */
  termsUrl?: string;
  /** Credit-check information page linked from the consent step. */
  creditCheckUrl?: string;
}

export type OnboardingStep = "consent" | "details" | "documents" | "identity" | "bank" | "summary" | "done";

/** A mounted journey. */
export interface Onboarding {
  /** Switch language; entered data is kept. */
  setLocale(locale: "es" | "en" | string): void;
  /** The current step. */
  readonly step: OnboardingStep;
  /** This onboarding's device session id (32 lowercase hex; empty before consent). */
  readonly deviceSessionId: string;
  /**
   * End this journey for good: listeners, live status, uploads and the popup are
   * released and the shadow root emptied. Idempotent; a journey mounted on the host
   * after this one is left alone.
   */
  destroy(): void;
  /** Forget the saved progress (per key and product) and start over on the same host. */
  reset(): Promise<Onboarding | null>;
}

/**
 * Mounts the journey into `el`'s (open) shadow root. One journey per host: mounting a
 * host that carries one replaces it (React StrictMode's mount → cleanup → mount runs
 * one journey). Resolves to `null` when a later mount replaced it before it drew.
 */
export function mount(el: HTMLElement, options: OnboardingOptions): Promise<Onboarding | null>;

/**
 * DOM events, dispatched on the `<tenant-onboarding>` element (or the `mount` host);
 * they bubble and cross the shadow boundary (`composed`). Details never hold personal data.
 */
export interface OnboardingEventMap {
  /** The first step is on screen. */
  "onboarding:ready": CustomEvent<{ step: OnboardingStep; locale: "es" | "en" }>;
  /** The applicant moved to `step` (`index` 1-based, as a string). */
  "onboarding:step": CustomEvent<{ step: OnboardingStep; index: string }>;
  /** Every mandatory check is complete. */
  "onboarding:complete": CustomEvent<{ tenantId: string }>;
  /** The applicant pressed Exit. */
  "onboarding:exit": CustomEvent<{ step: OnboardingStep }>;
  /** Something failed: `session_expired` (the journey restarted), `network_error`, a problem `code`, or `boot_failed`. */
  "onboarding:error": CustomEvent<{ code: string; message?: string }>;
}

declare global {
  interface HTMLElementTagNameMap {
    "tenant-onboarding": HTMLElement;
  }
  interface HTMLElementEventMap extends OnboardingEventMap {}
}

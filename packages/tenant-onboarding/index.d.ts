// Types for tenant-onboarding: load(), and the <tenant-onboarding> element in JSX
// (React 18 and 19). The widget module's own types (mount() and its options, the
// element, its events) are widget.d.ts: the edge's /widget/onboarding.d.ts, copied in
// when the package is packed (scripts/copy-types.mjs).
import type { Mount, TenantOnboardingAttributes } from "./widget.js";

export type {
  CompleteDetail, ErrorDetail, ExitDetail, Locale, MessageKey, Mount, Onboarding,
  OnboardingCallbacks, OnboardingCredential, OnboardingEventMap, OnboardingMessages,
  OnboardingOptions, OnboardingPrefill, OnboardingSettings, OnboardingStep, ReadyDetail,
  StepDetail, TenantOnboardingAttributes, TenantOnboardingElement,
  TenantOnboardingSettingAttributes,
} from "./widget.js";

/** The loaded widget module. */
export interface Widget {
  /** The widget version that runs (as in the edge's manifest). */
  version: string;
  mount: Mount;
}

export interface LoadOptions {
  /** The edge's origin, e.g. `https://onboarding.example.com`. */
  edge: string;
  /** A published widget version to pin; default: the manifest's latest. */
  version?: string;
  /**
   * The entry's `sha384-…` integrity, given with `version` (alone it is refused); with
   * both, the manifest is not read. Default: the manifest's for the version.
   */
  integrity?: string;
}

/**
 * Puts `EDGE/widget/<version>/onboarding.js` into the page once (with its integrity,
 * `crossorigin="anonymous"`) and resolves once `<tenant-onboarding>` is defined. The
 * version and integrity come from `EDGE/widget/manifest.json` unless both are given.
 * Calling it again, or with the entry already in the page, reuses it. Rejects outside
 * a browser, and when the entry does not load (network, integrity).
 */
export function load(options: LoadOptions): Promise<Widget>;

/**
 * JSX props of the element: its attributes and what any host element takes. Written
 * without React's own types, so these declarations also compile where React is not
 * installed (`skipLibCheck: false`); `data-*` and `aria-*` attributes pass as in any
 * JSX. Listen to the events with `ref` and `addEventListener`.
 */
export type TenantOnboardingJSXProps = TenantOnboardingAttributes & HostProps;

/** What any host element takes in JSX. */
export interface HostProps {
  id?: string;
  class?: string;
  className?: string;
  slot?: string;
  hidden?: boolean;
  title?: string;
  lang?: string;
  style?: unknown;
  key?: unknown;
  ref?: unknown;
}

// (The element's tag and event maps are declared by widget.d.ts.)
declare global {
  // React 18's types (and earlier) read intrinsic elements from the global namespace.
  namespace JSX {
    interface IntrinsicElements {
      "tenant-onboarding": TenantOnboardingJSXProps;
    }
  }
}

// React 19's types read them from React.JSX only (React 18.3's React.JSX extends the
// global one above: the same type, so both agree).
declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "tenant-onboarding": TenantOnboardingJSXProps;
    }
  }
}

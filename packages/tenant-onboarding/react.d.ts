import type { CSSProperties, ReactElement } from "react";
import type { LoadOptions, OnboardingOptions } from "./index.js";

export type * from "./index.js";

/**
 * Props of `<TenantOnboarding>`: where the widget comes from (`edge`, and a pinned
 * `version`/`integrity`), the journey's options and callbacks, and the host's
 * `className`/`style`. A change of `edge`, `version`, `integrity`, `apiBase`,
 * `clientToken`, `publishableKey` or `productId` starts a fresh journey;
 * `locale` switches language in place; callbacks are always the latest ones given;
 * other options apply from the next journey.
 */
export type TenantOnboardingProps = LoadOptions & OnboardingOptions & {
  className?: string;
  style?: CSSProperties;
};

/** The onboarding journey in a `<div>`, mounted in the browser (SSR- and StrictMode-safe). */
export function TenantOnboarding(props: TenantOnboardingProps): ReactElement;

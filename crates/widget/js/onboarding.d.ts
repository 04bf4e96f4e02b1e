// Types of the widget module, EDGE/widget/<version>/onboarding.js (served beside it
// as onboarding.d.ts): mount() and its options, the <tenant-onboarding> element, its
// attributes and events. The npm package (packages/tenant-onboarding) ships this same
// file as widget.d.ts (copied when it is packed) and adds load() and JSX.

/** The widget's languages; Spanish is the default. */
export type Locale = "es" | "en" | "ca";

/** The journey's steps, in order. */
export type OnboardingStep = "consent" | "details" | "documents" | "identity" | "bank" | "summary" | "done";

/**
 * A phrase of the widget that `messages` may override (the keys of the widget's own
 * table; `{0}`, `{1}` in a phrase are filled in by the widget).
 */
export type MessageKey =
  | "Title"
  | "StepsLabel"
  | "StepOf"
  | "Language"
  | "Continue"
  | "Back"
  | "Exit"
  | "Optional"
  | "Working"
  | "FixErrors"
  | "NetworkError"
  | "GenericError"
  | "ContactAgency"
  | "SessionExpired"
  | "Resumed"
  | "UnavailableTitle"
  | "LinkExpired"
  | "UnavailableBody"
  | "StepConsent"
  | "StepDetails"
  | "StepDocuments"
  | "StepIdentity"
  | "StepBank"
  | "StepSummary"
  | "StepDone"
  | "ConsentIntro"
  | "ConsentTermsLink"
  | "ConsentCreditLink"
  | "NewWindow"
  | "Start"
  | "Applicant"
  | "CoApplicant"
  | "AddCoApplicant"
  | "Identity"
  | "Contact"
  | "AddressLegend"
  | "WorkLegend"
  | "PhoneHint"
  | "IdNumberHint"
  | "CountryHint"
  | "Passport"
  | "Permanent"
  | "Temporary"
  | "SelfEmployed"
  | "IncomeHint"
  | "DocumentsIntro"
  | "DropHere"
  | "ChooseFiles"
  | "TakePhoto"
  | "FilesLabel"
  | "DocKind"
  | "KindPayslip"
  | "KindBankStatement"
  | "KindTaxReturn"
  | "KindIdentityDocument"
  | "KindEmploymentContract"
  | "KindOther"
  | "Upload"
  | "UploadAll"
  | "Cancel"
  | "Retry"
  | "Remove"
  | "FileReady"
  | "FileUploading"
  | "FileUploaded"
  | "FileCancelled"
  | "FileFailed"
  | "FileAnalysing"
  | "FileAccepted"
  | "FileRejected"
  | "UploadOf"
  | "NeedDocument"
  | "ClaveIntro"
  | "ClaveButton"
  | "ClavePending"
  | "ClaveDone"
  | "ClaveFailed"
  | "IdentityIntro"
  | "KycButton"
  | "KycPending"
  | "KycReopen"
  | "KycVerified"
  | "KycRejected"
  | "KycRetry"
  | "InquiryRunning"
  | "QuestionsIntro"
  | "SendAnswers"
  | "DecisionAllow"
  | "DecisionDeny"
  | "DecisionReview"
  | "BankIntro"
  | "BankButton"
  | "BankPending"
  | "BankDone"
  | "BankFailed"
  | "Skip"
  | "SummaryIntro"
  | "SummaryLive"
  | "RowDetails"
  | "RowDocuments"
  | "RowClave"
  | "RowKyc"
  | "RowIdentity"
  | "RowBank"
  | "RowForensic"
  | "StNotStarted"
  | "StPending"
  | "StProcessing"
  | "StDone"
  | "StFailed"
  | "StVerified"
  | "StRejected"
  | "StAccepted"
  | "StAllow"
  | "StChallenge"
  | "StDeny"
  | "StReview"
  | "StWaitingForDocuments"
  | "StWaitingForKyc"
  | "DoneText"
  | "Reference";

/** Phrase overrides per locale; a phrase not given keeps the widget's own text. */
export type OnboardingMessages = { [L in Locale]?: Partial<Record<MessageKey, string>> };

/** Shown in the details step, editable, and validated like typed values. */
export interface OnboardingPrefill {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
}

/** `onboarding:ready`: the first step is on screen. */
export interface ReadyDetail { step: OnboardingStep; locale: Locale }
/** `onboarding:step`: the applicant moved to `step`; `index` is 1-based. */
export interface StepDetail { step: OnboardingStep; index: number }
/** `onboarding:complete`: every mandatory check is complete. */
export interface CompleteDetail { tenantId: string }
/** `onboarding:exit`: the applicant pressed Exit. */
export interface ExitDetail { step: OnboardingStep }
/**
 * `onboarding:error`: `forbidden_origin` (the key is not allowed on this page's origin),
 * `client_token_invalid` (the client token expired, was used before or is not this
 * edge's: reload the page for a new one),
 * `session_expired` (the journey restarted), `network_error`, another problem `code` of
 * the edge, or `boot_failed` (the widget could not start).
 */
export interface ErrorDetail { code: string; message?: string }

/**
 * The widget's DOM events, dispatched on the `<tenant-onboarding>` element (or the
 * `mount` host); they bubble and cross the shadow boundary. Details never hold
 * personal data.
 */
export interface OnboardingEventMap {
  "onboarding:ready": CustomEvent<ReadyDetail>;
  "onboarding:step": CustomEvent<StepDetail>;
  "onboarding:complete": CustomEvent<CompleteDetail>;
  "onboarding:exit": CustomEvent<ExitDetail>;
  "onboarding:error": CustomEvent<ErrorDetail>;
}

/** Called with the event's `detail`; the listeners go with `destroy()`. */
export interface OnboardingCallbacks {
  onReady?: (detail: ReadyDetail) => void;
  onStep?: (detail: StepDetail) => void;
  onComplete?: (detail: CompleteDetail) => void;
  onExit?: (detail: ExitDetail) => void;
  onError?: (detail: ErrorDetail) => void;
}

/**
 * What opens the session: a client token (recommended), or the publishable key alone.
 */
export type OnboardingCredential =
  | {
    /**
     * A single-use client token (`ct_…`) the agency's server made for this page view
     * with `POST /v1/agency/sessions` (secret key): it fixes the agency's reference and
     * the product, which the browser cannot change, and may carry a prefill and a
     * language. Preferred over the publishable key alone.
     */
    clientToken: string;
    /** Not needed with a client token (ignored). */
    publishableKey?: string;
  }
  | {
    clientToken?: undefined;
    /**
     * The agency's publishable key (`pk_…`), for a site without a server; its allowed
     * origins must include the page's.
     */
    publishableKey: string;
  };

/** Options of `mount()`; the element takes the same as kebab-case attributes. */
export type OnboardingOptions = OnboardingSettings & OnboardingCredential;

/** Everything `mount()` takes besides the credential. */
export interface OnboardingSettings extends OnboardingCallbacks {
  /** Default: the browser's languages (Spanish when none of these). */
  locale?: Locale;
  /** Origin of the edge API; default: where the widget was loaded from. */
  apiBase?: string;
  /** A device-data collector; the widget requests `<url>?s=<deviceSessionId>` as an image. */
  deviceDataCollectorUrl?: string;
  /** The property reference sent as `product.productId`. */
  productId?: string;
  /** The monthly rent sent as `product.requestedAmount` (decimal string). */
  requestedAmount?: string;
  /** Stylesheet linked into the shadow root; default: the version's own onboarding.css. */
  styleUrl?: string;
  /** Terms and privacy page linked from the consent step. */
  termsUrl?: string;
  /** Credit-check information page linked from the consent step. */
  creditCheckUrl?: string;
  /** The applicant's data the agency already has. */
  prefill?: OnboardingPrefill;
  /**
   * @deprecated The agency's reference is set by its server only: pass it to
   * `POST /v1/agency/sessions` and give the widget the `clientToken`. A reference from
   * the page is ignored (with a console warning); the edge refuses one from a browser.
   */
  externalReference?: never;
  /** Phrase overrides per locale. */
  messages?: OnboardingMessages;
}

/** A mounted journey. */
export interface Onboarding {
  /** Switch language; entered data is kept. */
  setLocale(locale: Locale): void;
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

/** `mount`'s type. */
export type Mount = typeof mount;

/** The widget version that runs (as in the edge's manifest). */
export const version: string;

/** `<tenant-onboarding>`. */
export interface TenantOnboardingElement extends HTMLElement {}

/** The element's attributes (the options, kebab-case; `prefill` as four attributes). */
export type TenantOnboardingAttributes = TenantOnboardingSettingAttributes &
  ({ "client-token": string; "publishable-key"?: string } | { "client-token"?: undefined; "publishable-key": string });

/** The element's attributes besides the credential. */
export interface TenantOnboardingSettingAttributes {
  locale?: Locale;
  "api-base"?: string;
  "device-data-collector-url"?: string;
  "product-id"?: string;
  "requested-amount"?: string;
  "terms-url"?: string;
  "credit-check-url"?: string;
  /** @deprecated See `OnboardingSettings.externalReference`. */
  "external-reference"?: never;
  "prefill-first-name"?: string;
  "prefill-last-name"?: string;
  "prefill-email"?: string;
  "prefill-phone"?: string;
}

declare global {
  interface HTMLElementTagNameMap {
    "tenant-onboarding": TenantOnboardingElement;
  }
  interface HTMLElementEventMap extends OnboardingEventMap {}
}

// Types for /widget/onboarding.js.

/** Options of `mount()`; the element takes the same as kebab-case attributes. */
export interface OnboardingOptions {
  /** The agency's publishable key (`pk_…`); its allowed origins must include the page's. */
  publishableKey: string;
  /** `"es"`, `"en"` or `"ca"`; default: the browser's languages (Spanish when none). */
  locale?: Locale | string;
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
  /**
   * The agency's own id for this applicant (its CRM record): 1–64 visible ASCII
   * characters (`!`–`~`). Kept with the tenant; in the agency view, its list and every
   * relayed event as `externalReference`. Attribute: `external-reference`.
   */
  externalReference?: string;
  /**
   * What the page already knows: shown in the form, editable, and checked by the same
   * rules as typed input (a value they refuse shows their message). Attributes:
   * `prefill-first-name`, `prefill-last-name`, `prefill-email`, `prefill-phone`.
   */
  prefill?: { firstName?: string; lastName?: string; email?: string; phone?: string };
  /**
   * The agency's own phrases, per language, replacing the widget's (plain text, shown
   * escaped). An unknown key is ignored with a console warning.
   */
  messages?: Partial<Record<Locale, Partial<Record<MessageKey, string>>>>;
  /** The first step is on screen. */
  onReady?: (detail: OnboardingEventMap["onboarding:ready"]["detail"]) => void;
  /** The applicant moved to another step. */
  onStep?: (detail: OnboardingEventMap["onboarding:step"]["detail"]) => void;
  /** Every mandatory check is complete. */
  onComplete?: (detail: OnboardingEventMap["onboarding:complete"]["detail"]) => void;
  /** The applicant pressed Exit. */
  onExit?: (detail: OnboardingEventMap["onboarding:exit"]["detail"]) => void;
  /** Something failed (also a module that could not load: `boot_failed`). */
  onError?: (detail: OnboardingEventMap["onboarding:error"]["detail"]) => void;
}

/** The built-in languages: Spanish (the default), English, Catalan. */
export type Locale = "es" | "en" | "ca";

/** The widget's phrases an agency may replace (`messages`). */
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

export type OnboardingStep = "consent" | "details" | "documents" | "identity" | "bank" | "summary" | "done";

/** A mounted journey. */
export interface Onboarding {
  /** Switch language; entered data is kept. */
  setLocale(locale: Locale | string): void;
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
  "onboarding:ready": CustomEvent<{ step: OnboardingStep; locale: Locale }>;
  /** The applicant moved to `step` (`index`: its position, 1-based). */
  "onboarding:step": CustomEvent<{ step: OnboardingStep; index: number }>;
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

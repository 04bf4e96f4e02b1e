// Type-checked by tests/schema/client-check.mjs (never run): the client types that
// openapi-typescript generates from crates/edge/openapi.json must fit what the tests
// send and what the widget's published .d.ts promises. A change of a core wire type
// that breaks either fails `make test` here.
import type { components, paths } from "../../target/schema/openapi.js";
import type { OnboardingEventMap, OnboardingStep } from "../../crates/widget/js/onboarding.js";
import { tenantBody } from "../lib/bodies.mjs";

type Schemas = components["schemas"];
type JsonBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;
type Reply<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer B } } };
}
  ? B
  : never;

// The tests' requests are valid bodies of their operations.
export const tenant: JsonBody<"/v1/tenants", "post"> = tenantBody("x");
export const session: JsonBody<"/v1/sessions", "post"> = { publishableKey: "pk_test_demo" };
export const answers: JsonBody<"/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers", "post"> = {
  answers: [{ questionId: "q1", choiceId: "c1" }],
};
// As tests/http/ownership.test.mjs sends it (the inquiry id comes from the path).
export const decision: JsonBody<"/v1/agency/identity-inquiries/{inquiryId}/decision", "put"> = { decision: "Deny" };

// What the widget's events carry comes from the replies it read.
declare const created: Reply<"/v1/tenants", "post", 201>;
declare const problem: Schemas["Problem"];
export const complete: OnboardingEventMap["onboarding:complete"]["detail"] = { tenantId: created.tenantId };
export const failed: OnboardingEventMap["onboarding:error"]["detail"] = { code: problem.code, message: problem.title };
// Every problem code is a string the widget may report.
export const code: string = problem.code satisfies Schemas["Problem"]["code"];
// The journey's steps that mirror a status step exist in the status.
type StatusSteps = keyof Schemas["Steps"];
type Mirrored = Extract<OnboardingStep, "details" | "documents" | "identity" | "bank">;
export const mirrored: StatusSteps = "details" as Mirrored;

// @ts-check
// Request bodies the suites send, as plain data. tests/schema/client-check.mjs
// type-checks this file against the client types generated from the edge's OpenAPI
// document (`@satisfies`), so a body the tests rely on cannot drift from the schema.

/** @typedef {import("../../target/schema/openapi.js").components["schemas"]["TenantRequest"]} TenantRequest */

/** `n` random bytes as lowercase hex.
 * @param {number} n */
export function hex(n) {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A valid DNI, different on every call: each test applicant is its own person (the
 * edge keeps one identity decision per person, keyed by document and birth date). */
export function randomDni() {
  const n = 10_000_000 + Math.floor(Math.random() * 89_999_999);
  return `${n}${"TRWAGMYFPDXBNJZSQVHLCKE"[n % 23]}`;
}

/** The consent texts' version the widget shows (core's `consent::VERSION`; the edge
 * refuses others, `consent.test.mjs`). */
export const CONSENT_VERSION = "2026-12-05";

/** A valid `POST /v1/tenants` body; `tag` goes into the email's +tag. */
export function tenantBody(tag = "") {
  const plus = tag ? `+${tag}` : "";
  return /** @satisfies {TenantRequest} */ ({
    applicant: {
      name: { first: "Lucía", last: "García", secondLast: "López" },
      email: `lucia${plus}@example.com`,
      phoneNumber: "+34612345678",
      dateOfBirth: "1990-05-17",
      addresses: [{ line1: "Calle Mayor 1", city: "Madrid", region: "M", countryCode: "ES", postalCode: "28013" }],
      governmentId: [{ type: "DNI", value: randomDni(), countryCode: "ES" }],
      employment: [{ employer: { name: "Acme SL" }, employeeTitle: "Ingeniera", startDate: "2019-08-24", currentEmployee: "true", contractType: "PERMANENT" }],
      income: { period: "MONTHLY", amount: "2500", currency: "EUR" },
    },
    coApplicant: null,
    product: { productType: "rental", productId: "ref-123", requestedAmount: "950" },
    deviceSessionId: hex(16),
    consent: { termsAccepted: true, creditCheckAccepted: true, version: CONSENT_VERSION },
  });
}


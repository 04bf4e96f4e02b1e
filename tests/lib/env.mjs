// Shared by the end-to-end suites: where the running `wrangler dev` is, and the
// local secrets it was started with (read from the generated .dev.vars), and the dev
// agencies' keys (the git-ignored .dev-agencies.json, written by
// scripts/dev-agencies.mjs when it seeds the local registry).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BASE = process.env.DEV_URL ?? "http://127.0.0.1:8787";
export const ORIGIN = "http://127.0.0.1:8787";

/** The .dev.vars entries as an object (values only for local dev). */
export function devVars() {
  const vars = {};
  for (const line of readFileSync(path.join(ROOT, ".dev.vars"), "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

/** The dev agencies' keys: `{ ag_demo: {id, publishableKey, secretKey, webhookSecret}, ag_portal: … }`. */
export function devAgencies() {
  return JSON.parse(readFileSync(path.join(ROOT, ".dev-agencies.json"), "utf8"));
}

/** The demo agency's keys (Demo Lettings, pk_test_demo). */
export const demoAgency = () => devAgencies().ag_demo;

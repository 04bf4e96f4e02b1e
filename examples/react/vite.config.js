import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { onboardingSession } from "./agency-server.mjs";

const EDGE = process.env.VITE_EDGE_URL ?? "http://127.0.0.1:8787";

// The agency's secret key: ONBOARDING_SECRET_KEY, or (under `make dev`) the local portal
// agency's from the git-ignored .dev-agencies.json. Server side only: never VITE_….
function secretKey() {
  if (process.env.ONBOARDING_SECRET_KEY) return process.env.ONBOARDING_SECRET_KEY;
  try {
    return JSON.parse(readFileSync(new URL("../../.dev-agencies.json", import.meta.url), "utf8")).ag_portal.secretKey;
  } catch {
    return undefined;
  }
}

// `/api/onboarding-session` on the dev and preview servers: the agency's server.
const agencyServer = () => {
  const use = (server) => server.middlewares.use("/api/onboarding-session", (req, res) => onboardingSession(req, res, { edge: EDGE, secretKey: secretKey() }));
  return { name: "agency-server", configureServer: use, configurePreviewServer: use };
};

export default defineConfig({
  base: "/",
  plugins: [react(), agencyServer()],
  // The example's own origin, the one its agency allows (pk_test_portal's).
  server: { host: "127.0.0.1", port: 8789, strictPort: true },
  preview: { host: "127.0.0.1", port: 8789, strictPort: true },
});

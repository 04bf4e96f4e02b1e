// Launches Debian's Chromium through playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROME_BIN ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
}

/**
 * Counts the page's `POST /v1/sessions` and `POST /v1/tenants` from now on (a journey
 * opens one session and, through Details, makes one tenant).
 */
export function countCalls(page) {
  const calls = { sessions: 0, tenants: 0 };
  page.on("request", (r) => {
    if (r.method() !== "POST") return;
    const p = new URL(r.url()).pathname;
    if (p === "/v1/sessions") calls.sessions++;
    if (p === "/v1/tenants") calls.tenants++;
  });
  return calls;
}

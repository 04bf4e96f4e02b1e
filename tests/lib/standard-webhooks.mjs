// Verifies a relayed delivery as an agency would, with the Standard Webhooks
// libraries from the registries (npm `standardwebhooks`; PyPI `standardwebhooks` in the
// project's .venv, installed by scripts/setup.sh): never with code of our own.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { ROOT } from "./env.mjs";

/** The `webhook-*` headers of a received request. */
export const standardHeaders = (req) => ({
  "webhook-id": req.headers["webhook-id"],
  "webhook-timestamp": req.headers["webhook-timestamp"],
  "webhook-signature": req.headers["webhook-signature"],
});

/** Whether the npm library accepts `body` with `headers` under `secret`. */
export function verifiesInNode(secret, body, headers) {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

/** Whether the Python library accepts `body` with `headers` under `secret`. */
export function verifiesInPython(secret, body, headers) {
  const script = [
    "import json, sys",
    "from standardwebhooks.webhooks import Webhook",
    "d = json.load(sys.stdin)",
    "try:",
    "    Webhook(d['secret']).verify(d['body'], d['headers'])",
    "    print('ok')",
    "except Exception as e:",
    "    print('refused', type(e).__name__)",
  ].join("\n");
  const r = spawnSync(path.join(ROOT, ".venv/bin/python"), ["-c", script], {
    input: JSON.stringify({ secret, body, headers }),
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`python: ${r.stderr}`);
  return r.stdout.trim() === "ok";
}

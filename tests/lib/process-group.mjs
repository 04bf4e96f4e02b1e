// Starting, crashing and stopping what a check runs: `wrangler dev` runs in its own
// process group (spawned detached), so workerd goes down with it.
import { spawn, spawnSync } from "node:child_process";

/** Whether the process group `pid` still has a member. */
export function alive(pid) {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

/** SIGTERM to the group, then SIGKILL if it has not ended within 5 s. */
export async function stop(child) {
  try { process.kill(-child.pid, "SIGTERM"); } catch { return; }
  for (let i = 0; i < 50 && alive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
  try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
}

/**
 * `wrangler dev` with edge + sandbox (`--env dev`) on `port`, persisting to `state`,
 * with its own dev registry `registry` (another `wrangler dev` on this machine must not
 * answer for the sandbox service binding), in its own process group.
 */
export function startDev({ root, port, state, registry }) {
  return spawn("wrangler", [
    "dev", "-c", "wrangler.toml", "-c", "crates/sandbox/wrangler.toml", "--env", "dev", "--ip", "127.0.0.1",
    "--port", String(port), "--persist-to", state, "--log-level", "warn",
    "--show-interactive-dev-session=false",
  ], { cwd: root, detached: true, stdio: "ignore", env: { ...process.env, WRANGLER_REGISTRY_PATH: registry } });
}

/** Waits until `base`/healthz answers (10 minutes at most: the first start builds). */
export async function ready(base) {
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not start");
}

/** SIGKILL, no SIGTERM first: workerd first (the process holding requests), then the group. */
export async function crash(child) {
  const workerd = spawnSync("pgrep", ["-g", String(child.pid), "workerd"], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
  if (workerd.length === 0) throw new Error("workerd is not running");
  for (const pid of workerd) process.kill(Number(pid), "SIGKILL");
  try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
  for (let i = 0; i < 50 && alive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
}

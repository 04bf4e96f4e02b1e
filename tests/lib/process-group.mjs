// Stopping what a check started: `wrangler dev` runs in its own process group
// (spawned detached), so workerd goes down with it.

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

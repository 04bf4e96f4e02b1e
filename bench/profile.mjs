// A CPU profile of the edge's isolate under load: `BENCH_PROFILE=1 make bench` (or
// this script against any edge started with `--inspector-port`). It opens a session,
// warms up, records a V8 CPU profile through the inspector (DevTools protocol) while
// oha sends POST /v1/tenants, writes it to target/bench/edge.cpuprofile (DevTools
// opens it) and prints the functions with the most time per request, self and
// inclusive. The edge's Durable Objects run in the same isolate, so they are in it.
//
//   EDGE_URL=http://127.0.0.1:8797 INSPECTOR=127.0.0.1:9239 node bench/profile.mjs
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { tenantBody } from "../tests/lib/bodies.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const EDGE = process.env.EDGE_URL ?? "http://127.0.0.1:8797";
const INSPECTOR = process.env.INSPECTOR ?? "127.0.0.1:9239";
const ORIGIN = "http://127.0.0.1:8787";
const N = Number(process.env.PROFILE_N ?? 600);
const C = Number(process.env.PROFILE_C ?? 4);
const TOP = Number(process.env.PROFILE_TOP ?? 30);

const s = await fetch(`${EDGE}/v1/sessions`, {
  method: "POST", headers: { "content-type": "application/json", origin: ORIGIN },
  body: JSON.stringify({ publishableKey: "pk_test_demo" }),
});
if (s.status !== 201) throw new Error(`session: HTTP ${s.status}`);
const token = (await s.json()).sessionToken;
const oha = (n) => spawnSync("oha", ["-n", String(n), "-c", String(C), "--no-tui", "-m", "POST",
  "-H", "content-type: application/json", "-H", `origin: ${ORIGIN}`, "-H", `authorization: Bearer ${token}`,
  "-d", JSON.stringify(tenantBody("profile")), `${EDGE}/v1/tenants`], { encoding: "utf8", maxBuffer: 64 << 20 });

// wrangler's inspector proxy accepts DevTools' origin only.
const ws = new WebSocket(`ws://${INSPECTOR}/ws`, { origin: "https://devtools.devprod.cloudflare.dev" });
await new Promise((ok, fail) => { ws.on("open", ok); ws.on("error", fail); });
let next = 0;
const waiting = new Map();
ws.on("message", (m) => {
  const d = JSON.parse(String(m));
  if (d.id && waiting.has(d.id)) { waiting.get(d.id)(d); waiting.delete(d.id); }
});
const call = (method, params = {}) => new Promise((ok) => { const id = ++next; waiting.set(id, ok); ws.send(JSON.stringify({ id, method, params })); });

oha(200); // warm-up, not profiled
await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 100 });
await call("Profiler.start");
const run = oha(N);
const { result } = await call("Profiler.stop");
ws.close();
const prof = result.profile;
mkdirSync(path.join(ROOT, "target/bench"), { recursive: true });
writeFileSync(path.join(ROOT, "target/bench/edge.cpuprofile"), JSON.stringify(prof));

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const sampled = new Map();
prof.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const name = (n) => n.callFrame.functionName || `(anonymous ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber})`;
const self = new Map();
const inclusive = new Map();
let total = 0;
for (const [id, us] of sampled) {
  total += us;
  const k = name(byId.get(id));
  self.set(k, (self.get(k) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = name(byId.get(cur));
    if (!seen.has(f)) { seen.add(f); inclusive.set(f, (inclusive.get(f) ?? 0) + us); }
  }
}
const perReq = (us) => `${(us / 1000 / N).toFixed(3)} ms`;
const ok = /\[201\] (\d+) responses/.exec(run.stdout)?.[1] ?? "?";
console.log(`edge isolate, POST /v1/tenants at c=${C}, n=${N} (${ok} × 201): ${perReq(total)} of samples per request, idle included`);
const list = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${perReq(us).padStart(9)}  ${k.slice(0, 140)}`);
};
list("self time per request", self);
list("inclusive time per request", inclusive);

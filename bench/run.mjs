// `make bench`: every figure next to its baseline from the same run, with the ratio
// and the budget from DESIGN.md. Called by scripts/bench.sh, which builds release
// artefacts and starts (and always stops) the three wrangler dev processes this reads:
//   EDGE_URL         the edge (the product; the sandbox reached by service binding)
//   PASSTHROUGH_URL  a bare Worker forwarding to the same sandbox (the baseline)
//   EDGE_PGID, PASS_PGID, SANDBOX_PGID  their process groups (CPU time, memory)
// Machines are shared and noisy: read ratios, not absolute numbers.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import http from "node:http";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tenantBody } from "../tests/lib/bodies.mjs";
import { demoAgency } from "../tests/lib/env.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "target", "bench");
mkdirSync(OUT, { recursive: true });
const EDGE = process.env.EDGE_URL ?? "http://127.0.0.1:8797";
const PASS = process.env.PASSTHROUGH_URL ?? "http://127.0.0.1:8798";
const FLOOR = process.env.FLOOR_URL ?? "http://127.0.0.1:8795";
// The demo agency's webhook URL (scripts/dev-agencies.mjs): the bench's agency endpoint.
const HOOK_PORT = 8799;
const ORIGIN = "http://127.0.0.1:8787";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const rows = [];
const notes = [];
/** One line of the table: figure, value, baseline, ratio, budget verdict. */
function row(figure, value, baseline, ratio, budget, ok) {
  rows.push({ figure, value, baseline, ratio, budget, ok });
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
// GNU `gzip -9`, as the budgets say and scripts/package-widget.mjs measures.
const gz = (buf) => execFileSync("gzip", ["-9c"], { input: buf, maxBuffer: 1 << 28 }).length;
const fmtRatio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : "n/a");

function devVars() {
  const vars = {};
  for (const line of readFileSync(path.join(ROOT, ".dev.vars"), "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

// ---------------------------------------------------------------- sizes -----
function npmFile(spec, file) {
  const dir = path.join(OUT, "npm", spec.replace(/[^a-z0-9.@-]/gi, "_"));
  const target = path.join(dir, "package", file);
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    const tgz = execFileSync("npm", ["pack", spec, "--silent", "--pack-destination", dir], { encoding: "utf8" }).trim().split("\n").pop();
    execFileSync("tar", ["xzf", path.join(dir, tgz), "-C", dir, `package/${file}`]);
  }
  return readFileSync(target);
}

function sizes() {
  // What a page that pins the current version downloads (target/widget/<version>/).
  const version = readFileSync(path.join(ROOT, "target", "widget", "latest"), "utf8").trim();
  const dir = path.join(ROOT, "target", "widget", version);
  let raw = 0, zipped = 0;
  for (const f of readdirSync(dir).sort()) {
    const buf = readFileSync(path.join(dir, f));
    // The budget counts what a browser downloads: wasm, JS (loader + glue), CSS (not the
    // .d.ts, nor the build's release.json).
    if (/\.(wasm|js|css)$/.test(f)) { raw += buf.length; zipped += gz(buf); }
    row(`widget ${f} (raw / gz)`, `${kb(buf.length)} / ${kb(gz(buf))}`, "", "", "", null);
  }
  const baselines = [
    ["onfido-sdk-ui@13.8.7", "dist/onfido.min.js"],
    ["persona@5.9.0", "dist/persona.mjs"],
    ["@fingerprintjs/fingerprintjs", "dist/fp.esm.js"],
  ];
  const budget = 120 * 1024;
  row("widget total (wasm + JS + CSS), gzip -9", kb(zipped), "budget 120 KB", fmtRatio(zipped, budget), "≤ 120 KB", zipped <= budget);
  if (zipped > budget) notes.push(`The widget is ${kb(zipped)} gzipped, over the 120 KB budget.`);
  for (const [spec, file] of baselines) {
    try {
      const buf = npmFile(spec, file);
      row(`widget vs ${spec} ${file}`, kb(zipped), kb(gz(buf)), fmtRatio(zipped, gz(buf)), "", null);
    } catch (e) {
      row(`widget vs ${spec}`, kb(zipped), `n/a (${String(e.message).split("\n")[0]})`, "", "", null);
    }
  }
  let edge = 0;
  for (const f of ["index.js", "index_bg.wasm"]) {
    const p = path.join(ROOT, "crates", "edge", "build", f);
    if (existsSync(p)) edge += gz(readFileSync(p));
  }
  const limit = 3 * 1024 * 1024;
  row("edge bundle (wasm + JS), gzip -9", kb(edge), "plan limit 3 MB", fmtRatio(edge, limit), "≤ 1 MB", edge <= 1024 * 1024);
  if (edge > 1024 * 1024) notes.push(`The edge bundle is ${kb(edge)} gzipped, over the 1 MB budget.`);
  edgeGrowth(edge);
}

/**
 * The edge bundle against the last recorded run (bench/recorded.json, updated with
 * docs/benchmarks.md's "Latest run"): grown by more than 5 %, or over the budget, the
 * bench prints its largest contributors (scripts/wasm-top.mjs on the built wasm, whose
 * name section worker-build keeps) so the change that grew it knows what it costs.
 */
function edgeGrowth(edge) {
  const recordedPath = path.join(ROOT, "bench", "recorded.json");
  if (!edge || !existsSync(recordedPath)) return;
  const recorded = JSON.parse(readFileSync(recordedPath, "utf8"));
  const was = recorded.edgeBundleGzip;
  row("edge bundle vs the last recorded run", kb(edge), `${kb(was)} (${recorded.at})`, fmtRatio(edge, was), "over 1.05×: the contributors are printed", null);
  if (edge <= was * 1.05 && edge <= 1024 * 1024) return;
  const wasm = path.join(ROOT, "crates", "edge", "build", "index_bg.wasm");
  const top = spawnSync("node", [path.join(ROOT, "scripts", "wasm-top.mjs"), wasm, "15"], { encoding: "utf8" });
  writeFileSync(path.join(OUT, "edge-top.txt"), top.stdout ?? "");
  console.error(`\nThe edge bundle grew from ${kb(was)} to ${kb(edge)} gzipped; its largest contributors (raw bytes; target/bench/edge-top.txt):\n${top.stdout ?? top.stderr}`);
  notes.push(`The edge bundle grew ${fmtRatio(edge, was)} against ${recorded.at}: its largest contributors are in target/bench/edge-top.txt.`);
}

// ---------------------------------------------------------------- load ------
// Budgets (DESIGN.md "Budgets").
const THROUGHPUT_BUDGET = 0.8;
const ADDED_P50_BUDGET_MS = 3;
const UPLOAD_BUDGET = 0.9;

// Asynchronous, so the bench's own webhook sink (in this process) answers deliveries
// while the load runs, as a real receiver would.
async function oha(url, { method = "GET", headers = {}, body, n = REQUESTS, c = CONCURRENCY } = {}) {
  const args = ["--no-tui", "--output-format", "json", "-n", String(n), "-c", String(c), "-m", method];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  if (body !== undefined) {
    const file = path.join(OUT, "body.json");
    writeFileSync(file, body);
    args.push("-D", file);
  }
  args.push(url);
  const stdout = await new Promise((resolve, reject) => {
    execFile("oha", args, { encoding: "utf8", maxBuffer: 64 << 20 }, (err, out, stderr) => (err ? reject(new Error(`oha failed: ${stderr || err.message}`)) : resolve(out)));
  });
  const out = JSON.parse(stdout);
  const codes = out.statusCodeDistribution ?? {};
  const ok = Object.entries(codes).filter(([c]) => c.startsWith("2")).reduce((n, [, v]) => n + v, 0);
  return {
    rps: out.summary.requestsPerSec,
    p50: out.latencyPercentiles.p50 * 1000,
    p99: out.latencyPercentiles.p99 * 1000,
    ok, codes,
  };
}

// CPU time of a wrangler dev process group (its node and workerd processes), in ms,
// from /proc (utime + stime). scripts/bench.sh starts each side in its own group.
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
function groupCpuMs(pgid) {
  if (!pgid) return null;
  let ticks = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
      if (Number(f[2]) !== Number(pgid)) continue;
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* exited */ }
  }
  return (ticks * 1000) / CLK_TCK;
}
/**
 * Runs oha and reports the CPU ms per request spent by `side` and by the sandbox; with
 * `settle`, the CPU window stays open until it resolves (the relay's tail).
 */
async function measured(side, url, opts, settle) {
  const groups = { side: process.env[side], sandbox: process.env.SANDBOX_PGID };
  const before = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, groupCpuMs(g)]));
  const r = await oha(url, opts);
  if (settle) await settle();
  const n = opts.n ?? REQUESTS;
  const per = (k) => (before[k] === null ? null : (groupCpuMs(groups[k]) - before[k]) / n);
  return { ...r, cpu: per("side"), sandboxCpu: per("sandbox") };
}

/**
 * The bench agency's webhook endpoint (its URL in the registry): answers 200 to every
 * delivery and counts them, so relaying is the success path, as in production.
 */
function webhookSink() {
  const sink = { events: 0, last: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      sink.events += 1;
      sink.last = performance.now();
      res.writeHead(200).end();
    });
  });
  sink.listening = new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(HOOK_PORT, "127.0.0.1", resolve);
  });
  sink.close = () => new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
  /** Resolves once `count` more than `from` arrived, or nothing for `quietMs`. */
  sink.drained = async (from, count, quietMs = 3000, maxMs = 120_000) => {
    const t0 = performance.now();
    let seen = sink.events;
    let since = performance.now();
    while (sink.events - from < count && performance.now() - t0 < maxMs) {
      await new Promise((r) => setTimeout(r, 200));
      if (sink.events !== seen) [seen, since] = [sink.events, performance.now()];
      else if (performance.now() - since > quietMs) break;
    }
  };
  return sink;
}
/**
 * The bench agency's dead letters so far, as the agency reads them
 * (`GET /v1/agency/webhooks/undelivered`).
 */
async function deadLetters() {
  const res = await fetchRetry(`${EDGE}/v1/agency/webhooks/undelivered`, { headers: { authorization: `Bearer ${demoAgency().secretKey}` } });
  if (res.status !== 200) throw new Error(`undelivered: HTTP ${res.status}`);
  return (await res.json()).events.length;
}

/**
 * Resolves once `count` more than `from` events are dead letters, or after `maxMs`.
 * The first look comes after `firstMs` (an event's attempts take that long), then
 * every 2 s: each look reads the whole list, and inside a window it is CPU charged to
 * the edge.
 */
async function deadLettered(from, count, firstMs, maxMs = 120_000) {
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, firstMs));
  while ((await deadLetters()) - from < count && performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 2000));
  }
}

const cpuText = (r) => (r.cpu === null ? "n/a" : `${r.cpu.toFixed(2)} ms (+ sandbox ${r.sandboxCpu.toFixed(2)} ms)`);

// The suites' valid tenant body (tests/lib/bodies.mjs, type-checked against the API's
// schema), with a bench tag in the email.
const applicant = (i) => tenantBody(`bench${i}`);

// A pooled keep-alive socket can be closed by wrangler's proxy during a long oha run;
// small setup requests retry once on such a network error.
async function fetchRetry(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

async function sessionToken() {
  const res = await fetchRetry(`${EDGE}/v1/sessions`, {
    method: "POST", headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ publishableKey: "pk_test_demo" }),
  });
  if (res.status !== 201) throw new Error(`session: HTTP ${res.status}`);
  return (await res.json()).sessionToken;
}

async function load() {
  const vars = devVars();
  // The body the edge sends upstream for the same applicant (core's CreateTenant).
  const upstreamBody = JSON.stringify({
    firstName: "Lucía", lastName: "García", secondLastName: "López", email: "bench@example.com",
    phone: "+34612345678", dateOfBirth: "1990-05-17", identificationNumber: "12345678Z",
    identificationType: "DNI", postcode: "28013", country: "ES", address: "Calle Mayor 1, Madrid",
    income: { period: "MONTHLY", amount: "2500", currency: "EUR" }, deviceSessionId: "c12da910e8734aea856cd0fefb2be80d",
  });
  const passReq = { method: "POST", headers: { "content-type": "application/json", "x-api-key": vars.SKOR_API_KEY }, body: upstreamBody };
  const token = await sessionToken();
  const edgeReq = {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, authorization: `Bearer ${token}` },
    body: JSON.stringify(applicant(1)),
  };
  // The agency's endpoint is up (as it is in production): every creation relays its
  // tenant.created to it.
  const sink = webhookSink();
  await sink.listening;
  // Warm-up, not measured: every isolate compiled and its Durable Objects and sockets
  // open before the first measured request.
  const WARM = Number(process.env.BENCH_WARMUP ?? 200);
  await oha(`${PASS}/v1/tenants`, { ...passReq, n: WARM });
  await oha(`${FLOOR}/v1/tenants`, { ...passReq, n: WARM });
  await oha(`${EDGE}/v1/tenants`, { ...edgeReq, n: WARM });
  await sink.drained(0, WARM);
  // Throughput at fixed concurrency; latency one request at a time, so queueing in
  // the single sandbox Durable Object does not stand in for the edge's own cost.
  const base = await measured("PASS_PGID", `${PASS}/v1/tenants`, passReq);
  const floor = await measured("FLOOR_PGID", `${FLOOR}/v1/tenants`, passReq);
  const before = sink.events;
  const t0 = performance.now();
  // The edge's window stays open until its events are delivered: the relay's work is
  // in its CPU per request.
  const edge = await measured("EDGE_PGID", `${EDGE}/v1/tenants`, edgeReq, () => sink.drained(before, REQUESTS));
  const delivered = sink.events - before;
  const relaySeconds = (sink.last - t0) / 1000;
  const SERIAL = 300;
  const baseSerial = await measured("PASS_PGID", `${PASS}/v1/tenants`, { ...passReq, n: SERIAL, c: 1 });
  const floorSerial = await measured("FLOOR_PGID", `${FLOOR}/v1/tenants`, { ...passReq, n: SERIAL, c: 1 });
  // Each c=1 window, up and down, stays open until its own events are delivered or
  // dead-lettered: its relay work is in its CPU per request, and none of another's.
  const serialFrom = sink.events;
  const edgeSerial = await measured("EDGE_PGID", `${EDGE}/v1/tenants`, { ...edgeReq, n: SERIAL, c: 1 }, () => sink.drained(serialFrom, SERIAL));
  const okNote = (r, n = REQUESTS) => `${r.ok}/${n} 2xx`;
  row(`pass-through → sandbox POST /v1/tenants (c=${CONCURRENCY}, n=${REQUESTS}, ${WARM} warm-up)`, `${base.rps.toFixed(0)} req/s`, "", "", `p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms, ${okNote(base)}`, null);
  row("floor: pass-through + one Durable Object write", `${floor.rps.toFixed(0)} req/s`, `${base.rps.toFixed(0)} req/s`, fmtRatio(floor.rps, base.rps), `p50 ${floor.p50.toFixed(1)} ms, ${okNote(floor)}`, null);
  const ratio = edge.rps / base.rps;
  row("edge session+validate+proxy POST /v1/tenants", `${edge.rps.toFixed(0)} req/s`, `${base.rps.toFixed(0)} req/s`, `${ratio.toFixed(2)}×`, `≥ ${THROUGHPUT_BUDGET.toFixed(2)}×`, ratio >= THROUGHPUT_BUDGET);
  const toFloor = edge.rps / floor.rps;
  row("  edge vs the floor", `${edge.rps.toFixed(0)} req/s`, `${floor.rps.toFixed(0)} req/s (floor)`, `${toFloor.toFixed(2)}×`, "≥ 0.90× the floor", toFloor >= 0.9);
  row(`  latency p50 / p99 at c=${CONCURRENCY}`, `${edge.p50.toFixed(1)} / ${edge.p99.toFixed(1)} ms`, `${base.p50.toFixed(1)} / ${base.p99.toFixed(1)} ms`, "", okNote(edge), null);
  row(`  CPU per request at c=${CONCURRENCY} (wrangler + workerd; the edge's with its relaying)`, cpuText(edge), cpuText(base), edge.cpu && base.cpu ? fmtRatio(edge.cpu, base.cpu) : "", "", null);
  row(`  latency p50 / p99 at c=1 (n=${SERIAL})`, `${edgeSerial.p50.toFixed(1)} / ${edgeSerial.p99.toFixed(1)} ms`, `${baseSerial.p50.toFixed(1)} / ${baseSerial.p99.toFixed(1)} ms`, "", okNote(edgeSerial, SERIAL), null);
  row("  CPU per request at c=1", cpuText(edgeSerial), `${cpuText(baseSerial)}; floor ${cpuText(floorSerial)}`, edgeSerial.cpu && floorSerial.cpu ? `${fmtRatio(edgeSerial.cpu, floorSerial.cpu)} the floor` : "", "≤ 1.5× the floor", edgeSerial.cpu && floorSerial.cpu ? edgeSerial.cpu <= 1.5 * floorSerial.cpu : null);
  const added = edgeSerial.p50 - baseSerial.p50;
  const floorAdded = floorSerial.p50 - baseSerial.p50;
  row("edge added latency, p50 at c=1", `${added.toFixed(2)} ms`, `floor +${floorAdded.toFixed(2)} ms`, "", `≤ ${ADDED_P50_BUDGET_MS} ms; ≤ the floor's + 2 ms`, added <= ADDED_P50_BUDGET_MS);
  row("  the edge's over the floor's", `+${(added - floorAdded).toFixed(2)} ms`, "", "", "≤ 2 ms", added - floorAdded <= 2);
  row(`relay: tenant.created delivered to the agency's endpoint (c=${CONCURRENCY} run)`, `${delivered}/${REQUESTS}`, "", "", `${(delivered / relaySeconds).toFixed(0)} events/s from the run's start to the last delivery`, delivered >= REQUESTS);
  // What the widget sends: its own Idempotency-Key on every creation (the key's store
  // call takes the key and counts the tenant; then a checkpoint and the answer are
  // kept). oha cannot vary a header per request, so both of these are node's fetch,
  // one at a time: compare them with each other, not with the oha rows.
  const trips = [];
  const serialFetch = async (keyed, n = 100) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const headers = { ...edgeReq.headers, ...(keyed ? { "idempotency-key": `bench-${Date.now()}-${i}` } : {}) };
      const t0 = performance.now();
      const res = await fetchRetry(`${EDGE}/v1/tenants`, { method: "POST", headers, body: edgeReq.body });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`keyed=${keyed}: HTTP ${res.status}`);
      times.push(performance.now() - t0);
      if (keyed) trips.push(Number(res.headers.get("x-dev-object-calls")));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(n / 2)];
  };
  const plainP50 = await serialFetch(false);
  const keyedP50 = await serialFetch(true);
  row("  with the widget's Idempotency-Key, p50 at c=1 (node fetch, n=100)", `${keyedP50.toFixed(1)} ms`, `${plainP50.toFixed(1)} ms without a key`, `+${(keyedP50 - plainP50).toFixed(1)} ms`, "", null);
  trips.sort((a, b) => a - b);
  const trips50 = trips[Math.floor(trips.length / 2)];
  row("  object round trips before the reply, keyed creation (X-Dev-Object-Calls, median)", String(trips50), "4 before the protocol rework (key, checkpoint, binding, record)", "", "≤ 2", trips50 <= 2);

  // The same load with the agency's endpoint down (nothing listens on its port): what
  // a dead endpoint costs the request path. The relay's breaker keeps it near nothing.
  await sink.drained(sink.events, 1e9, 3000, 30_000);
  await sink.close();
  // Every event is tried RELAY_MAX_ATTEMPTS times (dev: 4) before it is a dead letter;
  // while the breaker is open (scripts/bench.sh: 5 s at most) each attempt waits for
  // its next probe: about 20 s in all.
  const RELAY_SPAN_MS = 20_000;
  const dead0 = await deadLetters();
  // The request path and the first hold of each event (the window the rows before this
  // stop measured) ...
  const down = await measured("EDGE_PGID", `${EDGE}/v1/tenants`, edgeReq, () => new Promise((r) => setTimeout(r, 3000)));
  // ... then the rest of their relay work, until every one is a dead letter: the whole
  // of what the dead endpoint cost, and none of it left for the c=1 window or a later
  // section.
  const tailFrom = groupCpuMs(process.env.EDGE_PGID);
  await deadLettered(dead0, REQUESTS, 0);
  const tail = tailFrom === null ? null : (groupCpuMs(process.env.EDGE_PGID) - tailFrom) / REQUESTS;
  const dead1 = await deadLetters();
  // Each c=1 window, up and down, stays open until its own events are delivered or
  // dead letters.
  const downSerial = await measured("EDGE_PGID", `${EDGE}/v1/tenants`, { ...edgeReq, n: SERIAL, c: 1 }, () => deadLettered(dead1, SERIAL, RELAY_SPAN_MS));
  const dead2 = await deadLetters();
  const downRatio = down.rps / edge.rps;
  row(`endpoint down: edge POST /v1/tenants (c=${CONCURRENCY})`, `${down.rps.toFixed(0)} req/s`, `${edge.rps.toFixed(0)} req/s endpoint up`, `${downRatio.toFixed(2)}×`, "within 10 % of endpoint up", downRatio >= 0.9);
  if (down.cpu !== null && tail !== null && edge.cpu !== null) {
    const whole = down.cpu + tail;
    row("  endpoint down: CPU per request at c=16, until its events are dead letters", `${whole.toFixed(2)} ms (${down.cpu.toFixed(2)} + ${tail.toFixed(2)} after the run)`, `${edge.cpu.toFixed(2)} ms endpoint up, until delivered`, fmtRatio(whole, edge.cpu), `${dead1 - dead0}/${REQUESTS} dead letters`, null);
  }
  const downP50 = downSerial.p50 / edgeSerial.p50;
  row("  endpoint down: p50 at c=1", `${downSerial.p50.toFixed(1)} ms`, `${edgeSerial.p50.toFixed(1)} ms endpoint up`, `${downP50.toFixed(2)}×`, "≤ 1.10×", downP50 <= 1.1);
  row("  endpoint down: CPU per request at c=1, until its events are dead letters", cpuText(downSerial), `${cpuText(edgeSerial)} endpoint up, until delivered`, downSerial.cpu && edgeSerial.cpu ? fmtRatio(downSerial.cpu, edgeSerial.cpu) : "", `${dead2 - dead1}/${SERIAL} dead letters; within 10 %`, downSerial.cpu && edgeSerial.cpu ? downSerial.cpu <= 1.1 * edgeSerial.cpu : null);
  // Derived only when the relay kept up (a breaker that opened makes it meaningless):
  // the c=16 windows, up (until delivered) and down (the run and 3 s, no delivery).
  if (edge.cpu !== null && down.cpu !== null && delivered >= 0.9 * REQUESTS) {
    const perEvent = ((edge.cpu - down.cpu) * REQUESTS) / delivered;
    row("relay: CPU per delivered event (c=16 CPU per request, endpoint up − down before its retries)", `${perEvent.toFixed(2)} ms`, "", "", "derived: each creation relays one event", null);
  }
  const log = path.join(OUT, "edge.log");
  const fds = existsSync(log) ? (readFileSync(log, "utf8").match(/Too many open files/g) ?? []).length : 0;
  row("\"Too many open files\" in the edge's log (whole run)", String(fds), "", "", "0", fds === 0);
  if (ratio < THROUGHPUT_BUDGET) notes.push(`Edge throughput is ${ratio.toFixed(2)}× the pass-through, under the ${THROUGHPUT_BUDGET}× budget.`);
  if (added > ADDED_P50_BUDGET_MS) notes.push(`The edge adds ${added.toFixed(2)} ms at p50 (one request at a time), over the ${ADDED_P50_BUDGET_MS} ms budget.`);
  if (edge.ok < REQUESTS) notes.push(`Only ${edge.ok} of ${REQUESTS} edge requests answered 2xx (${JSON.stringify(edge.codes)}); the figures above include the others.`);
}

// --------------------------------------------------------------- uploads ----
/** The edge's own workerd processes (its wrangler's process group). */
function workerdPids() {
  const group = process.env.EDGE_PGID;
  const args = group ? ["-g", group, "workerd"] : ["workerd"];
  const out = spawnSync("pgrep", args, { encoding: "utf8" }).stdout.trim();
  return out ? out.split("\n").map(Number) : [];
}
function rssKiB() {
  let total = 0;
  for (const pid of workerdPids()) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) total += Number(m[1]);
    } catch { /* exited */ }
  }
  return total;
}
async function peakRss(ms, work) {
  let peak = rssKiB();
  const timer = setInterval(() => { peak = Math.max(peak, rssKiB()); }, 50);
  const done = work ? work() : new Promise((r) => setTimeout(r, ms));
  await done;
  clearInterval(timer);
  return Math.max(peak, rssKiB());
}

function pdf(bytes) {
  const buf = Buffer.alloc(bytes, 0x20);
  buf.write("%PDF-1.7\n", 0, "latin1");
  buf.write("\n%%EOF\n", bytes - 7, "latin1");
  return buf;
}

async function uploads() {
  const vars = devVars();
  const file = pdf(10 * 1024 * 1024);
  // A tenant through the edge (its token scopes the document routes).
  const token = await sessionToken();
  const created = await fetchRetry(`${EDGE}/v1/tenants`, {
    method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, authorization: `Bearer ${token}` },
    body: JSON.stringify(applicant(2)),
  });
  if (created.status !== 201) throw new Error(`tenant: HTTP ${created.status}`);
  const { tenantId, sessionToken: tenantToken } = await created.json();
  const viaEdge = () => fetch(`${EDGE}/v1/tenants/${tenantId}/documents?kind=payslip`, {
    method: "POST", headers: { "content-type": "application/pdf", origin: ORIGIN, authorization: `Bearer ${tenantToken}` }, body: file,
  }).then(async (r) => { await r.arrayBuffer(); if (r.status !== 201) throw new Error(`edge upload HTTP ${r.status}`); });
  const direct = () => {
    const form = new FormData();
    form.append("kind", "payslip");
    form.append("file", new Blob([file], { type: "application/pdf" }), "payslip.pdf");
    return fetch(`${PASS}/v1/tenants/${tenantId}/documents`, { method: "POST", headers: { "x-api-key": vars.SKOR_API_KEY }, body: form })
      .then(async (r) => { await r.arrayBuffer(); if (r.status !== 201) throw new Error(`direct upload HTTP ${r.status}`); });
  };
  // Warm both, then alternate them so a burst of load elsewhere on the machine falls
  // on both sides alike; MiB/s over the sum of each side's runs.
  await direct();
  await viaEdge();
  const spent = { direct: 0, edge: 0 };
  const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 5);
  for (let i = 0; i < UPLOADS; i++) {
    for (const [k, fn] of [["direct", direct], ["edge", viaEdge]]) {
      const t = performance.now();
      await fn();
      spent[k] += performance.now() - t;
    }
  }
  const d = (UPLOADS * 10) / (spent.direct / 1000);
  const e = (UPLOADS * 10) / (spent.edge / 1000);
  row("10 MiB upload throughput, edge", `${e.toFixed(1)} MiB/s`, `${d.toFixed(1)} MiB/s direct`, fmtRatio(e, d), `≥ ${UPLOAD_BUDGET.toFixed(2)}×`, e / d >= UPLOAD_BUDGET);
  if (e / d < UPLOAD_BUDGET) notes.push(`Uploads through the edge run at ${(e / d).toFixed(2)}× direct, under the ${UPLOAD_BUDGET}× budget.`);
  // The edge runs in its own workerd (scripts/bench.sh): if it buffered whole bodies,
  // 8 concurrent 10 MiB uploads would add ~80 MiB to its peak.
  const idle = await peakRss(8000);
  const busy = await peakRss(0, () => Promise.all(Array.from({ length: 8 }, viaEdge)));
  const mib = (k) => `${(k / 1024).toFixed(0)} MiB`;
  row("edge workerd peak RSS, 8 concurrent 10 MiB uploads", mib(busy), `${mib(idle)} idle 8 s`, `+${mib(busy - idle)}`, "< +40 MiB (streamed)", busy - idle < 40 * 1024);
  if (busy - idle >= 40 * 1024) notes.push(`8 concurrent uploads raise the edge's memory by ${mib(busy - idle)}: something buffers.`);
}

// ------------------------------------------------------------------ core ----
function coreNative() {
  const res = spawnSync("cargo", ["bench", "-q", "-p", "onboarding-core", "--bench", "validate", "--", "--noplot"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const text = `${res.stdout}\n${res.stderr}`;
  writeFileSync(path.join(OUT, "criterion.txt"), text);
  const rates = [...text.matchAll(/^(\S[^\n]*?)\s*\n?\s*time:[^\n]*\n\s*thrpt:\s*\[[^\]]*?([\d.]+) ([KMG]?)elem\/s[^\]]*?\]/gm)];
  if (!rates.length) throw new Error("no criterion throughput in output (see target/bench/criterion.txt)");
  const mult = { "": 1, K: 1e3, M: 1e6, G: 1e9 };
  for (const m of rates) {
    const perSec = Number(m[2]) * mult[m[3]];
    const name = m[1].trim();
    const isFull = /full/.test(name);
    row(`core ${name}, native`, `${Math.round(perSec).toLocaleString("en")} /s`, isFull ? "budget 200,000 /s" : "", isFull ? fmtRatio(perSec, 200000) : "", isFull ? "≥ 200,000 /s" : "", isFull ? perSec >= 200000 : null);
    if (isFull && perSec < 200000) notes.push(`Native validation runs ${Math.round(perSec)} /s, under the 200,000 /s budget.`);
  }
}

function coreWasm() {
  const wasm = process.env.CORE_WASM_RATE;
  if (!wasm) throw new Error(`wasm-pack test --test wasm_bench gave no rate: ${process.env.CORE_WASM_ERROR ?? "no output"}`);
  row("core full applicant validation, wasm (headless Chromium)", `${Number(wasm).toLocaleString("en")} /s`, "", "", "", null);
}

// ---------------------------------------------------------- status push -----
// A status change reaching open status connections, and what open connections cost
// while nothing changes. Budgets: webhook → change at an open stream p50 ≤ 50 ms; 100
// open streams idle for 15 s cost workerd no more CPU than 15 s with none (and the
// objects no request: each tenant's object is asked how many it served, before and
// after).
async function benchTenant(i) {
  const session = await sessionToken();
  const res = await fetchRetry(`${EDGE}/v1/tenants`, {
    method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, authorization: `Bearer ${session}` },
    body: JSON.stringify(applicant(`push${i}`)),
  });
  if (res.status !== 201) throw new Error(`tenant: HTTP ${res.status}`);
  return res.json();
}

/** An open SSE stream; `next(pred)` resolves with the first later frame matching. */
async function openStream(t, ctrl) {
  const res = await fetch(`${EDGE}/v1/tenants/${t.tenantId}/events`, { headers: { authorization: `Bearer ${t.sessionToken}`, origin: ORIGIN }, signal: ctrl.signal });
  if (res.status !== 200) throw new Error(`events: HTTP ${res.status}`);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const waiters = [];
  const frames = [];
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const raw = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!/^id: /m.test(raw)) continue;
          const at = performance.now();
          frames.push(raw);
          for (const w of waiters.splice(0)) w(at);
        }
      }
    } catch { /* aborted */ }
  })();
  return { frames, next: () => new Promise((r) => waiters.push(r)) };
}

/** An open WebSocket of the live status (a ticket, then the socket), with the same
 * `{frames, next, close}` shape as openStream. */
async function openSocket(t) {
  const r = await fetchRetry(`${EDGE}/v1/tenants/${t.tenantId}/live-tickets`, { method: "POST", headers: { authorization: `Bearer ${t.sessionToken}`, origin: ORIGIN } });
  if (r.status !== 201) throw new Error(`live-tickets: HTTP ${r.status}`);
  const { ticket } = await r.json();
  const ws = new WebSocket(`${EDGE.replace(/^http/, "ws")}/v1/tenants/${t.tenantId}/live?ticket=${ticket}`);
  const waiters = [];
  const frames = [];
  ws.addEventListener("message", (e) => {
    const at = performance.now();
    frames.push(e.data);
    for (const w of waiters.splice(0)) w(at);
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  return { frames, next: () => new Promise((r) => waiters.push(r)), close: () => ws.close() };
}

function signed(secret, body) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

async function statusPush() {
  const secret = devVars().SKOR_WEBHOOK_SECRET;
  // 100 connections on 20 tenants (5 each, under the per-tenant cap of 8), idle for
  // 15 s, against 15 s with none open: SSE (what other clients use), then WebSockets
  // (what the widget uses).
  const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 15_000);
  const tenants = [];
  for (let i = 1; i <= 20; i++) tenants.push(await benchTenant(i));
  const served = async (x) => (await fetchRetry(`${EDGE}/_dev/tenants/${x.tenantId}/served`)).json();
  const cpuOver = async () => {
    const before = groupCpuMs(process.env.EDGE_PGID);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return groupCpuMs(process.env.EDGE_PGID) - before;
  };
  await new Promise((r) => setTimeout(r, 2000)); // the tenants' own work settles
  const none = await cpuOver();
  const idle = async (open) => {
    const conns = [];
    for (let i = 0; i < 100; i++) {
      const c = await open(tenants[i % 20]);
      conns.push(c);
      await new Promise((r) => (c.frames.length ? r() : c.next().then(r)));
    }
    const servedBefore = await Promise.all(tenants.map(served));
    const cpu = await cpuOver();
    const servedAfter = await Promise.all(tenants.map(served));
    for (const c of conns) c.close();
    // A hibernated object comes back as a new instance counting from zero.
    const calls = servedAfter.reduce((n, a, i) => {
      const b = servedBefore[i];
      return n + (a.instance === b.instance ? a.served - b.served : a.served) - 1;
    }, 0);
    await new Promise((r) => setTimeout(r, 1000));
    return { cpu, calls };
  };
  const sse = await idle(async (t) => {
    const ctrl = new AbortController();
    const s = await openStream(t, ctrl);
    return { ...s, close: () => ctrl.abort() };
  });
  const ws = await idle(openSocket);
  const noise = "no more than idle (noise: ≤ 1.25× + 50 ms)";
  row(`workerd CPU over ${IDLE_MS / 1000} s with 100 SSE streams open, nothing changing`, `${sse.cpu.toFixed(0)} ms`, `${none.toFixed(0)} ms with none`, fmtRatio(sse.cpu, none), noise, sse.cpu <= none * 1.25 + 50);
  row("  object requests from those 100 open streams", String(sse.calls), "", "", "0", sse.calls === 0);
  row(`workerd CPU over ${IDLE_MS / 1000} s with 100 WebSockets open (the widget's), nothing changing`, `${ws.cpu.toFixed(0)} ms`, `${none.toFixed(0)} ms with none`, fmtRatio(ws.cpu, none), noise, ws.cpu <= none * 1.25 + 50);
  row("  object requests from those 100 open sockets", String(ws.calls), "", "", "0", ws.calls === 0);

  const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
  const N = Number(process.env.BENCH_PUSH_N ?? 60);
  const latency = async (conn, t) => {
    await new Promise((r) => setTimeout(r, 300));
    const push = [], reply = [];
    for (let i = 0; i < N; i++) {
      const body = JSON.stringify({ id: `evt_bench_${Date.now()}_${i}`, type: "kyc.completed", createdAt: new Date().toISOString(), tenantId: t.tenantId, data: { status: "verified" } });
      const arrived = conn.next();
      const t0 = performance.now();
      const res = await fetch(`${EDGE}/webhooks/skor`, { method: "POST", headers: { "content-type": "application/json", "skor-signature": signed(secret, body) }, body });
      await res.text();
      reply.push(performance.now() - t0);
      push.push((await arrived) - t0);
    }
    conn.close();
    return { push, reply };
  };
  const t = await benchTenant(0);
  const ctrl = new AbortController();
  const overSse = await latency({ ...(await openStream(t, ctrl)), close: () => ctrl.abort() }, t);
  const overWs = await latency(await openSocket(t), t);
  for (const [name, m] of [["SSE", overSse], ["WebSocket", overWs]]) {
    const lat = p50(m.push);
    row(`webhook → change at an open status connection (${name}, pushed), p50 / p95`, `${lat.toFixed(1)} / ${p95(m.push).toFixed(1)} ms`, `webhook reply ${p50(m.reply).toFixed(1)} ms`, "", "≤ 50 ms", lat <= 50);
  }
}

// ---------------------------------------------------------------- phone -----
// The agency's page on a phone over a slow link (375×667, 150 ms RTT, 1.6 Mbps down,
// 4× CPU slowdown; cache disabled): how long until the first step is interactive (the
// consent form drawn and the mount-time session answered), against the floor — two
// round trips to the page's origin, two to the edge's, and every byte the page and the
// widget transfer at the link's speed. The request chain shows what waited for what.
const SITE = process.env.AGENCY_SITE_URL ?? "http://127.0.0.1:8788";
const RTT_MS = 150;
const DOWN_BPS = 1.6e6;

async function phoneOnce(browser, url) {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: RTT_MS, downloadThroughput: DOWN_BPS / 8, uploadThroughput: 750e3 / 8 });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  // In the page: when the first step's form is on screen (checked every frame).
  await page.addInitScript(() => {
    const look = () => {
      if (document.querySelector("tenant-onboarding")?.shadowRoot?.querySelector('[name="consent.termsAccepted"]')) window.__drawnAt = performance.now();
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__drawnAt && performance.getEntriesByType("resource").some((e) => e.name.endsWith("/v1/sessions") && e.responseEnd > 0), null, { timeout: 60_000, polling: 100 });
  const interactive = Math.round(await page.evaluate(() => Math.max(window.__drawnAt,
    ...performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/v1/sessions")).map((e) => e.responseEnd))));
  const chain = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => ({
    name: new URL(e.name).pathname, start: Math.round(e.startTime), end: Math.round(e.responseEnd), bytes: e.transferSize || e.encodedBodySize,
  })));
  const nav = await page.evaluate(() => { const n = performance.getEntriesByType("navigation")[0]; return { bytes: n.transferSize || n.encodedBodySize, end: Math.round(n.responseEnd) }; });
  await context.close();
  const bytes = nav.bytes + chain.reduce((n, e) => n + e.bytes, 0);
  const floor = 4 * RTT_MS + (bytes * 8 * 1000) / DOWN_BPS;
  return { interactive, floor, bytes, chain, nav };
}

async function phone() {
  const { launch } = await import("../tests/lib/browser.mjs");
  const browser = await launch();
  try {
    for (const [label, url] of [["pinned", `${SITE}/`], ["stable entry", `${SITE}/?entry=stable`]]) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await phoneOnce(browser, url));
      runs.sort((a, b) => a.interactive - b.interactive);
      const m = runs[1];
      const ratio = m.interactive / m.floor;
      const pinned = label === "pinned";
      row(`phone (375×667, ${RTT_MS} ms RTT, 1.6 Mbps, 4× CPU): first step interactive, ${label} (median of 3)`,
        `${m.interactive} ms`, `floor ${Math.round(m.floor)} ms (${kb(m.bytes)} at 1.6 Mbps + 4 RTT)`, fmtRatio(m.interactive, m.floor),
        pinned ? "≤ 1.2× the floor" : "", pinned ? ratio <= 1.2 : null);
      notes.push(`Request chain, ${label}: document ${m.nav.end} ms; ${m.chain.map((e) => `${e.name} ${e.start}→${e.end} ms`).join("; ")}.`);
    }
  } finally {
    await browser.close();
  }
}

// --------------------------------------------------------------- console ----
// The agency console: what a page weighs (HTML + CSS + JS, gzip -9, before any
// document) and the pipeline's p50 with 1,000 applications in the agency, beside the
// agency API's own list call in the same run (one request at a time).
const CONSOLE_PAGE_BUDGET = 30 * 1024;
const CONSOLE_P50_BUDGET = 2;
async function consoleSection() {
  const secret = JSON.parse(readFileSync(path.join(ROOT, ".dev-agencies.json"), "utf8")).ag_demo.secretKey;
  const agencyApi = { headers: { authorization: `Bearer ${secret}` } };
  // Top the agency up to 1,000 applications (earlier sections may have made some).
  const count = async () => {
    let n = 0, cursor = "";
    do {
      const r = await fetchRetry(`${EDGE}/v1/agency/tenants?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, agencyApi);
      const page = await r.json();
      n += page.tenants.length;
      cursor = page.nextCursor ?? "";
    } while (cursor && n < 1000);
    return n;
  };
  const have = await count();
  const token = await sessionToken();
  const create = async (i) => {
    const r = await fetchRetry(`${EDGE}/v1/tenants`, {
      method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, authorization: `Bearer ${token}` },
      body: JSON.stringify(applicant(`console${Date.now()}x${i}`)),
    });
    await r.arrayBuffer();
  };
  for (let i = have; i < 1000; i += 8) await Promise.all([...Array(Math.min(8, 1000 - i)).keys()].map((k) => create(i + k)));
  const total = await count();
  const res = await fetchRetry(`${EDGE}/cdn-cgi/access/_test/token`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "admin@demo.test" }),
  });
  const access = (await res.json()).token;
  const staff = { headers: { "cf-access-jwt-assertion": access, "accept-language": "es" } };
  const pipelineHtml = await (await fetchRetry(`${EDGE}/console/ag_demo/`, staff)).text();
  const rowsShown = (pipelineHtml.match(/<tr id="row-/g) ?? []).length;
  const firstId = /id="row-([A-Za-z0-9_-]+)"/.exec(pipelineHtml)?.[1];
  const fileHtml = await (await fetchRetry(`${EDGE}/console/ag_demo/tenants/${firstId}`, staff)).text();
  const css = Buffer.from(await (await fetchRetry(`${EDGE}/console/assets/console.css`)).arrayBuffer());
  const js = Buffer.from(await (await fetchRetry(`${EDGE}/console/assets/console.js`)).arrayBuffer());
  for (const [name, html] of [["pipeline (25 rows)", pipelineHtml], ["an application's file", fileHtml]]) {
    const bytes = gz(Buffer.from(html)) + gz(css) + gz(js);
    row(`console page: ${name}, HTML + CSS + JS gzip -9`, kb(bytes), `HTML ${kb(gz(Buffer.from(html)))}, CSS ${kb(gz(css))}, JS ${kb(gz(js))}`, fmtRatio(bytes, CONSOLE_PAGE_BUDGET), "≤ 30 KB", bytes <= CONSOLE_PAGE_BUDGET);
  }
  // The creations above leave work behind (relays, list writes): let it settle, then
  // measure the two side by side in alternating rounds (the median of each side's
  // round p50s), so background work weighs on both alike.
  await new Promise((r) => setTimeout(r, 5000));
  await oha(`${EDGE}/console/ag_demo/`, { ...staff, n: 20, c: 1 });
  await oha(`${EDGE}/v1/agency/tenants?limit=25`, { ...agencyApi, n: 20, c: 1 });
  const ROUNDS = 5, PER_ROUND = 50;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lists = [], pipes = [], searches = [];
  let failed = 0;
  for (let i = 0; i < ROUNDS; i++) {
    lists.push((await oha(`${EDGE}/v1/agency/tenants?limit=25`, { ...agencyApi, n: PER_ROUND, c: 1 })).p50);
    const p = await oha(`${EDGE}/console/ag_demo/`, { ...staff, n: PER_ROUND, c: 1 });
    failed += PER_ROUND - p.ok;
    pipes.push(p.p50);
    searches.push((await oha(`${EDGE}/console/ag_demo/?q=garc%C3%ADa`, { ...staff, n: PER_ROUND, c: 1 })).p50);
  }
  const list = median(lists), pipeline = median(pipes), search = median(searches);
  const ratio = pipeline / list;
  row(`console pipeline p50 at c=1 (${total >= 1000 ? "1,000+" : total} applications, ${rowsShown} rows shown; median of ${ROUNDS} alternating rounds of ${PER_ROUND})`, `${pipeline.toFixed(1)} ms`, `${list.toFixed(1)} ms agency API list (limit 25)`, `${ratio.toFixed(2)}×`, "≤ 2× the API call", ratio <= CONSOLE_P50_BUDGET && failed === 0);
  row("  pipeline with a search (name, email or reference), p50 at c=1", `${search.toFixed(1)} ms`, `${list.toFixed(1)} ms`, fmtRatio(search, list), "", null);
}

// ----------------------------------------------------------------- main -----
const sections = [["sizes", sizes], ["core (native)", coreNative], ["core (wasm)", coreWasm], ["load", load], ["uploads", uploads], ["status push", statusPush], ["console", consoleSection], ["phone", phone]];
const only = process.env.BENCH_SECTIONS?.split(",");
for (const [name, fn] of sections) {
  if (only && !only.some((o) => name.startsWith(o))) continue;
  try {
    process.stderr.write(`==> bench: ${name}\n`);
    await fn();
  } catch (e) {
    const why = `${String(e.message).split("\n")[0]}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ""}`;
    row(`${name}`, "n/a", "", "", why, false);
    notes.push(`The ${name} section failed: ${why}`);
  }
}

const header = ["figure", "value", "baseline (same run)", "ratio", "budget / notes", "ok"];
const table = [header, header.map(() => "---"), ...rows.map((r) => [r.figure, r.value, r.baseline, r.ratio, r.budget, r.ok === null ? "" : r.ok ? "yes" : "NO"])];
const md = table.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
const stamp = `Run ${new Date().toISOString()} on ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores; c=${CONCURRENCY}, n=${REQUESTS}.`;
for (const r of rows) if (r.ok === false && !notes.some((n) => n.includes(r.figure))) notes.push(`Over budget: ${r.figure.trim()} (${r.value}; ${r.budget}).`);
const text = `${stamp}\n\n${md}\n${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : "\nEvery figure is within its budget.\n"}`;
writeFileSync(path.join(OUT, "latest.md"), text);
console.log(text);

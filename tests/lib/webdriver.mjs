// A small W3C WebDriver client for the three engines an applicant uses, each driven
// through its own Debian browser and driver (never a downloaded browser):
//
//   chromium  Blink   /usr/bin/chromedriver  → /usr/bin/chromium, headless
//   firefox   Gecko   geckodriver (crates.io) → /usr/bin/firefox-esr, -headless
//   webkit    WebKit  /usr/bin/WebKitWebDriver → MiniBrowser, under Xvfb (it has no
//                     headless mode; see ../shared/TOOLCHAIN.md)
//
// Only the endpoints the suites need: sessions, navigation, scripts, element click and
// keys, windows. Elements inside the widget's shadow root are found by a script that
// returns them (a standard web element reference), then clicked and typed into through
// the driver like any other element, so input goes through each engine's own event path.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function which(name, fallbacks = []) {
  for (const p of [...fallbacks, path.join(homedir(), ".cargo/bin", name), `/usr/bin/${name}`]) {
    if (existsSync(p)) return p;
  }
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`]).toString().trim();
  } catch {
    return null;
  }
}

/** Engines and how to start each; `viewport` is only honoured by Chromium's mobile emulation. */
export const ENGINES = {
  chromium: {
    driver: () => which("chromedriver"),
    args: (port) => [`--port=${port}`],
    capabilities: ({ mobile } = {}) => ({
      browserName: "chrome",
      "goog:chromeOptions": {
        binary: process.env.CHROME_BIN ?? "/usr/bin/chromium",
        args: [
          "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--no-first-run", "--window-size=1024,900",
        ],
        ...(mobile ? { mobileEmulation: { deviceMetrics: { width: 375, height: 667, pixelRatio: 2, touch: true } } } : {}),
      },
    }),
  },
  firefox: {
    driver: () => which("geckodriver"),
    args: (port) => ["--port", String(port), "--host", "127.0.0.1"],
    capabilities: () => ({
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: "/usr/bin/firefox-esr",
        args: ["-headless", "-width=1024", "-height=900"],
        prefs: {
          // No network beyond loopback on these machines: keep Firefox's own calls quiet.
          "app.update.enabled": false, "browser.shell.checkDefaultBrowser": false,
          "datareporting.policy.dataSubmissionEnabled": false, "network.captive-portal-service.enabled": false,
          "dom.disable_open_during_load": false,
        },
      },
    }),
  },
  webkit: {
    driver: () => which("WebKitWebDriver"),
    args: (port) => [`--port=${port}`],
    display: true,
    capabilities: () => ({
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
    }),
  },
};

let xvfb;
/** An X display for MiniBrowser: $DISPLAY if set, else an Xvfb of our own. */
async function display() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  if (!xvfb) {
    const n = 90 + Math.floor(Math.random() * 9);
    const proc = spawn("Xvfb", [`:${n}`, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], { stdio: "ignore" });
    proc.unref();
    xvfb = { proc, name: `:${n}` };
    process.once("exit", () => proc.kill());
    for (let i = 0; i < 50 && !existsSync(`/tmp/.X11-unix/X${n}`); i++) await sleep(100);
  }
  return xvfb.name;
}

export function stopDisplay() {
  xvfb?.proc.kill();
  xvfb = undefined;
}

/** Starts `engine`'s driver and a browser session. Resolves to a {@link Browser}. */
export async function open(engine, options = {}) {
  const spec = ENGINES[engine];
  const bin = spec.driver();
  if (!bin) throw new Error(`${engine}: driver not installed (run scripts/setup.sh)`);
  const port = await freePort();
  const env = { ...process.env };
  if (spec.display) env.DISPLAY = await display();
  const proc = spawn(bin, spec.args(port), { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok && (await r.json()).value?.ready !== false) break;
    } catch {
      // not up yet
    }
    if (i > 100 || proc.exitCode !== null) throw new Error(`${engine}: driver did not start\n${stderr}`);
    await sleep(100);
  }
  const b = new Browser(engine, base, proc);
  try {
    const r = await b.cmd("POST", "/session", { capabilities: { alwaysMatch: spec.capabilities(options) } }, false);
    b.id = r.sessionId;
  } catch (e) {
    proc.kill();
    throw new Error(`${engine}: no session: ${e.message}\n${stderr}`);
  }
  await b.cmd("POST", "/timeouts", { script: 60000, pageLoad: 60000, implicit: 0 });
  return b;
}

/** One browser session. */
export class Browser {
  constructor(engine, base, proc) {
    this.engine = engine;
    this.base = base;
    this.proc = proc;
    this.id = null;
  }

  async cmd(method, p, body, inSession = true) {
    const url = `${this.base}${inSession ? `/session/${this.id}` : ""}${p}`;
    const res = await fetch(url, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const v = json.value ?? {};
      const err = new Error(`${this.engine} ${method} ${p}: ${v.error ?? res.status} ${v.message ?? ""}`.trim());
      err.code = v.error;
      throw err;
    }
    return json.value;
  }

  goto(url) { return this.cmd("POST", "/url", { url }); }
  url() { return this.cmd("GET", "/url"); }

  /** Runs `fn` (a function or its source) in the page with `args`; returns its value. */
  run(fn, ...args) {
    return this.cmd("POST", "/execute/sync", { script: `return (${fn}).apply(null, arguments)`, args });
  }

  /** Runs an async `fn` in the page; resolves to what its promise resolves to. */
  runAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((v) => done({ ok: v }), (e) => done({ err: String(e && e.stack || e) }));`;
    return this.cmd("POST", "/execute/async", { script, args }).then((r) => {
      if (r && "err" in r) throw new Error(`${this.engine}: page script failed: ${r.err}`);
      return r?.ok;
    });
  }

  /** Polls `fn(...args)` in the page until it returns something truthy. */
  async until(what, fn, args = [], timeout = 20000) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.run(fn, ...args);
        if (last) return last;
      } catch (e) {
        // A navigation or a closing window between polls: try again.
        if (!/no such window|javascript error|unknown error|stale|detached|navigat/i.test(`${e.code} ${e.message}`)) throw e;
      }
      if (Date.now() > end) throw new Error(`${this.engine}: timed out waiting for ${what}`);
      await sleep(150);
    }
  }

  click(el) { return this.cmd("POST", `/element/${el[ELEMENT]}/click`, {}); }
  clear(el) { return this.cmd("POST", `/element/${el[ELEMENT]}/clear`, {}); }
  type(el, text) { return this.cmd("POST", `/element/${el[ELEMENT]}/value`, { text }); }

  /** PNG of the current window. */
  async screenshot() { return Buffer.from(await this.cmd("GET", "/screenshot"), "base64"); }

  /** Sets a cookie on the current page's host. */
  addCookie(name, value) { return this.cmd("POST", "/cookie", { cookie: { name, value, path: "/" } }); }
  /** Deletes every cookie of the current page's host. */
  deleteCookies() { return this.cmd("DELETE", "/cookie"); }

  windows() { return this.cmd("GET", "/window/handles"); }
  window() { return this.cmd("GET", "/window"); }
  switchTo(handle) { return this.cmd("POST", "/window", { handle }); }
  closeWindow() { return this.cmd("DELETE", "/window"); }
  setRect(rect) { return this.cmd("POST", "/window/rect", rect); }

  async close() {
    try {
      if (this.id) await this.cmd("DELETE", "");
    } catch {
      // the browser may already be gone
    }
    this.proc.kill();
  }
}

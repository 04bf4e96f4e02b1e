// The second agency site: a letting agency's own web page on its own origin
// (http://127.0.0.1:8788), under a strict CSP that names only itself and the edge,
// embedding the widget from the edge exactly as the README tells an agency to: the
// pinned tag `<script type="module" src="EDGE/widget/<version>/onboarding.js"
// integrity="sha384-…" crossorigin="anonymous">`, read from EDGE/widget/manifest.json.
//
// Run by `make dev` and `make test` beside wrangler dev. Query parameters for the
// suites (a real agency page has none): `?key=pk_…` embeds another publishable key
// (one not allowed here, to see the refusal at mount); `?entry=stable` embeds the
// stable, unpinned entry instead; `?version=V` pins that published version (its entry
// and integrity from the manifest's `versions`); `?tt=1` adds Trusted Types enforcement
// to the CSP (as a strict-CSP agency site has it); `?locale=ca` sets the element's
// language.
//
//   node scripts/agency-site.mjs [port]      env EDGE_URL (default http://127.0.0.1:8787)
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const DIR = path.join(ROOT, "sites/portal");
const PORT = Number(process.argv[2] ?? process.env.AGENCY_SITE_PORT ?? 8788);
const EDGE = (process.env.EDGE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const KEY = "pk_test_portal";

const CSP = [
  "default-src 'none'",
  `script-src 'self' ${EDGE} 'wasm-unsafe-eval'`,
  `style-src 'self' ${EDGE}`,
  // The live status is a WebSocket to the edge: its ws(s):// origin, which an
  // http(s):// source does not cover.
  `connect-src ${EDGE} ${EDGE.replace(/^http/, "ws")}`,
  `img-src 'self' data: ${EDGE}`,
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

// What the README tells a site that enforces Trusted Types to add.
const TRUSTED_TYPES = "require-trusted-types-for 'script'; trusted-types tenant-onboarding";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const attr = (s) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

let cached = { at: 0, manifest: null };
async function manifest() {
  if (Date.now() - cached.at < 2000 && cached.manifest) return cached.manifest;
  const res = await fetch(`${EDGE}/widget/manifest.json`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`manifest: ${res.status}`);
  cached = { at: Date.now(), manifest: await res.json() };
  return cached.manifest;
}

async function page(url) {
  const key = /^pk_[A-Za-z0-9_]{1,64}$/.test(url.searchParams.get("key") ?? "") ? url.searchParams.get("key") : KEY;
  let tag;
  if (url.searchParams.get("entry") === "stable") {
    tag = `<script type="module" src="${EDGE}/widget/onboarding.js"></script>`;
  } else {
    const m = await manifest();
    const wanted = url.searchParams.get("version");
    const pin = (wanted && (m.versions ?? []).find((v) => v.version === wanted)) || m;
    // The README's snippet: the wasm and the stylesheet preloaded with their integrity
    // (they download beside the entry instead of after it has run), then the entry.
    // (Not the language catalogs the manifest also lists: a journey fetches the one it
    // speaks, if any.)
    const preload = Object.entries(pin.files ?? {}).filter(([p]) => /\.(wasm|css)$/.test(p)).map(([p, integrity]) =>
      `<link rel="preload" href="${attr(EDGE + p)}" as="${p.endsWith(".css") ? "style" : "fetch"}" integrity="${attr(integrity)}" crossorigin="anonymous">`);
    tag = [...preload, `<script type="module" src="${attr(EDGE + pin.entry)}" integrity="${attr(pin.integrity)}" crossorigin="anonymous"></script>`].join("\n  ");
  }
  // `?locale=ca`: the element's language (the page says es).
  const locale = /^[a-z]{2}(-[A-Za-z]{2})?$/.test(url.searchParams.get("locale") ?? "") ? url.searchParams.get("locale") : "es";
  return readFileSync(path.join(DIR, "index.html"), "utf8").replace("{{WIDGET_TAG}}", tag).replace("{{KEY}}", attr(key))
    .replace('locale="es"', `locale="${locale}"`);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host ?? "127.0.0.1"}`);
  const headers = {
    "Content-Security-Policy": url.searchParams.get("tt") === "1" ? `${CSP}; ${TRUSTED_TYPES}` : CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cache-Control": "no-store",
  };
  try {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...headers, Allow: "GET, HEAD" }).end();
      return;
    }
    if (url.pathname === "/" || url.pathname === "/index.html") {
      res.writeHead(200, { ...headers, "Content-Type": TYPES[".html"] }).end(await page(url));
      return;
    }
    const name = path.basename(url.pathname);
    if (url.pathname === `/${name}` && ["app.js", "site.css"].includes(name)) {
      res.writeHead(200, { ...headers, "Content-Type": TYPES[path.extname(name)] }).end(readFileSync(path.join(DIR, name)));
      return;
    }
    res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
  } catch (e) {
    res.writeHead(502, { ...headers, "Content-Type": "text/plain" }).end(`the edge is not answering (${e.message})`);
  }
});
server.listen(PORT, "127.0.0.1", () => console.log(`==> agency site (Portal Pisos, ${KEY}) on http://127.0.0.1:${PORT}, widget from ${EDGE}`));

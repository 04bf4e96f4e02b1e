// Publishes a built widget version to the release store the edge serves /widget/ from
// (the R2 bucket `onboarding-widget`, bound as WIDGET). Append-only: a version's files
// are put once and never replaced or removed — a version already in the store with
// other bytes is refused — so every pinned tag keeps working; then the stable entry
// (/widget/onboarding.js, re-exporting the version), its types and /widget/manifest.json
// ({version, entry, integrity, files} of the latest, and `versions`: every published
// {version, entry, integrity, files}, newest first) move to it.
//
//   npm run widget:publish -- [--version V] [--local [--persist-to DIR] | --remote]
//
// --version: a folder of target/widget/ (default: the latest build, target/widget/latest).
// --local (default): the local store `wrangler dev` reads (.wrangler/state, or
// --persist-to DIR). --remote: production (`wrangler login` or CLOUDFLARE_API_TOKEN).
// `make dev` and `make test` run it locally after building, as a release runs it remotely.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUCKET = "onboarding-widget";
const TYPES = { ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".css": "text/css; charset=utf-8", ".ts": "text/plain; charset=utf-8", ".json": "application/json" };

function args(argv) {
  const o = { where: ["--local"] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--remote") o.where = ["--remote"];
    else if (a === "--local") o.where = ["--local", ...o.where.slice(1)];
    else if (a === "--persist-to") o.where = ["--local", "--persist-to", path.resolve(argv[++i])];
    else if (a === "--version") o.version = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const opts = args(process.argv.slice(2));
const built = path.join(ROOT, "target", "widget");
const version = opts.version ?? readFileSync(path.join(built, "latest"), "utf8").trim();
if (!/^[0-9A-Za-z.-]{1,64}$/.test(version)) throw new Error(`not a version: ${version}`);
const dir = path.join(built, version);
const release = JSON.parse(readFileSync(path.join(dir, "release.json"), "utf8"));
const scratch = mkdtempSync(path.join(tmpdir(), "widget-publish-"));

function wrangler(...a) {
  const r = spawnSync("wrangler", ["r2", "object", ...a, ...opts.where], { cwd: ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  return r;
}

/** The object's bytes, or null when the store has none under `key`. */
function get(key) {
  const file = path.join(scratch, createHash("sha256").update(key).digest("hex"));
  const r = wrangler("get", `${BUCKET}/${key}`, "--file", file);
  if (r.status !== 0) return null;
  try { return readFileSync(file); } catch { return null; }
}

function put(key, file, cacheControl) {
  const r = wrangler("put", `${BUCKET}/${key}`, "--file", file, "--content-type", TYPES[path.extname(key)] ?? "application/octet-stream", "--cache-control", cacheControl);
  if (r.status !== 0) throw new Error(`put ${key}: ${r.stderr || r.stdout}`);
}

try {
  const listed = get("widget/releases.json");
  const releases = listed ? JSON.parse(listed.toString("utf8")) : [];
  const known = releases.find((r) => r.version === version);
  if (known && known.integrity !== release.integrity) {
    throw new Error(`version ${version} is published with other bytes (${known.integrity}); a version never changes`);
  }
  if (!known) {
    // The version's files, each once: one already there must be these same bytes.
    for (const name of readdirSync(dir).filter((f) => f !== "release.json").sort()) {
      const key = `widget/${version}/${name}`;
      const bytes = readFileSync(path.join(dir, name));
      const there = get(key);
      if (there && !there.equals(bytes)) throw new Error(`${key} is in the store with other bytes; a version never changes`);
      if (!there) put(key, path.join(dir, name), "public, max-age=31536000, immutable");
    }
    releases.unshift({ version, entry: release.entry, integrity: release.integrity, files: release.files, publishedAt: new Date().toISOString() });
    const list = path.join(scratch, "releases.json");
    writeFileSync(list, JSON.stringify(releases, null, 2) + "\n");
    put("widget/releases.json", list, "no-store");
  }
  // The latest: the stable entry, its types, the manifest.
  const stable = path.join(scratch, "onboarding.js");
  writeFileSync(stable, `// The latest widget. Pin a version instead: see manifest.json and the README.\nexport * from "./${version}/onboarding.js";\n`);
  put("widget/onboarding.js", stable, "public, max-age=300");
  put("widget/onboarding.d.ts", path.join(dir, "onboarding.d.ts"), "public, max-age=300");
  const manifest = path.join(scratch, "manifest.json");
  const versions = releases.map(({ version: v, entry, integrity, files }) => ({ version: v, entry, integrity, files }));
  writeFileSync(manifest, JSON.stringify({ ...release, versions }, null, 2) + "\n");
  put("widget/manifest.json", manifest, "public, max-age=300");
  console.log(`==> widget ${version} published (${opts.where.join(" ")}); ${releases.length} version(s) in the store, ${known ? "already there" : "new"}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Packages the built widget for cross-origin delivery (called by build-widget.sh).
//
// In:  <src>/widget.js + widget_bg.wasm (wasm-bindgen --target web, wasm-opt'd),
//      crates/widget/js/ (loader, types), crates/widget/style/onboarding.css.
// Out: www/widget/<version>/onboarding.js   one ES module: loader + wasm-bindgen glue,
//                                           carrying the SRI of the two files it loads
//      www/widget/<version>/widget_bg.wasm  fetched with `integrity`
//      www/widget/<version>/onboarding.css  linked with `integrity`
//      www/widget/<version>/onboarding.d.ts
//      www/widget/onboarding.js             the stable entry: re-exports the version
//      www/widget/onboarding.d.ts
//      www/widget/manifest.json             {version, entry, integrity, files}
//
// <version> is the crate version plus a hash of everything in the folder, so a changed
// byte is a new version and a versioned URL never changes meaning (it is served
// `immutable`, see www/_headers). Pinning the entry with its integrity therefore pins
// everything it loads. Fails when the versioned set is over the 120 KB gzip -9 budget.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const BUDGET = 120 * 1024;
const src = path.resolve(process.argv[2] ?? path.join(ROOT, "target/widget-bindgen"));
const out = path.join(ROOT, "www/widget");
const tmp = `${out}.tmp`;

// `gzip -9` as the budget says: GNU gzip's output (node's zlib at level 9 differs by
// about 1 %, the wrong way here).
const gz9 = (buf) => execFileSync("gzip", ["-9c"], { input: buf, maxBuffer: 1 << 26 }).length;
const sri = (buf) => `sha384-${createHash("sha384").update(buf).digest("base64")}`;
const crateVersion = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(path.join(ROOT, "Cargo.toml"), "utf8"))[1];

const wasm = readFileSync(path.join(src, "widget_bg.wasm"));
const css = readFileSync(path.join(ROOT, "crates/widget/style/onboarding.css"));

// One module: the loader imports the glue and ./build-info.js; esbuild inlines both.
const bundle = async (info) => {
  const r = await build({
    entryPoints: [path.join(ROOT, "crates/widget/js/onboarding.js")],
    bundle: true,
    format: "esm",
    minify: true,
    target: ["es2020"],
    write: false,
    legalComments: "none",
    plugins: [{
      name: "widget",
      setup(b) {
        b.onResolve({ filter: /^\.\/widget\.js$/ }, () => ({ path: path.join(src, "widget.js") }));
        b.onResolve({ filter: /^\.\/build-info\.js$/ }, () => ({ path: "build-info", namespace: "widget" }));
        b.onLoad({ filter: /.*/, namespace: "widget" }, () => ({ contents: `export default ${JSON.stringify(info)};`, loader: "js" }));
      },
    }],
  });
  return Buffer.from(r.outputFiles[0].contents);
};

const files = { wasm: sri(wasm), css: sri(css) };
// The version hashes the contents of every file the entry loads and the entry's own
// code (built once with a placeholder version, which is then replaced).
const draft = await bundle({ version: "0", integrity: files });
const version = `${crateVersion}-${createHash("sha256").update(wasm).update(css).update(draft).digest("hex").slice(0, 10)}`;
const entry = await bundle({ version, integrity: files });
const dts = readFileSync(path.join(ROOT, "crates/widget/js/onboarding.d.ts"));

rmSync(tmp, { recursive: true, force: true });
const vdir = path.join(tmp, version);
mkdirSync(vdir, { recursive: true });
writeFileSync(path.join(vdir, "onboarding.js"), entry);
writeFileSync(path.join(vdir, "widget_bg.wasm"), wasm);
writeFileSync(path.join(vdir, "onboarding.css"), css);
writeFileSync(path.join(vdir, "onboarding.d.ts"), dts);
writeFileSync(
  path.join(tmp, "onboarding.js"),
  `// The latest widget. Pin a version instead: see manifest.json and the README.\nexport * from "./${version}/onboarding.js";\n`,
);
writeFileSync(path.join(tmp, "onboarding.d.ts"), dts);
const manifest = {
  version,
  entry: `/widget/${version}/onboarding.js`,
  integrity: sri(entry),
  files: {
    [`/widget/${version}/widget_bg.wasm`]: files.wasm,
    [`/widget/${version}/onboarding.css`]: files.css,
  },
};
writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);

// Size: what a browser downloads for one pinned version.
const sizes = readdirSync(path.join(out, version))
  .filter((f) => /\.(wasm|js|css)$/.test(f))
  .map((f) => {
    const buf = readFileSync(path.join(out, version, f));
    return { f, raw: buf.length, gz: gz9(buf) };
  });
const gz = sizes.reduce((n, s) => n + s.gz, 0);
for (const s of sizes) console.log(`    ${s.f.padEnd(16)} ${String(s.raw).padStart(8)} B  ${String(s.gz).padStart(7)} B gzip -9`);
console.log(`==> widget ${version}: ${gz} B gzip -9 (wasm + JS + CSS; budget ${BUDGET}) in www/widget/${version}/`);
if (gz > BUDGET) {
  console.error(`widget over budget: ${gz} B gzip -9 > ${BUDGET} B`);
  process.exit(1);
}

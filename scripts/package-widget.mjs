// Packages the built widget for cross-origin delivery (called by build-widget.sh).
//
// In:  <src>/widget.js + widget_bg.wasm (wasm-bindgen --target web, wasm-opt'd),
//      crates/widget/js/ (loader, types), crates/widget/style/onboarding.css.
// Out: target/widget/<version>/onboarding.js   one ES module: loader + wasm-bindgen
//                                              glue, carrying the SRI of the two files
//                                              it loads
//      target/widget/<version>/widget_bg.wasm  fetched with `integrity`
//      target/widget/<version>/onboarding.css  linked with `integrity`
//      target/widget/<version>/i18n.<locale>.json  a language's catalog (es, en, ca:
//                                              core's texts, field names, UI phrases;
//                                              from <src>/i18n/, written by
//                                              examples/catalogs.rs), fetched with
//                                              `integrity` when a journey speaks it
//      target/widget/<version>/onboarding.d.ts
//      target/widget/<version>/release.json    {version, entry, integrity, files}
//      target/widget/latest                    the version just built
//
// <version> is the crate version plus a hash of everything in the folder, so a changed
// byte is a new version and a versioned URL never changes meaning. Pinning the entry
// with its integrity therefore pins everything it loads. Nothing here deletes a version:
// scripts/publish-widget.mjs puts one into the release store the edge serves from (the
// stable entry and the manifest move there). Fails when the versioned set is over the
// 120 KB gzip -9 budget (WIDGET_EXTRA_CSS appends to the stylesheet: a test builds a
// second version with it).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { build, transform } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const BUDGET = 120 * 1024;
const src = path.resolve(process.argv[2] ?? path.join(ROOT, "target/widget-bindgen"));
const out = path.join(ROOT, "target/widget");

// `gzip -9` as the budget says: GNU gzip's output (node's zlib at level 9 differs by
// about 1 %, the wrong way here).
const gz9 = (buf) => execFileSync("gzip", ["-9c"], { input: buf, maxBuffer: 1 << 26 }).length;
const sri = (buf) => `sha384-${createHash("sha384").update(buf).digest("base64")}`;
const crateVersion = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(path.join(ROOT, "Cargo.toml"), "utf8"))[1];

const wasm = readFileSync(path.join(src, "widget_bg.wasm"));
// Minified (the source's comments and layout are for people; the theming hooks, the
// --onb-* custom properties, are in the README).
const css = Buffer.concat([
  Buffer.from((await transform(readFileSync(path.join(ROOT, "crates/widget/style/onboarding.css"), "utf8"), { loader: "css", minify: true, target: ["chrome100", "firefox100", "safari15"] })).code),
  Buffer.from(process.env.WIDGET_EXTRA_CSS ?? ""),
]);

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
    // The element's own private fields (`_handle`, …) get short names; the glue's
    // `_wbg` import namespace keeps its name.
    mangleProps: /^_[a-z]+$/,
    reserveProps: /^_wbg$/,
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

const dts = readFileSync(path.join(ROOT, "crates/widget/js/onboarding.d.ts"));
const catalogs = Object.fromEntries(readdirSync(path.join(src, "i18n")).sort()
  .map((f) => [path.basename(f, ".json"), readFileSync(path.join(src, "i18n", f))]));
const files = {
  wasm: sri(wasm),
  css: sri(css),
  i18n: Object.fromEntries(Object.entries(catalogs).map(([l, buf]) => [l, sri(buf)])),
};
// The version hashes every file of the folder; the entry's own code is hashed as built
// once with a placeholder version (which is then replaced).
const draft = await bundle({ version: "0", integrity: files });
const hash = createHash("sha256").update(wasm).update(css).update(dts).update(draft);
for (const buf of Object.values(catalogs)) hash.update(buf);
const version = `${crateVersion}-${hash.digest("hex").slice(0, 10)}`;
const entry = await bundle({ version, integrity: files });

const vdir = path.join(out, version);
const tmp = `${vdir}.tmp`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
writeFileSync(path.join(tmp, "onboarding.js"), entry);
writeFileSync(path.join(tmp, "widget_bg.wasm"), wasm);
writeFileSync(path.join(tmp, "onboarding.css"), css);
writeFileSync(path.join(tmp, "onboarding.d.ts"), dts);
for (const [l, buf] of Object.entries(catalogs)) writeFileSync(path.join(tmp, `i18n.${l}.json`), buf);
const release = {
  version,
  entry: `/widget/${version}/onboarding.js`,
  integrity: sri(entry),
  files: {
    [`/widget/${version}/widget_bg.wasm`]: files.wasm,
    [`/widget/${version}/onboarding.css`]: files.css,
    ...Object.fromEntries(Object.entries(files.i18n).map(([l, i]) => [`/widget/${version}/i18n.${l}.json`, i])),
  },
};
writeFileSync(path.join(tmp, "release.json"), JSON.stringify(release, null, 2) + "\n");
// The same bytes as any earlier build of this version (its name is their hash).
rmSync(vdir, { recursive: true, force: true });
renameSync(tmp, vdir);
writeFileSync(path.join(out, "latest"), `${version}\n`);

// Size: what a browser downloads for one pinned version.
const sizes = readdirSync(vdir)
  .filter((f) => /\.(wasm|js|css)$/.test(f))
  .map((f) => {
    const buf = readFileSync(path.join(vdir, f));
    return { f, raw: buf.length, gz: gz9(buf) };
  });
const gz = sizes.reduce((n, s) => n + s.gz, 0);
for (const s of sizes) console.log(`    ${s.f.padEnd(16)} ${String(s.raw).padStart(8)} B  ${String(s.gz).padStart(7)} B gzip -9`);
console.log(`==> widget ${version}: ${gz} B gzip -9 (wasm + JS + CSS; budget ${BUDGET}) in target/widget/${version}/`);
// Catalogs are fetched only by a journey in that language (Spanish only for overrides).
for (const [l, buf] of Object.entries(catalogs)) console.log(`    i18n.${l}.json ${String(buf.length).padStart(8)} B  ${String(gz9(buf)).padStart(7)} B gzip -9, on demand`);
if (gz > BUDGET) {
  console.error(`widget over budget: ${gz} B gzip -9 > ${BUDGET} B`);
  process.exit(1);
}

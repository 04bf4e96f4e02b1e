// The widget's phrase keys, two copies that must agree: the `messages!` table of
// crates/widget/src/i18n.rs (the left-hand identifiers) and the `MessageKey` union of
// index.d.ts (what an agency may override with `messages`).
//
//   node scripts/keys.mjs           exit 1, naming the differences, when they differ
//   node scripts/keys.mjs --write   rewrite the union from the Rust table
//
// Not published (package.json "files"); tests/kit runs the check.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RUST = path.resolve(HERE, "../../../crates/widget/src/i18n.rs");
export const DTS = path.resolve(HERE, "../index.d.ts");

const UNION = /export type MessageKey =([^;]*);/;

/** The keys of the `messages! { … }` invocation (not the macro's definition), in order. */
export function rustKeys(source) {
  const start = source.search(/^messages!\s*\{/m);
  if (start < 0) throw new Error("no `messages! {` table in i18n.rs");
  const end = source.indexOf("\n}", start);
  const table = source.slice(start, end < 0 ? undefined : end);
  return [...table.matchAll(/^\s*([A-Z][A-Za-z0-9]*)\s*=>/gm)].map((m) => m[1]);
}

export function dtsKeys(source) {
  const m = UNION.exec(source);
  if (!m) throw new Error("no `export type MessageKey = …;` in index.d.ts");
  return [...m[1].matchAll(/"([^"]+)"/g)].map((k) => k[1]);
}

/** `{missing, extra}`: keys of the Rust table absent from the union, and the reverse. */
export function compare(rust = readFileSync(RUST, "utf8"), dts = readFileSync(DTS, "utf8")) {
  const r = rustKeys(rust);
  const d = new Set(dtsKeys(dts));
  return { missing: r.filter((k) => !d.has(k)), extra: [...d].filter((k) => !r.includes(k)), count: r.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--write")) {
    const keys = rustKeys(readFileSync(RUST, "utf8"));
    const union = keys.map((k) => `\n  | "${k}"`).join("");
    writeFileSync(DTS, readFileSync(DTS, "utf8").replace(UNION, `export type MessageKey =${union};`));
    console.log(`MessageKey: ${keys.length} keys written to ${path.relative(process.cwd(), DTS)}`);
  } else {
    const { missing, extra, count } = compare();
    if (missing.length || extra.length) {
      console.error(`MessageKey differs from the messages! table of ${RUST}:`);
      if (missing.length) console.error(`  missing from index.d.ts: ${missing.join(", ")}`);
      if (extra.length) console.error(`  in index.d.ts, not in i18n.rs: ${extra.join(", ")}`);
      console.error("  (node scripts/keys.mjs --write rewrites the union)");
      process.exit(1);
    }
    console.log(`MessageKey matches i18n.rs (${count} keys)`);
  }
}

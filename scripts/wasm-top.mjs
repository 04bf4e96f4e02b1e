// The largest contributors of a wasm file, from its own name section (what `twiggy top`
// shows, without installing twiggy): every function body's size, named and demangled,
// then the same summed by crate, then the data segments.
//
//   node scripts/wasm-top.mjs [file.wasm] [N]
//
// With no file it takes the widget's wasm as wasm-bindgen wrote it
// (target/widget-bindgen/widget_bg.pre-opt.wasm, kept by build-widget.sh) and runs
// wasm-opt -Oz with `-g` on it first, so the sizes are those of the shipped wasm (the
// shipped file itself has no names). Sizes are raw bytes, before gzip.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
let file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
if (!file) {
  const pre = path.join(ROOT, "target/widget-bindgen/widget_bg.pre-opt.wasm");
  if (!existsSync(pre)) throw new Error(`no ${pre}: run scripts/build-widget.sh first`);
  file = path.join(ROOT, "target/widget-bindgen/widget_bg.named.wasm");
  // The flags of build-widget.sh, plus -g to keep the names.
  execFileSync("wasm-opt", ["-Oz", "-g", "--converge", "--ignore-implicit-traps", "--low-memory-unused", "--zero-filled-memory", "--strip-producers", "--strip-target-features", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
    "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
    pre, "-o", file]);
}
const buf = readFileSync(file);
let pos = 8;
const u8 = () => buf[pos++];
const leb = () => { let r = 0, s = 0, b; do { b = buf[pos++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return r; };
const str = () => { const n = leb(); const s = buf.toString("utf8", pos, pos + n); pos += n; return s; };
const limits = () => { const f = u8(); leb(); if (f & 1) leb(); };

let imported = 0;
const bodies = []; // [index, size]
const names = new Map();
let data = 0;
const sections = [];
while (pos < buf.length) {
  const id = u8();
  const size = leb();
  const end = pos + size;
  if (id === 0) {
    const name = str();
    sections.push([`custom "${name}"`, size]);
    if (name === "name") {
      while (pos < end) {
        const sub = u8();
        const len = leb();
        const subEnd = pos + len;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(); names.set(i, str()); }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    sections.push(["import", size]);
    for (let n = leb(); n > 0; n--) {
      str(); str();
      const kind = u8();
      if (kind === 0) { leb(); imported++; } else if (kind === 1) { u8(); limits(); } else if (kind === 2) limits();
      else if (kind === 3) { u8(); u8(); } else if (kind === 4) { u8(); leb(); }
    }
  } else if (id === 10) {
    sections.push(["code", size]);
    const n = leb();
    for (let i = 0; i < n; i++) { const len = leb(); bodies.push([imported + i, len]); pos += len; }
  } else if (id === 11) {
    sections.push(["data", size]);
    data = size;
  } else {
    const kinds = { 1: "type", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export", 8: "start", 9: "element", 12: "data count" };
    sections.push([kinds[id] ?? `section ${id}`, size]);
  }
  pos = end;
}

// Legacy Rust mangling (_ZN…E) and the v0 prefix (_R, shown as is).
function demangle(s) {
  if (!s.startsWith("_ZN")) return s;
  let i = 3;
  const parts = [];
  while (i < s.length && s[i] !== "E") {
    let j = i;
    while (/[0-9]/.test(s[j])) j++;
    const n = Number(s.slice(i, j));
    if (!n) break;
    parts.push(s.slice(j, j + n));
    i = j + n;
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts.at(-1))) parts.pop();
  return parts.join("::")
    .replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$u20\$/g, " ").replace(/\$C\$/g, ",")
    .replace(/\$RF\$/g, "&").replace(/\$BP\$/g, "*").replace(/\$u7b\$/g, "{").replace(/\$u7d\$/g, "}")
    .replace(/\$u5b\$/g, "[").replace(/\$u5d\$/g, "]").replace(/\$u27\$/g, "'").replace(/\.\./g, "::");
}
function crateOf(name) {
  const m = /^<?(?:&(?:mut )?)?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)/.exec(name);
  return m ? m[1] : "?";
}

// Percentages of what ships: the file without its name section (wasm-opt drops it).
const total = buf.length - (sections.find(([s]) => s === 'custom "name"')?.[1] ?? 0);
const code = bodies.reduce((a, [, n]) => a + n, 0);
const pct = (n) => `${((100 * n) / total).toFixed(1)} %`.padStart(7);
const row = (n, label) => console.log(`${String(n).padStart(8)} B ${pct(n)}  ${label}`);
console.log(`${path.relative(ROOT, file)}: ${total} B without names; code ${code} B in ${bodies.length} functions, data ${data} B`);
console.log(`\nlargest functions (of ${total} B):`);
const named = bodies.map(([i, n]) => [n, demangle(names.get(i) ?? `func[${i}]`)]).sort((a, b) => b[0] - a[0]);
for (const [n, name] of named.slice(0, top)) row(n, name.length > 110 ? `${name.slice(0, 107)}…` : name);
console.log("\nby crate (code only):");
const crates = new Map();
for (const [n, name] of named) crates.set(crateOf(name), (crates.get(crateOf(name)) ?? 0) + n);
for (const [c, n] of [...crates].sort((a, b) => b[1] - a[1]).slice(0, 12)) row(n, c);
console.log("\nsections:");
for (const [s, n] of sections.sort((a, b) => b[1] - a[1])) row(n, s === 'custom "name"' ? `${s} (not shipped)` : s);

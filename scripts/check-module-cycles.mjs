#!/usr/bin/env node
// Fails when the source files of a crate import each other in a circle.
//
// A file's imports are the module paths its code names (`use crate::a::b`,
// `use super::{x, y}`, inline `crate::a::f()`, a child module's items): each resolves to
// the file that defines the longest module prefix of the path, and that is an arrow
// from the file to it. Declaring a child (`mod x;`) is no arrow; a parent re-exporting
// a child's item (`pub use x::Y`) is one, and so is a child naming its parent's items
// (`super::Y`). Comments, strings and `#[cfg(test)]` modules are left out (tests may
// reach anywhere). One strongly connected component of more than one file is a circle.
//
// Why a script and not `cargo modules dependencies --acyclic`: cargo-modules builds
// rust-analyzer (hundreds of crates, many minutes on these 2-core machines, every
// fresh CI run), and works per item, while the rule here is per file: the granularity
// a reader navigates. This reads the same paths rustc resolves, for this workspace's
// conventions (2018+ paths, no `#[path]`, no glob imports across files).
//
// Usage: node scripts/check-module-cycles.mjs [crate dir …]   (default: every crate)
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const crates = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(join(root, "crates")).map((c) => join("crates", c));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".rs") ? [p] : [];
  });
}

// Module path of a file under src/: lib.rs → [], a.rs | a/mod.rs → [a], a/b.rs → [a, b].
function modulePath(src, file) {
  const parts = relative(src, file).replace(/\.rs$/, "").split("/");
  if (parts.at(-1) === "mod" || (parts.length === 1 && ["lib", "main"].includes(parts[0]))) {
    parts.pop();
  }
  return parts;
}

// The code only: no comments, no string or char literals, no test module.
function code(text) {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      let depth = 0;
      do {
        if (text[i] === "/" && text[i + 1] === "*") (depth++, (i += 2));
        else if (text[i] === "*" && text[i + 1] === "/") (depth--, (i += 2));
        else i++;
      } while (depth > 0 && i < text.length);
    } else if (c === "r" && /^r#*"/.test(text.slice(i, i + 10)) && !/\w/.test(text[i - 1] ?? "")) {
      const hashes = text.slice(i + 1).match(/^#*/)[0];
      const end = text.indexOf('"' + hashes, i + 2 + hashes.length);
      i = end < 0 ? text.length : end + 1 + hashes.length;
      out += '""';
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      out += '""';
    } else if (c === "'" && /^'(\\.|[^\\'])'/.test(text.slice(i, i + 4))) {
      i += text[i + 1] === "\\" ? text.indexOf("'", i + 3) - i + 1 : 3;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  // Test modules sit at the end of a file (clippy's items_after_test_module).
  const test = out.search(/#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{/);
  return test < 0 ? out : out.slice(0, test);
}

// Expands `a::{b, c::{d, e}}` into [a::b, a::c::d, a::c::e].
function expand(tree) {
  tree = tree.replace(/\s+/g, "");
  const open = tree.indexOf("{");
  if (open < 0) return [tree.replace(/::self$/, "").replace(/\bas\w+$/, "")];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf("}"));
  const items = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    if (i === inner.length || (inner[i] === "," && depth === 0)) {
      if (i > start) items.push(inner.slice(start, i));
      start = i + 1;
    } else if (inner[i] === "{") depth++;
    else if (inner[i] === "}") depth--;
  }
  return items.flatMap((item) => expand(prefix + item));
}

let failed = false;
for (const crate of crates) {
  const src = join(root, crate, "src");
  if (!existsSync(src)) continue;
  const files = walk(src).filter((f) => !/(^|\/)tests\.rs$/.test(f));
  const byModule = new Map(files.map((f) => [modulePath(src, f).join("::"), f]));
  const edges = new Map(files.map((f) => [f, new Map()]));
  for (const file of files) {
    const here = modulePath(src, file);
    const text = code(readFileSync(file, "utf8"));
    const children = new Set([...text.matchAll(/\bmod\s+(\w+)\s*;/g)].map((m) => m[1]));
    const paths = [];
    for (const m of text.matchAll(/\buse\s+([^;]+);/g)) paths.push(...expand(m[1]));
    for (const m of text.matchAll(/(?<![\w:])(crate|super|self)((?:::\w+)+)/g)) paths.push(m[1] + m[2]);
    for (const m of text.matchAll(/(?<![\w:])(\w+)((?:::\w+)+)/g)) {
      if (children.has(m[1])) paths.push("self::" + m[1] + m[2]);
    }
    for (const path of paths) {
      const segs = path.split("::").filter(Boolean);
      let abs;
      if (segs[0] === "crate") abs = segs.slice(1);
      else if (segs[0] === "self") abs = [...here, ...segs.slice(1)];
      else if (segs[0] === "super") {
        let up = here.slice();
        while (segs[0] === "super") (up.pop(), segs.shift());
        abs = [...up, ...segs];
      } else if (children.has(segs[0])) abs = [...here, ...segs];
      else continue;
      let target;
      for (let n = abs.length; n >= 0 && !target; n--) target = byModule.get(abs.slice(0, n).join("::"));
      if (target && target !== file) {
        const names = edges.get(file).get(target) ?? new Set();
        names.add(abs.at(-1));
        edges.get(file).set(target, names);
      }
    }
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const circles = [];
  const connect = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v).keys()) {
      if (!idx.has(w)) (connect(w), low.set(v, Math.min(low.get(v), low.get(w))));
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do (w = stack.pop()), on.delete(w), component.push(w);
      while (w !== v);
      if (component.length > 1) circles.push(component);
    }
  };
  for (const f of files) if (!idx.has(f)) connect(f);
  const rel = (f) => relative(root, f);
  for (const circle of circles) {
    failed = true;
    console.error(`import circle in ${crate} (${circle.length} files):`);
    for (const f of circle.sort()) {
      for (const [t, names] of edges.get(f)) {
        if (circle.includes(t)) console.error(`  ${rel(f)} -> ${rel(t)}: ${[...names].join(", ")}`);
      }
    }
  }
  if (!circles.length) console.log(`${crate}: ${files.length} files, no import circle`);
}
process.exit(failed ? 1 : 0);

// `make test`'s client check: generates TypeScript client types from the committed
// OpenAPI document (crates/edge/openapi.json, which the edge serves byte for byte) with
// openapi-typescript, then type-checks tests/schema/client.check.ts against them: the
// tests' request bodies and the widget's published event types must fit the schema.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/env.mjs";

const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
mkdirSync(path.join(ROOT, "target", "schema"), { recursive: true });
execFileSync(bin("openapi-typescript"), [
  path.join(ROOT, "crates", "edge", "openapi.json"),
  "-o", path.join(ROOT, "target", "schema", "openapi.d.ts"),
  // A default is what the edge assumes when a field is left out: still optional.
  "--default-non-nullable", "false",
], { stdio: "inherit" });
execFileSync(bin("tsc"), ["-p", path.join(ROOT, "tests", "schema", "tsconfig.json")], { stdio: "inherit" });
console.log("client types from openapi.json fit the tests' requests and the widget's events");

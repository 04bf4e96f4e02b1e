import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE } from "../lib/env.mjs";

test("GET /healthz answers ok as JSON", async () => {
  const res = await fetch(`${BASE}/healthz`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(await res.json(), { status: "ok" });
});

test("the sandbox answers through the edge's /sandbox/ forward", async () => {
  const res = await fetch(`${BASE}/sandbox/healthz`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.service, "skor-sandbox");
});

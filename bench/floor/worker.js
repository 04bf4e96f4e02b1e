// The floor for `make bench`: the pass-through plus exactly one Durable Object write on
// the path — the least any design that keeps "a 201 means the tenant exists" can do
// (the upstream's answer, then one durable record of it before replying). Printed
// beside the bare pass-through: what the edge's own work costs above this is the
// edge's to win back; what the floor costs above the pass-through, no design can.
import { DurableObject } from "cloudflare:workers";

export class Record extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS tenant (id TEXT PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)");
  }

  put(id, body) {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO tenant (id, at, body) VALUES (?, ?, ?)", id, Date.now(), body);
    return true;
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const upstream = await env.SANDBOX.fetch(new Request(`http://sandbox${url.pathname}${url.search}`, request));
    if (request.method !== "POST" || upstream.status !== 201) return upstream;
    const text = await upstream.text();
    let id = "";
    try { id = JSON.parse(text).id ?? ""; } catch { /* not JSON: recorded under "" */ }
    // One object per tenant, as the edge keeps one per tenant.
    await env.RECORD.get(env.RECORD.idFromName(`tenant:${id}`)).put(id, text);
    return new Response(text, { status: 201, headers: upstream.headers });
  },
};

#!/usr/bin/env node
// The operator's CLI for the agency registry (D1 `onboarding-registry`, schema in
// crates/edge/migrations). `npm run agency -- <command> [options]`:
//
//   add --name N --origin O [--origin O2] [--webhook-url U] [--channel C] [--strategy S]
//   list
//   show --id ID
//   set-origins --id ID --origin O [--origin O2]
//   set-webhook --id ID --webhook-url U
//   rotate-secret-key | rotate-publishable-key | rotate-webhook-secret --id ID [--overlap-hours H]
//   revoke-old --id ID [--kind secret|publishable|webhook]
//   disable --id ID | enable --id ID
//   set-budgets --id ID [--tenants N] [--inquiries N] [--hosted-starts N] [--uploads N]
//     (daily; a budget not given takes the edge's AGENCY_DAILY_* default; "default"
//     clears one)
//   set-retention --id ID [--abandoned 30d] [--completed 180d]
//     (how long an onboarding is kept after its last change before the edge erases
//     it: never completed, completed; Ns, Nm, Nh or Nd, 1 s to 3660 d; "default"
//     clears one. A tenant keeps the periods in force when it was created.)
//   set-affordability --id ID --max-rent-share N
//     (the largest share of the applicant's net monthly income the rent may take, a
//     whole percent from 10 to 100, that the console's affordability is read against;
//     "default" clears it: core's 40)
//   staff-add --id ID --email E --role admin|agent
//   staff-list --id ID
//   staff-remove --id ID --email E
//     (who may sign in to the agency's console through Cloudflare Access: the email is
//     the Access identity's, stored lowercased; an email already on the staff is
//     refused, and so is removing an agency's last admin)
//
// Where: --local (the default: the dev registry under .wrangler/state, or --persist-to
// DIR) or --remote (the production database of wrangler.toml's top level; needs
// `wrangler login` or CLOUDFLARE_API_TOKEN, and AGENCY_SECRETS_KEY in the environment
// to seal webhook secrets: the same value as the Worker secret).
//
// `add` prints {"id","publishableKey","secretKey","webhookSecret"} once; each rotation
// prints the new key the same way. Nothing else ever shows a secret: the registry keeps
// secret keys as SHA-256 hashes and webhook secrets sealed (AES-256-GCM under
// AGENCY_SECRETS_KEY). Every change writes an audit row (agency, action, non-secret
// detail, actor, time). Bad input is refused with a message and changes nothing.
// The running edge sees a change within AGENCY_CACHE_SECONDS (30 s in production).
import { spawnSync } from "node:child_process";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATABASE = "onboarding-registry";
const DAY = 24 * 3600;
const KINDS = ["publishable", "secret", "webhook"];
const ROLES = ["admin", "agent"];

export class UsageError extends Error {}

/** Seconds of a period written `Ns`, `Nm`, `Nh` or `Nd` (1 s to 3660 days), else null. */
export function durationSeconds(v) {
  const m = /^([0-9]{1,7})([smhd])$/.exec(String(v));
  if (!m) return null;
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
  return seconds >= 1 && seconds <= 3660 * 86400 ? seconds : null;
}

/**
 * Sets fields of an agency's JSON column (`budgets`, `retention`) from the `--flag
 * value` options: each parsed by `parse` (null: refused with `what`), `default` clearing one;
 * an empty object is stored as NULL (every field at the edge's default). Audited.
 */
function setFields(where, opts, id, column, action, fields, parse, what) {
  const [[row]] = d1(where, `SELECT ${column} FROM agencies WHERE id = ${q(id)}`);
  const value = row?.[column] ? JSON.parse(row[column]) : {};
  let given = 0;
  const flagName = (flag) => `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  for (const [flag, field] of fields) {
    const v = opts[flag];
    if (v === undefined) continue;
    given++;
    if (v === "default") { delete value[field]; continue; }
    const parsed = parse(v);
    if (parsed === null) throw new UsageError(`${flagName(flag)}: ${what}, or "default"`);
    value[field] = parsed;
  }
  if (given === 0) throw new UsageError(`${action} needs at least one of ${fields.map(([f]) => flagName(f)).join(", ")}`);
  const json = Object.keys(value).length ? JSON.stringify(value) : null;
  d1(where, [
    `UPDATE agencies SET ${column} = ${json === null ? "NULL" : q(json)}, updated_at = ${now()} WHERE id = ${q(id)}`,
    audit(id, action, value),
  ].join(";\n"));
  return { id, [column]: value };
}

const now = () => Math.floor(Date.now() / 1000);
const hex = (n) => randomBytes(n).toString("hex");
const sha256 = (s) => createHash("sha256").update(s).digest("hex");
/** A SQL string literal (single quotes doubled); null for null. */
const q = (v) => (v === null || v === undefined ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

/** Seals a webhook secret for an agency: v1:<key id>:<nonce>:<ciphertext+tag>, all hex. */
export function seal(secret, agencyId, keyHex) {
  if (!/^[0-9a-fA-F]{64}$/.test(keyHex ?? "")) throw new UsageError("AGENCY_SECRETS_KEY must be 64 hex characters (32 bytes)");
  const key = Buffer.from(keyHex, "hex");
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(agencyId, "utf8"));
  const ct = Buffer.concat([cipher.update(secret, "utf8"), cipher.final(), cipher.getAuthTag()]);
  const kid = createHash("sha256").update(key).digest("hex").slice(0, 8);
  return `v1:${kid}:${nonce.toString("hex")}:${ct.toString("hex")}`;
}

/** Parses argv: the command, then --flag value pairs (repeatable flags collect). */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = { origin: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument: ${a}`);
    const name = a.slice(2);
    if (name === "local" || name === "remote") { opts[name] = true; continue; }
    const value = rest[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    const key = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (key === "origin") opts.origin.push(value);
    else if (key in opts) throw new UsageError(`--${name} given twice`);
    else opts[key] = value;
  }
  if (opts.local && opts.remote) throw new UsageError("--local and --remote exclude each other");
  return { command, opts };
}

/** An origin: scheme://host[:port], nothing else; https unless local. */
export function checkOrigin(o, local) {
  let u;
  try { u = new URL(o); } catch { throw new UsageError(`not an origin (scheme://host[:port]): ${o}`); }
  if (u.origin !== o) throw new UsageError(`not an origin (scheme://host[:port], no path or trailing slash): ${o}`);
  if (u.protocol !== "https:" && !(local && u.protocol === "http:")) throw new UsageError(`origins must be https outside --local: ${o}`);
  return o;
}

/** A webhook URL: absolute, no credentials, https unless local. */
export function checkWebhookUrl(w, local) {
  let u;
  try { u = new URL(w); } catch { throw new UsageError(`not a URL: ${w}`); }
  if (u.username || u.password) throw new UsageError("the webhook URL must not carry credentials");
  if (u.protocol !== "https:" && !(local && u.protocol === "http:")) throw new UsageError(`the webhook URL must be https outside --local: ${w}`);
  return u.href;
}

function checkName(n) {
  if (typeof n !== "string" || !n.trim() || n.length > 100 || /[\u0000-\u001f]/.test(n)) throw new UsageError("--name: 1 to 100 characters, no control characters");
  return n.trim();
}

/**
 * A staff member's email (the Access identity's `email` claim): lowercased, at most 254
 * characters, one `@`, a local part of the characters addresses use, a domain of dotted
 * labels. Anything else is refused rather than stored under a name Access never sends.
 */
export function checkEmail(v) {
  const e = typeof v === "string" ? v.toLowerCase() : "";
  const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  const shape = new RegExp(`^[a-z0-9!#$%&'*+/=?^_\`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_\`{|}~-]+)*@${label}(?:\\.${label})+$`);
  if (e.length > 254 || e.split("@")[0].length > 64 || !shape.test(e)) throw new UsageError(`--email: not an email address (name@domain.example): ${v ?? "(none)"}`);
  return e;
}

function checkToken(v, flag) {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(v)) throw new UsageError(`${flag}: 1 to 64 of A-Z a-z 0-9 _ . : -`);
  return v;
}

/** Runs SQL through wrangler d1 execute; returns the result rows of every statement. */
function d1(where, sql) {
  const args = ["d1", "execute", DATABASE, "--json", "--command", sql];
  if (where.remote) args.push("--remote");
  else {
    args.push("--local", "--env", "dev");
    if (where.persistTo) args.push("--persist-to", where.persistTo);
  }
  // The local database is the running `wrangler dev`'s too: while it writes, a
  // statement here can find the file locked, fail whole ("internal error") and change
  // nothing, so it is tried again. Never remotely, where such an answer is ambiguous.
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync("wrangler", args, {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` },
    });
    let parsed;
    try { parsed = JSON.parse(r.stdout); } catch { /* below */ }
    if (r.status === 0 && Array.isArray(parsed)) return parsed.map((p) => p.results ?? []);
    const why = (parsed?.error?.text ?? r.stderr ?? r.stdout ?? "").toString().trim().split("\n").slice(-5).join("\n");
    if (!where.remote && attempt < 4 && /internal error|database is locked|SQLITE_BUSY/i.test(why)) {
      spawnSync("sleep", [String(0.3 * attempt)]);
      continue;
    }
    throw new Error(`wrangler d1 execute failed: ${why}`);
  }
}

function localSecretsKey() {
  const text = readFileSync(path.join(ROOT, ".dev.vars"), "utf8");
  return /^AGENCY_SECRETS_KEY=(.*)$/m.exec(text)?.[1]?.trim();
}

function actor() {
  return process.env.AGENCY_ACTOR ?? `${os.userInfo().username}@${os.hostname()}`;
}

/** The audit row of a change; with `onlyIf` (an SQL condition), written only if it holds. */
const audit = (id, action, detail, onlyIf) => {
  const values = `${q(id)}, ${q(action)}, ${q(JSON.stringify(detail ?? {}))}, ${q(actor())}, ${now()}`;
  return `INSERT INTO agency_audit (agency_id, action, detail, actor, at) ${onlyIf ? `SELECT ${values} WHERE ${onlyIf}` : `VALUES (${values})`}`;
};

const newKey = (agencyId, kind, { lookup = null, sealed = null } = {}) =>
  `INSERT INTO agency_keys (id, agency_id, kind, lookup, sealed, created_at) VALUES (${q(`key_${hex(8)}`)}, ${q(agencyId)}, ${q(kind)}, ${q(lookup)}, ${q(sealed)}, ${now()})`;

/** The registry commands, against `where` ({local, remote, persistTo}). */
export function run(command, opts) {
  const local = !opts.remote;
  const where = { remote: !!opts.remote, persistTo: opts.persistTo };
  const secretsKey = () => (local ? localSecretsKey() : process.env.AGENCY_SECRETS_KEY);
  const env = local ? "test" : "live";
  const exists = (id) => d1(where, `SELECT id, status FROM agencies WHERE id = ${q(id)}`)[0][0];
  const needId = () => {
    if (!opts.id) throw new UsageError("--id ID is required");
    const found = exists(checkToken(opts.id, "--id"));
    if (!found) throw new UsageError(`no agency with id ${opts.id}`);
    return found;
  };
  /** The agency (needId's checks), with the staff member `opts.email` names, if any. */
  const staffOf = () => {
    if (!opts.id) throw new UsageError("--id ID is required");
    const id = checkToken(opts.id, "--id");
    const email = checkEmail(opts.email);
    const [[found]] = d1(where, `SELECT a.id,
      (SELECT role FROM agency_staff s WHERE s.agency_id = a.id AND s.email = ${q(email)}) AS role,
      (SELECT COUNT(*) FROM agency_staff s WHERE s.agency_id = a.id AND s.role = 'admin') AS admins
      FROM agencies a WHERE a.id = ${q(id)}`);
    if (!found) throw new UsageError(`no agency with id ${opts.id}`);
    return { id, email, role: found.role, admins: found.admins };
  };
  const overlap = () => {
    const h = opts.overlapHours === undefined ? 24 : Number(opts.overlapHours);
    if (!Number.isFinite(h) || h < 0 || h > 24 * 30) throw new UsageError("--overlap-hours: 0 to 720");
    return Math.round(h * 3600);
  };

  switch (command) {
    case "add": {
      const name = checkName(opts.name);
      if (opts.origin.length === 0) throw new UsageError("add needs at least one --origin");
      const origins = [...new Set(opts.origin.map((o) => checkOrigin(o, local)))];
      const webhookUrl = opts.webhookUrl ? checkWebhookUrl(opts.webhookUrl, local) : null;
      const channel = checkToken(opts.channel ?? "WEB", "--channel");
      const strategy = checkToken(opts.strategy ?? "TenantOnboardingStandard", "--strategy");
      // Fixed ids and keys are for seeding the dev registry only (`make dev` seeds the
      // demo agencies with the keys the suites know); production keys are always new.
      for (const f of ["id", "publishableKey", "secretKey", "webhookSecret"]) {
        if (opts[f] !== undefined && !local) throw new UsageError(`--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --local seeding only`);
      }
      const id = opts.id ? checkToken(opts.id, "--id") : `ag_${hex(8)}`;
      const publishableKey = opts.publishableKey ? checkToken(opts.publishableKey, "--publishable-key") : `pk_${env}_${hex(16)}`;
      const secretKey = opts.secretKey ?? `sk_${env}_${hex(24)}`;
      const webhookSecret = opts.webhookSecret ?? `whsec_${hex(24)}`;
      if (!publishableKey.startsWith("pk_") || !secretKey.startsWith("sk_")) throw new UsageError("keys are pk_… and sk_…");
      const sealed = seal(webhookSecret, id, secretsKey());
      if (exists(id)) throw new UsageError(`an agency with id ${id} exists`);
      const dup = d1(where, `SELECT 1 FROM agency_keys WHERE kind = 'publishable' AND lookup = ${q(publishableKey)}`)[0][0];
      if (dup) throw new UsageError(`publishable key ${publishableKey} belongs to another agency`);
      const t = now();
      d1(where, [
        `INSERT INTO agencies (id, name, channel, strategy, webhook_url, status, created_at, updated_at) VALUES (${q(id)}, ${q(name)}, ${q(channel)}, ${q(strategy)}, ${q(webhookUrl)}, 'active', ${t}, ${t})`,
        ...origins.map((o) => `INSERT INTO agency_origins (origin, agency_id) VALUES (${q(o)}, ${q(id)})`),
        newKey(id, "publishable", { lookup: publishableKey }),
        newKey(id, "secret", { lookup: sha256(secretKey) }),
        newKey(id, "webhook", { sealed }),
        audit(id, "add", { name, origins, webhookUrl, channel, strategy, publishableKey }),
      ].join(";\n"));
      return { id, publishableKey, secretKey, webhookSecret };
    }
    case "list": {
      const [rows] = d1(where, `SELECT a.id, a.name, a.status, a.webhook_url AS webhookUrl, a.created_at AS createdAt,
        (SELECT json_group_array(origin) FROM agency_origins o WHERE o.agency_id = a.id) AS origins
        FROM agencies a ORDER BY a.created_at, a.id`);
      return rows.map((r) => ({ ...r, origins: JSON.parse(r.origins) }));
    }
    case "show": {
      const { id } = needId();
      const [[agency], origins, keys, auditRows, staff] = d1(where, [
        `SELECT id, name, status, channel, strategy, webhook_url AS webhookUrl, budgets, retention, max_rent_share AS maxRentShare, created_at AS createdAt, updated_at AS updatedAt FROM agencies WHERE id = ${q(id)}`,
        `SELECT origin FROM agency_origins WHERE agency_id = ${q(id)} ORDER BY origin`,
        `SELECT id, kind, lookup, created_at AS createdAt, expires_at AS expiresAt FROM agency_keys WHERE agency_id = ${q(id)} ORDER BY kind, created_at`,
        `SELECT action, detail, actor, at FROM agency_audit WHERE agency_id = ${q(id)} ORDER BY seq DESC LIMIT 20`,
        `SELECT role, COUNT(*) AS n FROM agency_staff WHERE agency_id = ${q(id)} GROUP BY role`,
      ].join(";\n"));
      const t = now();
      return {
        ...agency,
        budgets: agency.budgets ? JSON.parse(agency.budgets) : {},
        retention: agency.retention ? JSON.parse(agency.retention) : {},
        origins: origins.map((o) => o.origin),
        // The console's staff: how many of each role (staff-list names them).
        staff: Object.fromEntries(ROLES.map((r) => [`${r}s`, staff.find((s) => s.role === r)?.n ?? 0])),
        keys: keys.map((k) => ({
          id: k.id,
          kind: k.kind,
          // Publishable keys are public; a secret key shows only the start of its hash.
          ...(k.kind === "publishable" ? { publishableKey: k.lookup } : k.kind === "secret" ? { sha256Prefix: k.lookup.slice(0, 8) } : {}),
          createdAt: k.createdAt,
          expiresAt: k.expiresAt,
          inForce: k.expiresAt === null || k.expiresAt > t,
        })),
        audit: auditRows.map((a) => ({ ...a, detail: JSON.parse(a.detail) })),
      };
    }
    case "set-origins": {
      const { id } = needId();
      if (opts.origin.length === 0) throw new UsageError("set-origins needs at least one --origin");
      const origins = [...new Set(opts.origin.map((o) => checkOrigin(o, local)))];
      d1(where, [
        `DELETE FROM agency_origins WHERE agency_id = ${q(id)}`,
        ...origins.map((o) => `INSERT INTO agency_origins (origin, agency_id) VALUES (${q(o)}, ${q(id)})`),
        `UPDATE agencies SET updated_at = ${now()} WHERE id = ${q(id)}`,
        audit(id, "set-origins", { origins }),
      ].join(";\n"));
      return { id, origins };
    }
    case "set-webhook": {
      const { id } = needId();
      if (!opts.webhookUrl) throw new UsageError("set-webhook needs --webhook-url U");
      const webhookUrl = checkWebhookUrl(opts.webhookUrl, local);
      d1(where, [
        `UPDATE agencies SET webhook_url = ${q(webhookUrl)}, updated_at = ${now()} WHERE id = ${q(id)}`,
        audit(id, "set-webhook", { webhookUrl }),
      ].join(";\n"));
      return { id, webhookUrl };
    }
    case "rotate-secret-key":
    case "rotate-publishable-key":
    case "rotate-webhook-secret": {
      const { id } = needId();
      const kind = { "rotate-secret-key": "secret", "rotate-publishable-key": "publishable", "rotate-webhook-secret": "webhook" }[command];
      const until = now() + overlap();
      let out;
      let insert;
      if (kind === "secret") {
        out = { id, secretKey: `sk_${env}_${hex(24)}` };
        insert = newKey(id, kind, { lookup: sha256(out.secretKey) });
      } else if (kind === "publishable") {
        out = { id, publishableKey: `pk_${env}_${hex(16)}` };
        insert = newKey(id, kind, { lookup: out.publishableKey });
      } else {
        out = { id, webhookSecret: `whsec_${hex(24)}` };
        insert = newKey(id, kind, { sealed: seal(out.webhookSecret, id, secretsKey()) });
      }
      // The old keys stay in force until `revoke-old` or the overlap's end, whichever
      // comes first; a key already due to expire sooner keeps its earlier end.
      d1(where, [
        `UPDATE agency_keys SET expires_at = ${until} WHERE agency_id = ${q(id)} AND kind = ${q(kind)} AND (expires_at IS NULL OR expires_at > ${until})`,
        insert,
        `UPDATE agencies SET updated_at = ${now()} WHERE id = ${q(id)}`,
        audit(id, command, { oldKeysUntil: until, ...(kind === "publishable" ? { publishableKey: out.publishableKey } : {}) }),
      ].join(";\n"));
      return out;
    }
    case "revoke-old": {
      const { id } = needId();
      const kinds = opts.kind ? [opts.kind] : KINDS;
      if (!kinds.every((k) => KINDS.includes(k))) throw new UsageError(`--kind: one of ${KINDS.join(", ")}`);
      const t = now();
      // Every key of each kind but the newest stops now.
      d1(where, [
        ...kinds.map((k) => `UPDATE agency_keys SET expires_at = ${t} WHERE agency_id = ${q(id)} AND kind = ${q(k)} AND (expires_at IS NULL OR expires_at > ${t}) AND id <> (SELECT id FROM agency_keys WHERE agency_id = ${q(id)} AND kind = ${q(k)} ORDER BY created_at DESC, rowid DESC LIMIT 1)`),
        `UPDATE agencies SET updated_at = ${t} WHERE id = ${q(id)}`,
        audit(id, "revoke-old", { kinds }),
      ].join(";\n"));
      return { id, revoked: kinds };
    }
    case "disable":
    case "enable": {
      const { id } = needId();
      const status = command === "disable" ? "disabled" : "active";
      d1(where, [
        `UPDATE agencies SET status = ${q(status)}, updated_at = ${now()} WHERE id = ${q(id)}`,
        audit(id, command, {}),
      ].join(";\n"));
      return { id, status };
    }
    case "set-budgets":
      return setFields(where, opts, needId().id, "budgets", "set-budgets", [
        ["tenants", "tenants"], ["inquiries", "inquiries"], ["hostedStarts", "hostedStarts"], ["uploads", "uploads"],
      ], (v) => (/^[0-9]{1,9}$/.test(v) ? Number(v) : null), "a whole number of a day's calls (0 to 999999999)");
    case "set-retention":
      return setFields(where, opts, needId().id, "retention", "set-retention", [
        ["abandoned", "abandonedSeconds"], ["completed", "completedSeconds"],
      ], durationSeconds, "a period such as 30d, 12h, 90m or 45s (1 s to 3660 d)");
    case "set-affordability": {
      const v = opts.maxRentShare;
      if (v === undefined) throw new UsageError("set-affordability needs --max-rent-share N");
      const share = v === "default" ? null : /^[0-9]{1,3}$/.test(v) && Number(v) >= 10 && Number(v) <= 100 ? Number(v) : undefined;
      if (share === undefined) throw new UsageError(`--max-rent-share: a whole percent from 10 to 100, or "default" (40): ${v}`);
      const { id } = needId();
      d1(where, [
        `UPDATE agencies SET max_rent_share = ${q(share)}, updated_at = ${now()} WHERE id = ${q(id)}`,
        audit(id, "affordability.set", { maxRentShare: share }),
      ].join(";\n"));
      return { id, maxRentShare: share };
    }
    case "staff-add": {
      if (!ROLES.includes(opts.role)) throw new UsageError(`--role: admin or agent: ${opts.role ?? "(none)"}`);
      const { id, email, role } = staffOf();
      if (role) throw new UsageError(`${email} is already on ${id}'s staff (${role}); staff-remove it first to change the role`);
      // `added_by` is what the agency's admins see in the console: "operator" for the
      // CLI; who exactly is the audit row's actor.
      const t = now();
      d1(where, [
        `INSERT INTO agency_staff (agency_id, email, role, added_by, added_at) VALUES (${q(id)}, ${q(email)}, ${q(opts.role)}, 'operator', ${t})`,
        audit(id, "staff.add", { email, role: opts.role }),
      ].join(";\n"));
      return { id, email, role: opts.role, addedBy: "operator", addedAt: t };
    }
    case "staff-list": {
      if (!opts.id) throw new UsageError("--id ID is required");
      const id = checkToken(opts.id, "--id");
      // One call to wrangler (a second or so each): the agency and its staff together.
      const [[agency], rows] = d1(where, [
        `SELECT id FROM agencies WHERE id = ${q(id)}`,
        `SELECT email, role, added_by AS addedBy, added_at AS addedAt FROM agency_staff WHERE agency_id = ${q(id)} ORDER BY added_at, email`,
      ].join(";\n"));
      if (!agency) throw new UsageError(`no agency with id ${opts.id}`);
      return rows;
    }
    case "staff-remove": {
      const { id, email, role, admins } = staffOf();
      if (!role) throw new UsageError(`${email} is not on ${id}'s staff`);
      if (role === "admin" && admins <= 1) throw new UsageError(`${email} is ${id}'s last admin: an agency keeps at least one admin (staff-add another first)`);
      // The same rule in the statements themselves (the console's admins change the
      // staff too): the audit row and the removal happen together or not at all.
      const member = `agency_id = ${q(id)} AND email = ${q(email)}`;
      const allowed = `EXISTS (SELECT 1 FROM agency_staff WHERE ${member} AND (role <> 'admin' OR (SELECT COUNT(*) FROM agency_staff WHERE agency_id = ${q(id)} AND role = 'admin') > 1))`;
      const [, removed] = d1(where, [
        audit(id, "staff.remove", { email, role }, allowed),
        `DELETE FROM agency_staff WHERE ${member} AND ${allowed} RETURNING role`,
      ].join(";\n"));
      if (removed.length === 0) throw new UsageError(`${email}: the staff of ${id} changed meanwhile; nothing removed (try again)`);
      return { id, removed: { email, role } };
    }
    default:
      throw new UsageError(`unknown command ${command ?? "(none)"}: add, list, show, set-origins, set-webhook, rotate-secret-key, rotate-webhook-secret, rotate-publishable-key, revoke-old, disable, enable, set-budgets, set-retention, set-affordability, staff-add, staff-list, staff-remove`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { command, opts } = parseArgs(process.argv.slice(2));
    console.log(JSON.stringify(run(command, opts), null, command === "add" || command.startsWith("rotate") ? 0 : 2));
  } catch (e) {
    console.error(`agency: ${e.message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}

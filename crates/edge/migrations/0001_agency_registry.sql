-- The agency registry: who may open sessions (publishable keys + origins), who may
-- call the agency API (secret-key hashes), where and how events are relayed (webhook
-- URL, sealed webhook secrets). Written by the operator CLI (`npm run agency`), read
-- by the edge through a per-isolate cache (AGENCY_CACHE_SECONDS, at most 60 s).
-- Times are unix seconds.

CREATE TABLE agencies (
  id          TEXT PRIMARY KEY,              -- ag_<hex>, stable: never the name
  name        TEXT NOT NULL,                 -- display name, free to change
  channel     TEXT NOT NULL,                 -- identity-decision API channel
  strategy    TEXT NOT NULL,                 -- identity-decision API strategy
  webhook_url TEXT,                          -- null: events are kept as dead letters
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- Exact origins (scheme://host[:port]) an agency's pages are served from.
CREATE TABLE agency_origins (
  origin    TEXT NOT NULL,
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (origin, agency_id)
);
CREATE INDEX agency_origins_by_agency ON agency_origins(agency_id);

-- Every key an agency has had. `expires_at` is null while the key is current; a
-- rotation sets it on the old key (now + overlap, 24 h by default) and `revoke-old`
-- to now. Publishable keys are stored as they are (they are public), secret keys as
-- the SHA-256 of the key, webhook secrets sealed (AES-256-GCM under
-- AGENCY_SECRETS_KEY, since the relay must sign with them).
CREATE TABLE agency_keys (
  id         TEXT PRIMARY KEY,
  agency_id  TEXT NOT NULL REFERENCES agencies(id),
  kind       TEXT NOT NULL CHECK (kind IN ('publishable', 'secret', 'webhook')),
  lookup     TEXT,                           -- publishable: the key; secret: sha256 hex
  sealed     TEXT,                           -- webhook: the sealed secret
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE UNIQUE INDEX agency_keys_lookup ON agency_keys(kind, lookup) WHERE lookup IS NOT NULL;
CREATE INDEX agency_keys_by_agency ON agency_keys(agency_id, kind);

-- One row per change: which agency, what, when, by whom. Never a secret.
CREATE TABLE agency_audit (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  agency_id TEXT NOT NULL,
  action    TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT '{}',
  actor     TEXT NOT NULL,
  at        INTEGER NOT NULL
);
CREATE INDEX agency_audit_by_agency ON agency_audit(agency_id, seq);

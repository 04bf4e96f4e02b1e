-- Per-agency daily budgets for what the agency pays for upstream (issue 22): a JSON
-- object {"tenants": N, "inquiries": N, "hostedStarts": N, "uploads": N}; a missing
-- field (or NULL) takes the edge's default (AGENCY_DAILY_* vars). Set with
-- `npm run agency -- set-budgets --id ID [--tenants N] …`.
ALTER TABLE agencies ADD COLUMN budgets TEXT;

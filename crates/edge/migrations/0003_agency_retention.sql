-- Per-agency retention periods (issue 23): a JSON object {"abandonedSeconds": N,
-- "completedSeconds": N}; a missing field (or NULL) takes core's default (30 days for
-- an onboarding that never completed, 180 days for a completed one, both from the
-- last change). Set with `npm run agency -- set-retention --id ID [--abandoned 30d]
-- [--completed 180d]`; a tenant keeps the periods in force when it was created.
ALTER TABLE agencies ADD COLUMN retention TEXT;

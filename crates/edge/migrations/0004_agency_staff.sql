-- The agency's staff (issue 34): who may sign in to the console, through Cloudflare
-- Access, and with which role. The email is the Access JWT's `email` claim, stored
-- lowercased; a member is active while the row exists and the agency is active.
-- Removing a member deletes the row (the audit keeps who removed whom and when).
-- Written by the operator CLI (`npm run agency -- staff-add|staff-list|staff-remove`).
CREATE TABLE agency_staff (
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  email     TEXT NOT NULL,
  role      TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
  added_by  TEXT NOT NULL,                 -- the operator (CLI) or a staff email
  added_at  INTEGER NOT NULL,              -- unix seconds
  PRIMARY KEY (agency_id, email)
);
CREATE INDEX agency_staff_by_email ON agency_staff(email);

-- The agency's affordability threshold (issue 34): the largest share of the
-- applicant's net monthly income the rent may take, in percent (NULL: core's default,
-- 40 — the figure Spanish rent-default insurers use). Set with
-- `npm run agency -- set-affordability --id ID --max-rent-share 35`.
ALTER TABLE agencies ADD COLUMN max_rent_share INTEGER;

-- The Datatracker syncs' own state ("statements.since": the newest event
-- time seen; "directory.datatracker_acronyms": the groups' acronyms at the
-- last directory sync), and the organization each directory change is
-- about, so that "orgs history" finds an organization's changes across
-- renames.

CREATE TABLE sync_state (
	key     TEXT PRIMARY KEY,
	value   TEXT NOT NULL,
	updated TEXT NOT NULL DEFAULT '' -- RFC 3339
);

ALTER TABLE directory_changes ADD COLUMN org_id INTEGER; -- organizations.id; NULL for older rows and the coordinators
CREATE INDEX directory_changes_org_id ON directory_changes (org_id, id) WHERE org_id IS NOT NULL;

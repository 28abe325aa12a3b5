-- The directory: organizations, their aliases, people and the roles they
-- hold, chat identities, and the directory's own metadata.

CREATE TABLE organizations (
	id             INTEGER PRIMARY KEY,
	acronym        TEXT    NOT NULL,
	name           TEXT    NOT NULL DEFAULT '',
	relationship   TEXT    NOT NULL DEFAULT 'none' CHECK (relationship IN ('formal', 'informal', 'none')),
	reference      TEXT    NOT NULL DEFAULT '',
	url            TEXT    NOT NULL DEFAULT '',
	notes          TEXT    NOT NULL DEFAULT '[]', -- JSON list of strings
	cc             TEXT    NOT NULL DEFAULT '[]', -- JSON list of addresses
	parent         TEXT    NOT NULL DEFAULT '',
	datatracker_id INTEGER,
	in_datatracker INTEGER NOT NULL DEFAULT 0,
	source         TEXT    NOT NULL DEFAULT '',
	as_of          TEXT    NOT NULL DEFAULT '',   -- YYYY-MM-DD or RFC 3339
	edited_by      TEXT    NOT NULL DEFAULT '',
	removed        INTEGER NOT NULL DEFAULT 0     -- kept for statements that name it
);
CREATE UNIQUE INDEX organizations_acronym ON organizations (acronym COLLATE NOCASE);
CREATE UNIQUE INDEX organizations_datatracker ON organizations (datatracker_id) WHERE datatracker_id IS NOT NULL;

CREATE TABLE org_aliases (
	org_id   INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	alias    TEXT    NOT NULL,
	PRIMARY KEY (org_id, position)
);

CREATE TABLE people (
	id    INTEGER PRIMARY KEY,
	name  TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX people_email ON people (email COLLATE NOCASE) WHERE email <> '';
CREATE INDEX people_name ON people (name) WHERE email = '';

-- A role is held by a person for an organization (org_id NULL for the
-- coordinators).
CREATE TABLE roles (
	id        INTEGER PRIMARY KEY,
	org_id    INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
	person_id INTEGER NOT NULL REFERENCES people (id),
	role      TEXT    NOT NULL CHECK (role IN ('manager', 'contact', 'coordinator', 'approver')),
	position  INTEGER NOT NULL DEFAULT 0,
	title     TEXT    NOT NULL DEFAULT '',
	source    TEXT    NOT NULL DEFAULT '',
	as_of     TEXT    NOT NULL DEFAULT '',
	edited_by TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX roles_org ON roles (org_id, role, position);
CREATE INDEX roles_person ON roles (person_id);

CREATE TABLE chat_identities (
	platform  TEXT    NOT NULL,
	user_id   TEXT    NOT NULL,
	person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	linked_by TEXT    NOT NULL DEFAULT '',
	linked_at TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (platform, user_id)
);
CREATE INDEX chat_identities_person ON chat_identities (person_id);

CREATE TABLE directory_meta (
	id                 INTEGER PRIMARY KEY CHECK (id = 1),
	version            INTEGER NOT NULL DEFAULT 0,
	seeded             INTEGER NOT NULL DEFAULT 0,
	coordinators_email TEXT    NOT NULL DEFAULT '',
	coordinators_source TEXT   NOT NULL DEFAULT '',
	coordinators_as_of TEXT    NOT NULL DEFAULT '',
	coordinators_by    TEXT    NOT NULL DEFAULT '',
	managers_email     TEXT    NOT NULL DEFAULT '',
	statements_email   TEXT    NOT NULL DEFAULT '',
	updated_at         TEXT    NOT NULL DEFAULT ''
);
INSERT INTO directory_meta (id) VALUES (1);

-- Every change to the directory, for "orgs history".
CREATE TABLE directory_changes (
	id      INTEGER PRIMARY KEY,
	time    TEXT NOT NULL,
	by      TEXT NOT NULL,
	org     TEXT NOT NULL DEFAULT '', -- acronym at the time ('' for coordinators)
	change  TEXT NOT NULL
);
CREATE INDEX directory_changes_org ON directory_changes (org COLLATE NOCASE, id);

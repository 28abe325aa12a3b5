-- Liaison statements, their history, the full-text index, and half-filled
-- forms.

CREATE TABLE statements (
	id                 INTEGER PRIMARY KEY,
	datatracker_id     INTEGER,
	submission_key     TEXT,
	direction          TEXT    NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
	from_name          TEXT    NOT NULL,
	to_name            TEXT    NOT NULL,
	org_id             INTEGER REFERENCES organizations (id),
	title              TEXT    NOT NULL,
	purpose            TEXT    NOT NULL,
	deadline           TEXT    NOT NULL DEFAULT '',            -- YYYY-MM-DD or ''
	sort_deadline      TEXT    NOT NULL DEFAULT '9999-12-31', -- deadline, or far future: one index orders both
	related            INTEGER REFERENCES statements (id),
	body               TEXT    NOT NULL DEFAULT '',
	attachments        TEXT    NOT NULL DEFAULT '[]',
	response_contacts  TEXT    NOT NULL DEFAULT '[]',
	technical_contacts TEXT    NOT NULL DEFAULT '[]',
	to_contacts        TEXT    NOT NULL DEFAULT '[]',
	cc                 TEXT    NOT NULL DEFAULT '[]',
	identifiers        TEXT    NOT NULL DEFAULT '',
	prior_approval     INTEGER NOT NULL DEFAULT 0,
	state              TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'posted', 'dead')),
	action_required    INTEGER NOT NULL DEFAULT 0,
	action_taken       INTEGER NOT NULL DEFAULT 0,
	open               INTEGER NOT NULL DEFAULT 1, -- derived on every write: see bot.Statement.Open
	submitter_key      TEXT    NOT NULL DEFAULT '',
	submitter_name     TEXT    NOT NULL DEFAULT '',
	submitter_email    TEXT    NOT NULL DEFAULT '',
	submitted          INTEGER NOT NULL, -- unix milliseconds
	updated            INTEGER NOT NULL,
	snoozed_until      TEXT    NOT NULL DEFAULT '',
	version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX statements_datatracker ON statements (datatracker_id) WHERE datatracker_id IS NOT NULL;
CREATE UNIQUE INDEX statements_submission ON statements (submission_key) WHERE submission_key IS NOT NULL;
CREATE INDEX statements_open ON statements (open, sort_deadline, submitted);
CREATE INDEX statements_state ON statements (state, sort_deadline, submitted);
CREATE INDEX statements_all ON statements (sort_deadline, submitted);
CREATE INDEX statements_org ON statements (org_id, open, sort_deadline, submitted);
CREATE INDEX statements_submitter ON statements (submitter_key, open);
CREATE INDEX statements_submitter_email ON statements (submitter_email COLLATE NOCASE, open) WHERE submitter_email <> '';
CREATE INDEX statements_related ON statements (related) WHERE related IS NOT NULL;
CREATE INDEX statements_due ON statements (action_required, action_taken, sort_deadline) WHERE state <> 'dead';

CREATE TABLE statement_events (
	id           INTEGER PRIMARY KEY,
	statement_id INTEGER NOT NULL REFERENCES statements (id),
	time         INTEGER NOT NULL, -- unix milliseconds
	type         TEXT    NOT NULL,
	by_key       TEXT    NOT NULL DEFAULT '',
	by_name      TEXT    NOT NULL DEFAULT '',
	from_state   TEXT    NOT NULL DEFAULT '',
	to_state     TEXT    NOT NULL DEFAULT '',
	note         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX statement_events_statement ON statement_events (statement_id, id);
CREATE INDEX statement_events_type ON statement_events (statement_id, type, time);

-- Full-text search over title, body, contacts and identifiers (FTS4 is
-- built into github.com/mattn/go-sqlite3 without build tags). docid is the
-- statement id.
CREATE VIRTUAL TABLE statements_fts USING fts4 (title, body, contacts, identifiers, tokenize=unicode61);

-- A half-filled statement form, one per chat user (console and Zulip DM
-- conversations), kept across restarts.
CREATE TABLE form_sessions (
	platform TEXT    NOT NULL,
	user_id  TEXT    NOT NULL,
	data     TEXT    NOT NULL, -- JSON of bot.Conversation
	updated  INTEGER NOT NULL, -- unix milliseconds
	PRIMARY KEY (platform, user_id)
);
CREATE INDEX form_sessions_updated ON form_sessions (updated);

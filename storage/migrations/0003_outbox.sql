-- Notifications: channel subscriptions, the outbox, Slack threads per
-- statement and channel, and the reminders already sent.

CREATE TABLE subscriptions (
	platform   TEXT    NOT NULL,
	channel    TEXT    NOT NULL,
	org_id     INTEGER NOT NULL DEFAULT 0, -- 0: every organization
	created_by TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (platform, channel, org_id)
);
CREATE INDEX subscriptions_org ON subscriptions (org_id);

-- One row per notice per target. A row is delivered only when it is the
-- oldest pending row of its stream (platform, target, statement), so
-- notices about one statement arrive in order.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	statement_id    INTEGER NOT NULL REFERENCES statements (id),
	kind            TEXT    NOT NULL,
	data            TEXT    NOT NULL, -- JSON of bot.NoticeData
	platform        TEXT    NOT NULL,
	channel         TEXT    NOT NULL DEFAULT '',
	user_id         TEXT    NOT NULL DEFAULT '',
	stream          TEXT    NOT NULL,
	status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	created_at      INTEGER NOT NULL, -- unix milliseconds
	next_attempt_at INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT '',
	claimed_by      TEXT    NOT NULL DEFAULT '',
	claimed_until   INTEGER NOT NULL DEFAULT 0,
	sent_at         INTEGER NOT NULL DEFAULT 0,
	message_id      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_stream ON outbox (stream, id) WHERE status = 'pending';
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
CREATE INDEX outbox_statement ON outbox (statement_id);

-- The thread a statement's notices use in a channel (Slack: the parent
-- message's ts).
CREATE TABLE threads (
	statement_id INTEGER NOT NULL,
	platform     TEXT    NOT NULL,
	channel      TEXT    NOT NULL,
	thread_id    TEXT    NOT NULL,
	PRIMARY KEY (statement_id, platform, channel)
);

-- Reminders sent, one row per (statement, kind and day): the unique key
-- that keeps a reminder from going out twice.
CREATE TABLE reminders_sent (
	statement_id INTEGER NOT NULL REFERENCES statements (id),
	key          TEXT    NOT NULL,
	sent_at      INTEGER NOT NULL,
	PRIMARY KEY (statement_id, key)
);

-- The weekly digest: outbox rows that are about no one statement (a
-- digest lists many), so the outbox's statement_id may be NULL; and the
-- digests sent, one row per scheduled day: the unique key that keeps a
-- digest from going out twice, whatever restarts or second process.

CREATE TABLE outbox_new (
	id              INTEGER PRIMARY KEY,
	statement_id    INTEGER REFERENCES statements (id), -- NULL: a digest
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
INSERT INTO outbox_new (id, statement_id, kind, data, platform, channel, user_id, stream, status, created_at,
	next_attempt_at, attempts, last_error, claimed_by, claimed_until, sent_at, message_id)
SELECT id, statement_id, kind, data, platform, channel, user_id, stream, status, created_at,
	next_attempt_at, attempts, last_error, claimed_by, claimed_until, sent_at, message_id FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_stream ON outbox (stream, id) WHERE status = 'pending';
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
CREATE INDEX outbox_statement ON outbox (statement_id);

CREATE TABLE digests_sent (
	key     TEXT    PRIMARY KEY, -- "digest:2026-12-07": the scheduled day
	sent_at INTEGER NOT NULL     -- unix milliseconds
);

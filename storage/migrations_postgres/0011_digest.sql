-- The weekly digest (the twin of migrations/0011_digest.sql): outbox rows
-- about no one statement (a digest lists many), and the digests sent, one
-- row per scheduled day, the unique key that keeps a digest from going out
-- twice.

ALTER TABLE outbox ALTER COLUMN statement_id DROP NOT NULL;

CREATE TABLE digests_sent (
	key     TEXT   PRIMARY KEY, -- "digest:2026-12-07": the scheduled day
	sent_at BIGINT NOT NULL     -- unix milliseconds
);

-- The Slack adapter's own state: the ids of the Events API deliveries
-- already handled (Slack retries a delivery it thinks failed, also across
-- our restarts), and a cache of Slack user profiles and email lookups.

CREATE TABLE slack_events (
	event_id TEXT    PRIMARY KEY,
	seen_at  INTEGER NOT NULL -- Unix milliseconds
);
CREATE INDEX slack_events_seen ON slack_events (seen_at);

-- users.info answers: the email Slack reports (scope users:read.email) and
-- the display name.
CREATE TABLE slack_users (
	user_id    TEXT    PRIMARY KEY,
	email      TEXT    NOT NULL DEFAULT '',
	name       TEXT    NOT NULL DEFAULT '',
	fetched_at INTEGER NOT NULL -- Unix milliseconds
);

-- users.lookupByEmail answers; user_id '' records that Slack knows nobody
-- with the address.
CREATE TABLE slack_emails (
	email      TEXT    PRIMARY KEY COLLATE NOCASE,
	user_id    TEXT    NOT NULL DEFAULT '',
	fetched_at INTEGER NOT NULL -- Unix milliseconds
);

-- The Zulip adapter's own state: a cache of Zulip users (GET /users/{email}
-- answers), so that a command does not wait for a lookup of its sender more
-- than once a day.

CREATE TABLE zulip_users (
	user_id        INTEGER PRIMARY KEY,
	email          TEXT    NOT NULL DEFAULT '', -- the Zulip API email; may be a dummy user123@host
	delivery_email TEXT    NOT NULL DEFAULT '', -- the real email; '' when the bot may not see it
	full_name      TEXT    NOT NULL DEFAULT '',
	is_bot         INTEGER NOT NULL DEFAULT 0,
	fetched_at     INTEGER NOT NULL -- Unix milliseconds
);
CREATE INDEX zulip_users_email ON zulip_users (email COLLATE NOCASE);
CREATE INDEX zulip_users_delivery_email ON zulip_users (delivery_email COLLATE NOCASE) WHERE delivery_email <> '';

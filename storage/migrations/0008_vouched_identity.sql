-- Only the addresses the platforms vouch for identify people (issue 12):
-- Slack's users.info counts for members of the app's own workspace (or
-- Enterprise Grid organization) with a confirmed address, not strangers,
-- deleted accounts or bots; Zulip's for active humans. The caches were
-- filled under looser rules: their answers are looked up again, and the
-- Slack emails kept meanwhile (the stale answer used when Slack is down)
-- are dropped.

ALTER TABLE zulip_users ADD COLUMN is_active INTEGER NOT NULL DEFAULT 1;
UPDATE zulip_users SET fetched_at = 0;
UPDATE slack_users SET email = '', fetched_at = 0;
UPDATE slack_emails SET fetched_at = 0;

-- Issue 14: every field of a Datatracker liaison statement.
--
-- Contacts stay JSON lists of strings, each entry as bot.Address writes it
-- ("Jane Doe <jane@example.org>", a bare address, or a name alone such as
-- "The IETF Chair"): the old lists of bare addresses read as they are.
-- The action holder contacts are new. Attachments become JSON objects
-- {"Title", "URL"}; an old entry that is a URL becomes the URL, any other
-- (a Datatracker document name) the title. from_name and to_name stay
-- the ordered group lists ("IAB, IESG") they already were; the first is
-- the primary group. submitted is when the statement was submitted (a
-- back-dated record's real day); recorded is when the bot recorded it.

ALTER TABLE statements ADD COLUMN action_holder_contacts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE statements ADD COLUMN recorded INTEGER NOT NULL DEFAULT 0; -- unix milliseconds
UPDATE statements SET recorded = submitted;

UPDATE statements SET attachments = (
	SELECT json_group_array(CASE
		WHEN value LIKE 'http://%' OR value LIKE 'https://%' THEN json_object('URL', value)
		ELSE json_object('Title', value) END)
	FROM json_each(statements.attachments))
WHERE attachments <> '[]' AND json_valid(attachments) AND json_type(attachments, '$[0]') = 'text';

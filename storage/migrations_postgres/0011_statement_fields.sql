-- Issue 14 (the twin of migrations/0011_statement_fields.sql): the action
-- holder contacts, the recorded time (submitted is the real submission),
-- and attachments as JSON objects {"Title", "URL"}.

ALTER TABLE statements ADD COLUMN action_holder_contacts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE statements ADD COLUMN recorded BIGINT NOT NULL DEFAULT 0; -- unix milliseconds
UPDATE statements SET recorded = submitted;

UPDATE statements SET attachments = (
	SELECT COALESCE(json_agg(CASE
		WHEN v LIKE 'http://%' OR v LIKE 'https://%' THEN json_build_object('URL', v)
		ELSE json_build_object('Title', v) END), '[]'::json)::text
	FROM json_array_elements_text(statements.attachments::json) AS v)
WHERE attachments <> '[]' AND json_typeof(attachments::json -> 0) = 'string';

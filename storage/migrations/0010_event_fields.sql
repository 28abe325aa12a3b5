-- Events keep their tag and their reminder's key in columns of their own
-- (issue 13): before, a tag event's note was "<tag>: <note>" and a
-- reminder's "<key> <subject>", parsed back wherever they were read.

ALTER TABLE statement_events ADD COLUMN tag TEXT NOT NULL DEFAULT '';
ALTER TABLE statement_events ADD COLUMN reminder TEXT NOT NULL DEFAULT '';

UPDATE statement_events SET
	tag  = CASE WHEN instr(note, ': ') > 0 THEN substr(note, 1, instr(note, ': ') - 1) ELSE note END,
	note = CASE WHEN instr(note, ': ') > 0 THEN substr(note, instr(note, ': ') + 2) ELSE '' END
WHERE type IN ('tagged', 'untagged');

UPDATE statement_events SET
	reminder = CASE WHEN instr(note, ' ') > 0 THEN substr(note, 1, instr(note, ' ') - 1) ELSE note END,
	note     = CASE WHEN instr(note, ' ') > 0 THEN substr(note, instr(note, ' ') + 1) ELSE '' END
WHERE type = 'reminded';

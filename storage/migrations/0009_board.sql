-- The web board and the feeds: the IETF groups of each statement's IETF
-- side (for the group filter and its list of groups, kept with the
-- statement's state so that only public groups are offered), and the
-- indexes of the board's and the feeds' orders.

CREATE TABLE statement_groups (
	statement_id INTEGER NOT NULL REFERENCES statements (id),
	name         TEXT    NOT NULL COLLATE NOCASE, -- an IETF group as written ("opsawg", "IAB")
	state        TEXT    NOT NULL,                -- the statement's state
	PRIMARY KEY (statement_id, name)
) WITHOUT ROWID;
CREATE INDEX statement_groups_name ON statement_groups (name, state, statement_id);

-- The IETF side is from_name for outgoing statements and to_name for
-- incoming ones, a comma list (bot.Statement.IETFGroups).
WITH RECURSIVE split (id, state, rest, name) AS (
	SELECT id, state, (CASE direction WHEN 'incoming' THEN to_name ELSE from_name END) || ',', NULL FROM statements
	UNION ALL
	SELECT id, state, substr(rest, instr(rest, ',') + 1), trim(substr(rest, 1, instr(rest, ',') - 1), char(9, 10, 13, 32))
	FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO statement_groups (statement_id, name, state)
SELECT id, name, state FROM split WHERE name IS NOT NULL AND name <> '';

-- The Atom feed: the latest change first, overall and by organization.
CREATE INDEX statements_changed ON statements (updated DESC, id DESC);
CREATE INDEX statements_org_changed ON statements (org_id, updated DESC, id DESC);
-- The board: an organization's statements in any state, in the board's order.
CREATE INDEX statements_org_all ON statements (org_id, sort_deadline, submitted DESC, id DESC);
-- The board shows public states only: its open and overdue lists and the
-- calendar read their page straight off these (an index on the filter
-- alone would read past every hidden statement first).
CREATE INDEX statements_open_state ON statements (open, state, sort_deadline, submitted DESC, id DESC);
CREATE INDEX statements_org_open_state ON statements (org_id, open, state, sort_deadline, submitted DESC, id DESC);
CREATE INDEX statements_due_state ON statements (action_required, action_taken, state, sort_deadline, submitted DESC, id DESC) WHERE state <> 'dead';
-- The board by purpose, in its order (its state is checked on the row:
-- few statements are hidden).
CREATE INDEX statements_purpose ON statements (purpose, sort_deadline, submitted DESC, id DESC);

-- List indexes in the order "list" sorts (deadline, then newest first), so
-- a page is read straight off the index instead of sorting every match.

DROP INDEX statements_open;
DROP INDEX statements_state;
DROP INDEX statements_all;
DROP INDEX statements_org;
CREATE INDEX statements_open ON statements (open, sort_deadline, submitted DESC, id DESC);
CREATE INDEX statements_state ON statements (state, sort_deadline, submitted DESC, id DESC);
CREATE INDEX statements_all ON statements (sort_deadline, submitted DESC, id DESC);
CREATE INDEX statements_org ON statements (org_id, open, sort_deadline, submitted DESC, id DESC);
DROP INDEX statements_due;
CREATE INDEX statements_due ON statements (action_required, action_taken, sort_deadline, submitted DESC, id DESC) WHERE state <> 'dead';

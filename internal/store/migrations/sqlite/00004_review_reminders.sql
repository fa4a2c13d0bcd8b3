-- Review: a call's review deadline and the reminder mailed before it, and
-- the reason and suggested replacement given on declining an invitation.
-- SQLite: timestamps are integer Unix milliseconds (UTC).

-- +goose Up
-- When reviews are due; NULL while the secretariat has set none.
ALTER TABLE calls ADD COLUMN review_deadline INTEGER;

-- Why an invitation was declined, and someone else suggested instead.
ALTER TABLE panel_members ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE panel_members ADD COLUMN suggested_name TEXT NOT NULL DEFAULT '';
ALTER TABLE panel_members ADD COLUMN suggested_email TEXT NOT NULL DEFAULT '';

-- The reminder before the review deadline, at most one per reviewer and
-- call: a row is written in the transaction that queues the message, so
-- that no restart and no second process sends it again.
CREATE TABLE review_reminders (
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    reviewer_id INTEGER NOT NULL REFERENCES users (id),
    deadline    INTEGER NOT NULL,
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (call_id, reviewer_id)
);
CREATE INDEX calls_review_deadline ON calls (review_deadline);

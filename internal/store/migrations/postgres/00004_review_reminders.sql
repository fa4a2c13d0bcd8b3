-- Review: a call's review deadline and the reminder mailed before it, and
-- the reason and suggested replacement given on declining an invitation.
-- PostgreSQL: timestamps are timestamptz.

-- +goose Up
-- When reviews are due; NULL while the secretariat has set none.
ALTER TABLE calls ADD COLUMN review_deadline timestamptz;

-- Why an invitation was declined, and someone else suggested instead.
ALTER TABLE panel_members ADD COLUMN decline_reason text NOT NULL DEFAULT '';
ALTER TABLE panel_members ADD COLUMN suggested_name text NOT NULL DEFAULT '';
ALTER TABLE panel_members ADD COLUMN suggested_email text NOT NULL DEFAULT '';

-- The reminder before the review deadline, at most one per reviewer and
-- call: a row is written in the transaction that queues the message, so
-- that no restart and no second process sends it again.
CREATE TABLE review_reminders (
    call_id     bigint NOT NULL REFERENCES calls (id),
    reviewer_id bigint NOT NULL REFERENCES users (id),
    deadline    timestamptz NOT NULL,
    sent_at     timestamptz NOT NULL,
    PRIMARY KEY (call_id, reviewer_id)
);
CREATE INDEX calls_review_deadline ON calls (review_deadline);

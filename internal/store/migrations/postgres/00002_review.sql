-- Review workflow: screening, the reviewer panel, assignments, reviews and
-- decisions. PostgreSQL: timestamps are timestamptz (UTC), JSON is jsonb.

-- +goose Up
-- Who sees the other reviews of a case: never, after_own or always; and
-- whether reviewers see each other's names.
ALTER TABLE calls ADD COLUMN review_visibility text NOT NULL DEFAULT 'after_own';
ALTER TABLE calls ADD COLUMN reveal_reviewers boolean NOT NULL DEFAULT false;

-- Each screening of a case; a returned case that comes back is screened again.
CREATE TABLE screenings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     text NOT NULL REFERENCES cases (id),
    version     integer NOT NULL,
    outcome     text NOT NULL,
    checklist   jsonb NOT NULL DEFAULT '{}',
    note        text NOT NULL DEFAULT '',
    return_by   timestamptz,
    screened_by bigint REFERENCES users (id),
    screened_at timestamptz NOT NULL
);
CREATE INDEX screenings_case ON screenings (case_id, id);

-- A call's reviewers, from invitation on. user_id is set on acceptance.
CREATE TABLE panel_members (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id           bigint NOT NULL REFERENCES calls (id),
    email             text NOT NULL,
    name              text NOT NULL DEFAULT '',
    user_id           bigint REFERENCES users (id),
    state             text NOT NULL,
    language          text NOT NULL DEFAULT '',
    expertise         jsonb NOT NULL DEFAULT '{}',
    languages         jsonb NOT NULL DEFAULT '[]',
    max_load          integer NOT NULL DEFAULT 0,
    conflict_orgs     jsonb NOT NULL DEFAULT '[]',
    conflict_cases    jsonb NOT NULL DEFAULT '[]',
    invite_hash       text UNIQUE,
    invite_expires_at timestamptz,
    suggestion        text NOT NULL DEFAULT '',
    invited_by        bigint REFERENCES users (id),
    invited_at        timestamptz NOT NULL,
    responded_at      timestamptz,
    UNIQUE (call_id, email)
);
CREATE UNIQUE INDEX panel_members_call_user ON panel_members (call_id, user_id);
CREATE INDEX panel_members_user ON panel_members (user_id);

-- Pairs the secretariat pinned or forbade, applied by every assignment run.
CREATE TABLE assignment_rules (
    case_id     text NOT NULL REFERENCES cases (id),
    reviewer_id bigint NOT NULL REFERENCES users (id),
    call_id     bigint NOT NULL REFERENCES calls (id),
    kind        text NOT NULL,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (case_id, reviewer_id)
);
CREATE INDEX assignment_rules_call ON assignment_rules (call_id);

CREATE TABLE assignments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id     bigint NOT NULL REFERENCES calls (id),
    case_id     text NOT NULL REFERENCES cases (id),
    reviewer_id bigint NOT NULL REFERENCES users (id),
    source      text NOT NULL,
    affinity    integer NOT NULL DEFAULT 0,
    reasons     jsonb NOT NULL DEFAULT '[]',
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    UNIQUE (case_id, reviewer_id)
);
CREATE INDEX assignments_call ON assignments (call_id, case_id);
CREATE INDEX assignments_reviewer ON assignments (reviewer_id);

-- One review per assignment. An assignment with a review is never deleted
-- (the foreign key refuses it).
CREATE TABLE reviews (
    assignment_id        bigint PRIMARY KEY REFERENCES assignments (id),
    state                text NOT NULL,
    scores               jsonb NOT NULL DEFAULT '{}',
    recommendation       text NOT NULL DEFAULT '',
    confidence           integer NOT NULL DEFAULT 0,
    comment_to_applicant text NOT NULL DEFAULT '',
    comment_to_committee text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    submitted_at         timestamptz
);

-- The committee's decision; pending until released_at is set.
CREATE TABLE decisions (
    case_id     text PRIMARY KEY REFERENCES cases (id),
    call_id     bigint NOT NULL REFERENCES calls (id),
    decision    text NOT NULL,
    note        text NOT NULL DEFAULT '',
    decided_by  bigint REFERENCES users (id),
    decided_at  timestamptz NOT NULL,
    released_at timestamptz
);
CREATE INDEX decisions_call ON decisions (call_id);

CREATE INDEX audit_log_actor ON audit_log (actor_id, at);

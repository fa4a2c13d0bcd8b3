-- Review workflow: screening, the reviewer panel, assignments, reviews and
-- decisions. SQLite: timestamps are integer Unix milliseconds (UTC), JSON
-- is TEXT, booleans are 0/1.

-- +goose Up
-- Who sees the other reviews of a case: never, after_own or always; and
-- whether reviewers see each other's names.
ALTER TABLE calls ADD COLUMN review_visibility TEXT NOT NULL DEFAULT 'after_own';
ALTER TABLE calls ADD COLUMN reveal_reviewers INTEGER NOT NULL DEFAULT 0;

-- Each screening of a case; a returned case that comes back is screened again.
CREATE TABLE screenings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    version     INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    checklist   TEXT NOT NULL DEFAULT '{}',
    note        TEXT NOT NULL DEFAULT '',
    return_by   INTEGER,
    screened_by INTEGER REFERENCES users (id),
    screened_at INTEGER NOT NULL
);
CREATE INDEX screenings_case ON screenings (case_id, id);

-- A call's reviewers, from invitation on. user_id is set on acceptance.
CREATE TABLE panel_members (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id           INTEGER NOT NULL REFERENCES calls (id),
    email             TEXT NOT NULL,
    name              TEXT NOT NULL DEFAULT '',
    user_id           INTEGER REFERENCES users (id),
    state             TEXT NOT NULL,
    language          TEXT NOT NULL DEFAULT '',
    expertise         TEXT NOT NULL DEFAULT '{}',
    languages         TEXT NOT NULL DEFAULT '[]',
    max_load          INTEGER NOT NULL DEFAULT 0,
    conflict_orgs     TEXT NOT NULL DEFAULT '[]',
    conflict_cases    TEXT NOT NULL DEFAULT '[]',
    invite_hash       TEXT UNIQUE,
    invite_expires_at INTEGER,
    suggestion        TEXT NOT NULL DEFAULT '',
    invited_by        INTEGER REFERENCES users (id),
    invited_at        INTEGER NOT NULL,
    responded_at      INTEGER,
    UNIQUE (call_id, email)
);
CREATE UNIQUE INDEX panel_members_call_user ON panel_members (call_id, user_id);
CREATE INDEX panel_members_user ON panel_members (user_id);

-- Pairs the secretariat pinned or forbade, applied by every assignment run.
CREATE TABLE assignment_rules (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    reviewer_id INTEGER NOT NULL REFERENCES users (id),
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    kind        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, reviewer_id)
);
CREATE INDEX assignment_rules_call ON assignment_rules (call_id);

CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    case_id     TEXT NOT NULL REFERENCES cases (id),
    reviewer_id INTEGER NOT NULL REFERENCES users (id),
    source      TEXT NOT NULL,
    affinity    INTEGER NOT NULL DEFAULT 0,
    reasons     TEXT NOT NULL DEFAULT '[]',
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    UNIQUE (case_id, reviewer_id)
);
CREATE INDEX assignments_call ON assignments (call_id, case_id);
CREATE INDEX assignments_reviewer ON assignments (reviewer_id);

-- One review per assignment. An assignment with a review is never deleted
-- (the foreign key refuses it).
CREATE TABLE reviews (
    assignment_id        INTEGER PRIMARY KEY REFERENCES assignments (id),
    state                TEXT NOT NULL,
    scores               TEXT NOT NULL DEFAULT '{}',
    recommendation       TEXT NOT NULL DEFAULT '',
    confidence           INTEGER NOT NULL DEFAULT 0,
    comment_to_applicant TEXT NOT NULL DEFAULT '',
    comment_to_committee TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    submitted_at         INTEGER
);

-- The committee's decision; pending until released_at is set.
CREATE TABLE decisions (
    case_id     TEXT PRIMARY KEY REFERENCES cases (id),
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    decision    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    decided_by  INTEGER REFERENCES users (id),
    decided_at  INTEGER NOT NULL,
    released_at INTEGER
);
CREATE INDEX decisions_call ON decisions (call_id);

CREATE INDEX audit_log_actor ON audit_log (actor_id, at);

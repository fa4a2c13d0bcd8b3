-- dxatlas schema for SQLite. Timestamps are integer Unix milliseconds (UTC);
-- JSON is TEXT; booleans are 0/1.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    verified_at   INTEGER,
    language      TEXT NOT NULL DEFAULT '',
    org_name      TEXT NOT NULL DEFAULT '',
    org_type      TEXT NOT NULL DEFAULT '',
    org_country   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_role ON users (role);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL DEFAULT '',
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE email_tokens (
    hash       TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX email_tokens_user ON email_tokens (user_id);

CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    throttle_key TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (throttle_key, at);

CREATE TABLE calls (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    slug               TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL DEFAULT '{}',
    description        TEXT NOT NULL DEFAULT '{}',
    eligibility        TEXT NOT NULL DEFAULT '[]',
    opens_at           INTEGER NOT NULL,
    closes_at          INTEGER NOT NULL,
    timezone           TEXT NOT NULL DEFAULT 'UTC',
    blind              INTEGER NOT NULL DEFAULT 0,
    reviewers_per_case INTEGER NOT NULL DEFAULT 3,
    rubric             TEXT,
    phase              TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX calls_opens_at ON calls (opens_at);

-- One row per year; incremented inside the transaction that creates a case.
CREATE TABLE case_counters (
    year INTEGER PRIMARY KEY,
    n    INTEGER NOT NULL
);

CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    call_id        INTEGER NOT NULL REFERENCES calls (id),
    owner_id       INTEGER NOT NULL REFERENCES users (id),
    state          TEXT NOT NULL,
    doc            TEXT NOT NULL DEFAULT '{}',
    version        INTEGER NOT NULL DEFAULT 0,
    submitted_at   INTEGER,
    published_at   INTEGER,
    extended_until INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    language       TEXT NOT NULL DEFAULT '',
    org_name       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_call_state ON cases (call_id, state);
CREATE INDEX cases_owner ON cases (owner_id);

CREATE TABLE case_tags (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    facet   TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (case_id, facet, value)
);
CREATE INDEX case_tags_facet_value ON case_tags (facet, value, case_id);

CREATE TABLE case_versions (
    case_id      TEXT NOT NULL REFERENCES cases (id),
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, version)
);

-- A submitted version is a record of what was submitted: it never changes.
-- +goose StatementBegin
CREATE TRIGGER case_versions_immutable BEFORE UPDATE ON case_versions
BEGIN
    SELECT RAISE(ABORT, 'case versions are immutable');
END;
-- +goose StatementEnd

CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL REFERENCES attachment_blobs (sha256),
    created_at   INTEGER NOT NULL,
    UNIQUE (case_id, name)
);
CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idem_key        TEXT NOT NULL UNIQUE,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL DEFAULT '',
    html_body       TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    failed          INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed = 0;
CREATE INDEX outbox_to ON outbox (to_addr);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users (id),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

-- dxatlas schema for PostgreSQL. Timestamps are timestamptz (UTC);
-- JSON is jsonb.

-- +goose Up
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text NOT NULL DEFAULT '',
    role          text NOT NULL,
    password_hash text NOT NULL DEFAULT '',
    verified_at   timestamptz,
    language      text NOT NULL DEFAULT '',
    org_name      text NOT NULL DEFAULT '',
    org_type      text NOT NULL DEFAULT '',
    org_country   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL
);
CREATE INDEX users_role ON users (role);

CREATE TABLE sessions (
    id         text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL DEFAULT '',
    hash       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE email_tokens (
    hash       text PRIMARY KEY,
    purpose    text NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX email_tokens_user ON email_tokens (user_id);

CREATE TABLE login_failures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    throttle_key text NOT NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (throttle_key, at);

CREATE TABLE calls (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug               text NOT NULL UNIQUE,
    title              jsonb NOT NULL DEFAULT '{}',
    description        jsonb NOT NULL DEFAULT '{}',
    eligibility        jsonb NOT NULL DEFAULT '[]',
    opens_at           timestamptz NOT NULL,
    closes_at          timestamptz NOT NULL,
    timezone           text NOT NULL DEFAULT 'UTC',
    blind              boolean NOT NULL DEFAULT false,
    reviewers_per_case integer NOT NULL DEFAULT 3,
    rubric             jsonb,
    phase              text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX calls_opens_at ON calls (opens_at);

-- One row per year; incremented inside the transaction that creates a case.
CREATE TABLE case_counters (
    year integer PRIMARY KEY,
    n    integer NOT NULL
);

CREATE TABLE cases (
    id             text PRIMARY KEY,
    call_id        bigint NOT NULL REFERENCES calls (id),
    owner_id       bigint NOT NULL REFERENCES users (id),
    state          text NOT NULL,
    doc            jsonb NOT NULL DEFAULT '{}',
    version        integer NOT NULL DEFAULT 0,
    submitted_at   timestamptz,
    published_at   timestamptz,
    extended_until timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    title          text NOT NULL DEFAULT '',
    language       text NOT NULL DEFAULT '',
    org_name       text NOT NULL DEFAULT ''
);
CREATE INDEX cases_call_state ON cases (call_id, state);
CREATE INDEX cases_owner ON cases (owner_id);

CREATE TABLE case_tags (
    case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    facet   text NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (case_id, facet, value)
);
CREATE INDEX case_tags_facet_value ON case_tags (facet, value, case_id);

CREATE TABLE case_versions (
    case_id      text NOT NULL REFERENCES cases (id),
    version      integer NOT NULL,
    doc          jsonb NOT NULL,
    submitted_at timestamptz NOT NULL,
    submitted_by bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, version)
);

-- A submitted version is a record of what was submitted: it never changes.
-- +goose StatementBegin
CREATE FUNCTION case_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case versions are immutable';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_versions_immutable BEFORE UPDATE ON case_versions
    FOR EACH ROW EXECUTE FUNCTION case_versions_immutable();

CREATE TABLE attachment_blobs (
    sha256 text PRIMARY KEY,
    size   bigint NOT NULL,
    data   bytea NOT NULL
);

CREATE TABLE attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL REFERENCES attachment_blobs (sha256),
    created_at   timestamptz NOT NULL,
    UNIQUE (case_id, name)
);
CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idem_key        text NOT NULL UNIQUE,
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL DEFAULT '',
    html_body       text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz NOT NULL DEFAULT 'epoch',
    sent_at         timestamptz,
    failed          boolean NOT NULL DEFAULT false,
    last_error      text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND NOT failed;
CREATE INDEX outbox_to ON outbox (to_addr);

CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor_id   bigint REFERENCES users (id),
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    action     text NOT NULL,
    from_state text NOT NULL DEFAULT '',
    to_state   text NOT NULL DEFAULT '',
    reason     text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

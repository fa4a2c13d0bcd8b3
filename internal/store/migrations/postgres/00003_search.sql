-- Search: the analysed form of each published case, from which every node
-- builds its in-memory index. Derived data: it can be rebuilt from the
-- cases at any time. PostgreSQL: timestamps are timestamptz, JSON is jsonb.

-- +goose Up
-- The change counter. Each write to search_docs takes the next values
-- while holding this row (its lock lasts until commit), so sequence numbers
-- become visible in order and a node that has read up to n has seen every
-- change up to n.
CREATE TABLE search_state (
    id  integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL
);
INSERT INTO search_state (id, seq) VALUES (1, 0);

-- One row per case ever indexed. An unpublished case stays as a tombstone
-- (deleted, contents emptied) so that other nodes learn of it.
-- Term columns hold "term" or "term*count" separated by spaces, sorted.
CREATE TABLE search_docs (
    id            text PRIMARY KEY,
    seq           bigint NOT NULL UNIQUE,
    deleted       boolean NOT NULL DEFAULT false,
    analysis      integer NOT NULL,
    call_slug     text NOT NULL DEFAULT '',
    language      text NOT NULL DEFAULT '',
    published_at  timestamptz,
    titles        jsonb NOT NULL DEFAULT '{}',
    texts         jsonb NOT NULL DEFAULT '{}',
    facets        text NOT NULL DEFAULT '',
    title_terms   text NOT NULL DEFAULT '',
    summary_terms text NOT NULL DEFAULT '',
    body_terms    text NOT NULL DEFAULT ''
);

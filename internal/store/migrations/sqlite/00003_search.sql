-- Search: the analysed form of each published case, from which every node
-- builds its in-memory index. Derived data: it can be rebuilt from the
-- cases at any time. SQLite: timestamps are integer Unix milliseconds
-- (UTC), JSON is TEXT, booleans are 0/1.

-- +goose Up
-- The change counter. Each write to search_docs takes the next values
-- while holding this row, so sequence numbers become visible in order and
-- a node that has read up to n has seen every change up to n.
CREATE TABLE search_state (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO search_state (id, seq) VALUES (1, 0);

-- One row per case ever indexed. An unpublished case stays as a tombstone
-- (deleted = 1, contents emptied) so that other nodes learn of it.
-- Term columns hold "term" or "term*count" separated by spaces, sorted.
CREATE TABLE search_docs (
    id            TEXT PRIMARY KEY,
    seq           INTEGER NOT NULL UNIQUE,
    deleted       INTEGER NOT NULL DEFAULT 0,
    analysis      INTEGER NOT NULL,
    call_slug     TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    published_at  INTEGER,
    titles        TEXT NOT NULL DEFAULT '{}',
    texts         TEXT NOT NULL DEFAULT '{}',
    facets        TEXT NOT NULL DEFAULT '',
    title_terms   TEXT NOT NULL DEFAULT '',
    summary_terms TEXT NOT NULL DEFAULT '',
    body_terms    TEXT NOT NULL DEFAULT ''
);

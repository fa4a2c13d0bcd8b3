-- case_tags as a WITHOUT ROWID table: the rows live in the primary key's
-- B-tree itself, so that a tag is written to two B-trees (the key and
-- the facet index) instead of three (a rowid table, its key and the
-- index), and the rows are a third smaller. Loading many cases at once
-- spent half of its writing time on these rows. PostgreSQL has no such
-- choice to make (its tables are heaps beside their indexes).

-- +goose Up
CREATE TABLE case_tags_new (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    facet   TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (case_id, facet, value)
) WITHOUT ROWID;
INSERT INTO case_tags_new (case_id, facet, value) SELECT case_id, facet, value FROM case_tags;
DROP TABLE case_tags;
ALTER TABLE case_tags_new RENAME TO case_tags;
CREATE INDEX case_tags_facet_value ON case_tags (facet, value, case_id);

-- +goose Down
CREATE TABLE case_tags_old (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    facet   TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (case_id, facet, value)
);
INSERT INTO case_tags_old (case_id, facet, value) SELECT case_id, facet, value FROM case_tags;
DROP TABLE case_tags;
ALTER TABLE case_tags_old RENAME TO case_tags;
CREATE INDEX case_tags_facet_value ON case_tags (facet, value, case_id);

-- The titles and summaries that a list of results shows, packed for
-- reading without a JSON parser: "lang<RS>title<RS>summary" per language,
-- joined by <US> (the control characters 30 and 31, which the texts never
-- hold: they are written as spaces). Decoding the JSON of texts took a
-- tenth of the CPU of an uncached search page at 100,000 cases.
--
-- texts stays, and is still written, so that a node running the release
-- before keeps reading it; a later release stops writing it (and drops
-- the trigger below). Tombstones keep ''. Such a node writes texts only:
-- a row it inserts keeps list_texts empty, and a row it updates has its
-- list_texts emptied by the trigger, so that this release reads texts
-- for both rather than stale packed texts.

-- +goose Up
ALTER TABLE search_docs ADD COLUMN list_texts TEXT NOT NULL DEFAULT '';
UPDATE search_docs SET list_texts = coalesce((
    SELECT group_concat(t.key || char(30)
        || replace(replace(coalesce(json_extract(t.value, '$.title'), ''), char(30), ' '), char(31), ' ')
        || char(30)
        || replace(replace(coalesce(json_extract(t.value, '$.summary'), ''), char(30), ' '), char(31), ' '),
        char(31))
    FROM json_each(search_docs.texts) AS t), '')
WHERE NOT deleted;
-- +goose StatementBegin
CREATE TRIGGER search_docs_texts_only AFTER UPDATE OF texts ON search_docs
FOR EACH ROW WHEN NEW.texts <> OLD.texts AND NEW.list_texts = OLD.list_texts
BEGIN
    UPDATE search_docs SET list_texts = '' WHERE id = NEW.id;
END;
-- +goose StatementEnd

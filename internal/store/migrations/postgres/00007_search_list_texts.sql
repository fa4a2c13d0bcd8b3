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
ALTER TABLE search_docs ADD COLUMN list_texts text NOT NULL DEFAULT '';
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE search_docs ALTER COLUMN list_texts SET COMPRESSION lz4;
    END IF;
END
$$;
-- +goose StatementEnd
UPDATE search_docs SET list_texts = coalesce((
    SELECT string_agg(t.key || chr(30)
        || translate(coalesce(t.value ->> 'title', ''), chr(30) || chr(31), '  ')
        || chr(30)
        || translate(coalesce(t.value ->> 'summary', ''), chr(30) || chr(31), '  '),
        chr(31))
    FROM jsonb_each(search_docs.texts) AS t), '')
WHERE NOT deleted;
-- +goose StatementBegin
CREATE FUNCTION search_docs_texts_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.texts IS DISTINCT FROM OLD.texts AND NEW.list_texts = OLD.list_texts THEN
        NEW.list_texts := '';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_docs_texts_only BEFORE UPDATE OF texts ON search_docs
    FOR EACH ROW EXECUTE FUNCTION search_docs_texts_only();

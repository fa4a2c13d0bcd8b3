-- The large values (the cases' documents and versions, the search
-- documents' texts and terms) are compressed with LZ4 rather than pglz
-- where the server has it (PostgreSQL 14 and later built with lz4, as
-- Debian's and most distributions' are). It takes a fraction of the CPU
-- to compress and to read back, for slightly larger values. Loading
-- 100,000 cases took 50 s instead of 61 on two cores shared with the
-- server (97 CPU-s of the machine instead of 119). Values stored before
-- keep their compression until they are written again; a server without
-- lz4 keeps pglz. SQLite does not compress, so this migration has no
-- SQLite counterpart; the number 00005 is SQLite's own.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE cases ALTER COLUMN doc SET COMPRESSION lz4;
        ALTER TABLE case_versions ALTER COLUMN doc SET COMPRESSION lz4;
        ALTER TABLE search_docs
            ALTER COLUMN titles SET COMPRESSION lz4,
            ALTER COLUMN texts SET COMPRESSION lz4,
            ALTER COLUMN title_terms SET COMPRESSION lz4,
            ALTER COLUMN summary_terms SET COMPRESSION lz4,
            ALTER COLUMN body_terms SET COMPRESSION lz4;
    END IF;
END
$$;
-- +goose StatementEnd

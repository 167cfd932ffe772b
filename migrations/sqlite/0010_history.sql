-- 0010: the history of every change (issue 14).
--  * revisions: one row a change of a company, announcement or pledge, in
--    the transaction of the change: its version (1, 2, 3... per record),
--    action, time, who (the token's name, 'cli', or NULL for a record that
--    predates history), the request id and the record's representation
--    after the change (NULL after a delete). seq is the commit order: one
--    writer commits at a time, and a revision rolled back with its
--    savepoint takes its seq with it, so seq never skips a committed row.
--    seq is never given twice: the newest revision is the latest of its
--    record, which `history prune` keeps, so the largest seq stays (a new
--    one is the largest plus one), without AUTOINCREMENT's extra write.
--    A delete is the record's tombstone; deleted records are not kept.
--    Rates have revisions too, keyed by text: a rate PUT or `rates import`
--    ('rate', key 'JPY/2026-02-10'), and each `rates update` run of a
--    source ('rates', key 'fed-h10', 'ecb'), recorded per run, not per row.
--  * companies, announcements and pledges gain version, created_by and
--    updated_by. Existing rows are version 1; migration 0011 records each
--    as it stands ('baseline', by NULL).
--  * companies are rebuilt with AUTOINCREMENT so that a deleted company's
--    id is never given to another (its history is kept under that id),
--    as 0005 did for announcements and pledges.

CREATE TABLE companies_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL COLLATE NOCASE,
    country     TEXT,
    website     TEXT,
    aliases     TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT,
    updated_by  TEXT
) STRICT;
INSERT INTO companies_new (id, slug, name, country, website, aliases, created_at, updated_at)
    SELECT id, slug, name, country, website, aliases, created_at, updated_at FROM companies;
DROP TABLE companies;
ALTER TABLE companies_new RENAME TO companies;
CREATE INDEX companies_by_name ON companies (name, id);
CREATE INDEX companies_by_created ON companies (created_at, id);
CREATE INDEX companies_by_updated ON companies (updated_at, id);
CREATE INDEX companies_by_country ON companies (country, slug);

ALTER TABLE announcements ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE announcements ADD COLUMN created_by TEXT;
ALTER TABLE announcements ADD COLUMN updated_by TEXT;
ALTER TABLE pledges ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pledges ADD COLUMN created_by TEXT;
ALTER TABLE pledges ADD COLUMN updated_by TEXT;

CREATE TABLE revisions (
    seq         INTEGER PRIMARY KEY,  -- no AUTOINCREMENT needed: see below
    resource    TEXT NOT NULL
                CHECK (resource IN ('company', 'announcement', 'pledge', 'rate', 'rates')),
    record_id   INTEGER NOT NULL,     -- 0 for rates
    key         TEXT,                 -- a company's slug at this version (its last, for a
                                      -- delete); a rate's 'JPY/2026-02-10'; a run's source
    version     INTEGER NOT NULL CHECK (version >= 1),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'baseline')),
    at          TEXT NOT NULL,        -- RFC 3339 UTC, seconds
    by          TEXT,
    request_id  TEXT,
    record      TEXT,                 -- JSON; NULL after a delete
    CHECK ((action = 'delete') = (record IS NULL))
) STRICT;
-- A record's revisions by version (the key makes the rates' unique: they
-- are all record 0); a rate's or a run's by key; tombstones by time.
CREATE UNIQUE INDEX revisions_by_record
    ON revisions (resource, record_id, version, coalesce(key, ''));
CREATE INDEX revisions_by_key ON revisions (resource, key, version) WHERE key IS NOT NULL;
CREATE INDEX revisions_deleted ON revisions (seq) WHERE action = 'delete';

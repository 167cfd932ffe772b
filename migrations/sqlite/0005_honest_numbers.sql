-- 0005: honest numbers.
--  * Ids of announcements, sources and pledges are never reused: the three
--    tables are rebuilt with AUTOINCREMENT, keeping every id (copying rows
--    with their ids sets sqlite_sequence to the largest).
--  * A pledge keeps how its figures were stated: amount_qualifier and
--    people_qualifier (NULL: exactly; 'about', 'at_least', 'up_to').
--  * An announcement keeps how precisely its date is known:
--    announced_on_precision ('day', 'month': announced_on is the 1st of the
--    month, 'year': it is 1 January). Existing rows get 'day'.
--  * An Idempotency-Key belongs to the token that used it (token = the
--    token's key_id). Keys live 24 hours, so the old table is dropped.
-- This follows SQLite's twelve-step table rebuild: migrate.c runs every
-- migration with foreign keys off and checks them before it commits, so
-- dropping a parent table cascades nothing.

CREATE TABLE announcements_new (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    title                   TEXT NOT NULL,
    announced_on            TEXT NOT NULL,     -- YYYY-MM-DD
    announced_on_precision  TEXT NOT NULL DEFAULT 'day'
                            CHECK (announced_on_precision IN ('day', 'month', 'year')),
    summary                 TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
) STRICT;
INSERT INTO announcements_new (id, title, announced_on, announced_on_precision, summary,
                               created_at, updated_at)
    SELECT id, title, announced_on, 'day', summary, created_at, updated_at FROM announcements;
DROP TABLE announcements;
ALTER TABLE announcements_new RENAME TO announcements;
CREATE INDEX announcements_by_date ON announcements (announced_on, id);
CREATE INDEX announcements_by_created ON announcements (created_at, id);
CREATE INDEX announcements_by_updated ON announcements (updated_at, id);

CREATE TABLE sources_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    url             TEXT NOT NULL UNIQUE,      -- one article, one announcement
    publisher       TEXT,
    title           TEXT,
    language        TEXT,
    published_on    TEXT
) STRICT;
INSERT INTO sources_new SELECT id, announcement_id, position, url, publisher, title, language,
                               published_on FROM sources;
DROP TABLE sources;
ALTER TABLE sources_new RENAME TO sources;
CREATE INDEX sources_by_announcement ON sources (announcement_id, position);

-- amount_usd_minor (US cents) is derived from amount and the rate in force
-- on the announcement's date; see 0004. Totals of money count every kind
-- but 'target' (committed money); targets are summed apart.
CREATE TABLE pledges_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    announcement_id  INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    company_id       INTEGER REFERENCES companies (id),   -- NULL: a joint pledge
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    description      TEXT,
    country          TEXT,
    amount_currency  TEXT,
    amount_minor     INTEGER,                   -- minor units of amount_currency
    amount_qualifier TEXT CHECK (amount_qualifier IN ('about', 'at_least', 'up_to')),
    people           INTEGER,
    people_qualifier TEXT CHECK (people_qualifier IN ('about', 'at_least', 'up_to')),
    starts_on        TEXT,
    ends_on          TEXT,
    duration_months  INTEGER,
    evidence         TEXT NOT NULL DEFAULT '[]', -- JSON [{source, quote}]
    announced_on     TEXT NOT NULL,             -- the announcement's date, copied for indexes
    amount_usd_minor INTEGER,
    usd_rate         TEXT,                      -- USD per unit of amount_currency, for display
    usd_rate_date    TEXT,
    usd_error        TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((amount_currency IS NULL) = (amount_minor IS NULL)),
    CHECK (amount_qualifier IS NULL OR amount_minor IS NOT NULL),
    CHECK (people_qualifier IS NULL OR people IS NOT NULL)
) STRICT;
INSERT INTO pledges_new (id, announcement_id, position, company_id, kind, status, description,
                         country, amount_currency, amount_minor, amount_qualifier, people,
                         people_qualifier, starts_on, ends_on, duration_months, evidence,
                         announced_on, amount_usd_minor, usd_rate, usd_rate_date, usd_error,
                         created_at, updated_at)
    SELECT id, announcement_id, position, company_id, kind, status, description, country,
           amount_currency, amount_minor, NULL, people, NULL, starts_on, ends_on,
           duration_months, evidence, announced_on, amount_usd_minor, usd_rate, usd_rate_date,
           usd_error, created_at, updated_at FROM pledges;
DROP TABLE pledges;
ALTER TABLE pledges_new RENAME TO pledges;
CREATE INDEX pledges_by_announcement ON pledges (announcement_id, position);
CREATE INDEX pledges_by_company ON pledges (company_id, announced_on, id);
CREATE INDEX pledges_by_date ON pledges (announced_on, id);
CREATE INDEX pledges_by_usd ON pledges (coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_people ON pledges (coalesce(people, 0), id);
CREATE INDEX pledges_by_created ON pledges (created_at, id);
CREATE INDEX pledges_by_updated ON pledges (updated_at, id);
CREATE INDEX pledges_by_kind ON pledges (kind, announced_on, id);
CREATE INDEX pledges_by_kind_usd ON pledges (kind, coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_status ON pledges (status, announced_on, id);
CREATE INDEX pledges_by_status_usd ON pledges (status, coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_country ON pledges (country, announced_on, id);
CREATE INDEX pledges_by_country_usd ON pledges (country, coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_currency ON pledges (amount_currency, announced_on, id);
CREATE INDEX pledges_by_currency_usd ON pledges (amount_currency, coalesce(amount_usd_minor, -1), id);

DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    token        TEXT NOT NULL,             -- key_id of the token that sent it
    key          TEXT NOT NULL,
    path         TEXT NOT NULL,
    body_hash    BLOB NOT NULL,
    status       INTEGER NOT NULL,
    location     TEXT,
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (token, key, path)
) STRICT;
CREATE INDEX idempotency_by_age ON idempotency_keys (created_at);

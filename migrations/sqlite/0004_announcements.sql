-- 0004: announcements, their companies, countries and sources; pledges;
-- full-text search; idempotency keys.

CREATE TABLE announcements (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    announced_on  TEXT NOT NULL,               -- YYYY-MM-DD
    summary       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX announcements_by_date ON announcements (announced_on, id);
CREATE INDEX announcements_by_created ON announcements (created_at, id);
CREATE INDEX announcements_by_updated ON announcements (updated_at, id);

-- Deleting a company that an announcement names is refused (no CASCADE).
CREATE TABLE announcement_companies (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    company_id      INTEGER NOT NULL REFERENCES companies (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (announcement_id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX announcement_companies_by_company ON announcement_companies (company_id, announcement_id);

CREATE TABLE announcement_countries (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    country         TEXT NOT NULL,
    position        INTEGER NOT NULL,
    PRIMARY KEY (announcement_id, country)
) STRICT, WITHOUT ROWID;
CREATE INDEX announcement_countries_by_country ON announcement_countries (country, announcement_id);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    url             TEXT NOT NULL UNIQUE,      -- one article, one announcement
    publisher       TEXT,
    title           TEXT,
    language        TEXT,
    published_on    TEXT
) STRICT;
CREATE INDEX sources_by_announcement ON sources (announcement_id, position);

-- amount_usd_minor (US cents) is derived from amount and the rate in force
-- on the announcement's date. It is stored so lists can sort and filter on
-- it through an index and totals need no conversion per row; every write
-- that can change it (the pledge, its announcement's date, a rate) updates
-- it in the same transaction. usd_error says why it is NULL.
CREATE TABLE pledges (
    id               INTEGER PRIMARY KEY,
    announcement_id  INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    company_id       INTEGER REFERENCES companies (id),   -- NULL: a joint pledge
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    description      TEXT,
    country          TEXT,
    amount_currency  TEXT,
    amount_minor     INTEGER,                   -- minor units of amount_currency
    people           INTEGER,
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
    CHECK ((amount_currency IS NULL) = (amount_minor IS NULL))
) STRICT;
CREATE INDEX pledges_by_announcement ON pledges (announcement_id, position);
CREATE INDEX pledges_by_company ON pledges (company_id, announced_on, id);
CREATE INDEX pledges_by_date ON pledges (announced_on, id);
CREATE INDEX pledges_by_usd ON pledges (coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_people ON pledges (coalesce(people, 0), id);
CREATE INDEX pledges_by_created ON pledges (created_at, id);
CREATE INDEX pledges_by_updated ON pledges (updated_at, id);
-- Each equality filter of the list has an index per common sort (date and
-- amount_usd), so a filtered, sorted page is an index walk, not a sort.
CREATE INDEX pledges_by_kind ON pledges (kind, announced_on, id);
CREATE INDEX pledges_by_kind_usd ON pledges (kind, coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_status ON pledges (status, announced_on, id);
CREATE INDEX pledges_by_status_usd ON pledges (status, coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_country ON pledges (country, announced_on, id);
CREATE INDEX pledges_by_country_usd ON pledges (country, coalesce(amount_usd_minor, -1), id);
CREATE INDEX pledges_by_currency ON pledges (amount_currency, announced_on, id);
CREATE INDEX pledges_by_currency_usd ON pledges (amount_currency, coalesce(amount_usd_minor, -1), id);

-- Full-text search, kept in step by the server in each write transaction.
-- announcements_fts.rowid = announcements.id; pledges_fts.rowid = pledges.id.
CREATE VIRTUAL TABLE announcements_fts USING fts5 (
    title, summary, sources, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE pledges_fts USING fts5 (
    description, tokenize = 'unicode61 remove_diacritics 2');

-- POST with Idempotency-Key: the first answer, replayed for the same key
-- and body. Kept for 24 hours.
CREATE TABLE idempotency_keys (
    key          TEXT NOT NULL,
    path         TEXT NOT NULL,
    body_hash    BLOB NOT NULL,
    status       INTEGER NOT NULL,
    location     TEXT,
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (key, path)
) STRICT;
CREATE INDEX idempotency_by_age ON idempotency_keys (created_at);

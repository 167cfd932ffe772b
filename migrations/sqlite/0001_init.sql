-- 0001: companies and API tokens.
CREATE TABLE companies (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL COLLATE NOCASE,
    country     TEXT,                       -- ISO 3166-1 alpha-2 or NULL
    website     TEXT,
    aliases     TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    created_at  TEXT NOT NULL,              -- RFC 3339 UTC, seconds
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX companies_by_name ON companies (name, id);
CREATE INDEX companies_by_created ON companies (created_at, id);
CREATE INDEX companies_by_updated ON companies (updated_at, id);
CREATE INDEX companies_by_country ON companies (country, slug);

-- A token is "pld_" + 43 base64url characters. key_id (its first 8
-- characters after the prefix) finds the row; hash is SHA-256 of the whole
-- token and is compared in constant time. The token itself is never stored.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    key_id      TEXT NOT NULL UNIQUE,
    hash        BLOB NOT NULL,
    scope       TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write')),
    created_at  TEXT NOT NULL
) STRICT;

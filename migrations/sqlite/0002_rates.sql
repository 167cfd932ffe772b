-- 0002: daily exchange rates, units of a currency per one US dollar.
-- per_usd is kept as written (a decimal string of at most 10 significant
-- digits) and parsed exactly when used; it is never a float. The rows
-- shipped with pledged are loaded by migration 0003 (server/migrate.c).
CREATE TABLE rates (
    id          INTEGER PRIMARY KEY,
    currency    TEXT NOT NULL,              -- ISO 4217, upper case, never USD
    date        TEXT NOT NULL,              -- YYYY-MM-DD
    per_usd     TEXT NOT NULL,
    source      TEXT NOT NULL,              -- see 0006: 'fed-h10', 'ecb-derived' or 'manual'
    updated_at  TEXT NOT NULL,
    UNIQUE (currency, date)                 -- the rate-in-force look-up is one seek
) STRICT;
CREATE INDEX rates_by_date ON rates (date, id);

-- 0015: the totals of common one-word searches, kept (issue 13).
-- GET /v1/stats/totals?q=robotics read every matching pledge: a word in a
-- quarter of a million pledges took 420 ms. A one-word search that a
-- totals request finds in many pledges (serve's --search-totals-at,
-- 20,000 by default) is kept from then on: up to 63 of them, each a bit.
--
-- pledge_searches: the kept words, as FTS5's unicode61 tokenizer gives
--   them (folded case, no diacritics), so a pledge matches a word exactly
--   when `q` would find it: the word is in its description or in its
--   announcement's title, summary or sources (pledges_fts and
--   announcements_fts).
-- pledge_search_groups: each kept word's totals by every group_by, keys and
--   money as in 0009's pledge_groups.
-- pledge_search_marks: each pledge counted under at least one kept word,
--   with the words (mask) and the keys and figures it was counted with, so
--   that what was added can be taken away again exactly.
-- pledge_search_dirty: pledges to count again. Triggers add a pledge that
--   changes, or whose announcement's text or sources change; the store
--   recounts them just before COMMIT (searches.c), after the full-text
--   entries are rewritten, and empties the table. A reader finding it not
--   empty (a write committed by other means) reads the pledges instead.
-- A bulk load forgets the kept words (store_bulk_write_on); they are kept
-- again when asked for. Nothing is logged while no word is kept.

CREATE TABLE pledge_searches (
    bit    INTEGER PRIMARY KEY CHECK (bit BETWEEN 0 AND 62),
    token  TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE pledge_search_groups (
    bit            INTEGER NOT NULL,
    dim            TEXT NOT NULL,
    key            TEXT NOT NULL,
    pledges        INTEGER NOT NULL,
    committed_hi   INTEGER NOT NULL,
    committed_lo   INTEGER NOT NULL,
    targets_hi     INTEGER NOT NULL,
    targets_lo     INTEGER NOT NULL,
    people         INTEGER NOT NULL,
    approximate    INTEGER NOT NULL,
    PRIMARY KEY (bit, dim, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE pledge_search_marks (
    id             INTEGER PRIMARY KEY,
    mask           INTEGER NOT NULL,
    company        TEXT NOT NULL,
    country        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    year           TEXT NOT NULL,
    month          TEXT NOT NULL,
    pledges        INTEGER NOT NULL,
    committed_hi   INTEGER NOT NULL,
    committed_lo   INTEGER NOT NULL,
    targets_hi     INTEGER NOT NULL,
    targets_lo     INTEGER NOT NULL,
    people         INTEGER NOT NULL,
    approximate    INTEGER NOT NULL
) STRICT;

CREATE TABLE pledge_search_dirty (id INTEGER PRIMARY KEY) STRICT;

CREATE TRIGGER pledge_search_insert AFTER INSERT ON pledges
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty VALUES (NEW.id);
END;

CREATE TRIGGER pledge_search_update AFTER UPDATE ON pledges
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty VALUES (NEW.id);
END;

CREATE TRIGGER pledge_search_delete AFTER DELETE ON pledges
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty VALUES (OLD.id);
END;

CREATE TRIGGER pledge_search_announcement
AFTER UPDATE OF title, summary, announced_on_precision ON announcements
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty
        SELECT id FROM pledges WHERE announcement_id = NEW.id;
END;

CREATE TRIGGER pledge_search_source_insert AFTER INSERT ON sources
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty
        SELECT id FROM pledges WHERE announcement_id = NEW.announcement_id;
END;

CREATE TRIGGER pledge_search_source_update AFTER UPDATE ON sources
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty
        SELECT id FROM pledges WHERE announcement_id IN (OLD.announcement_id, NEW.announcement_id);
END;

CREATE TRIGGER pledge_search_source_delete AFTER DELETE ON sources
WHEN EXISTS (SELECT 1 FROM pledge_searches) BEGIN
    INSERT OR IGNORE INTO pledge_search_dirty
        SELECT id FROM pledges WHERE announcement_id = OLD.announcement_id;
END;

-- The reference the tests hold the kept totals to: each kept word's
-- pledges found by FTS5 itself, summed by every group_by.
CREATE VIEW pledge_search_keys AS
SELECT s.bit, k.*
FROM pledge_searches s JOIN pledge_group_keys k
WHERE k.id IN (SELECT rowid FROM pledges_fts WHERE pledges_fts MATCH '"' || s.token || '"')
   OR k.id IN (SELECT p.id FROM pledges p WHERE p.announcement_id IN
               (SELECT rowid FROM announcements_fts WHERE announcements_fts MATCH '"' || s.token || '"'));

CREATE VIEW pledge_search_groups_computed (bit, dim, key, pledges, committed_hi, committed_lo, targets_hi, targets_lo, people, approximate) AS
SELECT bit, 'company', company, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, company
UNION ALL
SELECT bit, 'country', country, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, country
UNION ALL
SELECT bit, 'kind', kind, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, kind
UNION ALL
SELECT bit, 'status', status, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, status
UNION ALL
SELECT bit, 'currency', currency, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, currency
UNION ALL
SELECT bit, 'year', year, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, year
UNION ALL
SELECT bit, 'month', month, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi), sum(targets_lo), sum(people), sum(approximate) FROM pledge_search_keys GROUP BY bit, month;

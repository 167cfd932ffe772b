-- 0008: the totals GET /v1/stats/summary shows, kept up to date by
-- triggers instead of summed over every pledge on each request (a million
-- pledges took 690 ms). One row. Money is summed in two parts, the USD
-- cents divided by 10^9 and the remainder, as the summary always did, so
-- no sum can overflow 64 bits; the summary recombines them in 128 bits.
-- A later migration that rebuilds the pledges table must create these
-- triggers again.
CREATE TABLE pledge_totals (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pledges        INTEGER NOT NULL,
    committed_hi   INTEGER NOT NULL,   -- kind != 'target': sum(amount_usd_minor / 10^9)
    committed_lo   INTEGER NOT NULL,   --                   sum(amount_usd_minor % 10^9)
    targets_hi     INTEGER NOT NULL,   -- kind = 'target'
    targets_lo     INTEGER NOT NULL,
    without_usd    INTEGER NOT NULL,   -- an amount, and no rate for it
    people         INTEGER NOT NULL,
    approximate    INTEGER NOT NULL    -- a qualified amount or people figure
) STRICT;

INSERT INTO pledge_totals
SELECT 1, count(*),
       coalesce(sum(CASE WHEN kind != 'target' THEN amount_usd_minor / 1000000000 END), 0),
       coalesce(sum(CASE WHEN kind != 'target' THEN amount_usd_minor % 1000000000 END), 0),
       coalesce(sum(CASE WHEN kind = 'target' THEN amount_usd_minor / 1000000000 END), 0),
       coalesce(sum(CASE WHEN kind = 'target' THEN amount_usd_minor % 1000000000 END), 0),
       count(CASE WHEN amount_minor IS NOT NULL AND amount_usd_minor IS NULL THEN 1 END),
       coalesce(sum(people), 0),
       count(CASE WHEN amount_qualifier IS NOT NULL OR people_qualifier IS NOT NULL THEN 1 END)
FROM pledges;

CREATE TRIGGER pledge_totals_insert AFTER INSERT ON pledges BEGIN
    UPDATE pledge_totals SET
        pledges = pledges + 1,
        committed_hi = committed_hi + CASE WHEN NEW.kind != 'target' THEN coalesce(NEW.amount_usd_minor, 0) / 1000000000 ELSE 0 END,
        committed_lo = committed_lo + CASE WHEN NEW.kind != 'target' THEN coalesce(NEW.amount_usd_minor, 0) % 1000000000 ELSE 0 END,
        targets_hi = targets_hi + CASE WHEN NEW.kind = 'target' THEN coalesce(NEW.amount_usd_minor, 0) / 1000000000 ELSE 0 END,
        targets_lo = targets_lo + CASE WHEN NEW.kind = 'target' THEN coalesce(NEW.amount_usd_minor, 0) % 1000000000 ELSE 0 END,
        without_usd = without_usd + (NEW.amount_minor IS NOT NULL AND NEW.amount_usd_minor IS NULL),
        people = people + coalesce(NEW.people, 0),
        approximate = approximate + (NEW.amount_qualifier IS NOT NULL OR NEW.people_qualifier IS NOT NULL)
    WHERE id = 1;
END;

CREATE TRIGGER pledge_totals_delete AFTER DELETE ON pledges BEGIN
    UPDATE pledge_totals SET
        pledges = pledges - 1,
        committed_hi = committed_hi - CASE WHEN OLD.kind != 'target' THEN coalesce(OLD.amount_usd_minor, 0) / 1000000000 ELSE 0 END,
        committed_lo = committed_lo - CASE WHEN OLD.kind != 'target' THEN coalesce(OLD.amount_usd_minor, 0) % 1000000000 ELSE 0 END,
        targets_hi = targets_hi - CASE WHEN OLD.kind = 'target' THEN coalesce(OLD.amount_usd_minor, 0) / 1000000000 ELSE 0 END,
        targets_lo = targets_lo - CASE WHEN OLD.kind = 'target' THEN coalesce(OLD.amount_usd_minor, 0) % 1000000000 ELSE 0 END,
        without_usd = without_usd - (OLD.amount_minor IS NOT NULL AND OLD.amount_usd_minor IS NULL),
        people = people - coalesce(OLD.people, 0),
        approximate = approximate - (OLD.amount_qualifier IS NOT NULL OR OLD.people_qualifier IS NOT NULL)
    WHERE id = 1;
END;

CREATE TRIGGER pledge_totals_update
AFTER UPDATE OF kind, amount_minor, amount_usd_minor, people, amount_qualifier, people_qualifier
ON pledges BEGIN
    UPDATE pledge_totals SET
        committed_hi = committed_hi
            - CASE WHEN OLD.kind != 'target' THEN coalesce(OLD.amount_usd_minor, 0) / 1000000000 ELSE 0 END
            + CASE WHEN NEW.kind != 'target' THEN coalesce(NEW.amount_usd_minor, 0) / 1000000000 ELSE 0 END,
        committed_lo = committed_lo
            - CASE WHEN OLD.kind != 'target' THEN coalesce(OLD.amount_usd_minor, 0) % 1000000000 ELSE 0 END
            + CASE WHEN NEW.kind != 'target' THEN coalesce(NEW.amount_usd_minor, 0) % 1000000000 ELSE 0 END,
        targets_hi = targets_hi
            - CASE WHEN OLD.kind = 'target' THEN coalesce(OLD.amount_usd_minor, 0) / 1000000000 ELSE 0 END
            + CASE WHEN NEW.kind = 'target' THEN coalesce(NEW.amount_usd_minor, 0) / 1000000000 ELSE 0 END,
        targets_lo = targets_lo
            - CASE WHEN OLD.kind = 'target' THEN coalesce(OLD.amount_usd_minor, 0) % 1000000000 ELSE 0 END
            + CASE WHEN NEW.kind = 'target' THEN coalesce(NEW.amount_usd_minor, 0) % 1000000000 ELSE 0 END,
        without_usd = without_usd
            - (OLD.amount_minor IS NOT NULL AND OLD.amount_usd_minor IS NULL)
            + (NEW.amount_minor IS NOT NULL AND NEW.amount_usd_minor IS NULL),
        people = people - coalesce(OLD.people, 0) + coalesce(NEW.people, 0),
        approximate = approximate
            - (OLD.amount_qualifier IS NOT NULL OR OLD.people_qualifier IS NOT NULL)
            + (NEW.amount_qualifier IS NOT NULL OR NEW.people_qualifier IS NOT NULL)
    WHERE id = 1;
END;

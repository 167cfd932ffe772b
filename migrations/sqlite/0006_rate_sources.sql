-- 0006: where every rate came from, and the state of each publisher's feed.
--  * rates.source is 'fed-h10' (the Federal Reserve's H.10 release),
--    'ecb-derived' (an ECB euro reference rate crossed through its USD rate)
--    or 'manual' (PUT /v1/rates, pledged rates import). The shipped rows
--    keep the source they came from: the 22 currencies of H.10 are Fed
--    rows, the others ECB-derived (data/README.md).
--  * rates_feeds remembers, per publisher, the validators of the last file
--    taken (ETag, Last-Modified: conditional requests) and the last
--    success and failure (for /metrics and the next run).
--  * pledges.usd_rate_source is the source of the rate behind amount_usd.
UPDATE rates SET source = CASE
    WHEN source = 'shipped' AND currency IN ('AUD', 'BRL', 'CAD', 'CHF', 'CNY', 'DKK', 'EUR', 'GBP',
        'HKD', 'INR', 'JPY', 'KRW', 'LKR', 'MXN', 'MYR', 'NOK', 'NZD', 'SEK', 'SGD', 'THB', 'TWD',
        'ZAR') THEN 'fed-h10'
    WHEN source = 'shipped' THEN 'ecb-derived'
    ELSE 'manual' END;

CREATE TABLE rates_feeds (
    source        TEXT PRIMARY KEY CHECK (source IN ('fed-h10', 'ecb')),
    url           TEXT,                 -- the file last fetched
    etag          TEXT,                 -- its ETag, for If-None-Match
    last_modified TEXT,                 -- its Last-Modified, for If-Modified-Since
    succeeded_at  TEXT,                 -- RFC 3339 UTC of the last successful run
    failed_at     TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,  -- failed runs since the last success
    last_error    TEXT
) STRICT;

ALTER TABLE pledges ADD COLUMN usd_rate_source TEXT;
UPDATE pledges SET usd_rate_source = (SELECT r.source FROM rates r
                                      WHERE r.currency = pledges.amount_currency
                                        AND r.date = pledges.usd_rate_date)
 WHERE usd_rate_date IS NOT NULL AND amount_currency != 'USD';

-- 0016: how the full-text indexes merge their segments (issue 13).
-- FTS5 writes each commit's new entries as a small segment and merges
-- segments as they pile up: by default four of a level at a time, with a
-- round of merging after every 64 pages written. After a bulk load the
-- index is a few large segments on the lowest levels, so those rounds kept
-- rewriting them: the first thousand single-pledge commits after importing
-- 100,000 pledges spent up to 1 ms each merging (POST /v1/pledges' p99 31
-- ms against 18 ms once the large segment had climbed out of the way).
--
-- automerge 16: a level is merged once it holds 16 segments, so a large
--   segment is rewritten a quarter as often; a search reads at most 15
--   small segments more on each level, a few pages.
-- crisismerge 32: the bound at which FTS5 merges a whole level at once,
--   inside one commit; above automerge, so that merging a level with a
--   large segment in it goes on in the usual bounded steps instead.
-- optimize: one segment each (also what a bulk load ends with:
--   store_bulk_write_on, fts_sync.c). Searches find the same rows.

INSERT INTO pledges_fts (pledges_fts, rank) VALUES ('automerge', 16);
INSERT INTO pledges_fts (pledges_fts, rank) VALUES ('crisismerge', 32);
INSERT INTO announcements_fts (announcements_fts, rank) VALUES ('automerge', 16);
INSERT INTO announcements_fts (announcements_fts, rank) VALUES ('crisismerge', 32);
INSERT INTO pledges_fts (pledges_fts) VALUES ('optimize');
INSERT INTO announcements_fts (announcements_fts) VALUES ('optimize');

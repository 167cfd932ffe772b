-- 0017: a common word's totals are kept in steps (issue 13).
-- Keeping a word (0015) counted every pledge it is found in within one
-- write: at a million pledges, a quarter of them holding the word, the
-- writer was held for 3 s and every write waiting behind it with it. Now
-- the writer counts a few thousand pledges at a time, in order of id,
-- between other writes (searches.c).
--
-- counted_to: while a word is being counted, the highest pledge id counted
--   so far; NULL once every pledge is (all words kept before this migration
--   are). A word still being counted is kept up to date like the others
--   (a pledge that changes is counted again with it at COMMIT, and the
--   steps pass over pledges counted so), but totals are not read from it
--   until it is counted through.

ALTER TABLE pledge_searches ADD COLUMN counted_to INTEGER;

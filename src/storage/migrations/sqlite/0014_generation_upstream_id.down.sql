DROP INDEX generations_upstream_id;
ALTER TABLE generations DROP COLUMN upstream_id;

ALTER TABLE observations DROP COLUMN cache_write_input_tokens;
ALTER TABLE generations DROP COLUMN cache_write_tokens;

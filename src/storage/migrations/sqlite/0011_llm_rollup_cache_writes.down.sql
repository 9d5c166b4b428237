ALTER TABLE llm_rollups DROP COLUMN cache_write_tokens;

-- Prompt-cache writes in the per-minute LLM rollups, so analytics report them beside cache reads.
-- Minutes rolled up before this migration count none (the observations still hold them).
ALTER TABLE llm_rollups ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;

-- Prompt-cache writes (Anthropic's cache_creation_input_tokens; priced apart from plain input)
-- recorded on gateway call records and on generation observations. Part of input_tokens, like
-- cached (cache-read) tokens.
ALTER TABLE generations ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE observations ADD COLUMN cache_write_input_tokens INTEGER NOT NULL DEFAULT 0;

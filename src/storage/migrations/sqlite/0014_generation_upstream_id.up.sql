-- The provider's own id for what a call created when the provider keeps it for later calls (an
-- OpenAI Responses API response id), so a later GET/DELETE/cancel of that id goes to the provider
-- that holds it. Empty for every other call; only non-empty ids are indexed.
ALTER TABLE generations ADD COLUMN upstream_id TEXT NOT NULL DEFAULT '';
CREATE INDEX generations_upstream_id ON generations(project_id, upstream_id) WHERE upstream_id <> '';

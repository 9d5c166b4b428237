-- How a project's provider serves POST /v1/responses: 'relay' to its own Responses API,
-- 'translate' through chat completions, '' for its type's default (relay where the API exists).
ALTER TABLE project_providers ADD COLUMN responses TEXT NOT NULL DEFAULT '';

ALTER TABLE project_providers DROP COLUMN responses;

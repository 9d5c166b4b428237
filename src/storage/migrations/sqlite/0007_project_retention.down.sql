ALTER TABLE projects DROP COLUMN retention_days;

-- Per-project telemetry retention in days; 0 keeps the instance default (telemetry.retention_days).
ALTER TABLE projects ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0 CHECK (retention_days >= 0);

DROP TRIGGER IF EXISTS project_providers_del;
DROP TRIGGER IF EXISTS project_providers_upd;
DROP TRIGGER IF EXISTS project_providers_ins;
DROP TABLE IF EXISTS project_provider_changes;
DROP TABLE IF EXISTS project_providers;

-- Model providers a project declares through the API (beside the operator's TOML providers).
-- The provider API key is sealed with the master key (secret_box); only a hint of its last
-- characters is kept in clear for the dashboard.
CREATE TABLE project_providers (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  type          TEXT NOT NULL,
  base_url      TEXT NOT NULL,
  api_version   TEXT NOT NULL DEFAULT '',
  models_json   TEXT NOT NULL DEFAULT '[]',
  aliases_json  TEXT NOT NULL DEFAULT '{}',
  sealed_key    TEXT NOT NULL DEFAULT '',
  key_hint      TEXT NOT NULL DEFAULT '',
  created_by    TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (project_id, name)
);
-- The gateway's in-memory directory polls this cheap marker to notice changes on any replica.
CREATE TABLE project_provider_changes (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO project_provider_changes(id, version) VALUES (1, 0);
CREATE TRIGGER project_providers_ins AFTER INSERT ON project_providers
BEGIN UPDATE project_provider_changes SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER project_providers_upd AFTER UPDATE ON project_providers
BEGIN UPDATE project_provider_changes SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER project_providers_del AFTER DELETE ON project_providers
BEGIN UPDATE project_provider_changes SET version = version + 1 WHERE id = 1; END;

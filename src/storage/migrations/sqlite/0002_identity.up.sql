-- Identity and tenancy: users, sessions, organizations, members, invitations, projects, API keys,
-- MFA recovery codes and the append-only audit log. Ids are ULIDs; times are unix milliseconds.
CREATE TABLE users (
  id              TEXT PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name            TEXT NOT NULL DEFAULT '',
  password_hash   TEXT NOT NULL,
  is_admin        INTEGER NOT NULL DEFAULT 0,
  mfa_secret      TEXT,              -- sealed (secretbox) TOTP secret
  mfa_enabled     INTEGER NOT NULL DEFAULT 0,
  mfa_last_step   INTEGER NOT NULL DEFAULT 0,
  failed_logins   INTEGER NOT NULL DEFAULT 0,
  first_failed_at INTEGER NOT NULL DEFAULT 0,
  locked_until    INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  refresh_hash TEXT NOT NULL UNIQUE,
  previous_hash TEXT,               -- the refresh hash before the last rotation (reuse detection)
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  user_agent   TEXT NOT NULL DEFAULT '',
  ip           TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_previous ON sessions(previous_hash);

CREATE TABLE recovery_codes (
  user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at   INTEGER,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

CREATE TABLE organizations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE memberships (
  org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('owner','admin','developer','viewer')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE invitations (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email       TEXT NOT NULL COLLATE NOCASE,
  role        TEXT NOT NULL CHECK (role IN ('admin','developer','viewer')),
  token_hash  TEXT NOT NULL UNIQUE,
  invited_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  accepted_at INTEGER,
  revoked_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX invitations_org ON invitations(org_id);

CREATE TABLE projects (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  rpm_limit   INTEGER NOT NULL DEFAULT 0,  -- 0 = no project-wide limit
  tpm_limit   INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (org_id, name)
) WITHOUT ROWID;

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  preview      TEXT NOT NULL,
  rpm_limit    INTEGER NOT NULL DEFAULT 0,
  tpm_limit    INTEGER NOT NULL DEFAULT 0,
  created_by   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL DEFAULT 0,
  revoked_at   INTEGER,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_keys_project ON api_keys(project_id);
CREATE INDEX api_keys_updated ON api_keys(updated_at);

-- Deleted keys (a project or organization removed) leave a tombstone so every replica's in-memory
-- key index learns of the deletion from the same change feed as revocations.
CREATE TABLE api_key_tombstones (
  id         TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  key_hash   TEXT NOT NULL,
  deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_key_tombstones_time ON api_key_tombstones(deleted_at);
CREATE TRIGGER api_keys_tombstone AFTER DELETE ON api_keys
BEGIN
  INSERT OR REPLACE INTO api_key_tombstones(id, project_id, key_hash, deleted_at)
  VALUES (old.id, old.project_id, old.key_hash, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TABLE audit_log (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL DEFAULT '',
  actor_id    TEXT NOT NULL DEFAULT '',
  actor_ip    TEXT NOT NULL DEFAULT '',
  action      TEXT NOT NULL,
  target_type TEXT NOT NULL DEFAULT '',
  target_id   TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL DEFAULT 'success',
  details     TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX audit_log_org_time ON audit_log(org_id, created_at);

-- Append-only: rows are never changed. (Retention purges run with this trigger dropped and
-- recreated inside one transaction by the purge migration/command, never from the API.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

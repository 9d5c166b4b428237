-- OpenTelemetry metric data points (OTLP MetricsService, /v1/metrics): one row per point, appended
-- in arrival order. Gauges and sums keep their value; histograms, exponential histograms and
-- summaries their count and sum. Found by (project, metric name, time).
CREATE TABLE metric_points (
  seq                     INTEGER PRIMARY KEY,
  project_id              TEXT NOT NULL CHECK (project_id <> ''),
  name                    TEXT NOT NULL CHECK (name <> ''),
  description             TEXT NOT NULL DEFAULT '',
  unit                    TEXT NOT NULL DEFAULT '',
  type                    INTEGER NOT NULL,
  service_name            TEXT NOT NULL,
  environment             TEXT NOT NULL DEFAULT '',
  scope_name              TEXT NOT NULL DEFAULT '',
  start_time_ns           INTEGER NOT NULL DEFAULT 0,
  time_ns                 INTEGER NOT NULL,
  value                   REAL NOT NULL DEFAULT 0,
  count                   INTEGER NOT NULL DEFAULT 0,
  sum                     REAL NOT NULL DEFAULT 0,
  aggregation_temporality INTEGER NOT NULL DEFAULT 0,
  is_monotonic            INTEGER NOT NULL DEFAULT 0,
  attributes_json         TEXT NOT NULL DEFAULT '{}',
  resource_json           TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX metric_points_name_time ON metric_points(project_id, name, time_ns);
CREATE INDEX metric_points_time ON metric_points(project_id, time_ns);

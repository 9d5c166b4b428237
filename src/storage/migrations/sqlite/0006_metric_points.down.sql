DROP TABLE IF EXISTS metric_points;

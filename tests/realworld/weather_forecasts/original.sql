-- A weather-forecast store, hand-written: every model run issues a forecast
-- for each station and hour ahead, so rows have two times. The hypertable is
-- partitioned by the time forecast for, by the run that issued it (old runs
-- age out together) and by station (parallel ingest from one feed per station).
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE stations (
    station_id  text PRIMARY KEY,
    name        text NOT NULL,
    elevation_m real
);

CREATE TABLE forecasts (
    valid_at    timestamptz NOT NULL,
    issued_at   timestamptz NOT NULL,
    station_id  text NOT NULL REFERENCES stations (station_id),
    model       text NOT NULL DEFAULT 'icon-d2',
    temp_c      real,
    wind_ms     real,
    precip_mm   real,
    CONSTRAINT forecasts_pkey PRIMARY KEY (station_id, model, issued_at, valid_at)
);
SELECT create_hypertable('forecasts', by_range('valid_at', INTERVAL '1 day'));
SELECT add_dimension('forecasts', by_range('issued_at', INTERVAL '7 days'));
SELECT add_dimension('forecasts', by_hash('station_id', 4));
CREATE INDEX forecasts_issued ON forecasts (issued_at DESC);

-- Hourly observations keyed by a counter the loggers keep, not by time.
CREATE TABLE observations (
    observed_at timestamptz NOT NULL,
    station_id  text NOT NULL REFERENCES stations (station_id),
    record_no   bigint NOT NULL,
    temp_c      real,
    CONSTRAINT observations_pkey PRIMARY KEY (station_id, record_no, observed_at)
);
SELECT create_hypertable('observations', by_range('observed_at', INTERVAL '30 days'));
SELECT add_dimension('observations', by_range('record_no', 1000000));

CREATE MATERIALIZED VIEW forecast_daily WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', valid_at) AS day,
       station_id,
       avg(temp_c) AS avg_temp_c,
       max(wind_ms) AS max_wind_ms
FROM forecasts
GROUP BY time_bucket(INTERVAL '1 day', valid_at), station_id
WITH NO DATA;

-- Forecasts older than the newest run for their hour are kept 30 days, then
-- thinned by a job of the team's own (a retention policy cannot say "keep
-- the newest run").
CREATE PROCEDURE thin_old_runs(job_id integer, config jsonb)
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM forecasts f
  WHERE f.issued_at < now() - (config->>'keep')::interval
    AND EXISTS (SELECT 1 FROM forecasts n WHERE n.station_id = f.station_id AND n.model = f.model
                AND n.valid_at = f.valid_at AND n.issued_at > f.issued_at);
END
$$;
SELECT add_job('thin_old_runs', INTERVAL '1 day', config => '{"keep": "30 days", "models": ["icon-d2", "gfs"]}',
               initial_start => '2025-01-01 02:30:00+00', timezone => 'Europe/Berlin', job_name => 'thin_forecasts');

COMMENT ON CONSTRAINT forecasts_pkey ON forecasts IS 'One value per run, station, model and hour';
COMMENT ON INDEX forecasts_issued IS 'For thinning old runs';
COMMENT ON COLUMN forecast_daily.avg_temp_c IS 'Mean over every run';

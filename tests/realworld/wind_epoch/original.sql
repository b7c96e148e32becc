-- A wind-farm logger on integer time, hand-written: the turbines' controllers
-- stamp readings with Unix epoch seconds and alarms with epoch milliseconds,
-- so both hypertables partition by bigint, with "now" functions in the same
-- units, rollups bucketed in seconds and policies in each table's own unit.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE FUNCTION unix_now() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT extract(epoch FROM now())::bigint $$;
COMMENT ON FUNCTION unix_now() IS 'Now in epoch seconds, for integer_now';

CREATE FUNCTION unix_now_ms() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;

CREATE TABLE turbines (
    turbine_id  integer PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    rated_kw    real NOT NULL
);

CREATE TABLE turbine_readings (
    ts          bigint NOT NULL,
    turbine_id  integer NOT NULL REFERENCES turbines (turbine_id),
    wind_ms     real,
    power_kw    real,
    rotor_rpm   real,
    PRIMARY KEY (turbine_id, ts)
);
COMMENT ON COLUMN turbine_readings.ts IS 'Unix epoch seconds';
SELECT create_hypertable('turbine_readings', by_range('ts', 86400));
SELECT set_integer_now_func('turbine_readings', 'unix_now');
ALTER TABLE turbine_readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'turbine_id',
                                  timescaledb.compress_orderby = 'ts DESC');
SELECT add_compression_policy('turbine_readings', compress_after => 604800);
SELECT add_retention_policy('turbine_readings', drop_after => 7776000, schedule_interval => INTERVAL '12 hours');

CREATE TABLE alarms (
    ts_ms       bigint NOT NULL,
    turbine_id  integer NOT NULL,
    code        integer NOT NULL,
    detail      text
);
SELECT create_hypertable('alarms', by_range('ts_ms', 604800000));
SELECT set_integer_now_func('alarms', 'unix_now_ms');
CREATE INDEX alarms_turbine ON alarms (turbine_id, ts_ms DESC);
SELECT add_retention_policy('alarms', drop_after => 31536000000);

CREATE MATERIALIZED VIEW turbine_hourly WITH (timescaledb.continuous) AS
SELECT time_bucket(3600, ts) AS bucket,
       turbine_id,
       avg(power_kw) AS avg_power_kw,
       max(wind_ms) AS max_wind_ms,
       count(*) AS samples
FROM turbine_readings
GROUP BY time_bucket(3600, ts), turbine_id
WITH NO DATA;
SELECT add_continuous_aggregate_policy('turbine_hourly', start_offset => 172800, end_offset => 3600,
                                       schedule_interval => INTERVAL '30 minutes');

CREATE MATERIALIZED VIEW turbine_daily WITH (timescaledb.continuous) AS
SELECT time_bucket(86400, bucket) AS bucket,
       turbine_id,
       max(max_wind_ms) AS max_wind_ms,
       sum(samples) AS samples
FROM turbine_hourly
GROUP BY time_bucket(86400, bucket), turbine_id
WITH NO DATA;
SELECT add_continuous_aggregate_policy('turbine_daily', start_offset => 2592000, end_offset => 86400,
                                       schedule_interval => INTERVAL '1 day');
SELECT add_retention_policy('turbine_daily', drop_after => 315360000);

CREATE MATERIALIZED VIEW alarms_daily WITH (timescaledb.continuous) AS
SELECT time_bucket(86400000, ts_ms, 3600000) AS day, code, count(*) AS alarms
FROM alarms
GROUP BY time_bucket(86400000, ts_ms, 3600000), code
WITH NO DATA;
SELECT add_continuous_aggregate_policy('alarms_daily', start_offset => 2592000000, end_offset => 86400000,
                                       schedule_interval => INTERVAL '1 hour');

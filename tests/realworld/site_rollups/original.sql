-- A solar and battery fleet's rollups, hand-written: readings arrive per
-- device, but the operators read energy per site and per region, so the
-- continuous aggregates join the plain device and site tables (TimescaleDB
-- 2.16+: INNER and LEFT joins to tables that are not hypertables) and group
-- by joined columns and by expressions.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE sites (
    id        integer PRIMARY KEY,
    name      text NOT NULL,
    region    text NOT NULL,
    timezone  text NOT NULL DEFAULT 'UTC'
);

CREATE TABLE devices (
    id       integer PRIMARY KEY,
    site_id  integer REFERENCES sites (id),
    kind     text NOT NULL,
    rated_w  double precision
);

CREATE TABLE readings (
    time       timestamptz NOT NULL,
    device_id  integer NOT NULL,
    power_w    double precision,
    energy_wh  double precision,
    status     text
);
SELECT create_hypertable('readings', by_range('time', INTERVAL '1 day'));
CREATE INDEX readings_device_time_idx ON readings (device_id, time DESC);

-- Energy per site and hour: the device's site comes from the join.
CREATE MATERIALIZED VIEW site_energy_hourly
WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', readings.time) AS bucket,
       devices.site_id,
       sum(readings.energy_wh) AS energy_wh,
       count(*) AS samples
FROM readings JOIN devices ON devices.id = readings.device_id
GROUP BY 1, devices.site_id
WITH NO DATA;
SELECT add_continuous_aggregate_policy('site_energy_hourly',
    start_offset => INTERVAL '1 day', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');

-- Daily per site, from the hourly rollup (a hierarchy over a joined aggregate).
CREATE MATERIALIZED VIEW site_energy_daily
WITH (timescaledb.continuous) AS
SELECT time_bucket('1 day', bucket) AS bucket, site_id, sum(energy_wh) AS energy_wh
FROM site_energy_hourly
GROUP BY 1, site_id
WITH NO DATA;

-- Power per region and kind of device: two joins, devices without a site
-- still counted (LEFT JOIN), kinds compared without case.
CREATE MATERIALIZED VIEW region_kind_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket('1 day', readings.time) AS bucket,
       sites.region,
       lower(devices.kind) AS kind,
       avg(readings.power_w) AS avg_power_w,
       max(readings.power_w / devices.rated_w) AS peak_load
FROM readings
JOIN devices ON devices.id = readings.device_id
LEFT JOIN sites ON sites.id = devices.site_id AND sites.region <> 'test'
WHERE readings.power_w IS NOT NULL
GROUP BY 1, sites.region, lower(devices.kind)
WITH NO DATA;
COMMENT ON VIEW region_kind_daily IS 'Average and peak load per region and device kind';

-- Samples per device and status, a missing status counted as unknown.
CREATE MATERIALIZED VIEW status_hourly
WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', time) AS bucket,
       device_id,
       coalesce(status, 'unknown') AS status,
       count(*) AS samples
FROM readings
GROUP BY 1, device_id, coalesce(status, 'unknown')
WITH NO DATA;

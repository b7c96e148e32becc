-- A solar and wind logger, hand-written: sites and inverters, readings
-- partitioned by inverter, an hourly rollup and a daily one built on it,
-- views for a dashboard, and policies with their job settings.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TYPE source_kind AS ENUM ('solar', 'wind', 'battery');

CREATE TABLE sites (
    site_id     integer PRIMARY KEY,
    name        varchar(120) NOT NULL UNIQUE,
    timezone    text NOT NULL DEFAULT 'UTC',
    latitude    double precision,
    longitude   double precision,
    CONSTRAINT sites_latitude_range CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT sites_longitude_range CHECK (longitude BETWEEN -180 AND 180)
);
COMMENT ON TABLE sites IS 'Installations';
COMMENT ON COLUMN sites.timezone IS 'tz database name, for daily reports';

CREATE TABLE inverters (
    inverter_id text PRIMARY KEY,
    site_id     integer NOT NULL REFERENCES sites (site_id) ON DELETE RESTRICT,
    kind        source_kind NOT NULL,
    rated_w     numeric(10,1) NOT NULL,
    vendor      text,
    config      jsonb NOT NULL DEFAULT '{}',
    installed   date
);
CREATE INDEX inverters_site ON inverters (site_id);
CREATE INDEX inverters_config ON inverters USING gin (config);

CREATE TABLE readings (
    time         timestamptz NOT NULL,
    inverter_id  text NOT NULL,
    power_w      real,
    energy_wh    double precision NOT NULL,
    temperature  real,
    PRIMARY KEY (inverter_id, time)
);
SELECT create_hypertable('readings', by_range('time', INTERVAL '12 hours'));
SELECT add_dimension('readings', by_hash('inverter_id', 4));
ALTER TABLE readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'inverter_id',
                          timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('readings', INTERVAL '2 days', schedule_interval => INTERVAL '6 hours');
SELECT add_retention_policy('readings', INTERVAL '180 days');
SELECT alter_job((SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'readings'
                  AND proc_name = 'policy_retention'), max_runtime => INTERVAL '1 hour', max_retries => 5);

CREATE MATERIALIZED VIEW readings_hourly WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket,
       inverter_id,
       avg(power_w) AS avg_power_w,
       max(power_w) AS peak_power_w,
       last(energy_wh, time) - first(energy_wh, time) AS energy_wh
FROM readings
GROUP BY time_bucket(INTERVAL '1 hour', time), inverter_id
WITH NO DATA;
COMMENT ON VIEW readings_hourly IS 'Hourly power and energy per inverter';
SELECT add_continuous_aggregate_policy('readings_hourly', INTERVAL '1 day', INTERVAL '1 hour', INTERVAL '30 minutes');

CREATE MATERIALIZED VIEW readings_daily WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket,
       inverter_id,
       max(peak_power_w) AS peak_power_w,
       sum(energy_wh) AS energy_wh
FROM readings_hourly
GROUP BY time_bucket(INTERVAL '1 day', bucket), inverter_id
WITH NO DATA;
SELECT add_continuous_aggregate_policy('readings_daily', INTERVAL '7 days', INTERVAL '1 day', INTERVAL '1 day');
SELECT add_retention_policy('readings_daily', INTERVAL '10 years');

CREATE VIEW site_energy_daily AS
SELECT i.site_id, d.bucket AS day, sum(d.energy_wh) AS energy_wh
FROM readings_daily d JOIN inverters i ON i.inverter_id = d.inverter_id
GROUP BY i.site_id, d.bucket;
COMMENT ON VIEW site_energy_daily IS 'Energy per site and day';

-- What the DSL does not model yet, kept in its escape hatch: a plain
-- materialized view and a sequence for report numbers.
CREATE SEQUENCE report_no START 1000;
CREATE MATERIALIZED VIEW inverter_counts AS
SELECT site_id, count(*) AS inverters FROM inverters GROUP BY site_id;

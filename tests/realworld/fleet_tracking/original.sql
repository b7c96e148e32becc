-- A delivery fleet's telemetry, hand-written: vehicles report positions as
-- PostGIS points every few seconds; depots are polygons; a geofence query
-- finds vehicles inside a depot through the GiST index; positions are
-- compressed after a day and rolled up per vehicle and hour.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE depots (
    depot_id  integer PRIMARY KEY,
    name      text NOT NULL,
    area      geometry(Polygon,4326) NOT NULL
);
CREATE INDEX depots_area ON depots USING gist (area);
COMMENT ON COLUMN depots.area IS 'Fence of the yard, WGS 84';

CREATE TABLE vehicles (
    vehicle_id  text PRIMARY KEY,
    home_depot  integer REFERENCES depots (depot_id),
    last_fix    geography(Point,4326)
);

CREATE TABLE positions (
    time        timestamptz NOT NULL,
    vehicle_id  text NOT NULL REFERENCES vehicles (vehicle_id),
    position    geometry(PointZ,4326) NOT NULL,
    speed_kmh   real,
    heading     smallint CHECK (heading BETWEEN 0 AND 359)
);
SELECT create_hypertable('positions', by_range('time', INTERVAL '1 day'));
CREATE INDEX positions_position ON positions USING gist (position);
CREATE INDEX positions_vehicle_time ON positions (vehicle_id, time DESC);
ALTER TABLE positions SET (timescaledb.compress, timescaledb.compress_segmentby = 'vehicle_id',
                           timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('positions', INTERVAL '1 day');

CREATE MATERIALIZED VIEW positions_hourly WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket,
       vehicle_id,
       count(*) AS fixes,
       max(speed_kmh) AS top_speed_kmh
FROM positions
GROUP BY time_bucket(INTERVAL '1 hour', time), vehicle_id
WITH NO DATA;

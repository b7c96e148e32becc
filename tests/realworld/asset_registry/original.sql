-- An asset registry for a grid operator, hand-written: domains carry the
-- rules every table shares (meter ids, percentages, a phase with a default),
-- sites use contrib types (case-insensitive names, tags as hstore, the grid
-- topology as ltree paths), and measurements go into a hypertable.
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TYPE phase AS ENUM ('l1', 'l2', 'l3');

CREATE DOMAIN meter_id AS varchar(32) NOT NULL
    CONSTRAINT meter_id_format CHECK (VALUE ~ '^[A-Z0-9-]+$');
CREATE DOMAIN percentage AS numeric(5,2)
    CHECK (VALUE >= 0 AND VALUE <= 100);
COMMENT ON DOMAIN percentage IS 'A share, in percent';
CREATE DOMAIN phase_code AS phase DEFAULT 'l1';

CREATE TABLE assets (
    meter       meter_id PRIMARY KEY,
    phase       phase_code NOT NULL,
    aliases     meter_id[] NOT NULL DEFAULT '{}',
    installed   date
);

CREATE TABLE asset_load (
    time        timestamptz NOT NULL,
    meter       meter_id REFERENCES assets (meter),
    load        percentage,
    efficiency  percentage NOT NULL
);
SELECT create_hypertable('asset_load', by_range('time', INTERVAL '7 days'));
CREATE INDEX asset_load_meter ON asset_load (meter, time DESC);

CREATE TABLE sites (
    site_id     integer PRIMARY KEY,
    name        citext NOT NULL UNIQUE,
    tags        hstore NOT NULL DEFAULT '',
    topology    ltree NOT NULL,
    owner_email citext
);
CREATE INDEX sites_tags ON sites USING gin (tags);
CREATE INDEX sites_topology ON sites USING gist (topology);

-- Dashboards read, the collector writes; the roles exist already on the
-- server (created here only so that the test's throwaway cluster has them).
DO $$ BEGIN CREATE ROLE grafana_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE ingest NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT USAGE ON SCHEMA public TO grafana_reader, ingest;
GRANT SELECT ON assets, asset_load, sites TO grafana_reader;
GRANT SELECT, INSERT ON asset_load TO ingest;
GRANT SELECT ON assets TO ingest;

-- Meter readings staged for a nightly batch: unlogged (rebuilt from the
-- vendor's files after a crash), updated in place (fillfactor), vacuumed often;
-- codes sort bytewise.
CREATE UNLOGGED TABLE import_batches (
    batch_id    bigint PRIMARY KEY,
    vendor_code text COLLATE "C" NOT NULL,
    status      text NOT NULL
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02);

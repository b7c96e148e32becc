-- Constructs the DSL has no form for yet, in a database otherwise like any
-- other: pull carries each as an escape-hatch `sql:` object with the server's
-- DDL (and lists it), so that the database built from the pulled YAML is
-- still identical. tests/integration/adoption_test.cpp.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE devices (
    id integer PRIMARY KEY,
    label text NOT NULL,
    parent integer
);
-- An operator class of its own.
CREATE INDEX devices_label_prefix ON devices (label text_pattern_ops);
-- A deferrable foreign key.
ALTER TABLE devices ADD CONSTRAINT devices_parent_fk FOREIGN KEY (parent) REFERENCES devices (id)
    DEFERRABLE INITIALLY DEFERRED;

-- PARALLEL SAFE, and a function that returns a table.
CREATE FUNCTION label_key(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT lower(t) $$;
CREATE FUNCTION devices_under(root integer) RETURNS TABLE (id integer, label text) LANGUAGE sql STABLE
AS $$ SELECT id, label FROM devices WHERE parent = root $$;

CREATE TABLE samples (
    time timestamptz NOT NULL,
    device_id integer NOT NULL,
    value double precision
);
SELECT create_hypertable('samples', 'time');

-- An aggregate that joins a plain table.
CREATE MATERIALIZED VIEW samples_by_label WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', s.time) AS bucket, d.label, avg(s.value) AS avg_value
FROM samples s JOIN devices d ON d.id = s.device_id
GROUP BY 1, 2
WITH NO DATA;

CREATE VIEW device_labels AS SELECT id, label_key(label) AS key FROM devices;
COMMENT ON COLUMN device_labels.key IS 'lowercased label';

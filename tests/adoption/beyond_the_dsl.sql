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

-- An aggregate that joins a plain table through aliases (pulled into
-- `joins:`, the aliases written as the tables' names).
CREATE MATERIALIZED VIEW samples_by_label WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', s.time) AS bucket, d.label, avg(s.value) AS avg_value
FROM samples s JOIN devices d ON d.id = s.device_id
GROUP BY 1, 2
WITH NO DATA;

CREATE VIEW device_labels AS SELECT id, label_key(label) AS key FROM devices;
COMMENT ON COLUMN device_labels.key IS 'lowercased label';

-- What the DSL says, in shapes that once tripped the YAML (checked by the
-- same round trip): a view the server prints with lines at column 0, a body
-- whose first line is indented, an aggregate whose source has an alias.
CREATE VIEW all_labels AS SELECT label FROM devices UNION SELECT 'none';
CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
    RETURN upper(t);
END $$;
CREATE MATERIALIZED VIEW samples_hourly WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', s.time) AS bucket, s.device_id, max(s.value) AS peak
FROM samples s
GROUP BY 1, 2
WITH NO DATA;

-- More than the DSL says: an extension whose name is not an identifier, an
-- SP-GiST index, a disabled trigger, one function name twice, triggers of
-- the same name on two tables calling a function carried as SQL, a grant an
-- aggregate's DSL grants do not take.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE INDEX devices_label_spgist ON devices USING spgist (label);
CREATE FUNCTION label_len(t text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT length(t) $$;
CREATE FUNCTION label_len(t text, extra integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT length(t) + extra $$;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql PARALLEL SAFE AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER stamp BEFORE INSERT ON devices FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER stamp BEFORE INSERT ON samples FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER devices_quiet BEFORE UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE devices DISABLE TRIGGER devices_quiet;
DO $$ BEGIN CREATE ROLE beyond_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT INSERT ON samples_hourly TO beyond_writer;

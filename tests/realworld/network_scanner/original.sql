-- A network scanner's inventory (the shape of an nmap or masscan result
-- store), in its own PostgreSQL schema: hosts by address, open ports seen
-- per scan in a hypertable, a daily rollup over open ports only, and a
-- trigger that keeps a host's last_seen.
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE SCHEMA IF NOT EXISTS scan;
COMMENT ON SCHEMA scan IS 'Network scans: hosts, ports and what answered';

CREATE TYPE scan.port_state AS ENUM ('open', 'closed', 'filtered');

CREATE TABLE scan.networks (
    id bigint NOT NULL,
    cidr cidr NOT NULL,
    label text,
    CONSTRAINT networks_pkey PRIMARY KEY (id),
    CONSTRAINT networks_cidr_key UNIQUE (cidr),
    CONSTRAINT networks_label_key UNIQUE NULLS NOT DISTINCT (label) INCLUDE (cidr)
);

CREATE TABLE scan.hosts (
    address inet NOT NULL,
    network_id bigint NOT NULL,
    mac macaddr,
    hostname text,
    tags text[] NOT NULL DEFAULT '{}',
    facts jsonb,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT hosts_pkey PRIMARY KEY (address),
    CONSTRAINT hosts_network_id_fkey FOREIGN KEY (network_id) REFERENCES scan.networks (id) ON DELETE CASCADE,
    CONSTRAINT hosts_seen_order CHECK (first_seen <= last_seen)
);
CREATE INDEX hosts_tags ON scan.hosts USING gin (tags);
CREATE INDEX hosts_hostname ON scan.hosts (lower(hostname)) WHERE hostname IS NOT NULL;
CREATE UNIQUE INDEX hosts_mac ON scan.hosts (mac) INCLUDE (hostname) WHERE mac IS NOT NULL;

CREATE TABLE scan.port_observations (
    time timestamptz NOT NULL,
    address inet NOT NULL,
    port integer NOT NULL,
    protocol varchar(3) NOT NULL DEFAULT 'tcp',
    state scan.port_state NOT NULL,
    banner text,
    CONSTRAINT port_observations_pk PRIMARY KEY (address, port, protocol, time) INCLUDE (state),
    CONSTRAINT port_observations_port_check CHECK (port BETWEEN 0 AND 65535),
    CONSTRAINT port_observations_protocol_check CHECK (protocol IN ('tcp', 'udp'))
);
SELECT create_hypertable('scan.port_observations', by_range('time', INTERVAL '7 days'));
CREATE INDEX port_observations_address ON scan.port_observations (address, time DESC);

CREATE FUNCTION scan.bump_last_seen() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE scan.hosts SET last_seen = greatest(last_seen, NEW.time) WHERE address = NEW.address;
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION scan.bump_last_seen() IS 'A host was seen when one of its ports was';

CREATE TRIGGER port_observations_seen AFTER INSERT ON scan.port_observations
    FOR EACH ROW EXECUTE FUNCTION scan.bump_last_seen();

CREATE MATERIALIZED VIEW scan.open_ports_daily WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', time) AS day, address, port,
       count(*) AS sightings, max(time) AS last_open
FROM scan.port_observations
WHERE state = 'open'
GROUP BY time_bucket(INTERVAL '1 day', time), address, port
WITH NO DATA;
SELECT add_continuous_aggregate_policy('scan.open_ports_daily', INTERVAL '30 days', INTERVAL '1 day', INTERVAL '1 hour');

CREATE VIEW scan.exposed_hosts AS
SELECT h.address, h.hostname, count(DISTINCT o.port) AS open_ports
FROM scan.hosts h JOIN scan.open_ports_daily o ON o.address = h.address
WHERE o.day > now() - INTERVAL '7 days'
GROUP BY h.address, h.hostname;

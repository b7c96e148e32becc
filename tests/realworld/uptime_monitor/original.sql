-- An uptime monitor's schema as its team wrote it by hand (the shape of
-- Uptime Kuma or statping on TimescaleDB): monitors with an updated_at
-- trigger and an audit trigger, heartbeats in a hypertable, an hourly and a
-- daily rollup, compression and retention.
create extension if not exists timescaledb;

create type monitor_kind as enum ('http', 'tcp', 'ping', 'dns');
create type beat_status as enum ('up', 'down', 'pending', 'maintenance');

create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create function log_change() returns trigger language plpgsql security definer as $$
begin
  insert into monitor_events (monitor_id, event) values (coalesce(new.id, old.id), tg_op);
  return null;
end;
$$;

create function default_interval() returns integer language sql immutable as $$select 60$$;
comment on function default_interval() is 'Seconds between checks unless a monitor says otherwise';

create table monitors (
  id bigint primary key,
  name text not null,
  kind monitor_kind not null default 'http',
  target text not null,
  interval_s integer not null default default_interval(),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint monitors_interval_s_check check (interval_s between 20 and 86400)
);
comment on table monitors is 'What is checked, and how often';
create unique index monitors_target_kind on monitors (target, kind) where active;

create trigger monitors_touch before update on monitors
  for each row when (old.* is distinct from new.*) execute function touch_updated_at();
create trigger monitors_log after insert or update or delete on monitors
  for each row execute function log_change();

create table monitor_events (
  monitor_id bigint not null,
  event text not null,
  at timestamptz not null default now()
);

create table heartbeats (
  time timestamptz not null,
  monitor_id bigint not null references monitors (id) on delete cascade,
  status beat_status not null,
  latency_ms real,
  message text
);
select create_hypertable('heartbeats', by_range('time', interval '1 day'));
create index heartbeats_monitor_time on heartbeats (monitor_id, time desc);
alter table heartbeats set (timescaledb.compress, timescaledb.compress_segmentby = 'monitor_id',
                            timescaledb.compress_orderby = 'time desc');
select add_compression_policy('heartbeats', interval '7 days');
select add_retention_policy('heartbeats', interval '90 days');

create materialized view heartbeats_hourly with (timescaledb.continuous) as
select monitor_id, time_bucket(interval '1 hour', time) as bucket,
       count(*) as beats,
       avg(latency_ms) as avg_latency_ms,
       max(latency_ms) as max_latency_ms
from heartbeats
group by time_bucket(interval '1 hour', time), monitor_id
with no data;
select add_continuous_aggregate_policy('heartbeats_hourly', start_offset => interval '3 hours',
                                       end_offset => interval '1 hour', schedule_interval => interval '30 minutes');

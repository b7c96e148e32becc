// verify() against a real database: a freshly migrated schema has no drift,
// and each kind of hand-made change is reported with the right words and the
// expected and actual values.

#include "support/catch.hpp"

#include <functional>
#include <pqxx/pqxx>

#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/schema_script.hpp"
#include "model/interval.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

struct Fixture {
    std::string db;
    ExpectedSchema expected;
};

// A new database migrated to the newest version of a seed schema.
Fixture migrated(const std::string& schema_name) {
    CompileResult compiled = compile_directory(source_path("schemas/" + schema_name));
    REQUIRE(compiled.ok());
    auto migrations = load_migrations(source_path("generated/" + schema_name + "/migrations"));
    auto& pg = PgCluster::shared();
    Fixture f{pg.create_database("verify_" + schema_name),
              emit::expected_schema_of(compiled.schema, static_cast<int>(migrations.size()))};
    auto conn = hyperschema::connect(pg.dsn(f.db));
    migrate(conn, migrations);
    return f;
}

void run_sql(const std::string& db, const std::string& sql) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    pqxx::nontransaction n(conn);
    n.exec(sql);
}

VerifyReport verify_db(const std::string& db, const ExpectedSchema& expected, const VerifyOptions& options = {}) {
    auto conn = hyperschema::connect(PgCluster::shared().dsn(db));
    return verify(conn, expected, options);
}

bool mentions(const VerifyReport& report, const std::string& line) {
    return report.text().find(line) != std::string::npos;
}

struct Injection {
    const char* what;
    const char* sql;
    const char* reported;
    std::size_t problems = 0;  // how many the report holds, when the injection makes exactly that many
};

// The plain-PostgreSQL parts, runnable without TimescaleDB.
const char* kPlainSchema = R"yaml(
enums:
  severity: [info, warning, critical]
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: BEGIN NEW.created_at := now(); RETURN NEW; END;
  severity_rank:
    comment: Orders severities
    args: [{name: s, type: severity}, {name: bias, type: integer, default: "0"}]
    returns: integer
    language: sql
    volatility: immutable
    set: {search_path: "public, pg_temp"}
    body: SELECT array_position(enum_range(NULL::severity), s) + bias
  to_words:
    args: [{name: cfg, type: regconfig}, {name: doc, type: text}]
    returns: tsvector
    language: sql
    volatility: stable
    security_definer: true
    set: {search_path: ""}
    body: SELECT pg_catalog.to_tsvector(cfg, doc)
procedures:
  purge:
    args: [job_id: integer, config: jsonb]
    language: plpgsql
    body: BEGIN DELETE FROM alerts WHERE NOT enabled; END;
tables:
  sites:
    columns:
      id: bigint
      name: text
      timezone: {type: text, default: UTC}
    primary_key: [id]
    unique:
      - [name]
    exclusions:
      sites_lower_name_once: {using: hash, elements: [{expression: lower(name), with: "="}]}
  alerts:
    comment: Alert rules
    columns:
      id: bigint
      site_id: {type: bigint, references: sites, on_delete: cascade}
      severity: {type: severity, default: warning}
      cooldown: {type: interval, default: 15 minutes}
      threshold: {type: "numeric(8,3)", default: -1.5}
      tags: {type: "text[]", default: '{}'}
      config: {type: jsonb, default: '{"on": true}'}
      enabled: {type: boolean, default: true}
      note: text?
      created_at: {type: timestamptz, default_sql: now()}
    primary_key: [id]
    checks:
      alerts_threshold_sane: {sql: threshold BETWEEN -1000 AND 1000, comment: Guards against unit mix-ups}
      alerts_note_short: "note IS NULL OR char_length(note) < 200"
      alerts_severity_known: "severity IN ('warning', 'critical') OR NOT enabled"
    indexes:
      idx_alerts_site:
        columns: [site_id, {column: created_at, order: desc}]
        include: [severity]
        where: enabled
        comment: The dashboard's newest alerts per site
      idx_alerts_lower_note: {columns: [{expression: lower(note)}], where: "note LIKE '%x%'"}
    triggers:
      alerts_touch: {before: [update], update_of: [note], when: NEW.note <> 'x', function: touch}
sql:
  alert_numbers:
    up: CREATE SEQUENCE alert_no; CREATE VIEW alert_sites AS SELECT DISTINCT site_id FROM alerts
    down: DROP VIEW alert_sites; DROP SEQUENCE alert_no
    depends_on: [alerts]
    provides: {sequence: [alert_no], view: [alert_sites]}
views:
  active_alerts: SELECT id, site_id FROM alerts WHERE enabled
  alert_summary:
    sql: SELECT site_id, count(*) AS alerts, max(threshold) AS worst FROM alerts GROUP BY site_id
    columns:
      site_id: bigint
      alerts: bigint
      worst: numeric?   # max() drops the column's typmod
)yaml";

// A new database holding `schema`, applied through the migrator from its
// full SQL, as an application would.
std::string applied(const Schema& schema, const std::string& prefix) {
    auto& pg = PgCluster::shared();
    const std::string db = pg.create_database(prefix);
    auto conn = hyperschema::connect(pg.dsn(db));
    Migration m;
    m.version = 1;
    m.name = "init";
    m.up = history::schema_sql(schema);
    migrate(conn, {m});
    return db;
}

void check_injections(const std::function<Fixture()>& make, const std::vector<Injection>& injections,
                      const VerifyOptions& options = {}) {
    for (const auto& injection : injections) {
        INFO(injection.what << ": " << injection.sql);
        Fixture f = make();
        run_sql(f.db, injection.sql);
        VerifyReport report = verify_db(f.db, f.expected, options);
        INFO(report.text());
        CHECK_FALSE(report.ok());
        CHECK(mentions(report, injection.reported));
        if (injection.problems > 0) CHECK(report.problems.size() == injection.problems);
        PgCluster::shared().drop_database(f.db);
    }
}

}  // namespace

TEST_CASE("verify: a plain PostgreSQL schema has no drift, and hand-made changes are reported", "[pg][verify]") {
    CompileResult compiled = compile_texts({{"schema.yaml", kPlainSchema}}, "plain");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_plain"), emit::expected_schema_of(compiled.schema, 1)};
    };
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        CHECK(report.ok());
        CHECK(report.database_version == 1);
        CHECK(report.timescaledb_version == "");
        CHECK(mentions(report, "no drift"));
    }
    check_injections(
        make,
        {
            {"exclusion dropped", "ALTER TABLE sites DROP CONSTRAINT sites_lower_name_once",
             "missing: exclusion constraint sites_lower_name_once on sites", 1},
            {"exclusion changed",
             "ALTER TABLE sites DROP CONSTRAINT sites_lower_name_once; ALTER TABLE sites ADD CONSTRAINT "
             "sites_lower_name_once EXCLUDE USING hash (upper(name) WITH =)",
             "different: exclusion constraint sites_lower_name_once on sites: definition differs", 1},
            {"comment changed", "COMMENT ON TABLE alerts IS 'x'",
             "different: comment on table alerts: comment differs (expected 'Alert rules', actual 'x')", 1},
            {"constraint comment dropped", "COMMENT ON CONSTRAINT alerts_threshold_sane ON alerts IS NULL",
             "different: comment on constraint alerts_threshold_sane on alerts: comment differs (expected 'Guards "
             "against unit mix-ups', actual (none))",
             1},
            {"index comment dropped", "COMMENT ON INDEX idx_alerts_site IS NULL",
             "different: comment on index idx_alerts_site: comment differs", 1},
            {"function comment dropped", "COMMENT ON FUNCTION severity_rank(severity, integer) IS NULL",
             "different: comment on function severity_rank(s severity, bias integer): comment differs", 1},
            {"column comment added", "COMMENT ON COLUMN alerts.note IS 'hand-made'",
             "different: comment on column alerts.note: comment differs (expected (none), actual 'hand-made')", 1},
            {"enum label added", "ALTER TYPE severity ADD VALUE 'debug'",
             "different: enum severity: labels differ (expected info, warning, critical, actual info, warning, "
             "critical, debug)"},
            {"column retyped", "ALTER TABLE sites ALTER COLUMN name TYPE varchar(40)",
             "different: column sites.name: type differs (expected text, actual character varying(40))"},
            {"column dropped", "ALTER TABLE alerts DROP COLUMN note CASCADE",
             "missing: column alerts.note: no such column"},
            {"nullability", "ALTER TABLE alerts ALTER COLUMN enabled DROP NOT NULL",
             "different: column alerts.enabled: nullability differs (expected NOT NULL, actual NULL)"},
            {"literal default", "ALTER TABLE alerts ALTER COLUMN cooldown SET DEFAULT '20 minutes'",
             "different: column alerts.cooldown: default differs (expected '15 minutes', actual 'PT20M'::interval)"},
            {"expression default", "ALTER TABLE alerts ALTER COLUMN created_at SET DEFAULT clock_timestamp()",
             "different: column alerts.created_at: default differs (expected now(), actual clock_timestamp())"},
            {"default dropped", "ALTER TABLE alerts ALTER COLUMN tags DROP DEFAULT",
             "different: column alerts.tags: default differs (expected '{}', actual (none))"},
            {"check dropped", "ALTER TABLE alerts DROP CONSTRAINT alerts_note_short",
             "missing: check constraint alerts_note_short on alerts: no such constraint"},
            {"check redefined",
             "ALTER TABLE alerts DROP CONSTRAINT alerts_threshold_sane, ADD CONSTRAINT alerts_threshold_sane CHECK "
             "(threshold BETWEEN -1000 AND 2000)",
             "different: check constraint alerts_threshold_sane on alerts: definition differs"},
            {"unique dropped", "ALTER TABLE sites DROP CONSTRAINT sites_name_key",
             "missing: unique constraint sites_name_key on sites"},
            {"foreign key action",
             "ALTER TABLE alerts DROP CONSTRAINT alerts_site_id_fkey, ADD CONSTRAINT "
             "alerts_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites (id)",
             "different: foreign key alerts_site_id_fkey on alerts: definition differs"},
            {"index dropped", "DROP INDEX idx_alerts_lower_note",
             "missing: index idx_alerts_lower_note: no such index"},
            {"index predicate",
             "DROP INDEX idx_alerts_site; CREATE INDEX idx_alerts_site ON alerts (site_id, created_at DESC) INCLUDE "
             "(severity)",
             "different: index idx_alerts_site: definition differs"},
            {"view dropped", "DROP VIEW active_alerts", "missing: view active_alerts: no such view"},
            {"view column retyped",
             "DROP VIEW alert_summary; CREATE VIEW alert_summary AS SELECT site_id, count(*)::int AS alerts, "
             "max(threshold) AS worst FROM alerts GROUP BY site_id",
             "different: column alert_summary.alerts: the view yields another type than declared (expected bigint, "
             "actual integer)"},
            {"view column gone",
             "DROP VIEW alert_summary; CREATE VIEW alert_summary AS SELECT site_id, count(*) AS alerts FROM alerts "
             "GROUP BY site_id",
             "missing: column alert_summary.worst: the view does not yield this declared column"},
            {"view column added",
             "CREATE OR REPLACE VIEW alert_summary AS SELECT site_id, count(*) AS alerts, max(threshold) AS worst, "
             "min(threshold) AS best FROM alerts GROUP BY site_id",
             "unexpected: column alert_summary.best: not declared in the view's columns"},
            {"extra table", "CREATE TABLE scratch (id int)", "unexpected: table scratch: not in the schema", 1},
            {"function body",
             "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END;'",
             "different: function touch(): body differs", 1},
            {"function volatility", "ALTER FUNCTION severity_rank(severity, integer) STABLE",
             "different: function severity_rank(s severity, bias integer): volatility differs (expected immutable, "
             "actual stable)",
             1},
            {"function setting", "ALTER FUNCTION severity_rank(severity, integer) RESET ALL",
             "different: function severity_rank(s severity, bias integer): settings differs", 1},
            {"function default",
             "DROP FUNCTION severity_rank(severity, integer); CREATE FUNCTION severity_rank(s severity, "
             "bias integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS "
             "'SELECT array_position(enum_range(NULL::severity), s) + bias'; COMMENT ON FUNCTION "
             "severity_rank(severity, integer) IS 'Orders severities'",
             "different: function severity_rank(s severity, bias integer): arguments differs", 1},
            {"procedure dropped", "DROP PROCEDURE purge(integer, jsonb)",
             "missing: procedure purge(IN job_id integer, IN config jsonb): no such procedure", 1},
            {"extra function", "CREATE FUNCTION helper(x int) RETURNS int LANGUAGE sql AS 'SELECT x'",
             "unexpected: function helper(x integer): not in the schema", 1},
            {"trigger dropped", "DROP TRIGGER alerts_touch ON alerts",
             "missing: trigger alerts_touch on alerts: no such trigger", 1},
            {"trigger condition",
             "DROP TRIGGER alerts_touch ON alerts; CREATE TRIGGER alerts_touch BEFORE UPDATE OF note ON alerts FOR "
             "EACH ROW WHEN (NEW.note <> 'y') EXECUTE FUNCTION touch()",
             "different: trigger alerts_touch on alerts: definition differs", 1},
            {"raw sql object dropped", "DROP SEQUENCE alert_no",
             "missing: sequence alert_no: no such sequence (declared by the schema's raw SQL)", 1},
            {"extra trigger", "CREATE TRIGGER sites_touch BEFORE INSERT ON sites FOR EACH ROW EXECUTE FUNCTION touch()",
             "unexpected: trigger sites_touch on sites: not in the schema", 1},
            {"extra column", "ALTER TABLE sites ADD COLUMN legacy_code text", "unexpected: column sites.legacy_code"},
            {"extra index", "CREATE INDEX idx_sites_tz ON sites (timezone)",
             "unexpected: index idx_sites_tz: on sites"},
            {"extra enum", "CREATE TYPE mood AS ENUM ('ok')", "unexpected: enum mood"},
        });
}

// Domains, sequences, serial, identity and generated columns, persistence,
// storage parameters, collations and grants.
constexpr const char* kDeclaredSchema = R"yaml(
roles: [hs_verify_reader]
domains:
  percentage: {type: "numeric(5,2)", check: VALUE >= 0 AND VALUE <= 100}
  meter_id: {type: text, not_null: true}
sequences:
  report_no: {type: integer, start: 1000, cache: 10, grants: {hs_verify_reader: [usage]}}
tables:
  tickets:
    grants: {hs_verify_reader: [select]}
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      batch: serial
      meter: meter_id
      load: percentage?
      price_cents: integer
      price: {type: "numeric(12,2)", generated: price_cents / 100.0}
  staging:
    unlogged: true
    storage: {fillfactor: 70}
    columns:
      code: {type: text, collate: C}
)yaml";

TEST_CASE("verify: domains, sequences, identity, generated columns, storage, collations and grants as declared",
          "[pg][verify]") {
    CompileResult compiled = compile_texts({{"schema.yaml", kDeclaredSchema}}, "declared");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    // Grants are to existing roles: the cluster must have it first.
    const std::string setup = PgCluster::shared().create_database("verify_declared_roles");
    run_sql(setup,
            "DO $$ BEGIN CREATE ROLE hs_verify_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_declared"), emit::expected_schema_of(compiled.schema, 1)};
    };
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        CHECK(report.ok());
    }
    check_injections(make, {
                               {"domain check dropped", "ALTER DOMAIN percentage DROP CONSTRAINT percentage_check",
                                "missing: domain percentage: check percentage_check missing", 1},
                               {"domain nullability", "ALTER DOMAIN meter_id DROP NOT NULL",
                                "different: domain meter_id: nullability differs (expected NOT NULL, actual NULL)", 1},
                               {"extra domain", "CREATE DOMAIN stray_d AS integer", "unexpected: domain stray_d", 1},
                               {"sequence cache", "ALTER SEQUENCE report_no CACHE 5",
                                "different: sequence report_no: cache differs (expected 10, actual 5)", 1},
                               {"extra sequence", "CREATE SEQUENCE stray", "unexpected: sequence stray", 1},
                               {"identity kind", "ALTER TABLE tickets ALTER COLUMN id SET GENERATED BY DEFAULT",
                                "different: column tickets.id: identity differs", 1},
                               {"generation dropped", "ALTER TABLE tickets ALTER COLUMN price DROP EXPRESSION",
                                "different: column tickets.price: generation expression differs", 1},
                               {"serial default", "ALTER TABLE tickets ALTER COLUMN batch DROP DEFAULT",
                                "different: column tickets.batch: default differs", 1},
                               {"persistence", "ALTER TABLE staging SET LOGGED",
                                "different: table staging: persistence differs (expected UNLOGGED, actual logged)", 1},
                               {"storage", "ALTER TABLE staging SET (fillfactor = 50)",
                                "different: table staging: storage parameters differ", 1},
                               {"collation", "ALTER TABLE staging ALTER COLUMN code TYPE text COLLATE \"POSIX\"",
                                "different: column staging.code: collation differs (expected C, actual POSIX)", 1},
                               {"grant revoked", "REVOKE SELECT ON tickets FROM hs_verify_reader",
                                "missing: table tickets: grant SELECT to hs_verify_reader missing", 1},
                               {"grant added", "GRANT DELETE ON tickets TO hs_verify_reader",
                                "unexpected: table tickets: grant DELETE to hs_verify_reader not in the schema", 1},
                               {"sequence grant revoked", "REVOKE USAGE ON SEQUENCE report_no FROM hs_verify_reader",
                                "missing: sequence report_no: grant USAGE to hs_verify_reader missing", 1},
                           });
    PgCluster::shared().drop_database(setup);
}

TEST_CASE("verify: the expected schema writes interval literals as the server prints them in iso_8601",
          "[pg][verify]") {
    auto conn = hyperschema::connect(PgCluster::shared().dsn("postgres"));
    pqxx::nontransaction n(conn);
    n.exec("SET intervalstyle = iso_8601");
    int compared = 0;
    for (const char* text : {"1 day", "2 hours", "90 minutes", "1 year 2 months 3 days", "1.5 seconds", "-3 hours",
                             "1 week", "36 hours", "0 seconds", "250 milliseconds", "1 hour 30 minutes 15 seconds",
                             "14 months", "-1 month -2 days", "1 day 0.000001 seconds", "7 days 23 hours 59 minutes"}) {
        std::string error;
        const auto value = Interval::parse(text, &error);
        if (!value) continue;  // the expected schema leaves a literal it does not read as written
        ++compared;
        INFO(text);
        CHECK(value->iso_8601() == n.exec("SELECT " + n.quote(text) + "::interval::text")[0][0].as<std::string>());
    }
    CHECK(compared >= 10);
}

TEST_CASE("verify: interval literals in defaults, checks and index predicates are not drift", "[pg][verify]") {
    CompileResult compiled = compile_texts({{"schema.yaml", R"yaml(
tables:
  jobs:
    columns:
      id: bigint
      due: {type: timestamptz, default_sql: "now() + interval '1 day'"}
      started: timestamptz
      finished: timestamptz?
      grace: {type: interval, default: 1 hour}
    primary_key: [id]
    checks:
      jobs_quick: finished < started + interval '2 hours'
      jobs_grace: "grace <= '1 day 6 hours'::interval"
    indexes:
      jobs_long_grace: {columns: [started], where: "grace > INTERVAL '90 minutes'"}
)yaml"}},
                                           "intervals");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_intervals"), emit::expected_schema_of(compiled.schema, 1)};
    };
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        CHECK(report.ok());
    }
    check_injections(
        make,
        {
            {"another interval in a check",
             "ALTER TABLE jobs DROP CONSTRAINT jobs_quick, ADD CONSTRAINT jobs_quick CHECK (finished < "
             "started + interval '3 hours')",
             "different: check constraint jobs_quick on jobs: definition differs (expected CHECK "
             "(finished < started + 'PT2H'::interval)"},
            {"another interval in a default", "ALTER TABLE jobs ALTER COLUMN due SET DEFAULT now() + interval '2 days'",
             "different: column jobs.due: default differs (expected now() + 'P1D'::interval"},
        });
}

TEST_CASE("verify: ignore patterns leave out unexpected objects, never missing ones", "[pg][verify]") {
    CompileResult compiled = compile_texts({{"schema.yaml", kPlainSchema}}, "plain");
    REQUIRE(compiled.ok());
    const std::string db = applied(compiled.schema, "verify_ignore");
    const ExpectedSchema expected = emit::expected_schema_of(compiled.schema, 1);
    run_sql(db,
            "CREATE TABLE scratch_1 (id int); CREATE TABLE scratch_2 (id int); ALTER TABLE sites ADD COLUMN tmp_x int;"
            "DROP VIEW active_alerts");
    VerifyOptions options;
    options.ignore = {"scratch_*", "sites.tmp_?", "active_alerts"};
    VerifyReport report = verify_db(db, expected, options);
    INFO(report.text());
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].kind == DriftKind::Missing);
    CHECK(report.problems[0].object == "view active_alerts");
    options.ignore = {"scratch_1"};
    report = verify_db(db, expected, options);
    CHECK(mentions(report, "unexpected: table scratch_2"));
    CHECK_FALSE(mentions(report, "scratch_1"));
    CHECK(mentions(report, "unexpected: column sites.tmp_x"));
}

TEST_CASE("verify: a TimescaleDB schema refuses a server without TimescaleDB", "[pg][verify]") {
    CompileResult compiled = compile_directory(source_path("schemas/heatpump"));
    REQUIRE(compiled.ok());
    const std::string db = PgCluster::shared().create_database("verify_no_tsdb");
    VerifyReport report = verify_db(db, emit::expected_schema_of(compiled.schema, 3));
    INFO(report.text());
    CHECK(
        mentions(report, "incompatible: extension timescaledb: the schema needs TimescaleDB, which is not installed"));
    CHECK(mentions(report, "missing: table readings: no such table"));
}

TEST_CASE("verify: every seed schema, migrated, has no drift", "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    for (const auto& name : subdirectories(source_path("schemas"))) {
        INFO("schema " << name);
        Fixture f = migrated(name);
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        CHECK(report.ok());
        CHECK(report.database_version == f.expected.version);
        CHECK(report.timescaledb_version != "");
        VerifyOptions whole;
        whole.definitions = true;
        VerifyReport deep = verify_db(f.db, f.expected, whole);
        INFO(deep.text());
        CHECK(deep.ok());
    }
}

TEST_CASE("verify: hand-made TimescaleDB changes are reported", "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto job = [](const char* relation, const char* proc) {
        return std::string("(SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = '") + relation +
               "' AND proc_name = '" + proc + "')";
    };
    const std::string refresh_hourly = job("energy_hourly", "policy_refresh_continuous_aggregate");
    const std::string retention = job("readings", "policy_retention");
    const std::string alter_schedule =
        "SELECT alter_job(" + refresh_hourly + ", schedule_interval => INTERVAL '1 hour')";
    const std::string pause = "SELECT alter_job(" + retention + ", scheduled => false)";
    check_injections(
        [] { return migrated("heatpump"); },
        {
            {"column dropped", "ALTER TABLE readings DROP COLUMN flow_temp_c",
             "missing: column readings.flow_temp_c: no such column"},
            {"column retyped", "ALTER TABLE readings ALTER COLUMN return_temp_c TYPE double precision",
             "different: column readings.return_temp_c: type differs (expected real, actual double precision)"},
            {"index dropped", "DROP INDEX idx_readings_device_time",
             "missing: index idx_readings_device_time: no such index"},
            {"chunk interval", "SELECT set_chunk_time_interval('readings', INTERVAL '2 days')",
             "different: hypertable readings: chunk interval differs (expected 1 day, actual 2 days)"},
            {"dimension added", "SELECT add_dimension('readings', by_hash('device_id', 2))",
             "different: hypertable readings: dimensions differ (expected (none), actual device_id in 2 partitions)"},
            {"retention removed", "SELECT remove_retention_policy('readings')",
             "missing: retention policy on readings: no such job"},
            {"retention altered",
             "SELECT remove_retention_policy('readings'); SELECT add_retention_policy('readings', "
             "INTERVAL '1 year')",
             "different: retention policy on readings: drop_after differs (expected 2 years, actual 1 year)"},
            {"compression policy altered",
             "SELECT remove_compression_policy('readings'); SELECT add_compression_policy('readings', "
             "INTERVAL '3 days')",
             "different: compression policy on readings: compress_after differs (expected 7 days, actual 3 days)"},
            {"compression order changed", "ALTER TABLE readings SET (timescaledb.compress_orderby = 'time ASC')",
             "different: compression of readings: order_by differs (expected time DESC, actual time)"},
            {"refresh policy removed", "SELECT remove_continuous_aggregate_policy('energy_daily')",
             "missing: refresh policy on energy_daily: no such job"},
            {"refresh schedule altered", alter_schedule.c_str(),
             "different: refresh policy on energy_hourly: schedule_interval differs (expected 00:05:00, "
             "actual 01:00:00)"},
            {"refresh window altered",
             "SELECT remove_continuous_aggregate_policy('energy_hourly'); SELECT "
             "add_continuous_aggregate_policy('energy_hourly', INTERVAL '1 day', NULL, INTERVAL '5 minutes')",
             "different: refresh policy on energy_hourly: end_offset differs (expected 00:05:00, actual NULL)"},
            {"policy paused", pause.c_str(),
             "different: retention policy on readings: the job is paused (scheduled = false)"},
            {"aggregate made real-time",
             "ALTER MATERIALIZED VIEW energy_daily SET (timescaledb.materialized_only = false)",
             "different: continuous aggregate energy_daily: materialized_only differs (expected true, actual false)"},
            {"aggregate dropped", "DROP MATERIALIZED VIEW energy_daily",
             "missing: continuous aggregate energy_daily: no such continuous aggregate"},
            {"extra table", "CREATE TABLE scratch (id int)", "unexpected: table scratch: not in the schema", 1},
            // Once, as an aggregate: its view is not a second finding.
            {"extra aggregate",
             "CREATE MATERIALIZED VIEW by_week WITH (timescaledb.continuous) AS SELECT time_bucket('7 days', time) "
             "AS week, count(*) FROM readings GROUP BY 1 WITH NO DATA",
             "unexpected: continuous aggregate by_week: not in the schema", 1},
            {"aggregate replaced by a view",
             "DROP MATERIALIZED VIEW energy_daily; CREATE VIEW energy_daily AS SELECT 1 AS one",
             "missing: continuous aggregate energy_daily: exists, but not as a continuous aggregate"},
            {"extra hypertable policy",
             "CREATE TABLE side (t timestamptz NOT NULL); SELECT create_hypertable('side', 't'); SELECT "
             "add_retention_policy('side', INTERVAL '1 day')",
             "unexpected: retention policy side"},
        });
}

TEST_CASE("verify: a TimescaleDB job whose last run failed is reported with its error", "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Fixture f = migrated("heatpump");
    // The tests' cluster runs no scheduler (see pg_cluster.cpp), so the failed
    // run is recorded the way TimescaleDB's scheduler records one: its job
    // statistics row and a history entry with the error.
    run_sql(f.db,
            "WITH j AS (SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'energy_hourly' AND "
            "proc_name = 'policy_refresh_continuous_aggregate') "
            "INSERT INTO _timescaledb_internal.bgw_job_stat (job_id, last_start, last_finish, next_start, "
            "last_successful_finish, last_run_success, total_runs, total_duration, total_duration_failures, "
            "total_successes, total_failures, total_crashes, consecutive_failures, consecutive_crashes) "
            "SELECT job_id, now() - interval '1 minute', now(), now() + interval '5 minutes', '-infinity', false, 3, "
            "interval '3 seconds', interval '3 seconds', 0, 3, 0, 3, 0 FROM j;"
            "INSERT INTO _timescaledb_internal.bgw_job_stat_history (job_id, pid, execution_start, execution_finish, "
            "succeeded, data) SELECT job_id, 4242, now() - interval '1 minute', now(), false, "
            R"('{"error_data": {"sqlerrcode": "57014", "message": "canceling statement due to statement timeout"}}')"
            " FROM timescaledb_information.jobs WHERE hypertable_name = 'energy_hourly' AND proc_name = "
            "'policy_refresh_continuous_aggregate'");
    VerifyReport report = verify_db(f.db, f.expected);
    INFO(report.text());
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].kind == DriftKind::Unhealthy);
    CHECK(mentions(report, "unhealthy: refresh policy on energy_hourly: job "));
    CHECK(mentions(report,
                   "'s last run failed (3 failed runs in all): 57014: canceling statement due to statement timeout"));
    VerifyOptions no_health;
    no_health.job_health = false;
    CHECK(verify_db(f.db, f.expected, no_health).ok());
}

TEST_CASE("verify: a job failing with a known server fault says what causes it and what to do",
          "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Fixture f = migrated("heatpump");
    // The error every scheduled job gives on PostgreSQL 15.20 with TimescaleDB
    // 2.28.3, recorded as the scheduler records a failed run (see above).
    run_sql(
        f.db,
        "WITH j AS (SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'energy_hourly' AND "
        "proc_name = 'policy_refresh_continuous_aggregate') "
        "INSERT INTO _timescaledb_internal.bgw_job_stat (job_id, last_start, last_finish, next_start, "
        "last_successful_finish, last_run_success, total_runs, total_duration, total_duration_failures, "
        "total_successes, total_failures, total_crashes, consecutive_failures, consecutive_crashes) "
        "SELECT job_id, now() - interval '1 minute', now(), now() + interval '5 minutes', '-infinity', false, 1, "
        "interval '1 second', interval '1 second', 0, 1, 0, 1, 0 FROM j;"
        "INSERT INTO _timescaledb_internal.bgw_job_stat_history (job_id, pid, execution_start, execution_finish, "
        "succeeded, data) SELECT job_id, 4242, now() - interval '1 minute', now(), false, "
        R"('{"error_data": {"sqlerrcode": "24000", "message": "cannot drop portal \"\" while it is being set up"}}')"
        " FROM timescaledb_information.jobs WHERE hypertable_name = 'energy_hourly' AND proc_name = "
        "'policy_refresh_continuous_aggregate'");
    VerifyReport report = verify_db(f.db, f.expected);
    INFO(report.text());
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].kind == DriftKind::Unhealthy);
    CHECK(mentions(report, "a known fault, seen with PostgreSQL 15.20 (Debian 12's) with TimescaleDB 2.28.3"));
    pqxx::connection conn(PgCluster::shared().dsn(f.db));
    pqxx::nontransaction tx(conn);
    const int id = tx.exec(
                         "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'energy_hourly' "
                         "AND proc_name = 'policy_refresh_continuous_aggregate'")[0][0]
                       .as<int>();
    CHECK(mentions(report,
                   "workaround: run the job in the foreground instead (`CALL run_job(" + std::to_string(id) + ")`"));
    CHECK(hyperschema::known_server_fault("canceling statement due to statement timeout") == nullptr);
}

TEST_CASE("verify: versions: too old a TimescaleDB, and a database behind the application", "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Fixture f = migrated("heatpump");
    ExpectedSchema future = f.expected;
    future.min_timescaledb = "99.1";
    VerifyReport report = verify_db(f.db, future);
    INFO(report.text());
    CHECK(mentions(report,
                   "incompatible: extension timescaledb: the schema needs a newer TimescaleDB than the server has"));
    CHECK(mentions(report, "(expected >= 99.1, actual " + report.timescaledb_version + ")"));

    auto conn = hyperschema::connect(PgCluster::shared().dsn(f.db));
    auto migrations = load_migrations(source_path("generated/heatpump/migrations"));
    migrate_down(conn, migrations, static_cast<int>(migrations.size()) - 1);
    report = verify(conn, f.expected);
    INFO(report.text());
    CHECK(mentions(report,
                   "different: schema version: the database's migration history is at another version (expected " +
                       std::to_string(migrations.size()) + ", actual " + std::to_string(migrations.size() - 1) + ")"));
}

TEST_CASE("verify: the CLI exits 0 without drift, 1 with it, 2 when it cannot connect, JSON on request",
          "[timescaledb][verify][cli]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    Fixture f = migrated("heatpump");
    auto& pg = PgCluster::shared();
    const std::string cli = HYPERSCHEMA_CLI;
    const std::vector<std::string> base = {
        cli, "verify", source_path("schemas/heatpump"), "--out", source_path("generated"), "--db", pg.dsn(f.db)};
    std::string out;
    CHECK(run_command(base, &out) == 0);
    CHECK(out.find("no drift") != std::string::npos);
    run_sql(f.db, "CREATE TABLE scratch (id int); DROP INDEX idx_readings_device_time");
    CHECK(run_command(base, &out) == 1);
    CHECK(out.find("missing: index idx_readings_device_time") != std::string::npos);
    auto json = base;
    json.insert(json.end(), {"--format", "json", "--ignore", "scratch"});
    CHECK(run_command(json, &out) == 1);
    CHECK(out.find("\"ok\": false") != std::string::npos);
    CHECK(out.find("{\"kind\": \"missing\", \"object\": \"index idx_readings_device_time\"") != std::string::npos);
    CHECK(out.find("scratch") == std::string::npos);
    CHECK(
        run_command({cli, "verify", source_path("schemas/heatpump"), "--db", "host=127.0.0.1 port=1 connect_timeout=2"},
                    &out) == 2);
    CHECK(out.find("could not connect to the server") != std::string::npos);
    CHECK(out.find("port=1") == std::string::npos);  // the connection string is never printed
}

TEST_CASE("verify: policies' job settings and reorder policies, as declared, and drift in them",
          "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    const std::string golden = "policy_job_settings";
    CompileResult compiled = compile_texts(yaml_files(source_path("tests/golden/" + golden), golden), golden);
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_jobs"), emit::expected_schema_of(compiled.schema, 1)};
    };
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        CHECK(report.ok());
        // Each policy's job runs in the foreground (the scheduler is off in tests).
        auto conn = hyperschema::connect(PgCluster::shared().dsn(f.db));
        pqxx::nontransaction n(conn);
        n.exec(
            "INSERT INTO readings SELECT t, m, 1.5 FROM generate_series(now() - INTERVAL '20 days', now(), "
            "INTERVAL '1 hour') t, generate_series(1, 3) m");
        for (const auto& r : n.exec("SELECT job_id, proc_name FROM timescaledb_information.jobs WHERE job_id >= 1000 "
                                    "ORDER BY job_id")) {
            INFO("job " << r[0].as<int>() << " " << r[1].c_str());
            CHECK_NOTHROW(n.exec("CALL run_job(" + std::string(r[0].c_str()) + ")"));
        }
        CHECK(n.exec("SELECT count(*) FROM chunk_compression_stats('readings') WHERE compression_status = "
                     "'Compressed'")[0][0]
                  .as<int>() > 0);
        CHECK(n.exec("SELECT count(*) FROM readings_daily")[0][0].as<int>() > 0);
    }
    auto job = [](const char* relation, const char* proc) {
        return std::string("(SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = '") + relation +
               "' AND proc_name = '" + proc + "')";
    };
    const std::string compression = job("readings", "policy_compression");
    const std::string retention = job("readings", "policy_retention");
    const std::string reorder = job("readings", "policy_reorder");
    const std::string refresh = job("readings_daily", "policy_refresh_continuous_aggregate");
    const std::string retries = "SELECT alter_job(" + compression + ", max_retries => 1)";
    const std::string runtime = "SELECT alter_job(" + reorder + ", max_runtime => INTERVAL '1 hour')";
    const std::string period = "SELECT alter_job(" + compression + ", retry_period => INTERVAL '1 hour')";
    const std::string cleared_zone = "SELECT alter_job(" + retention + ", max_retries => 1)";  // 2.28 clears it
    const std::string drifting = "SELECT alter_job(" + refresh + ", fixed_schedule => false)";
    const std::string started = "SELECT alter_job(" + refresh + ", initial_start => '2024-06-01 00:00+00')";
    check_injections(make, {
                               {"max_retries altered", retries.c_str(),
                                "different: compression policy on readings: max_retries differs (expected 10, "
                                "actual 1)"},
                               {"max_runtime altered", runtime.c_str(),
                                "different: reorder policy on readings: max_runtime differs (expected 00:30:00, "
                                "actual 01:00:00)"},
                               {"retry_period altered", period.c_str(),
                                "different: compression policy on readings: retry_period differs (expected 00:15:00, "
                                "actual 01:00:00)"},
                               {"timezone lost to alter_job", cleared_zone.c_str(),
                                "different: retention policy on readings: timezone differs (expected Europe/Berlin, "
                                "actual none)"},
                               {"schedule no longer fixed", drifting.c_str(),
                                "different: refresh policy on readings_daily: fixed_schedule differs (expected true, "
                                "actual false)"},
                               {"initial_start moved", started.c_str(),
                                "different: refresh policy on readings_daily: initial_start differs"},
                               {"reorder removed", "SELECT remove_reorder_policy('readings')",
                                "missing: reorder policy on readings: no such job"},
                               {"reorder by another index",
                                "SELECT remove_reorder_policy('readings'); SELECT add_reorder_policy('readings', "
                                "'readings_time_idx')",
                                "different: reorder policy on readings: index_name differs (expected "
                                "idx_readings_meter_time, actual readings_time_idx)"},
                           });
}

namespace {

const char* kJobsSchema = R"yaml(
extensions: [timescaledb]
procedures:
  prune_sessions:
    args: [job_id: integer, config: jsonb]
    language: plpgsql
    body: |
      BEGIN
        DELETE FROM sessions WHERE ended < now() - (config->>'older_than')::interval;
      END
functions:
  check_prune:
    args: [config: jsonb]
    returns: void
    language: plpgsql
    body: BEGIN IF config->>'older_than' IS NULL THEN RAISE 'older_than is missing'; END IF; END
tables:
  sessions:
    columns: {id: bigint, ended: timestamptz}
jobs:
  prune:
    procedure: prune_sessions
    schedule: 1 hour
    config: {older_than: 30 days, ratio: 1.50, tags: [a, b], half: .5, plus: +7, padded: 007}
    check_config: check_prune
    max_runtime: 5 minutes
    initial_start: 2025-01-01 03:00:00+00
    timezone: Europe/Berlin
  report:
    procedure: prune_sessions
    schedule: 1 day
    config: {older_than: 400 days}
    scheduled: false
)yaml";

}  // namespace

TEST_CASE("verify: user-defined jobs as declared, drift in them, and run_job by name", "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    CompileResult compiled = compile_texts({{"schema.yaml", kJobsSchema}}, "jobs");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_jobs"), emit::expected_schema_of(compiled.schema, 1)};
    };
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        // jsonb prints the config its own way ({"tags": ["a", "b"], "ratio": 1.50, ...}): compared as values.
        CHECK(report.ok());
        CHECK(f.expected.min_timescaledb == "2.20");
        // Run in the foreground by name: the old session goes, the new one stays.
        run_sql(f.db, "INSERT INTO sessions VALUES (1, now() - interval '40 days'), (2, now())");
        auto conn = hyperschema::connect(PgCluster::shared().dsn(f.db));
        REQUIRE(hyperschema::job_id(conn, f.expected, "prune").has_value());
        CHECK_FALSE(hyperschema::job_id(conn, f.expected, "nightly").has_value());
        hyperschema::run_job(conn, f.expected, "prune");
        pqxx::work tx(conn);
        // YAML's numbers are JSON numbers in the config, however YAML spells them.
        CHECK(tx.exec("SELECT config->>'half' || ' ' || (config->>'plus') || ' ' || (config->>'padded') || ' ' || "
                      "jsonb_typeof(config->'half') FROM timescaledb_information.jobs WHERE application_name LIKE "
                      "'prune [%'")[0][0]
                  .as<std::string>() == "0.5 7 7 number");
        CHECK(tx.exec("SELECT array_agg(id)::text FROM sessions")[0][0].as<std::string>() == "{2}");
        tx.commit();
        CHECK_THROWS_AS(hyperschema::run_job(conn, f.expected, "nightly"), hyperschema::usage_error);
        PgCluster::shared().drop_database(f.db);
    }
    const std::string prune =
        "(SELECT job_id FROM timescaledb_information.jobs WHERE application_name LIKE 'prune [%')";
    const std::string report =
        "(SELECT job_id FROM timescaledb_information.jobs WHERE application_name LIKE 'report [%')";
    const std::string config = "SELECT alter_job(" + prune +
                               ", config => '{\"older_than\": \"30 days\", \"ratio\": 1.5, \"tags\": [\"b\", \"a\"]}', "
                               "timezone => 'Europe/Berlin')";
    const std::string schedule =
        "SELECT alter_job(" + prune + ", schedule_interval => INTERVAL '2 hours', timezone => 'Europe/Berlin')";
    const std::string resumed = "SELECT alter_job(" + report + ", scheduled => true)";
    const std::string zone = "SELECT alter_job(" + prune + ", max_runtime => INTERVAL '5 minutes')";
    const std::string deleted = "SELECT delete_job(" + prune + ")";
    check_injections(
        make,
        {
            {"job deleted", deleted.c_str(), "missing: job prune: no such job", 1},
            {"config changed", config.c_str(), "different: job prune: config differs", 1},
            {"schedule changed", schedule.c_str(),
             "different: job prune: schedule_interval differs (expected 01:00:00, actual 02:00:00)", 1},
            {"paused job resumed", resumed.c_str(), "different: job report: the job runs, the schema has it paused", 1},
            {"time zone cleared", zone.c_str(),
             "different: job prune: timezone differs (expected Europe/Berlin, actual none)", 1},
            {"extra job", "SELECT add_job('prune_sessions', '1 day', job_name => 'stray')", "unexpected: job stray", 1},
        });
}

namespace {

const char* kMaterializedSchema = R"yaml(
roles: [hs_verify_reader]
tables:
  devices:
    columns: {device_id: text, site: text}
    primary_key: [device_id]
views:
  devices_per_site:
    materialized: true
    sql: SELECT site, count(*) AS devices FROM devices GROUP BY site
    columns: {site: text, devices: bigint}
    indexes:
      devices_per_site_site: {columns: [site], unique: true, comment: Lets a refresh run concurrently}
    comment: Refreshed nightly
    grants: {hs_verify_reader: [select]}
  empty_until_refreshed:
    materialized: true
    with_data: false
    sql: SELECT count(*) AS devices FROM devices
)yaml";

}  // namespace

TEST_CASE("verify: materialized views with indexes as declared, drift in them, and a refresh by name", "[pg][verify]") {
    CompileResult compiled = compile_texts({{"schema.yaml", kMaterializedSchema}}, "materialized");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    const std::string setup = PgCluster::shared().create_database("verify_materialized_roles");
    run_sql(setup,
            "DO $$ BEGIN CREATE ROLE hs_verify_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_materialized"), emit::expected_schema_of(compiled.schema, 1)};
    };
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected);
        INFO(report.text());
        CHECK(report.ok());
        run_sql(f.db, "INSERT INTO devices VALUES ('a', 'north'), ('b', 'north'), ('c', 'south')");
        auto conn = hyperschema::connect(PgCluster::shared().dsn(f.db));
        hyperschema::refresh_materialized_view(conn, "devices_per_site", true);  // concurrently: the unique index
        hyperschema::refresh_materialized_view(conn, "public.empty_until_refreshed");
        {
            pqxx::work tx(conn);
            CHECK(tx.exec("SELECT devices FROM devices_per_site WHERE site = 'north'")[0][0].as<int>() == 2);
            CHECK(tx.exec("SELECT devices FROM empty_until_refreshed")[0][0].as<int>() == 3);
        }
        CHECK_THROWS_AS(hyperschema::refresh_materialized_view(conn, "no_such_view"), hyperschema::sql_error);
        CHECK_THROWS_AS(hyperschema::refresh_materialized_view(conn, "devices; DROP TABLE devices"),
                        hyperschema::sql_error);
        PgCluster::shared().drop_database(f.db);
    }
    check_injections(
        make,
        {
            {"index dropped", "DROP INDEX devices_per_site_site",
             "missing: index devices_per_site_site: no such index"},
            {"made a plain view",
             "DROP MATERIALIZED VIEW empty_until_refreshed; CREATE VIEW empty_until_refreshed AS SELECT "
             "count(*) AS devices FROM devices",
             "different: materialized view empty_until_refreshed: is not a materialized view", 1},
            {"extra index", "CREATE INDEX stray_idx ON devices_per_site (devices)", "unexpected: index stray_idx", 1},
            {"comment dropped", "COMMENT ON MATERIALIZED VIEW devices_per_site IS NULL",
             "different: comment on materialized view devices_per_site: comment differs", 1},
            {"grant revoked", "REVOKE SELECT ON devices_per_site FROM hs_verify_reader",
             "missing: materialized view devices_per_site: grant SELECT to hs_verify_reader missing", 1},
        });
    PgCluster::shared().drop_database(setup);
}

TEST_CASE("verify: an aggregate's bucket time zone and offset, as declared and when they differ",
          "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    CompileResult compiled = compile_texts({{"schema.yaml", R"yaml(
tables:
  readings:
    columns: {time: timestamptz, meter: integer, kwh: double precision}
    hypertable: {time_column: time}
aggregates:
  readings_local_day:
    from: readings
    bucket: 1 day
    timezone: Europe/Berlin
    group_by: [meter]
    columns: {kwh: sum(kwh)}
  readings_shifted_hour:
    from: readings
    bucket: 1 hour
    offset: 15 minutes
    columns: {kwh: sum(kwh)}
)yaml"}},
                                           "buckets");
    INFO(compiled.diags.format());
    REQUIRE(compiled.ok());
    const std::string db = applied(compiled.schema, "verify_buckets");
    ExpectedSchema expected = emit::expected_schema_of(compiled.schema, 0);
    VerifyReport clean = verify_db(db, expected);
    INFO(clean.text());
    CHECK(clean.ok());
    for (auto& a : expected.aggregates) {
        if (a.name == "readings_local_day") a.timezone = "UTC";
        if (a.name == "readings_shifted_hour") a.offset = IntervalSpec{0, 0, 30 * 60'000'000LL};
    }
    VerifyReport drift = verify_db(db, expected);
    INFO(drift.text());
    CHECK(mentions(drift, "continuous aggregate readings_local_day: bucket time zone differs"));
    CHECK(mentions(drift, "Europe/Berlin"));
    CHECK(mentions(drift, "continuous aggregate readings_shifted_hour: bucket offset differs"));
    CHECK(mentions(drift, "00:15:00"));
    PgCluster::shared().drop_database(db);
}

// The definition check builds each object again in a transaction it rolls
// back: nothing of it stays, whatever it finds.
void require_nothing_left(const std::string& db) {
    pqxx::connection conn(PgCluster::shared().dsn(db));
    pqxx::work tx(conn);
    CHECK(tx.exec("SELECT 1 FROM pg_class WHERE relname = 'hyperschema_verify_expected'").empty());
}

TEST_CASE("verify --definitions: a view's body changed by hand is reported by clause", "[pg][verify]") {
    CompileResult compiled = compile_texts({{"schema.yaml", kPlainSchema}}, "plain");
    REQUIRE(compiled.ok());
    auto make = [&] {
        return Fixture{applied(compiled.schema, "verify_views"), emit::expected_schema_of(compiled.schema, 1)};
    };
    VerifyOptions whole;
    whole.definitions = true;
    {
        Fixture f = make();
        VerifyReport report = verify_db(f.db, f.expected, whole);
        INFO(report.text());
        CHECK(report.ok());
        // The default check does not read bodies: a changed WHERE passes it.
        run_sql(f.db, "CREATE OR REPLACE VIEW active_alerts AS SELECT id, site_id FROM alerts WHERE NOT enabled");
        CHECK(verify_db(f.db, f.expected).ok());
        report = verify_db(f.db, f.expected, whole);
        INFO(report.text());
        CHECK(mentions(report,
                       "different: view active_alerts: definition differs in its WHERE (expected WHERE "
                       "alerts.enabled, actual WHERE (NOT alerts.enabled))"));
        CHECK(report.problems.size() == 1);
        require_nothing_left(f.db);
        PgCluster::shared().drop_database(f.db);
    }
    check_injections(make,
                     {
                         {"another aggregate in a view",
                          "CREATE OR REPLACE VIEW alert_summary AS SELECT site_id, count(*) AS alerts, "
                          "min(threshold) AS worst FROM alerts GROUP BY site_id",
                          "different: view alert_summary: definition differs in its SELECT list", 1},
                         {"a view grouped otherwise",
                          "CREATE OR REPLACE VIEW alert_summary AS SELECT site_id, count(*) AS alerts, "
                          "max(threshold) AS worst FROM alerts GROUP BY site_id, id",
                          "different: view alert_summary: definition differs in its GROUP BY", 1},
                     },
                     whole);
}

TEST_CASE("verify --definitions: an aggregate re-created by hand with another definition is reported by part",
          "[timescaledb][verify]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    // energy_daily as the migration creates it, with one part changed; its
    // policies, compression and comment go with the drop (reported too).
    auto daily = [](const std::string& bucket, const std::string& energy, const std::string& where) {
        return "CREATE MATERIALIZED VIEW energy_daily WITH (timescaledb.continuous) AS SELECT " + bucket +
               " AS bucket, device_id, " + energy + " AS energy_kwh, sum(samples) AS samples FROM energy_hourly " +
               where + " GROUP BY " + bucket + ", device_id WITH NO DATA";
    };
    const std::string origin = "time_bucket('1 day', bucket, origin => '2000-01-01 00:00:00+00')";
    const std::string drop = "DROP MATERIALIZED VIEW energy_daily; ";
    const std::string where = drop + daily(origin, "sum(energy_kwh)", "WHERE energy_kwh > 0");
    const std::string expression = drop + daily(origin, "max(energy_kwh)", "");
    // TimescaleDB keeps a hierarchy on one origin: both levels move.
    const std::string other_origin =
        "DROP MATERIALIZED VIEW energy_daily; DROP MATERIALIZED VIEW energy_hourly; CREATE MATERIALIZED VIEW "
        "energy_hourly WITH (timescaledb.continuous) AS SELECT time_bucket('1 hour', time, origin => '2000-01-03 "
        "00:00:00+00') AS bucket, device_id, last(energy_total_kwh, time) - first(energy_total_kwh, time) AS "
        "energy_kwh, last(energy_l1_kwh, time) - first(energy_l1_kwh, time) AS energy_l1_kwh, last(energy_l2_kwh, "
        "time) - first(energy_l2_kwh, time) AS energy_l2_kwh, last(energy_l3_kwh, time) - first(energy_l3_kwh, "
        "time) AS energy_l3_kwh, avg(power_w) AS avg_power_w, count(*) AS samples FROM readings GROUP BY 1, 2 WITH "
        "NO DATA; " +
        daily("time_bucket('1 day', bucket, origin => '2000-01-03 00:00:00+00')", "sum(energy_kwh)", "");
    VerifyOptions whole;
    whole.definitions = true;
    {
        Fixture f = migrated("heatpump");
        run_sql(f.db, where);
        const VerifyReport plain = verify_db(f.db, f.expected);
        CHECK_FALSE(mentions(plain, "definition differs"));  // the default check sees its columns only
        const VerifyReport deep = verify_db(f.db, f.expected, whole);
        INFO(deep.text());
        CHECK(mentions(deep,
                       "different: continuous aggregate energy_daily: definition differs in its WHERE "
                       "(expected no WHERE, actual WHERE (energy_hourly.energy_kwh > (0)::double precision))"));
        require_nothing_left(f.db);
        pqxx::connection conn(PgCluster::shared().dsn(f.db));
        pqxx::work tx(conn);
        CHECK(tx.exec("SELECT count(*) FROM timescaledb_information.continuous_aggregates")[0][0].as<int>() == 2);
    }
    check_injections([] { return migrated("heatpump"); },
                     {
                         {"another aggregate function", expression.c_str(),
                          "different: continuous aggregate energy_daily: definition differs in its SELECT list "
                          "(expected SELECT"},
                         {"another origin", other_origin.c_str(),
                          "different: continuous aggregate energy_hourly: definition differs in its SELECT list and "
                          "GROUP BY"},
                     },
                     whole);
}

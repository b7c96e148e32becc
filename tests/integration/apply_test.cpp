// The emitted SQL against a real PostgreSQL 15 (and TimescaleDB when it is
// installed): it applies with psql -v ON_ERROR_STOP=1, and the catalog then
// holds exactly what the schema says.

#include "support/catch.hpp"

#include <filesystem>
#include <pqxx/pqxx>

#include "hyperschema/connection.hpp"
#include "integration/catalog.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"
#include "unit/test_files.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::testing;

namespace {

std::string write_temp_sql(const std::string& name, const std::string& sql) {
    // World-readable: psql runs as root, but keep it simple for any user.
    std::string path =
        (fs::temp_directory_path() / ("hyperschema-" + name + "-" + std::to_string(::getpid()) + ".sql")).string();
    write_text(path, sql);
    return path;
}

struct Applied {
    std::string database;
    int status = 0;
    std::string output;
};

Applied apply_schema(const CompileResult& compiled, const std::string& name) {
    auto& pg = PgCluster::shared();
    Applied a;
    a.database = pg.create_database(name);
    std::string path = write_temp_sql(name, history::schema_sql(compiled.schema));
    a.status = pg.psql_file(a.database, path, &a.output);
    fs::remove(path);
    return a;
}

void require_matches_catalog(const CompileResult& compiled, const Applied& applied) {
    INFO(applied.output);
    REQUIRE(applied.status == 0);
    auto conn = hyperschema::connect(PgCluster::shared().dsn(applied.database));
    CHECK(drift_of(conn, compiled.schema) == "");
}

}  // namespace

TEST_CASE("plain PostgreSQL: tables, keys, enums, indexes and views apply and match the catalog", "[pg]") {
    for (const std::string& name : std::vector<std::string>{"keywords_and_quoting", "namespace_and_enums",
                                                            "foreign_key_cycle", "long_derived_names"}) {
        INFO("golden case " << name);
        CompileResult r = compile_texts(yaml_files(source_path("tests/golden/" + name), name), name);
        REQUIRE(r.ok());
        require_matches_catalog(r, apply_schema(r, name));
    }
}

TEST_CASE("a failing statement leaves nothing behind", "[pg]") {
    CompileResult r = compile_texts({{"s.yaml",
                                      "tables:\n  t:\n    columns: {id: bigint}\n"
                                      "views:\n  v: SELECT id, no_such_column FROM t\n"}},
                                    "broken");
    REQUIRE(r.ok());  // the compiler does not parse view bodies, PostgreSQL does
    Applied a = apply_schema(r, "broken");
    CHECK(a.status != 0);
    CHECK(a.output.find("no_such_column") != std::string::npos);
    auto conn = hyperschema::connect(PgCluster::shared().dsn(a.database));
    pqxx::work tx(conn);
    CHECK(tx.exec("SELECT count(*) FROM pg_class WHERE relname = 't'")[0][0].as<int>() == 0);
}

TEST_CASE("every schema in schemas/ applies to TimescaleDB and matches the catalog", "[timescaledb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto schemas = subdirectories(source_path("schemas"));
    REQUIRE(schemas.size() >= 4);
    for (const auto& name : schemas) {
        INFO("schema " << name);
        CompileResult r = compile_directory(source_path("schemas/" + name));
        INFO(r.diags.format());
        REQUIRE(r.ok());
        require_matches_catalog(r, apply_schema(r, name));
    }
}

TEST_CASE("TimescaleDB golden cases apply and match the catalog", "[timescaledb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    for (const std::string& name :
         std::vector<std::string>{"space_partitioned_hypertable", "hierarchical_aggregates_with_data",
                                  "origin_types_and_view_comments", "policy_job_settings"}) {
        INFO("golden case " << name);
        CompileResult r = compile_texts(yaml_files(source_path("tests/golden/" + name), name), name);
        REQUIRE(r.ok());
        require_matches_catalog(r, apply_schema(r, name));
    }
}

// The compiler's rules mirror TimescaleDB's: each seed mistake the compiler
// rejects is also rejected by the database, with the message we quote.
TEST_CASE("the seed mistakes the compiler rejects are rejected by the database too", "[timescaledb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    struct Case {
        std::string name;
        std::string sql;
        std::string error;
    };
    const std::vector<Case> cases{
        {"seed_gridpulse_refresh_window_too_small",
         "CREATE EXTENSION IF NOT EXISTS timescaledb;\n"
         "CREATE TABLE observations (series_id uuid, ts timestamptz NOT NULL, value numeric(12,3), PRIMARY KEY "
         "(series_id, ts));\n"
         "SELECT create_hypertable('observations', 'ts', chunk_time_interval => INTERVAL '1 day');\n"
         "CREATE MATERIALIZED VIEW hourly_aggregates WITH (timescaledb.continuous) AS SELECT time_bucket('1 hour', ts) "
         "AS hour,"
         " series_id, avg(value) AS avg_value FROM observations GROUP BY hour, series_id WITH NO DATA;\n"
         "SELECT add_continuous_aggregate_policy('hourly_aggregates', start_offset => INTERVAL '2 hours',"
         " end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour');\n",
         "policy refresh window too small"},
        {"seed_aetherlens_gin_on_json",
         "CREATE TABLE devices (device_id varchar(100) PRIMARY KEY, location json NOT NULL DEFAULT '{}');\n"
         "CREATE INDEX idx_devices_location ON devices USING gin (location);\n",
         "data type json has no default operator class for access method \"gin\""},
        {"seed_aetherlens_now_partial_index",
         "CREATE EXTENSION IF NOT EXISTS timescaledb;\n"
         "CREATE TABLE metrics (time timestamptz NOT NULL, device_id varchar(100) NOT NULL);\n"
         "SELECT create_hypertable('metrics', 'time', chunk_time_interval => INTERVAL '7 days');\n"
         "CREATE INDEX idx_metrics_recent ON metrics (device_id, time DESC) WHERE time > NOW() - INTERVAL '7 days';\n",
         "functions in index predicate must be marked IMMUTABLE"},
    };
    for (const auto& c : cases) {
        INFO("case " << c.name);
        CompileResult compiled =
            compile_texts(yaml_files(source_path("tests/cases/invalid/" + c.name), c.name), c.name);
        CHECK(compiled.diags.has_errors());
        auto& pg = PgCluster::shared();
        std::string db = pg.create_database("seed");
        std::string path = write_temp_sql(c.name, c.sql);
        std::string output;
        CHECK(pg.psql_file(db, path, &output) != 0);
        CHECK(output.find(c.error) != std::string::npos);
        fs::remove(path);
    }
}
